package handlers

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// menusAPI is what the menu preset pages call on the Panel API.
type menusAPI interface {
	ListMenuPresets(ctx context.Context, hash string) ([]panelclient.MenuPresetEntry, error)
	CreateMenuPreset(ctx context.Context, hash string, p panelclient.MenuPreset) (int, error)
	UpdateMenuPreset(ctx context.Context, hash string, p panelclient.MenuPreset) error
	DeleteMenuPreset(ctx context.Context, hash string, presetID int) error
	AssignMenuPreset(ctx context.Context, hash string, presetID int, target panelclient.MenuPresetTarget) error
	ListMenuItems(ctx context.Context, hash string) ([]panelclient.MenuItemDestination, error)
	ListUsers(ctx context.Context, hash string, p panelclient.UserListParams) (*panelclient.UserList, error)
}

// menuHandlers serve /settings/menus: the end users' sidebar presets, the
// item catalogue, and assigning a preset to users or as the default. The
// official console delegates all this to an external editor in an
// iframe; here it is a page of the portal.
type menuHandlers struct {
	*app
	api menusAPI
}

// needMenusEdit gates every change of a preset. preset.md names no
// permission; the calls change what the dealer's users see (the
// emulator, like the console's user forms, asks users: update), and the
// console keeps the menu editor among the dealer's settings, which the
// employee role may not change (DESIGN.md). The portal requires both.
var needMenusEdit = []auth.Perm{permUsersRead, usersPermUpdate, permServiceUpdate}

// menuSpareRows and menuSpareGroups are the empty rows and groups an
// editor offers beyond those in use; "more rows" adds menuSpareRows.
const (
	menuSpareRows   = 4
	menuSpareGroups = 1
	menuMaxRows     = 300
	menuMaxGroups   = 30
	// menuAllUsersMax bounds "assign to all users".
	menuAllUsersMax = 100_000
)

// list shows the presets with their owner, default mark and number of
// users, and the item catalogue.
func (h *menuHandlers) list(c echo.Context) error {
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	presets, err := h.api.ListMenuPresets(ctx, sess.Hash)
	if err != nil {
		return err
	}
	v := templates.MenusView{CanEdit: sess.Perms.CanAll(needMenusEdit...)}
	for _, p := range presets {
		v.Rows = append(v.Rows, menuRowOf(l, p))
	}
	items, err := h.api.ListMenuItems(ctx, sess.Hash)
	switch {
	case panelclient.IsSessionEnded(err):
		return err
	case err != nil:
		v.CatalogueErr = userUpstreamMessage(l, err)
	default:
		for _, it := range items {
			v.Catalogue = append(v.Catalogue, templates.MenuCatalogueItem{Destination: it.Destination, Title: it.Title, Label: menuLabel(l, it.Title)})
		}
	}
	return h.render(c, http.StatusOK, templates.MenusPage(v))
}

func menuRowOf(l *i18n.Localizer, p panelclient.MenuPresetEntry) templates.MenuPresetRow {
	r := templates.MenuPresetRow{
		ID: p.Preset.ID, Title: menuLabel(l, p.Preset.Title), Owner: p.Owner, Default: p.IsDefault(),
		Users: len(p.AssignedUsers()),
	}
	for _, g := range p.Preset.Main {
		r.Items += len(g.Items)
	}
	r.Items += len(p.Preset.Footer.Items)
	return r
}

// menuLabel shows a localisation key of the end users' interface
// ("common.menu.tracking") in words when the catalogue knows it; a title
// the dealer typed is shown as it is.
func menuLabel(l *i18n.Localizer, title string) string {
	return settingsPresetTitle(l, title)
}

// findOwn is find for changes: the platform's own presets cannot be
// edited or deleted (403).
func (h *menuHandlers) findOwn(c echo.Context) (panelclient.MenuPresetEntry, error) {
	p, err := h.find(c)
	if err == nil && p.Owner != panelclient.PresetOwnerDealer {
		err = echo.NewHTTPError(http.StatusForbidden)
	}
	return p, err
}

// find returns the preset with the id in the URL, or 404.
func (h *menuHandlers) find(c echo.Context) (panelclient.MenuPresetEntry, error) {
	id, err := pathID(c)
	if err != nil {
		return panelclient.MenuPresetEntry{}, err
	}
	presets, err := h.api.ListMenuPresets(c.Request().Context(), session(c).Hash)
	if err != nil {
		return panelclient.MenuPresetEntry{}, err
	}
	for _, p := range presets {
		if p.Preset.ID == id {
			return p, nil
		}
	}
	return panelclient.MenuPresetEntry{}, echo.NewHTTPError(http.StatusNotFound)
}

