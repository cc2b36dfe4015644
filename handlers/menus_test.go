package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// presetOf returns the dealer's preset with the given title.
func presetOf(t *testing.T, env *portaltest.Env, title string) panelsim.MenuPreset {
	t.Helper()
	for _, p := range env.Sim.Store().MenuPresets(env.Sim.Store().Dealer().ID) {
		if p.Title == title {
			return p
		}
	}
	t.Fatalf("no preset %q", title)
	return panelsim.MenuPreset{}
}

func presetUsers(env *portaltest.Env, id int) []int {
	var ids []int
	for _, u := range env.Sim.Store().Users(0, 10000) {
		if full, _ := env.Sim.Store().User(u.ID); full.MenuPresetID != nil && *full.MenuPresetID == id {
			ids = append(ids, u.ID)
		}
	}
	return ids
}

func TestMenusListAndPreset(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	p := b.Get("/settings/menus")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	rows := p.Doc.Find(`[data-testid="menu-row"]`)
	if rows.Length() != 2 {
		t.Fatalf("%d presets listed", rows.Length())
	}
	// The platform preset's title is a localisation key: shown in words.
	if got := p.Text(`[data-testid="menu-row"][data-id="1"] [data-testid="menu-title"]`); got != "Default menu" {
		t.Errorf("platform preset title %q", got)
	}
	hostile := p.Text(`[data-testid="menu-row"][data-id="2"] [data-testid="menu-title"]`)
	if !strings.Contains(hostile, "<script>") || p.Has(`[data-testid="menus-table"] script`) || p.Has(`[data-testid="menus-table"] b`) {
		t.Errorf("hostile preset title %q not shown as text", hostile)
	}
	if got := p.Text(`[data-testid="menu-row"][data-id="2"] [data-testid="menu-users"]`); got != "3" {
		t.Errorf("preset 2 assigned to %s users, the seed gives it 3", got)
	}
	if n := p.Doc.Find(`[data-testid="catalogue-item"]`).Length(); n < 20 {
		t.Errorf("catalogue of %d items", n)
	}
	if !p.Has(`[data-testid="menu-create"]`) {
		t.Error("admin cannot create a preset")
	}

	d := b.Get("/settings/menus/2")
	if d.Status != http.StatusOK || d.Doc.Find(`[data-testid="menu-user"]`).Length() != 3 || !d.Has(`[data-testid="menu-edit"]`) ||
		!d.Has(`[data-testid="menu-assign-form"]`) || !d.Has(`[data-testid="menu-delete-dialog"]`) {
		t.Errorf("preset 2 page: %d", d.Status)
	}
	if !strings.Contains(d.Text(`[data-testid="menu-layout"]`), "Мониторинг") {
		t.Error("the group title is not in the layout")
	}
	plat := b.Get("/settings/menus/1")
	if !plat.Has(`[data-testid="menu-platform"]`) || plat.Has(`[data-testid="menu-edit"]`) || plat.Has(`[data-testid="menu-delete"]`) ||
		!plat.Has(`[data-testid="menu-copy"]`) || !plat.Has(`[data-testid="menu-assign-form"]`) {
		t.Error("the platform preset offers changes, or no copy and assignment")
	}
	if b.Get("/settings/menus/999").Status != http.StatusNotFound || b.Get("/settings/menus/x").Status != http.StatusNotFound {
		t.Error("a missing preset is not 404")
	}
	env.Sim.ResetCalls()
	if p := b.Post("/settings/menus/1/edit", url.Values{"title": {"x"}}); p.Status != http.StatusForbidden || env.Sim.Attempts("user/menu/preset/update") != 0 {
		t.Errorf("editing the platform preset: %d", p.Status)
	}
	if p := b.Post("/settings/menus/1/delete", nil); p.Status != http.StatusForbidden || env.Sim.Attempts("user/menu/preset/delete") != 0 {
		t.Errorf("deleting the platform preset: %d", p.Status)
	}
}

