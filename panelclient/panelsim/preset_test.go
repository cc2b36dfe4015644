package panelsim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// presets lists the presets as entries by id.
func (f *sideFixture) presets(t *testing.T, hash string) map[int]MenuPresetEntry {
	t.Helper()
	list := value[[]MenuPresetEntry](t, f.ok(t, hash, "user/menu/preset/list", ""), "list")
	out := map[int]MenuPresetEntry{}
	for _, e := range list {
		out[e.Preset.ID] = e
	}
	return out
}

func assignedUsers(e MenuPresetEntry) []int {
	for _, a := range e.Assignments {
		if a.Type == "users" {
			return a.IDs
		}
	}
	return nil
}

func isDefault(e MenuPresetEntry) bool {
	return slices.ContainsFunc(e.Assignments, func(a MenuPresetAssignment) bool { return a.Type == "default" })
}

func TestMenuPresetListSeed(t *testing.T) {
	f := newSideFixture(t)
	res := f.ok(t, f.viewer, "user/menu/preset/list", "")
	ps := f.presets(t, f.viewer)
	platform, drivers := ps[presetPlatform], ps[presetDrivers]
	if len(ps) != 2 || platform.Owner != "platform" || drivers.Owner != "dealer" || len(platform.Assignments) != 0 {
		t.Fatalf("%s", res.body)
	}
	if len(platform.Preset.Main) != 4 || len(platform.Preset.Footer.Items) != 5 || platform.Preset.Footer.Title != nil ||
		platform.Preset.Main[3].Items[0].Tabs[6].Destination != "service_tasks" {
		t.Errorf("platform preset %+v", platform.Preset)
	}
	if !slices.Equal(assignedUsers(drivers), []int{2, 4, 6}) || !strings.Contains(drivers.Preset.Title, "<script>") {
		t.Errorf("dealer preset %+v", drivers)
	}
	// footer is a group object, main an array of groups.
	if !strings.Contains(string(res.body), `"footer":{"title":null,"items":[`) {
		t.Errorf("footer shape: %.400s", res.body)
	}
	// user/read agrees with the assignment.
	u := f.ok(t, f.viewer, "user/read", `{"user_id":4}`)
	if got := u.obj["value"].(map[string]any)["menu_preset_id"]; got != float64(presetDrivers) {
		t.Errorf("user 4 menu_preset_id %v", got)
	}
}

func TestMenuItemList(t *testing.T) {
	f := newSideFixture(t)
	items := value[[]MenuItemDestination](t, f.ok(t, f.viewer, "user/menu/item/list", ""), "list")
	if len(items) != 24 || items[0] != (MenuItemDestination{"common.menu.dashboard", "dashboard"}) ||
		items[23] != (MenuItemDestination{"common.menu.help", "feedback"}) {
		t.Fatalf("catalogue %v", items)
	}
}