// catalogue reads the item catalogue; a failure leaves destinations as
// free text (the Panel still checks them).
func (h *menuHandlers) catalogue(c echo.Context) ([]panelclient.MenuItemDestination, error) {
	items, err := h.api.ListMenuItems(c.Request().Context(), session(c).Hash)
	if panelclient.IsSessionEnded(err) {
		return nil, err
	}
	if err != nil {
		h.log().Warn("menu item catalogue unavailable", "request_id", requestID(c), "error", err.Error())
		return nil, nil
	}
	return items, nil
}

// show draws one preset: its layout, its users, the assignment form and,
// for the dealer's own presets, the editor.
func (h *menuHandlers) show(c echo.Context) error {
	p, err := h.find(c)
	if err != nil {
		return err
	}
	items, err := h.catalogue(c)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, templates.MenuPresetPage(h.presetView(c, p, items)))
}

// editForm shows the editor for one of the dealer's presets.
func (h *menuHandlers) editForm(c echo.Context) error {
	p, err := h.findOwn(c)
	if err != nil {
		return err
	}
	items, err := h.catalogue(c)
	if err != nil {
		return err
	}
	l := i18n.From(c.Request().Context())
	v := templates.MenuEditView{ID: p.Preset.ID, Editor: menuEditorOf(p.Preset, 0), Catalogue: menuCatalogueChoices(l, items), Errs: templates.FieldErrors{}}
	return h.render(c, http.StatusOK, templates.MenuEditPage(v))
}

func (h *menuHandlers) presetView(c echo.Context, p panelclient.MenuPresetEntry, items []panelclient.MenuItemDestination) templates.MenuPresetView {
	sess := session(c)
	l := i18n.From(c.Request().Context())
	can := sess.Perms.CanAll(needMenusEdit...)
	v := templates.MenuPresetView{
		Row:       menuRowOf(l, p),
		Platform:  p.Owner != panelclient.PresetOwnerDealer,
		CanAssign: can,
		CanEdit:   can && p.Owner == panelclient.PresetOwnerDealer,
		UserIDs:   p.AssignedUsers(),
		Errs:      templates.FieldErrors{},
	}
	v.Catalogue = menuCatalogueChoices(l, items)
	for _, g := range p.Preset.Main {
		v.Main = append(v.Main, menuGroupView(l, g))
	}
	v.Footer = menuGroupView(l, p.Preset.Footer)
	return v
}

func menuGroupView(l *i18n.Localizer, g panelclient.MenuGroup) templates.MenuGroupView {
	out := templates.MenuGroupView{Title: menuLabel(l, g.Title)}
	for _, it := range g.Items {
		iv := templates.MenuItemView{Title: menuLabel(l, it.Title), Icon: it.Icon}
		for _, tb := range it.Tabs {
			iv.Tabs = append(iv.Tabs, templates.MenuTabView{Title: menuLabel(l, tb.Title), Destination: tb.Destination})
		}
		out.Items = append(out.Items, iv)
	}
	return out
}

func menuCatalogueChoices(l *i18n.Localizer, items []panelclient.MenuItemDestination) []templates.Choice {
	out := make([]templates.Choice, 0, len(items))
	for _, it := range items {
		out = append(out, templates.Choice{Value: it.Destination, Label: menuLabel(l, it.Title) + " (" + it.Destination + ")"})
	}
	return out
}

// menuEditorOf lays a preset out as the editor's rows: one row per tab,
// its place (a main group's number or the footer), the item's title and
// icon, the tab's title and destination; plus spare empty rows and one
// spare group.
func menuEditorOf(p panelclient.MenuPreset, more int) templates.MenuEditor {
	e := templates.MenuEditor{Title: p.Title}
	for _, g := range p.Main {
		e.GroupTitles = append(e.GroupTitles, g.Title)
	}
	add := func(place string, g panelclient.MenuGroup) {
		for _, it := range g.Items {
			for _, tb := range it.Tabs {
				e.Rows = append(e.Rows, templates.MenuEditorRow{Place: place, Item: it.Title, Icon: it.Icon, Tab: tb.Title, Destination: tb.Destination})
			}
		}
	}
	for i, g := range p.Main {
		add(strconv.Itoa(i+1), g)
	}
	add("footer", p.Footer)
	menuAddSpare(&e, more)
	return e
}