func TestMenuPresetCreateEditAndErrors(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	p := b.Get("/settings/menus/new")
	if p.Status != http.StatusOK || p.Doc.Find(`[data-testid="menu-editor-row"]`).Length() < 4 {
		t.Fatalf("editor: %d", p.Status)
	}
	f := formValues(t, p, `[data-testid="menu-form"]`)
	// "More rows" only adds rows.
	f.Set("more", "1")
	more := b.Post("/settings/menus/new", f)
	if more.Status != http.StatusOK || more.Doc.Find(`[data-testid="menu-editor-row"]`).Length() != p.Doc.Find(`[data-testid="menu-editor-row"]`).Length()+4 ||
		env.Sim.Attempts("user/menu/preset/create") != 0 {
		t.Errorf("more rows: %d", more.Status)
	}
	f = formValues(t, more, `[data-testid="menu-form"]`)
	f.Set("title", "Field crew")
	f["group_title"][0] = "Work"
	rows := len(f["place"])
	set := func(name string, i int, v string) { f[name][i] = v }
	set("place", 0, "1")
	set("destination", 0, "tasks")
	set("item", 0, "Jobs")
	set("icon", 0, "work")
	set("place", 1, "1")
	set("destination", 1, "forms")
	set("item", 1, "Jobs")
	set("place", 2, "2")
	set("destination", 2, "tracking")
	set("place", 3, "footer")
	set("destination", 3, "feedback")
	set("tab", 3, "Support")
	if rows < 4 {
		t.Fatalf("%d rows", rows)
	}
	p = b.Post("/settings/menus/new", f)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("create: %d %s %s", p.Status, p.Text(`[data-testid="form-error"]`), p.Text(".field-error"))
	}
	got := presetOf(t, env, "Field crew")
	if len(got.Main) != 2 || got.Main[0].Title == nil || *got.Main[0].Title != "Work" || len(got.Main[0].Items) != 1 ||
		got.Main[0].Items[0].Title != "Jobs" || got.Main[0].Items[0].Icon != "work" || len(got.Main[0].Items[0].Tabs) != 2 ||
		got.Main[0].Items[0].Tabs[1].Destination != "forms" || got.Main[1].Title != nil ||
		got.Main[1].Items[0].Title != "common.menu.tracking" || len(got.Footer.Items) != 1 || got.Footer.Items[0].Tabs[0].Title != "Support" {
		t.Errorf("created preset %+v", got)
	}
	if !strings.HasPrefix(p.Location(), "/settings/menus/") {
		t.Errorf("redirect to %q", p.Location())
	}
	id := strconv.Itoa(got.ID)

	// Edit: the editor shows the preset as rows; a change saves.
	e := b.Get("/settings/menus/" + id + "/edit")
	f = formValues(t, e, `[data-testid="menu-form"]`)
	if f.Get("title") != "Field crew" || f["destination"][0] != "tasks" || f["destination"][1] != "forms" || f["place"][3] != "footer" {
		t.Fatalf("editor shows %v", f)
	}
	f.Set("title", "Field crew v2")
	f["destination"][1] = ""
	f["item"][1], f["tab"][1], f["icon"][1] = "", "", ""
	p = b.Post("/settings/menus/"+id+"/edit", f)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("update: %d %s", p.Status, p.Text(".field-error"))
	}
	if got := presetOf(t, env, "Field crew v2"); len(got.Main[0].Items[0].Tabs) != 1 {
		t.Errorf("updated preset %+v", got)
	}

	// The portal's checks: a title, a destination on every used row.
	env.Sim.ResetCalls()
	f.Set("title", "")
	f["destination"][0] = ""
	p = b.Post("/settings/menus/"+id+"/edit", f)
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-title"]`) || !p.Has(`[data-testid="error-row0.destination"]`) ||
		env.Sim.Attempts("user/menu/preset/update") != 0 {
		t.Errorf("checks: %d %q", p.Status, p.Text(".field-error"))
	}
	// Typed values come back.
	if p.Doc.Find(`[data-testid="row-0-item"]`).AttrOr("value", "") != "Jobs" {
		t.Error("the typed item title was lost")
	}
}

