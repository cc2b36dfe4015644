package panelsim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// User menu presets and the menu item catalogue (resources/user/preset.md).
//
// preset.md names no required permissions. The calls live under
// panel/user/menu and decide what the dealer's users see, and the official
// console assigns presets while creating and editing users (users.create,
// users.update): reading needs `users: read`, every change
// `users: update`. The item catalogue is at user/menu/item/list, the
// OpenAPI file's path ("not under menu/preset/"); the markdown's
// user/menu/preset/items/list is not served (code 111).

func (s *Server) registerPresetActions() {
	s.register("user/menu/preset/list", need("users", "read"), s.presetList)
	s.register("user/menu/preset/create", need("users", "update"), s.presetCreate)
	s.register("user/menu/preset/update", need("users", "update"), s.presetUpdate)
	s.register("user/menu/preset/delete", need("users", "update"), s.presetDelete)
	s.register("user/menu/preset/assign", need("users", "update"), s.presetAssign)
	s.register("user/menu/item/list", need("users", "read"), s.menuItemList)
}

// MenuPreset is a menu layout. main is an array of groups, footer a single
// group (the OpenAPI file and the markdown's list example; the markdown's
// type table and create example make footer an array of items, which
// create and update also accept).
type MenuPreset struct {
	ID     int         `json:"id"`
	Title  string      `json:"title"`
	Main   []MenuGroup `json:"main"`
	Footer MenuGroup   `json:"footer"`
}

// MenuGroup is a group of menu items; a null title renders no heading.
type MenuGroup struct {
	Title *string    `json:"title"`
	Items []MenuItem `json:"items"`
}

// MenuItem is one sidebar entry with its tabs.
type MenuItem struct {
	Title string    `json:"title"`
	Icon  string    `json:"icon,omitempty"`
	Tabs  []MenuTab `json:"tabs"`
}

// MenuTab is one destination of a menu item.
type MenuTab struct {
	Title       string `json:"title"`
	Destination string `json:"destination"`
}

// MenuPresetEntry is one entry of user/menu/preset/list.
type MenuPresetEntry struct {
	Preset      MenuPreset             `json:"preset"`
	Owner       string                 `json:"owner"`
	Assignments []MenuPresetAssignment `json:"assignments"`
}

// MenuPresetAssignment is {"type":"default"} or {"type":"users","ids":[…]}.
type MenuPresetAssignment struct {
	Type string `json:"type"`
	IDs  []int  `json:"ids,omitempty"`
}

// MenuItemDestination is one entry of the item catalogue.
type MenuItemDestination struct {
	Title       string `json:"title"`
	Destination string `json:"destination"`
}

// presetRecord is a stored preset: dealer 0 for the platform's.
type presetRecord struct {
	preset MenuPreset
	dealer int
}

// Limits of a preset (the docs give none; the emulator's own bounds).
const (
	presetTitleMaxRunes = 255
	maxAssignUsers      = 10000 // OpenAPI: "up to 10000 named user IDs"
)

// Seeded preset ids.
const (
	presetPlatform = 1
	presetDrivers  = 2
)

// menuCatalogue is the item catalogue of preset.md, in its order.
var menuCatalogue = []MenuItemDestination{
	{"common.menu.dashboard", "dashboard"},
	{"common.menu.tracking", "tracking"},
	{"common.menu.location-sharing", "location_links"},
	{"common.menu.reports", "reports"},
	{"common.menu.schedule", "report_schedules"},
	{"common.menu.vehicles", "fleet"},
	{"common.menu.garages", "garages"},
	{"common.menu.drivers", "drivers"},
	{"common.menu.departments", "driver_departments"},
	{"common.menu.driver_journal", "driver_journal"},
	{"common.menu.driver_skills", "driver_skills"},
	{"common.menu.service_tasks", "service_tasks"},
	{"common.menu.staff", "staff"},
	{"common.menu.tasks", "tasks"},
	{"common.menu.templates", "task_schedules"},
	{"common.menu.forms", "forms"},
	{"common.menu.task_courier", "task_courier"},
	{"common.menu.departments", "departments"},
	{"common.menu.places", "places"},
	{"common.menu.notifications", "notifications"},
	{"common.menu.chat", "chat"},
	{"common.menu.device_activation", "device_activation"},
	{"common.menu.device_settings", "device_settings"},
	{"common.menu.help", "feedback"},
}