func menuAddSpare(e *templates.MenuEditor, more int) {
	for range menuSpareGroups {
		if len(e.GroupTitles) < menuMaxGroups {
			e.GroupTitles = append(e.GroupTitles, "")
		}
	}
	for range menuSpareRows + more {
		if len(e.Rows) < menuMaxRows {
			e.Rows = append(e.Rows, templates.MenuEditorRow{Place: "1"})
		}
	}
}

// menuEditorFromForm reads the editor as sent.
func menuEditorFromForm(f url.Values) templates.MenuEditor {
	e := templates.MenuEditor{Title: strings.TrimSpace(f.Get("title"))}
	for i, t := range f["group_title"] {
		if i >= menuMaxGroups {
			break
		}
		e.GroupTitles = append(e.GroupTitles, strings.TrimSpace(t))
	}
	places, items, icons, tabs, dests := f["place"], f["item"], f["icon"], f["tab"], f["destination"]
	at := func(s []string, i int) string {
		if i < len(s) {
			return strings.TrimSpace(s[i])
		}
		return ""
	}
	for i := range min(len(places), menuMaxRows) {
		e.Rows = append(e.Rows, templates.MenuEditorRow{
			Place: at(places, i), Item: at(items, i), Icon: at(icons, i), Tab: at(tabs, i), Destination: at(dests, i),
		})
	}
	return e
}

// menuPlaceRef is where a row's tab landed in the built preset, so the
// Panel's complaints about preset.main[g].items[i].tabs[k] find the row.
type menuPlaceRef struct {
	section    string // "main" or "footer"
	g, i, k    int
	row        int
	firstOfItm bool
}

var menuParamPath = regexp.MustCompile(`^preset\.(main\[(\d+)\]|footer)(?:\.items\[(\d+)\](?:\.tabs\[(\d+)\])?)?\.?(.*)$`)

// menuPresetFromEditor builds the preset the editor describes. Consecutive
// rows of one place with the same item title (and icon) are one item
// with several tabs; a row without an item title takes its tab's, a tab
// without a title its catalogue item's. Empty rows are skipped. The
// errors are the portal's own checks; refs map the Panel's paths back to
// rows.
func menuPresetFromEditor(l *i18n.Localizer, e templates.MenuEditor, items []panelclient.MenuItemDestination) (panelclient.MenuPreset, templates.FieldErrors, []menuPlaceRef) {
	errs := templates.FieldErrors{}
	p := panelclient.MenuPreset{Title: e.Title, Main: []panelclient.MenuGroup{}}
	switch {
	case e.Title == "":
		errs["title"] = l.T("users.err.required")
	case utf8.RuneCountInString(e.Title) > 255:
		errs["title"] = l.T("users.err.max", 255)
	}
	known := map[string]string{}
	for _, it := range items {
		known[it.Destination] = it.Title
	}
	// Main groups are numbered by the editor; unused ones are dropped and
	// the rest keep their order.
	groupOf := map[int]int{} // editor number -> index in p.Main
	var refs []menuPlaceRef
	for r, row := range e.Rows {
		if row.Item == "" && row.Tab == "" && row.Destination == "" && row.Icon == "" {
			continue
		}
		field := func(name string) string { return "row" + strconv.Itoa(r) + "." + name }
		if row.Destination == "" {
			errs[field("destination")] = l.T("menus.err.destination")
			continue
		}
		if len(items) > 0 {
			if _, ok := known[row.Destination]; !ok {
				errs[field("destination")] = l.T("menus.err.unknown_destination")
				continue
			}
		}
		tab := panelclient.MenuTab{Title: row.Tab, Destination: row.Destination}
		if tab.Title == "" {
			tab.Title = known[row.Destination]
			if tab.Title == "" {
				tab.Title = row.Destination
			}
		}
		itemTitle := row.Item
		if itemTitle == "" {
			itemTitle = tab.Title
		}
		var group *panelclient.MenuGroup
		ref := menuPlaceRef{row: r}
		if row.Place == "footer" {
			group, ref.section = &p.Footer, "footer"
		} else {
			n, err := strconv.Atoi(row.Place)
			if err != nil || n < 1 || n > menuMaxGroups {
				errs[field("place")] = l.T("users.err.choice")
				continue
			}
			gi, ok := groupOf[n]
			if !ok {
				title := ""
				if n-1 < len(e.GroupTitles) {
					title = e.GroupTitles[n-1]
				}
				p.Main = append(p.Main, panelclient.MenuGroup{Title: title})
				gi = len(p.Main) - 1
				groupOf[n] = gi
			}
			group, ref.section, ref.g = &p.Main[gi], "main", gi
		}
		if n := len(group.Items); n > 0 && menuPreviousRowSamePlace(e.Rows, r) &&
			group.Items[n-1].Title == itemTitle && (row.Icon == "" || row.Icon == group.Items[n-1].Icon) {
			it := &group.Items[n-1]
			it.Tabs = append(it.Tabs, tab)
			ref.i, ref.k = n-1, len(it.Tabs)-1
		} else {
			group.Items = append(group.Items, panelclient.MenuItem{Title: itemTitle, Icon: row.Icon, Tabs: []panelclient.MenuTab{tab}})
			ref.i, ref.k, ref.firstOfItm = len(group.Items)-1, 0, true
		}
		refs = append(refs, ref)
	}
	// The editor's group numbers are renumbered in order of first use:
	// sort p.Main by the editor's numbers so "group 2" stays after
	// "group 1" whatever row came first.
	p.Main = menuOrderGroups(p.Main, groupOf, refs)
	return p, errs, refs
}