func TestMenuPresetLifecycle(t *testing.T) {
	f := newSideFixture(t)
	// create: footer as the markdown's array of items is accepted.
	res := f.ok(t, f.tech, "user/menu/preset/create",
		`{"preset":{"title":"Created","main":[{"title":"Monitoring","items":[{"title":"Tasks","tabs":[{"title":"Tasks","destination":"tasks"}]}]}],"footer":[]}}`)
	id := int(res.obj["id"].(float64))
	if id != presetDrivers+1 {
		t.Fatalf("new id %d", id)
	}
	p := f.presets(t, f.admin)[id]
	if p.Owner != "dealer" || p.Preset.Title != "Created" || *p.Preset.Main[0].Title != "Monitoring" ||
		p.Preset.Footer.Items == nil || len(p.Preset.Footer.Items) != 0 {
		t.Fatalf("created %+v", p)
	}
	// create also takes a form-encoded preset (the console's way), with a group footer.
	res = do(t, f.s, request{path: "user/menu/preset/create", header: bearer(f.admin), form: map[string][]string{
		"preset": {`{"title":"Form","footer":{"title":"More","items":[{"title":"Help","icon":"help_outline","tabs":[{"title":"Help","destination":"feedback"}]}]}}`}}})
	if !res.success() {
		t.Fatalf("form create: %s", res.body)
	}
	formID := int(res.obj["id"].(float64))
	if fp := f.presets(t, f.admin)[formID].Preset; *fp.Footer.Title != "More" || fp.Footer.Items[0].Icon != "help_outline" || len(fp.Main) != 0 {
		t.Errorf("form preset %+v", fp)
	}

	// update
	f.ok(t, f.admin, "user/menu/preset/update",
		`{"preset":{"id":%d,"title":"Updated","main":[],"footer":{"title":null,"items":[{"title":"Chat","tabs":[{"title":"Chat","destination":"chat"}]}]}}}`, id)
	if up := f.presets(t, f.admin)[id].Preset; up.Title != "Updated" || len(up.Main) != 0 || up.Footer.Items[0].Tabs[0].Destination != "chat" {
		t.Errorf("updated %+v", up)
	}

	// assign to users, then as the default
	f.ok(t, f.tech, "user/menu/preset/assign", `{"preset_id":%d,"target":{"type":"users","ids":[3,4]}}`, id)
	ps := f.presets(t, f.admin)
	if !slices.Equal(assignedUsers(ps[id]), []int{3, 4}) || !slices.Equal(assignedUsers(ps[presetDrivers]), []int{2, 6}) {
		t.Errorf("after assign: %v / %v", ps[id].Assignments, ps[presetDrivers].Assignments)
	}
	f.ok(t, f.admin, "user/menu/preset/assign", `{"preset_id":%d,"target":{"type":"default"}}`, id)
	f.ok(t, f.admin, "user/menu/preset/assign", `{"preset_id":%d,"target":{"type":"users","ids":[]}}`, id)
	ps = f.presets(t, f.admin)
	if !isDefault(ps[id]) || isDefault(ps[presetPlatform]) || isDefault(ps[presetDrivers]) {
		t.Errorf("default: %v", ps[id].Assignments)
	}
	// The platform preset can be assigned too.
	f.ok(t, f.admin, "user/menu/preset/assign", `{"preset_id":1,"target":{"type":"users","ids":[6]}}`)
	if u := f.ok(t, f.admin, "user/read", `{"user_id":6}`); u.obj["value"].(map[string]any)["menu_preset_id"] != float64(1) {
		t.Errorf("user 6: %s", u.body)
	}

	// delete: its users and the default fall back.
	f.ok(t, f.tech, "user/menu/preset/delete", `{"preset_id":%d}`, id)
	ps = f.presets(t, f.admin)
	if _, ok := ps[id]; ok || slices.ContainsFunc(slices.Collect(mapValues(ps)), isDefault) {
		t.Errorf("after delete: %v", ps)
	}
	if u := f.ok(t, f.admin, "user/read", `{"user_id":3}`); u.obj["value"].(map[string]any)["menu_preset_id"] != nil {
		t.Errorf("user 3 keeps a deleted preset: %s", u.body)
	}
	wantError(t, f.call(t, f.admin, "user/menu/preset/delete", `{"preset_id":%d}`, id), codeNotFound, http.StatusBadRequest)
}

