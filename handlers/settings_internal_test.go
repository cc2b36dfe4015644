package handlers

import (
	"testing"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

func TestImageSourceURLStaysUnderTheTemplate(t *testing.T) {
	const tpl = "https://static.example.com/img/{path}"
	for path, want := range map[string]string{
		"paas/5001/logo.png":     "https://static.example.com/img/paas/5001/logo.png",
		"/paas/5001/a b?.png":    "https://static.example.com/img/paas/5001/a%20b%3F.png",
		"paas/../../etc/passwd":  "",
		"https://evil.example/x": "",
		"paas//logo.png":         "",
		"":                       "",
		`paas\..\secret`:         "",
		"paas/5001/./logo.png":   "",
	} {
		if got := imageSourceURL(tpl, path); got != want {
			t.Errorf("%q: %q, want %q", path, got, want)
		}
	}
}

func TestSniffImage(t *testing.T) {
	for data, want := range map[string]string{
		"\x89PNG\r\n\x1a\nrest":        "png",
		"\xff\xd8\xff\xe0JFIF":         "jpg",
		"GIF89a...":                    "gif",
		"RIFF\x00\x00\x00\x00WEBPVP8 ": "webp",
		"\x00\x00\x01\x00\x01\x00":     "ico",
		"<svg/>":                       "",
		"":                             "",
	} {
		if got := sniffImage([]byte(data)); got != want {
			t.Errorf("%q: %q, want %q", data, got, want)
		}
	}
}

func TestSettingsFieldOf(t *testing.T) {
	for _, tc := range []struct{ group, param, want string }{
		{groupMaps, "maps[3]", "maps"},
		{groupMaps, "default_map.location", "default_map.location.lat"},
		{groupMaps, "default_map.type", "default_map.type"},
		{groupService, "currency", "currency"},
		{groupService, "service_title", ""},
		{groupUserDefaults, "default_user_settings.hour_mode", "default_user_settings.hour_mode"},
		{groupNotification, "caller_id", "caller_id"},
	} {
		if got := settingsFieldOf(tc.group)(tc.param); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.group, tc.param, got, tc.want)
		}
	}
}

// The editor's rows make items: consecutive rows of one place with one
// item title share the item; group numbers keep their order whatever row
// comes first; a gap in the numbers is closed.
func TestMenuPresetFromEditor(t *testing.T) {
	l := i18n.For(i18n.EN)
	items := []panelclient.MenuItemDestination{{Title: "common.menu.tasks", Destination: "tasks"}, {Title: "common.menu.forms", Destination: "forms"},
		{Title: "common.menu.tracking", Destination: "tracking"}, {Title: "common.menu.chat", Destination: "chat"}}
	e := templates.MenuEditor{Title: "T", GroupTitles: []string{"One", "", "Three"}, Rows: []templates.MenuEditorRow{
		{Place: "3", Destination: "tracking"},
		{Place: "1", Item: "Work", Destination: "tasks"},
		{Place: "1"}, // empty: skipped, the item goes on
		{Place: "1", Item: "Work", Destination: "forms", Tab: "Paper"},
		{Place: "footer", Destination: "chat"},
		{Place: "1", Item: "Work", Destination: "tasks"}, // after another place: a new item
	}}
	p, errs, refs := menuPresetFromEditor(l, e, items)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(p.Main) != 2 || p.Main[0].Title != "One" || p.Main[1].Title != "Three" {
		t.Fatalf("groups %+v", p.Main)
	}
	g := p.Main[0]
	if len(g.Items) != 2 || len(g.Items[0].Tabs) != 2 || g.Items[0].Tabs[0].Title != "common.menu.tasks" || g.Items[0].Tabs[1].Title != "Paper" {
		t.Errorf("group 1 %+v", g)
	}
	if p.Main[1].Items[0].Title != "common.menu.tracking" || len(p.Footer.Items) != 1 {
		t.Errorf("group 3 %+v, footer %+v", p.Main[1], p.Footer)
	}
	field := menuFieldOf(refs, e)
	for param, want := range map[string]string{
		"preset.main[1].items[0].tabs[0].destination": "row0.destination",
		"preset.main[0].items[0].tabs[1].title":       "row3.tab",
		"preset.main[0].items[1].title":               "row5.item",
		"preset.main[0].items[0].tabs":                "row1.destination",
		"preset.main[1].title":                        "group_title2",
		"preset.footer.items[0].tabs[0].destination":  "row4.destination",
		"preset.title":                                "title",
		"preset.main[7].items[0].title":               "",
		"something":                                   "",
	} {
		if got := field(param); got != want {
			t.Errorf("%s: %q, want %q", param, got, want)
		}
	}
	_, errs, _ = menuPresetFromEditor(l, templates.MenuEditor{Rows: []templates.MenuEditorRow{{Place: "9x", Destination: "tasks"}, {Place: "1", Destination: "nowhere"}}}, items)
	if errs["title"] == "" || errs["row0.place"] == "" || errs["row1.destination"] == "" {
		t.Errorf("errors %v", errs)
	}
}