// menuPreviousRowSamePlace reports whether the closest non-empty row
// before r is in the same place: an item continues only over
// consecutive rows.
func menuPreviousRowSamePlace(rows []templates.MenuEditorRow, r int) bool {
	for i := r - 1; i >= 0; i-- {
		x := rows[i]
		if x.Item == "" && x.Tab == "" && x.Destination == "" && x.Icon == "" {
			continue
		}
		return x.Place == rows[r].Place
	}
	return false
}

// menuOrderGroups puts the main groups in the order of their editor
// numbers and fixes the refs' group indexes to match.
func menuOrderGroups(groups []panelclient.MenuGroup, groupOf map[int]int, refs []menuPlaceRef) []panelclient.MenuGroup {
	nums := make([]int, 0, len(groupOf))
	for n := range groupOf {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	newIndex := make(map[int]int, len(nums))
	out := make([]panelclient.MenuGroup, 0, len(groups))
	for _, n := range nums {
		newIndex[groupOf[n]] = len(out)
		out = append(out, groups[groupOf[n]])
	}
	for i := range refs {
		if refs[i].section == "main" {
			refs[i].g = newIndex[refs[i].g]
		}
	}
	return out
}

// menuFieldOf maps a parameter the Panel names (preset.title,
// preset.main[1].items[0].tabs[2].destination) to the editor's field.
func menuFieldOf(refs []menuPlaceRef, e templates.MenuEditor) func(string) string {
	return func(param string) string {
		if param == "preset.title" || param == "title" {
			return "title"
		}
		m := menuParamPath.FindStringSubmatch(param)
		if m == nil {
			return ""
		}
		section, g := "footer", 0
		if strings.HasPrefix(m[1], "main") {
			section = "main"
			g, _ = strconv.Atoi(m[2])
		}
		rest := m[5]
		if m[3] == "" {
			if section == "main" && rest == "title" {
				// A group title: the first row of the group names it.
				for _, ref := range refs {
					if ref.section == "main" && ref.g == g {
						n, _ := strconv.Atoi(e.Rows[ref.row].Place)
						return "group_title" + strconv.Itoa(n-1)
					}
				}
			}
			return ""
		}
		i, _ := strconv.Atoi(m[3])
		k := -1
		if m[4] != "" {
			k, _ = strconv.Atoi(m[4])
		}
		for _, ref := range refs {
			if ref.section != section || ref.g != g || ref.i != i {
				continue
			}
			row := "row" + strconv.Itoa(ref.row) + "."
			switch {
			case k < 0 && ref.firstOfItm:
				switch rest {
				case "icon":
					return row + "icon"
				case "tabs":
					return row + "destination"
				}
				return row + "item"
			case k == ref.k:
				if rest == "title" {
					return row + "tab"
				}
				return row + "destination"
			}
		}
		return ""
	}
}

// newForm shows the editor for a new preset, empty or copied from one
// (?from=<id>).
func (h *menuHandlers) newForm(c echo.Context) error {
	items, err := h.catalogue(c)
	if err != nil {
		return err
	}
	l := i18n.From(c.Request().Context())
	var e templates.MenuEditor
	if from := positiveInt(c.QueryParam("from")); from > 0 {
		presets, err := h.api.ListMenuPresets(c.Request().Context(), session(c).Hash)
		if err != nil {
			return err
		}
		for _, p := range presets {
			if p.Preset.ID == from {
				e = menuEditorOf(p.Preset, 0)
				e.Title = l.T("menus.copy_of", menuLabel(l, p.Preset.Title))
			}
		}
	}
	if e.Rows == nil {
		menuAddSpare(&e, 0)
	}
	return h.render(c, http.StatusOK, templates.MenuEditPage(templates.MenuEditView{Editor: e, Catalogue: menuCatalogueChoices(l, items), Errs: templates.FieldErrors{}}))
}

// create saves a new preset (user/menu/preset/create). The "more rows"
// button sends the form back with more empty rows instead.
func (h *menuHandlers) create(c echo.Context) error {
	return h.save(c, 0)
}

// update saves one of the dealer's presets (user/menu/preset/update).
func (h *menuHandlers) update(c echo.Context) error {
	p, err := h.findOwn(c)
	if err != nil {
		return err
	}
	return h.save(c, p.Preset.ID)
}

func (h *menuHandlers) save(c echo.Context, id int) error {
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	items, err := h.catalogue(c)
	if err != nil {
		return err
	}
	e := menuEditorFromForm(form)
	v := templates.MenuEditView{ID: id, Editor: e, Catalogue: menuCatalogueChoices(l, items)}
	if form.Get("more") != "" {
		menuAddSpare(&v.Editor, 0)
		v.Errs = templates.FieldErrors{}
		return h.render(c, http.StatusOK, templates.MenuEditPage(v))
	}
	preset, errs, refs := menuPresetFromEditor(l, e, items)
	if len(errs) > 0 {
		v.Errs = errs
		return h.render(c, statusUnprocessable, templates.MenuEditPage(v))
	}
	if id == 0 {
		id, err = h.api.CreateMenuPreset(ctx, sess.Hash, preset)
		h.audit(c, "menu_preset.create", id, err)
	} else {
		preset.ID = id
		err = h.api.UpdateMenuPreset(ctx, sess.Hash, preset)
		h.audit(c, "menu_preset.update", id, err)
	}
	if err != nil {
		errs, status, ok := userFormErrorsOf(l, err, menuFieldOf(refs, e))
		if !ok || panelclient.IsNotFound(err) {
			return err
		}
		v.Errs = errs
		return h.render(c, status, templates.MenuEditPage(v))
	}
	setFlash(c, "ok", "menus.saved")
	if id == 0 {
		// The markdown's answer carries the id; without it, the list.
		return redirect(c, "/settings/menus")
	}
	return redirect(c, "/settings/menus/"+strconv.Itoa(id))
}

// deleteForm confirms deleting a preset (the page the dialog stands in
// for without script).
func (h *menuHandlers) deleteForm(c echo.Context) error {
	p, err := h.findOwn(c)
	if err != nil {
		return err
	}
	l := i18n.From(c.Request().Context())
	return h.render(c, http.StatusOK, templates.MenuDeletePage(menuRowOf(l, p)))
}

// deletePreset deletes one of the dealer's presets
// (user/menu/preset/delete); its users fall back to the default.
func (h *menuHandlers) deletePreset(c echo.Context) error {
	p, err := h.findOwn(c)
	if err != nil {
		return err
	}
	err = h.api.DeleteMenuPreset(c.Request().Context(), session(c).Hash, p.Preset.ID)
	h.audit(c, "menu_preset.delete", p.Preset.ID, err)
	if err != nil {
		return err
	}
	setFlash(c, "ok", "menus.deleted")
	return redirect(c, "/settings/menus")
}

// assign assigns a preset (user/menu/preset/assign): as the dealer's
// default; to the chosen users (IDs typed, or picked by searching
// user/list); or to every user, which is the chosen-users assignment of
// all the dealer's user IDs (user/list, page by page), sent 10000 at a
// time.
func (h *menuHandlers) assign(c echo.Context) error {
	p, err := h.find(c)
	if err != nil {
		return err
	}
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	target := form.Get("target")
	errs := templates.FieldErrors{}
	var ids []int
	switch target {
	case panelclient.PresetTargetDefault:
	case panelclient.PresetTargetUsers:
		var bad bool
		ids, bad = menuUserIDs(form)
		switch {
		case bad:
			errs["ids"] = l.T("menus.err.ids")
		case len(ids) == 0:
			errs["ids"] = l.T("menus.err.no_users")
		case len(ids) > panelclient.MaxPresetAssignIDs:
			errs["ids"] = l.T("menus.err.too_many", panelclient.MaxPresetAssignIDs)
		}
	case "all":
		ids, err = h.allUserIDs(ctx, sess.Hash)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			errs["target"] = l.T("menus.err.no_users_at_all")
		}
	default:
		errs["target"] = l.T("users.err.choice")
	}
	if len(errs) > 0 {
		return h.renderAssign(c, p, form, statusUnprocessable, errs)
	}
	if target == panelclient.PresetTargetDefault {
		err = h.api.AssignMenuPreset(ctx, sess.Hash, p.Preset.ID, panelclient.PresetAsDefault())
	} else {
		for start := 0; start < len(ids) && err == nil; start += panelclient.MaxPresetAssignIDs {
			end := min(start+panelclient.MaxPresetAssignIDs, len(ids))
			err = h.api.AssignMenuPreset(ctx, sess.Hash, p.Preset.ID, panelclient.PresetForUsers(ids[start:end]...))
		}
	}
	h.audit(c, "menu_preset.assign."+target, p.Preset.ID, err)
	if err != nil {
		if panelclient.Code(err) == 217 {
			return h.renderAssign(c, p, form, statusUnprocessable, templates.FieldErrors{"ids": l.T("menus.err.unknown_users")})
		}
		fe, status, ok := userFormErrorsOf(l, err, func(param string) string {
			if strings.HasPrefix(param, "target") {
				return "ids"
			}
			return ""
		})
		if !ok || panelclient.IsNotFound(err) {
			return err
		}
		return h.renderAssign(c, p, form, status, fe)
	}
	switch target {
	case panelclient.PresetTargetDefault:
		setFlash(c, "ok", "menus.assigned.default")
	default:
		setFlash(c, "ok", "menus.assigned.users", strconv.Itoa(len(ids)))
	}
	return redirect(c, "/settings/menus/"+strconv.Itoa(p.Preset.ID))
}