func mapValues[K comparable, V any](m map[K]V) func(func(V) bool) {
	return func(yield func(V) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

func TestMenuPresetErrors(t *testing.T) {
	f := newSideFixture(t)
	tab := `{"title":"T","destination":"tasks"}`
	item := `{"title":"I","tabs":[` + tab + `]}`
	tests := []struct {
		name, action, body string
		code               int
		parameter          string
	}{
		{"create without preset", "user/menu/preset/create", `{}`, codeInvalidParameters, "preset"},
		{"create preset not an object", "user/menu/preset/create", `{"preset":[1]}`, codeInvalidParameters, "preset"},
		{"create without title", "user/menu/preset/create", `{"preset":{"main":[]}}`, codeInvalidParameters, "preset.title"},
		{"create blank title", "user/menu/preset/create", `{"preset":{"title":"  "}}`, codeInvalidParameters, "preset.title"},
		{"create long title", "user/menu/preset/create", `{"preset":{"title":"` + strings.Repeat("t", 256) + `"}}`, codeInvalidParameters, "preset.title"},
		{"main not an array", "user/menu/preset/create", `{"preset":{"title":"x","main":{}}}`, codeInvalidParameters, "preset.main"},
		{"group not an object", "user/menu/preset/create", `{"preset":{"title":"x","main":["g"]}}`, codeInvalidParameters, "preset.main[0]"},
		{"item without title", "user/menu/preset/create", `{"preset":{"title":"x","main":[{"items":[{"tabs":[` + tab + `]}]}]}}`, codeInvalidParameters, "preset.main[0].items[0].title"},
		{"item without tabs", "user/menu/preset/create", `{"preset":{"title":"x","main":[{"items":[{"title":"I"}]}]}}`, codeInvalidParameters, "preset.main[0].items[0].tabs"},
		{"item with no tab", "user/menu/preset/create", `{"preset":{"title":"x","main":[{"items":[{"title":"I","tabs":[]}]}]}}`, codeInvalidParameters, "preset.main[0].items[0].tabs"},
		{"unknown destination", "user/menu/preset/create", `{"preset":{"title":"x","main":[{"items":[` + item + `,{"title":"J","tabs":[{"title":"T","destination":"javascript:alert(1)"}]}]}]}}`, codeInvalidParameters, "preset.main[0].items[1].tabs[0].destination"},
		{"tab without title", "user/menu/preset/create", `{"preset":{"title":"x","footer":[{"title":"I","tabs":[{"destination":"chat"}]}]}}`, codeInvalidParameters, "preset.footer[0].tabs[0].title"},
		{"footer group item", "user/menu/preset/create", `{"preset":{"title":"x","footer":{"items":[{"title":"I","icon":7,"tabs":[` + tab + `]}]}}}`, codeInvalidParameters, "preset.footer.items[0].icon"},
		{"update without id", "user/menu/preset/update", `{"preset":{"title":"x"}}`, codeInvalidParameters, "preset.id"},
		{"update bad id", "user/menu/preset/update", `{"preset":{"id":0,"title":"x"}}`, codeInvalidParameters, "preset.id"},
		{"update unknown", "user/menu/preset/update", `{"preset":{"id":999,"title":"x"}}`, codeNotFound, ""},
		{"update platform", "user/menu/preset/update", `{"preset":{"id":1,"title":"x"}}`, codeNotPermitted, ""},
		{"delete without id", "user/menu/preset/delete", `{}`, codeInvalidParameters, "preset_id"},
		{"delete unknown", "user/menu/preset/delete", `{"preset_id":999}`, codeNotFound, ""},
		{"delete platform", "user/menu/preset/delete", `{"preset_id":1}`, codeNotPermitted, ""},
		{"assign without target", "user/menu/preset/assign", `{"preset_id":2}`, codeInvalidParameters, "target"},
		{"assign without type", "user/menu/preset/assign", `{"preset_id":2,"target":{}}`, codeInvalidParameters, "target.type"},
		{"assign bad type", "user/menu/preset/assign", `{"preset_id":2,"target":{"type":"all"}}`, codeInvalidParameters, "target.type"},
		{"assign users without ids", "user/menu/preset/assign", `{"preset_id":2,"target":{"type":"users"}}`, codeInvalidParameters, "target.ids"},
		{"assign bad id", "user/menu/preset/assign", `{"preset_id":2,"target":{"type":"users","ids":[0]}}`, codeInvalidParameters, "target.ids"},
		{"assign ids not numbers", "user/menu/preset/assign", `{"preset_id":2,"target":{"type":"users","ids":["a"]}}`, codeInvalidParameters, "target.ids"},
		{"assign without preset", "user/menu/preset/assign", `{"target":{"type":"default"}}`, codeInvalidParameters, "preset_id"},
		{"assign unknown preset", "user/menu/preset/assign", `{"preset_id":999,"target":{"type":"default"}}`, codeNotFound, ""},
		{"assign unknown user", "user/menu/preset/assign", `{"preset_id":2,"target":{"type":"users","ids":[3,99999]}}`, codeListHasNonexistent, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := f.call(t, f.admin, tt.action, tt.body)
			if tt.parameter != "" {
				wantSideParamError(t, res, tt.parameter)
			} else {
				wantError(t, res, tt.code, describe(tt.code).status)
			}
		})
	}
	ids := make([]string, maxAssignUsers+1)
	for i := range ids {
		ids[i] = strconv.Itoa(i + 1)
	}
	wantSideParamError(t, f.call(t, f.admin, "user/menu/preset/assign", `{"preset_id":2,"target":{"type":"users","ids":[`+strings.Join(ids, ",")+`]}}`), "target.ids")
	// Nothing changed: user 3 was not assigned by the failing call.
	if !slices.Equal(assignedUsers(f.presets(t, f.admin)[presetDrivers]), []int{2, 4, 6}) {
		t.Error("a failed assign changed assignments")
	}
	// The markdown's catalogue path is not served (the OpenAPI file: "not under menu/preset/").
	wantError(t, f.call(t, f.admin, "user/menu/preset/items/list", ""), codeWrongHandler, http.StatusBadRequest)
}