// The Panel's code 7 names paths inside the preset: each message lands on
// the editor row the path came from.
func TestMenuPresetPanelErrorsLandOnRows(t *testing.T) {
	env := overrideEnv(t, map[string]http.HandlerFunc{
		"user/menu/preset/create": panelAnswer(400, `{"success":false,"status":{"code":7,"description":"Invalid parameters"},"errors":[`+
			`{"parameter":"preset.main[1].items[0].tabs[0].destination","error":"Unknown destination"},`+
			`{"parameter":"preset.main[0].items[0].title","error":"Too long"},`+
			`{"parameter":"preset.main[0].title","error":"Blank"},`+
			`{"parameter":"preset.footer.items[0].tabs[0].title","error":"Bad tab"},`+
			`{"parameter":"preset.title","error":"Taken"}]}`),
	})
	b := admin(t, env)
	f := formValues(t, b.Get("/settings/menus/new"), `[data-testid="menu-form"]`)
	f.Set("title", "X")
	f["group_title"] = []string{"", "", ""}
	// Rows: group 2 first, then group 1, then the footer: paths follow the
	// preset's order, not the rows'.
	f["place"][0], f["destination"][0] = "2", "tracking"
	f["place"][1], f["destination"][1], f["item"][1] = "1", "tasks", "A"
	f["place"][2], f["destination"][2] = "footer", "chat"
	p := b.Post("/settings/menus/new", f)
	want := map[string]string{
		"error-row0.destination": "Unknown destination", "error-row1.item": "Too long",
		"error-group_title0": "Blank", "error-row2.tab": "Bad tab", "error-title": "Taken",
	}
	if p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", p.Status)
	}
	for id, msg := range want {
		if got := p.Text(`[data-testid="` + id + `"]`); got != msg {
			t.Errorf("%s: %q, want %q", id, got, msg)
		}
	}
}