func (h *menuHandlers) renderAssign(c echo.Context, p panelclient.MenuPresetEntry, form url.Values, status int, errs templates.FieldErrors) error {
	items, err := h.catalogue(c)
	if err != nil {
		return err
	}
	v := h.presetView(c, p, items)
	v.Target, v.IDsText, v.Errs = form.Get("target"), form.Get("ids"), errs
	v.Picked = form["user_id"]
	return h.render(c, status, templates.MenuPresetPage(v))
}

var menuIDSeparators = regexp.MustCompile(`[\s,;]+`)

// menuUserIDs reads the chosen users: the IDs typed (separated by commas,
// spaces or new lines) and the picked ones, without repeats; bad is true
// when something typed is not a user ID.
func menuUserIDs(f url.Values) (ids []int, bad bool) {
	seen := map[int]bool{}
	add := func(s string) {
		s = strings.TrimPrefix(strings.TrimSpace(s), "#")
		if s == "" {
			return
		}
		n := positiveInt(s)
		if n == 0 {
			bad = true
			return
		}
		if !seen[n] {
			seen[n] = true
			ids = append(ids, n)
		}
	}
	for _, s := range menuIDSeparators.Split(f.Get("ids"), -1) {
		add(s)
	}
	for _, s := range f["user_id"] {
		add(s)
	}
	return ids, bad
}

// allUserIDs lists every user ID of the dealer (user/list, page by page).
func (h *menuHandlers) allUserIDs(ctx context.Context, hash string) ([]int, error) {
	const page = 1000
	var ids []int
	for offset := 0; offset < menuAllUsersMax; offset += page {
		list, err := h.api.ListUsers(ctx, hash, panelclient.UserListParams{OrderBy: "id", Ascending: panelclient.Ptr(true), Offset: offset, Limit: page})
		if err != nil {
			return nil, err
		}
		for _, u := range list.List {
			ids = append(ids, u.ID)
		}
		if len(list.List) < page || len(ids) >= list.Count {
			break
		}
	}
	return ids, nil
}