func knownDestination(d string) bool {
	return slices.ContainsFunc(menuCatalogue, func(m MenuItemDestination) bool { return m.Destination == d })
}

// menuItemList answers the catalogue under `list` (OpenAPI; the markdown
// shows a bare array).
func (s *Server) menuItemList(c *call) (any, error) {
	return struct {
		List []MenuItemDestination `json:"list"`
	}{slices.Clone(menuCatalogue)}, nil
}

// presetList answers the platform presets and the dealer's own, by id,
// each with its owner and assignments: {"type":"default"} for the dealer's
// default, {"type":"users","ids":[…]} for the dealer's users whose
// menu_preset_id it is.
func (s *Server) presetList(c *call) (any, error) {
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	dealer := st.sessionDealerLocked(c)
	assigned := map[int][]int{}
	for _, u := range st.users {
		if u.MenuPresetID != nil && u.DealerID == dealer {
			assigned[*u.MenuPresetID] = append(assigned[*u.MenuPresetID], u.ID)
		}
	}
	out := []MenuPresetEntry{}
	for _, r := range st.dealerSide.presets {
		if r.dealer != 0 && r.dealer != dealer {
			continue
		}
		e := MenuPresetEntry{Preset: presetView(r.preset), Owner: "dealer", Assignments: []MenuPresetAssignment{}}
		if r.dealer == 0 {
			e.Owner = "platform"
		}
		if st.dealerSide.defaultPreset[dealer] == r.preset.ID {
			e.Assignments = append(e.Assignments, MenuPresetAssignment{Type: "default"})
		}
		if ids := assigned[r.preset.ID]; len(ids) > 0 {
			e.Assignments = append(e.Assignments, MenuPresetAssignment{Type: "users", IDs: ids})
		}
		out = append(out, e)
	}
	return struct {
		List []MenuPresetEntry `json:"list"`
	}{out}, nil
}

// presetView deep-copies a preset for a reply.
func presetView(p MenuPreset) MenuPreset {
	p.Main = slices.Clone(p.Main)
	for i := range p.Main {
		p.Main[i] = groupView(p.Main[i])
	}
	p.Footer = groupView(p.Footer)
	return p
}

func groupView(g MenuGroup) MenuGroup {
	g.Title = copyPtr(g.Title)
	g.Items = slices.Clone(g.Items)
	for i := range g.Items {
		g.Items[i].Tabs = slices.Clone(g.Items[i].Tabs)
	}
	return g
}

// presetCreate adds a dealer preset from `preset` (no id) and answers its
// id. An invalid structure is code 7 with an entry per problem.
func (s *Server) presetCreate(c *call) (any, error) {
	in := readPresetParam(c.params, false)
	if err := c.params.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	in.ID = st.dealerSide.nextPresetID
	st.dealerSide.nextPresetID++
	st.dealerSide.presets = append(st.dealerSide.presets, &presetRecord{preset: in, dealer: st.sessionDealerLocked(c)})
	return struct {
		ID int `json:"id"`
	}{in.ID}, nil
}

// presetUpdate overwrites one of the dealer's presets with `preset` (with
// its id). Unknown id (or another dealer's): 201. A platform preset cannot
// be changed (OpenAPI): 13.
func (s *Server) presetUpdate(c *call) (any, error) {
	in := readPresetParam(c.params, true)
	if err := c.params.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	r, err := st.ownPresetLocked(in.ID, st.sessionDealerLocked(c))
	if err != nil {
		return nil, err
	}
	r.preset = in
	return nil, nil
}