func TestMenuPresetAssignAndDelete(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	b.Get("/settings/menus/1")
	// To users typed and picked.
	p := b.Post("/settings/menus/1/assign", url.Values{"target": {"users"}, "ids": {"3, 5\n#7"}, "user_id": {"9", "", "5"}})
	if p.Status != http.StatusSeeOther || p.Location() != "/settings/menus/1" {
		t.Fatalf("assign: %d %s", p.Status, p.Text(".field-error"))
	}
	if got := presetUsers(env, 1); !slices.Equal(got, []int{3, 5, 7, 9}) {
		t.Errorf("preset 1 users %v", got)
	}
	if !strings.Contains(b.Get("/settings/menus/1").Text(`[data-testid="flash"]`), "4 users") {
		t.Error("no confirmation")
	}
	// The picker searches user/list as one types.
	pick := b.Get("/trackers/user-picker?user_id=40", portaltest.HTMX...)
	if !pick.Has(`[data-testid="picker-option"][value="40"]`) {
		t.Error("the picker finds nothing by ID")
	}

	// Refusals: nothing named, not numbers, not the dealer's users (217).
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"target": {"users"}}, "at least one"},
		{url.Values{"target": {"users"}, "ids": {"3, x"}}, "whole numbers"},
		{url.Values{"target": {"users"}, "ids": {"3 987654"}}, "not the dealer's users"},
	} {
		p := b.Post("/settings/menus/1/assign", tc.form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="menu-assign-form"] [data-testid="error-ids"]`), tc.want) {
			t.Errorf("%v: %d %q", tc.form, p.Status, p.Text(`[data-testid="error-ids"]`))
		}
		if v := p.Doc.Find(`[data-testid="field-ids"]`).Text(); v != tc.form.Get("ids") {
			t.Errorf("typed IDs came back as %q", v)
		}
	}

	// As the default.
	if p := b.Post("/settings/menus/2/assign", url.Values{"target": {"default"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("default: %d", p.Status)
	}
	l := b.Get("/settings/menus")
	if !l.Has(`[data-testid="menu-row"][data-id="2"] [data-testid="menu-default"]`) || l.Has(`[data-testid="menu-row"][data-id="1"] [data-testid="menu-default"]`) {
		t.Error("preset 2 is not shown as the default")
	}
	if !b.Get("/settings").Has(`[data-testid="settings-default-preset"]`) {
		t.Error("the settings page does not name the default preset")
	}

	// To everyone: every user of the dealer.
	env.Sim.ResetCalls()
	if p := b.Post("/settings/menus/1/assign", url.Values{"target": {"all"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("all: %d", p.Status)
	}
	if got, all := len(presetUsers(env, 1)), env.Sim.Store().UserCount(); got != all {
		t.Errorf("assigned to %d of %d users", got, all)
	}
	if env.Sim.CallCount("user/menu/preset/assign") != 1 {
		t.Errorf("%d assign calls", env.Sim.CallCount("user/menu/preset/assign"))
	}

	// Delete: its users fall back to the default.
	d := b.Get("/settings/menus/2/delete")
	if d.Status != http.StatusOK || !d.Has(`[data-testid="menu-delete-form"]`) {
		t.Fatalf("delete page: %d", d.Status)
	}
	if p := b.Post("/settings/menus/2/delete", nil); p.Status != http.StatusSeeOther || p.Location() != "/settings/menus" {
		t.Fatalf("delete: %d", p.Status)
	}
	if b.Get("/settings/menus").Has(`[data-testid="menu-row"][data-id="2"]`) {
		t.Error("the deleted preset is still listed")
	}
	if p := b.Post("/settings/menus/2/delete", nil); p.Status != http.StatusNotFound {
		t.Errorf("deleting it again: %d", p.Status)
	}
}

// Tech and viewer read the presets; they change nothing.
func TestMenusAreReadOnlyForTechAndViewer(t *testing.T) {
	for _, login := range []string{"tech", "viewer"} {
		t.Run(login, func(t *testing.T) {
			env := portaltest.New(t)
			b := env.NewBrowser(t)
			b.Login(login, login)
			p := b.Get("/settings/menus")
			if p.Status != http.StatusOK || p.Has(`[data-testid="menu-create"]`) {
				t.Errorf("list: %d, create shown %v", p.Status, p.Has(`[data-testid="menu-create"]`))
			}
			d := b.Get("/settings/menus/2")
			for _, id := range []string{"menu-edit", "menu-copy", "menu-delete", "menu-assign-form", "menu-delete-dialog"} {
				if d.Has(`[data-testid="` + id + `"]`) {
					t.Errorf("%s shown", id)
				}
			}
			for _, path := range []string{"/settings/menus/new", "/settings/menus/2/edit", "/settings/menus/2/delete"} {
				if p := b.Get(path); p.Status != http.StatusForbidden {
					t.Errorf("GET %s: %d", path, p.Status)
				}
			}
		})
	}
}

// preset.md names no permissions; the emulator asks users: update for a
// change, which the employee role has. The portal also asks
// service_settings: update (the console keeps the editor among the
// settings): tech is refused before any call, though the Panel would let
// it through.
func TestMenusNeedServiceSettingsUpdate(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("tech", "tech")
	env.Sim.ResetCalls()
	p := b.Post("/settings/menus/2/assign", url.Values{"target": {"users"}, "ids": {"3"}})
	if p.Status != http.StatusForbidden || env.Sim.Attempts("user/menu/preset/assign")+env.Sim.Attempts("user/menu/preset/list") != 0 {
		t.Errorf("tech assign: %d", p.Status)
	}
}

func menuTitles(p *portaltest.Page) []string {
	var out []string
	p.Doc.Find(`[data-testid="menu-title"]`).Each(func(_ int, s *goquery.Selection) { out = append(out, s.Text()) })
	return out
}

// Copying a preset starts the editor with its rows.
func TestMenuPresetCopy(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	p := b.Get("/settings/menus/new?from=1")
	f := formValues(t, p, `[data-testid="menu-form"]`)
	if f.Get("title") != "Copy of Default menu" || f["destination"][0] != "dashboard" || !slices.Contains(f["place"], "footer") {
		t.Fatalf("copy editor: %q %v", f.Get("title"), f["destination"][:3])
	}
	if p := b.Post("/settings/menus/new", f); p.Status != http.StatusSeeOther {
		t.Fatalf("save copy: %d %s", p.Status, p.Text(".field-error"))
	}
	cp := presetOf(t, env, "Copy of Default menu")
	orig := env.Sim.Store().MenuPresets(env.Sim.Store().Dealer().ID)[0]
	if len(cp.Main) != len(orig.Main) || len(cp.Footer.Items) != len(orig.Footer.Items) || len(cp.Main[3].Items[0].Tabs) != len(orig.Main[3].Items[0].Tabs) {
		t.Errorf("copy %+v differs from %+v", cp, orig)
	}
	if !slices.Contains(menuTitles(b.Get("/settings/menus")), "Copy of Default menu") {
		t.Error("the copy is not listed")
	}
}
