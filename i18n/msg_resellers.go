package i18n

// Resellers (/resellers).

var resellersEN = map[string]string{
	"resellers.title": "Resellers",
}

var resellersRU = map[string]string{
	"resellers.title": "Реселлеры",
}