// presetDelete removes one of the dealer's presets. Its users fall back to
// the dealer's default (their menu_preset_id becomes null), and a deleted
// default leaves the platform's in effect. Unknown id: 201; a platform
// preset: 13.
func (s *Server) presetDelete(c *call) (any, error) {
	id := c.params.int("preset_id")
	if c.params.has("preset_id") && id < 1 {
		c.params.invalid("preset_id", msgPositiveID)
	}
	if err := c.params.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	dealer := st.sessionDealerLocked(c)
	if _, err := st.ownPresetLocked(id, dealer); err != nil {
		return nil, err
	}
	st.dealerSide.presets = slices.DeleteFunc(st.dealerSide.presets, func(r *presetRecord) bool { return r.preset.ID == id })
	for _, u := range st.users {
		if u.MenuPresetID != nil && *u.MenuPresetID == id && u.DealerID == dealer {
			u.MenuPresetID = nil
		}
	}
	if st.dealerSide.defaultPreset[dealer] == id {
		delete(st.dealerSide.defaultPreset, dealer)
	}
	return nil, nil
}

// presetAssign assigns a preset (the platform's or the dealer's own):
// target {"type":"default"} makes it the dealer's default; {"type":"users",
// "ids":[…]} sets the menu_preset_id of up to 10000 of the dealer's users
// (others keep theirs). A bad target is 7; an unknown preset 201; an id
// that is not one of the dealer's users 217 (nothing is assigned).
func (s *Server) presetAssign(c *call) (any, error) {
	p := c.params
	id := p.int("preset_id")
	if p.has("preset_id") && id < 1 {
		p.invalid("preset_id", msgPositiveID)
	}
	var target struct {
		Type *string `json:"type"`
		IDs  *[]int  `json:"ids"`
	}
	if p.readObject("target", &target, true) {
		switch {
		case target.Type == nil:
			p.invalid("target.type", msgMissing)
		case *target.Type == "default":
		case *target.Type == "users":
			switch {
			case target.IDs == nil:
				p.invalid("target.ids", msgMissing)
			case len(*target.IDs) > maxAssignUsers:
				p.invalid("target.ids", fmt.Sprintf("Must contain at most %d ids", maxAssignUsers))
			case slices.ContainsFunc(*target.IDs, func(n int) bool { return n < 1 }):
				p.invalid("target.ids", "Must contain positive integers")
			}
		default:
			p.invalid("target.type", "Should be one of [default, users]")
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	dealer := st.sessionDealerLocked(c)
	r := st.presetLocked(id)
	if r == nil || (r.dealer != 0 && r.dealer != dealer) {
		return nil, newError(codeNotFound)
	}
	if *target.Type == "default" {
		st.dealerSide.defaultPreset[dealer] = id
		return nil, nil
	}
	users := make([]*User, 0, len(*target.IDs))
	for _, uid := range *target.IDs {
		u := st.userLocked(uid)
		if u == nil || u.DealerID != dealer {
			return nil, newError(codeListHasNonexistent)
		}
		users = append(users, u)
	}
	for _, u := range users {
		u.MenuPresetID = ptr(id)
	}
	return nil, nil
}

// presetLocked finds a preset by id, or nil.
func (st *Store) presetLocked(id int) *presetRecord {
	for _, r := range st.dealerSide.presets {
		if r.preset.ID == id {
			return r
		}
	}
	return nil
}

// ownPresetLocked finds a preset the dealer may change: 201 when there is
// no such preset for it, 13 for a platform preset.
func (st *Store) ownPresetLocked(id, dealer int) (*presetRecord, *apiError) {
	r := st.presetLocked(id)
	switch {
	case r == nil || (r.dealer != 0 && r.dealer != dealer):
		return nil, newError(codeNotFound)
	case r.dealer == 0:
		return nil, newError(codeNotPermitted)
	}
	return r, nil
}

// MenuPresets returns copies of the presets a dealer sees, by id.
func (st *Store) MenuPresets(dealer int) []MenuPreset {
	st.mu.RLock()
	defer st.mu.RUnlock()
	var out []MenuPreset
	for _, r := range st.dealerSide.presets {
		if r.dealer == 0 || r.dealer == dealer {
			out = append(out, presetView(r.preset))
		}
	}
	return out
}

// ---- reading a preset --------------------------------------------------------

// presetReader walks the `preset` parameter, recording a code 7 entry per
// problem under its path ("preset.main[0].items[1].tabs[0].destination").
type presetReader struct{ p *params }

// readPresetParam reads `preset`; withID requires its id (update). The
// caller checks p.err() for the problems found.
func readPresetParam(p *params, withID bool) MenuPreset {
	raw, ok := p.rawJSON("preset")
	if !ok {
		p.invalid("preset", msgMissing)
		return MenuPreset{}
	}
	r := presetReader{p}
	obj, ok := r.object("preset", raw)
	if !ok {
		return MenuPreset{}
	}
	var out MenuPreset
	if withID {
		id, ok := parseInt(scalarText(obj["id"]))
		switch {
		case isNull(obj["id"]):
			p.invalid("preset.id", msgMissing)
		case !ok || id < 1:
			p.invalid("preset.id", msgPositiveID)
		default:
			out.ID = id
		}
	}
	out.Title = r.text("preset.title", obj["title"], true)
	out.Main = []MenuGroup{}
	if items, ok := r.array("preset.main", obj["main"]); ok {
		for i, g := range items {
			out.Main = append(out.Main, r.group(fmt.Sprintf("preset.main[%d]", i), g))
		}
	}
	out.Footer = MenuGroup{Items: []MenuItem{}}
	switch f := obj["footer"]; {
	case isNull(f):
	case strings.HasPrefix(strings.TrimSpace(string(f)), "["): // the markdown's array of items
		items, _ := r.array("preset.footer", f)
		for i, it := range items {
			out.Footer.Items = append(out.Footer.Items, r.item(fmt.Sprintf("preset.footer[%d]", i), it))
		}
	default:
		out.Footer = r.group("preset.footer", f)
	}
	return out
}

func (r presetReader) object(path string, raw json.RawMessage) (map[string]json.RawMessage, bool) {
	var obj map[string]json.RawMessage
	if t := strings.TrimSpace(string(raw)); !strings.HasPrefix(t, "{") || json.Unmarshal(raw, &obj) != nil {
		r.p.invalid(path, msgNotObject)
		return nil, false
	}
	return obj, true
}

// array reads an optional array; ok is false when absent, null or wrong.
func (r presetReader) array(path string, raw json.RawMessage) ([]json.RawMessage, bool) {
	if isNull(raw) {
		return nil, false
	}
	var items []json.RawMessage
	if t := strings.TrimSpace(string(raw)); !strings.HasPrefix(t, "[") || json.Unmarshal(raw, &items) != nil {
		r.p.invalid(path, msgNotArray)
		return nil, false
	}
	return items, true
}

// text reads a string: required ones must not be blank; at most
// presetTitleMaxRunes characters.
func (r presetReader) text(path string, raw json.RawMessage, required bool) string {
	if isNull(raw) {
		if required {
			r.p.invalid(path, msgMissing)
		}
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		r.p.invalid(path, msgNotString)
		return ""
	}
	switch {
	case required && strings.TrimSpace(s) == "":
		r.p.invalid(path, msgBlank)
	case utf8.RuneCountInString(s) > presetTitleMaxRunes:
		r.p.invalid(path, fmt.Sprintf("Must be at most %d characters long", presetTitleMaxRunes))
	}
	return s
}

func (r presetReader) group(path string, raw json.RawMessage) MenuGroup {
	g := MenuGroup{Items: []MenuItem{}}
	obj, ok := r.object(path, raw)
	if !ok {
		return g
	}
	if !isNull(obj["title"]) {
		g.Title = ptr(r.text(path+".title", obj["title"], false))
	}
	if items, ok := r.array(path+".items", obj["items"]); ok {
		for i, it := range items {
			g.Items = append(g.Items, r.item(fmt.Sprintf("%s.items[%d]", path, i), it))
		}
	}
	return g
}

// item reads a menu item: a title, an optional icon and at least one tab.
func (r presetReader) item(path string, raw json.RawMessage) MenuItem {
	it := MenuItem{Tabs: []MenuTab{}}
	obj, ok := r.object(path, raw)
	if !ok {
		return it
	}
	it.Title = r.text(path+".title", obj["title"], true)
	it.Icon = r.text(path+".icon", obj["icon"], false)
	tabs, ok := r.array(path+".tabs", obj["tabs"])
	if !ok && isNull(obj["tabs"]) {
		r.p.invalid(path+".tabs", msgMissing)
	}
	if ok && len(tabs) == 0 {
		r.p.invalid(path+".tabs", "Must contain at least one tab")
	}
	for i, tr := range tabs {
		tp := fmt.Sprintf("%s.tabs[%d]", path, i)
		tobj, ok := r.object(tp, tr)
		if !ok {
			continue
		}
		tab := MenuTab{Title: r.text(tp+".title", tobj["title"], true), Destination: r.text(tp+".destination", tobj["destination"], true)}
		if tab.Destination != "" && !knownDestination(tab.Destination) {
			r.p.invalid(tp+".destination", "Unknown destination: see user/menu/item/list")
		}
		it.Tabs = append(it.Tabs, tab)
	}
	return it
}

// ---- seed ------------------------------------------------------------------

// seedPresets adds the platform's default preset (the layout of the
// markdown's list example) and one dealer preset with a hostile title,
// assigned to users 2, 4 and 6.
func seedPresets(st *Store) {
	item := func(icon, title string, dests ...string) MenuItem {
		it := MenuItem{Title: title, Icon: icon}
		for _, d := range dests {
			for _, m := range menuCatalogue {
				if m.Destination == d {
					it.Tabs = append(it.Tabs, MenuTab{Title: m.Title, Destination: d})
				}
			}
		}
		return it
	}
	group := func(title *string, items ...MenuItem) MenuGroup { return MenuGroup{Title: title, Items: items} }
	platform := MenuPreset{
		ID: presetPlatform, Title: "common.menu.default.title",
		Main: []MenuGroup{
			group(nil, item("dashboard", "common.menu.dashboard", "dashboard")),
			group(nil, item("map", "common.menu.tracking", "tracking"), item("share", "common.menu.location-sharing", "location_links")),
			group(nil, item("assessment", "common.menu.reports", "reports", "report_schedules")),
			group(nil,
				item("directions_car", "common.menu.fleet", "fleet", "garages", "drivers", "driver_departments", "driver_journal", "driver_skills", "service_tasks"),
				item("groups", "common.menu.field_service", "staff", "tasks", "task_schedules", "forms", "task_courier", "departments", "places")),
		},
		Footer: group(nil,
			item("notifications", "common.menu.notifications", "notifications"),
			item("textsms", "common.menu.chat", "chat"),
			item("custom-icon-add_device", "common.menu.device_activation", "device_activation"),
			item("settings", "common.menu.device_settings", "device_settings"),
			item("help_outline", "common.menu.help", "feedback")),
	}
	drivers := MenuPreset{
		ID: presetDrivers, Title: `Drivers' "quick" menu <b>&</b> <script>alert('preset')</script>`,
		Main: []MenuGroup{
			group(ptr("Мониторинг"), item("map", "Where is everyone?", "tracking"), item("assessment", "Reports", "reports")),
			group(nil, item("", "Tasks & forms", "tasks", "forms")),
		},
		Footer: group(nil, item("help_outline", "common.menu.help", "feedback")),
	}
	st.dealerSide.presets = []*presetRecord{{preset: platform}, {preset: drivers, dealer: st.dealer.ID}}
	st.dealerSide.nextPresetID = presetDrivers + 1
	for _, id := range []int{2, 4, 6} {
		if u := st.userLocked(id); u != nil {
			u.MenuPresetID = ptr(presetDrivers)
		}
	}
}
