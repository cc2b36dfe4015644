package i18n

// Menu presets (/settings/menus).

var menusEN = map[string]string{
	"menus.title": "Menu presets",
}

var menusRU = map[string]string{
	"menus.title": "Шаблоны меню",
}
