package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// trackersAPI is what the Trackers section calls.
type trackersAPI interface {
	trackerTableAPI
	ReadTracker(ctx context.Context, hash string, trackerID int) (*panelclient.Tracker, error)
	CloneTracker(ctx context.Context, hash string, p panelclient.TrackerCloneParams) (int, error)
	BatchCloneTrackers(ctx context.Context, hash string, p panelclient.BatchCloneParams) (*panelclient.BatchCloneResult, error)
	DeleteClone(ctx context.Context, hash string, trackerID int) error
	BatchDeleteClones(ctx context.Context, hash string, trackerIDs []int) (*panelclient.BatchDeleteResult, error)
	CorruptTracker(ctx context.Context, hash string, p panelclient.TrackerCorruptParams) error
	MoveTracker(ctx context.Context, hash string, p panelclient.TrackerMoveParams) (int, error)
	RetryTrackerRegistration(ctx context.Context, hash string, p panelclient.RegisterRetryParams) error
	UpdateTrackerSettings(ctx context.Context, hash string, p panelclient.TrackerSettingsParams) error
	UpdateTrackerSource(ctx context.Context, hash string, trackerID int, blocked bool) error
	ChangeTrackerTariff(ctx context.Context, hash string, p panelclient.TariffChangeParams) error
	ReadTariff(ctx context.Context, hash string, tariffID int) (*panelclient.Plan, error)
	ListUsers(ctx context.Context, hash string, p panelclient.UserListParams) (*panelclient.UserList, error)
	ReadUser(ctx context.Context, hash string, userID int) (*panelclient.UserDetails, error)
	CreateUserSession(ctx context.Context, hash string, userID int) (string, error)
	DealerInfo(ctx context.Context, hash string) (*panelclient.Dealer, error)
}

// trackerTableAPI is what a tracker table needs: the trackers and the plan
// names.
type trackerTableAPI interface {
	ListTrackers(ctx context.Context, hash string, p panelclient.TrackerListParams) (*panelclient.TrackerList, error)
	ListTariffs(ctx context.Context, hash string, p panelclient.TariffListParams) (*panelclient.TariffList, error)
}

type trackerHandlers struct {
	*app
	api trackersAPI
	// once makes a plan change (which may charge or repay the owner)
	// apply at most once per form.
	once *onceGuard
}

func newTrackerHandlers(a *app, api trackersAPI) *trackerHandlers {
	return &trackerHandlers{app: a, api: api, once: newOnceGuard(a.o.Now, onceTTL, onceMaxEntries)}
}

// Default addresses of the owner's web application, as the official
// console opens it: the registration page for a new tracker, the settings
// page of one tracker. {domain} is the dealer's domain, {hash} the owner's
// session, {tracker_id} the tracker.
const (
	DefaultTrackerRegisterURL = "https://{domain}/pro/applications/registration/?session_key={hash}"
	DefaultTrackerSettingsURL = "https://{domain}/pro/?session_key={hash}#/tracker/{tracker_id}/settings"
)

// trackerSorts are tracker/list's documented order_by keys.
var trackerSorts = []string{"id", "label", "status", "model", "device_id", "phone", "creation_date", "last_connection", "tariff_id", "business_status"}

// Permissions of the tracker actions, as each action's docs require them.
var (
	permTrackersRead    = auth.P("trackers", "read")
	permTrackersCreate  = auth.P("trackers", "create")
	permTrackersUpdate  = auth.P("trackers", "update")
	permTrackersDelete  = auth.P("trackers", "delete")
	permTrackersCorrupt = auth.P("trackers", "corrupt")
	permTrackersReport  = auth.P("trackers", "report")
	permTariffsRead     = auth.P("tariffs", "read")
	permTransCreate     = auth.P("transactions", "create")
	permUsersRead       = auth.P("users", "read")
	permUserSessions    = auth.P("user_sessions", "create")
	permDealerInfo      = auth.P("base", "get_dealer_info")

	// needTrackerMove: tracker/move requires trackers: create and delete.
	needTrackerMove = []auth.Perm{permTrackersRead, permTrackersCreate, permTrackersDelete}
	// needTrackerClone: tracker/clone and tracker/batch_clone.
	needTrackerClone = []auth.Perm{permTrackersRead, permTrackersCreate}
	// needTrackerDelete: tracker/delete_clone and batch_delete_clones.
	needTrackerDelete = []auth.Perm{permTrackersRead, permTrackersDelete}
	// needTrackerPlan: tracker/tariff/change (and tariff/list for the
	// choice of plans).
	needTrackerPlan = []auth.Perm{permTrackersRead, permTrackersUpdate, permTransCreate, permTariffsRead}
	// needTrackerUpdate: settings/update, source/update, register_retry,
	// console/connect, raw_command/send.
	needTrackerUpdate = []auth.Perm{permTrackersRead, permTrackersUpdate}
	// needTrackerCorrupt: tracker/corrupt.
	needTrackerCorrupt = []auth.Perm{permTrackersRead, permTrackersCorrupt}
	// needTrackerRegister: dealer/get_info, user/session/create, and the
	// right to add trackers.
	needTrackerRegister = []auth.Perm{permDealerInfo, permUserSessions, permTrackersCreate}
	// needTrackerDeviceSettings: tracker/read, dealer/get_info,
	// user/session/create, and the right to change trackers.
	needTrackerDeviceSettings = []auth.Perm{permTrackersRead, permTrackersUpdate, permUserSessions, permDealerInfo}
)

// trackerListSpec is the Trackers section's list.
var trackerListSpec = listSpec{
	path:    "/trackers",
	target:  "#trackers-table",
	sorts:   trackerSorts,
	filters: []string{"clones", "user_id", "tariff_id"},
}

// list shows the dealer's trackers: search, the clones filter, owner and
// plan filters, sorting, paging, and the bulk actions.
func (h *trackerHandlers) list(c echo.Context) error {
	s := session(c)
	state := parseList(c, trackerListSpec)
	cleanTrackerFilters(&state)
	p := trackerListParams(state) // shared with the export (trackers_export.go)
	var plans []panelclient.Plan
	table, err := loadTrackerTableWith(c, h.api, state, p, func(all []panelclient.Plan) { plans = all })
	if err != nil {
		if panelclient.IsNotFound(err) && (p.UserID > 0 || p.TariffID > 0) {
			// tracker/list answers 201 for an unknown owner or plan: an
			// empty list says it better than a 404 page.
			table = h.emptyTrackerTable(c, state)
		} else {
			return err
		}
	}
	if s.Perms.CanAll(needTrackerMove...) || s.Perms.CanAll(needTrackerClone...) || s.Perms.CanAll(needTrackerDelete...) || s.Perms.CanAll(needTrackerPlan...) {
		table.SelectForm = "trackers-bulk"
	}
	export := templates.TrackersExportView{List: table.List, Columns: trackerExportColumnChoices()}
	if wantsPartial(c) {
		return h.render(c, http.StatusOK, templates.TrackersTablePartial(table, export))
	}
	v := templates.TrackersPageView{
		Table:           table,
		CanMove:         s.Perms.CanAll(needTrackerMove...),
		CanClone:        s.Perms.CanAll(needTrackerClone...),
		CanDeleteClones: s.Perms.CanAll(needTrackerDelete...),
		CanChangePlan:   s.Perms.CanAll(needTrackerPlan...),
		CanRegister:     s.Perms.CanAll(needTrackerRegister...),
		CanActivate:     s.Perms.CanAll(needBulkActivation...),
		CanPickUsers:    s.Perms.Can("users", "read"),
		Export:          export,
	}
	for _, pl := range plans {
		if pl.DeviceType == "" || pl.DeviceType == panelclient.DeviceTracker || pl.DeviceType == panelclient.DeviceCamera {
			v.Plans = append(v.Plans, templates.PlanOption{ID: pl.ID, Name: pl.Name})
		}
	}
	return h.render(c, http.StatusOK, templates.TrackersPage(v))
}

func (h *trackerHandlers) emptyTrackerTable(c echo.Context, state templates.ListState) templates.TrackerTableView {
	s := session(c)
	return templates.TrackerTableView{List: state, LinkUsers: s.Perms.Can("users", "read"), LinkPlans: s.Perms.Can("tariffs", "read")}
}

// cleanTrackerFilters drops filter values the list does not know, so a
// hand-edited URL still opens.
func cleanTrackerFilters(s *templates.ListState) {
	switch s.Filter("clones") {
	case "", "only", "exclude":
	default:
		s.Filters.Del("clones")
	}
	for _, f := range []string{"user_id", "tariff_id"} {
		if v := s.Filter(f); v != "" && positiveInt(v) == 0 {
			s.Filters.Del(f)
		}
	}
}

// pathID reads the {id} of a route: a positive number, anything else is
// a 404.
func pathID(c echo.Context) (int, error) {
	id := positiveInt(c.Param("id"))
	if id == 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return id, nil
}

// positiveInt parses a positive ID, 0 for anything else.
func positiveInt(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 || n > 1<<31-1 {
		return 0
	}
	return n
}

// loadTrackerTable reads one page of trackers for a tracker table embedded
// in another page: path is that page (e.g. /users/42), fixed the filter it
// imposes (UserID or TariffID). The table's URL state (?q=&sort=&dir=
// &page=&per_page=) is read from the request; the table swaps itself at
// #trackers-table. Render it with templates.TrackerTable.
func loadTrackerTable(c echo.Context, api trackerTableAPI, path string, fixed panelclient.TrackerListParams) (templates.TrackerTableView, error) {
	state := parseList(c, listSpec{path: path, target: "#trackers-table", sorts: trackerSorts})
	v, err := loadTrackerTableWith(c, api, state, fixed, nil)
	if err != nil {
		return v, err
	}
	v.HideOwner = fixed.UserID > 0
	v.HidePlan = fixed.TariffID > 0
	return v, nil
}

// loadTrackerTableWith reads the page of trackers the list state asks for
// and, when the staff member may read plans, the plan names (in parallel).
// plansSeen receives the dealer's plans when they were read.
func loadTrackerTableWith(c echo.Context, api trackerTableAPI, state templates.ListState, p panelclient.TrackerListParams, plansSeen func([]panelclient.Plan)) (templates.TrackerTableView, error) {
	s := session(c)
	ctx := c.Request().Context()
	v := templates.TrackerTableView{
		List:      state,
		LinkUsers: s.Perms.Can("users", "read"),
		LinkPlans: s.Perms.Can("tariffs", "read"),
	}
	p.Filter = state.Q
	p.OrderBy = state.Sort
	if state.Sort != "" {
		asc := !state.Desc
		p.Ascending = &asc
	}
	p.Offset, p.Limit = state.Offset(), state.PerPage

	var plans *panelclient.TariffList
	var wg sync.WaitGroup
	if v.LinkPlans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Plan names are a courtesy: without them the table shows IDs.
			plans, _ = api.ListTariffs(ctx, s.Hash, panelclient.TariffListParams{Limit: 1000})
		}()
	}
	list, err := api.ListTrackers(ctx, s.Hash, p)
	if err == nil {
		v.List.Total = list.Count
		// A bookmark past the last page shows the last page.
		if clampPage(&v.List) && list.Count > 0 {
			p.Offset = v.List.Offset()
			list, err = api.ListTrackers(ctx, s.Hash, p)
		}
	}
	wg.Wait()
	if err != nil {
		return v, err
	}
	v.List.Total = list.Count
	names := map[int]string{}
	if plans != nil {
		for _, pl := range plans.List {
			names[pl.ID] = pl.Name
		}
		if plansSeen != nil {
			plansSeen(plans.List)
		}
	}
	for _, t := range list.List {
		v.Rows = append(v.Rows, trackerRow(t, names))
	}
	return v, nil
}

func trackerRow(t panelclient.Tracker, planNames map[int]string) templates.TrackerRow {
	return templates.TrackerRow{
		ID: t.ID, Label: t.Label, Clone: t.Clone, Deleted: t.Deleted,
		Corrupted: t.Source.Corrupted, Blocked: t.Source.Blocked,
		Status: t.Source.ConnectionStatus, UserID: t.UserID, OwnerName: t.OwnerName,
		Model: t.ModelName, DeviceID: t.Source.DeviceID, Phone: t.Source.Phone,
		TariffID: t.Source.TariffID, PlanName: planNames[t.Source.TariffID],
		LastConnection: panelTime(t.LastConnection), Created: panelTime(t.CreationDate),
	}
}

// panelTimeLayouts are the shapes of the Panel's UTC dates and times.
var panelTimeLayouts = []string{panelclient.DateTimeLayout, "2006-01-02 15:04", time.RFC3339, panelclient.DateLayout}

// panelTime reads the Panel's UTC date and date-time strings; the zero
// time for "" or anything unreadable.
func panelTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if t, ok := panelDateTime(s); ok {
		return t
	}
	for _, layout := range panelTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// panelDateTime reads the Panel's usual "2006-01-02 15:04:05" (every row
// of a list has one) without time.Parse's general machinery; it reports
// false for anything else, including impossible dates, which panelTime then
// reads the general way. FuzzPanelTimeMatchesTimeParse holds the two to the
// same answers.
func panelDateTime(s string) (time.Time, bool) {
	if len(s) != len(panelclient.DateTimeLayout) || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 2), num(8, 2)
	hour, minute, sec := num(11, 2), num(14, 2), num(17, 2)
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC)
	if t.Day() != day { // the 31st of a 30-day month, the 29th of February in a common year
		return time.Time{}, false
	}
	return t, true
}

// readTracker reads the tracker of the URL. A tracker whose registration
// was cancelled cannot be read any more (code 252): errTrackerGone.
func (h *trackerHandlers) readTracker(c echo.Context) (*panelclient.Tracker, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	t, err := h.api.ReadTracker(c.Request().Context(), session(c).Hash, id)
	if err != nil {
		if panelclient.Code(err) == 252 {
			return nil, errTrackerGone
		}
		return nil, err
	}
	return t, nil
}

var errTrackerGone = errors.New("tracker registration cancelled")

// trackerGone answers for a tracker whose registration was cancelled.
func (h *trackerHandlers) trackerGone(c echo.Context) error {
	id, _ := pathID(c)
	return h.render(c, http.StatusGone, templates.TrackerGonePage(id))
}

// detail shows every field of a tracker and its device, its owner and
// plan (linked by permission), and the actions the staff member may take
// on it, after one round of Panel calls: tracker/read, and with tariffs:
// read the dealer's plans (tariff/list), which name the tracker's plan and
// fill the change-plan form. The owner's name and login (user/read) and
// the tracker's clones (tracker/list by device ID) need tracker/read's
// answer first; the page names them as fragments (trackers_related.go)
// that the browser loads as soon as the page is shown.
func (h *trackerHandlers) detail(c echo.Context) error {
	if _, err := pathID(c); err != nil {
		return err
	}
	s := session(c)
	ctx, cancel := context.WithCancel(c.Request().Context())
	defer cancel()
	linkPlans := s.Perms.Can("tariffs", "read")
	var (
		wg       sync.WaitGroup
		plans    *panelclient.TariffList
		plansErr error
	)
	if linkPlans {
		wg.Go(func() { plans, plansErr = h.api.ListTariffs(ctx, s.Hash, trackerPagePlans) })
	}
	t, err := h.readTracker(c)
	if err != nil {
		cancel()
	}
	wg.Wait()
	if errors.Is(err, errTrackerGone) {
		return h.trackerGone(c)
	}
	if err != nil {
		return err
	}
	if plansErr != nil {
		if panelclient.IsSessionEnded(plansErr) {
			return plansErr
		}
		// The plan list is a courtesy: without it the plan is read by
		// itself (trackerPlanName) and the change-plan form offers no
		// choice.
		h.log().Warn("tracker page: the plan list failed", "request_id", requestID(c), "error", plansErr.Error())
		plans = nil
	}

	v := templates.TrackerDetailView{
		ID: t.ID, Label: t.Label, Comment: t.Comment, Clone: t.Clone, Deleted: t.Deleted,
		GroupID: t.GroupID, DealerID: t.DealerID, AvatarFileName: t.AvatarFileName,
		Owner:          templates.TrackerOwnerView{TrackerID: t.ID, UserID: t.UserID, Name: t.OwnerName},
		ModelName:      t.ModelName,
		LastConnection: panelTime(t.LastConnection), Created: panelTime(t.CreationDate),
		Source: templates.TrackerSourceView{
			ID: t.Source.ID, DeviceID: t.Source.DeviceID, Model: t.Source.Model, Blocked: t.Source.Blocked,
			TariffID: t.Source.TariffID, Created: panelTime(t.Source.CreationDate), TariffEnd: panelTime(t.Source.TariffEndDate),
			ConnectionStatus: t.Source.ConnectionStatus, Phone: t.Source.Phone, Corrupted: t.Source.Corrupted,
		},
		Family:    templates.TrackerFamilyView{ID: t.ID, Clone: t.Clone},
		LinkUsers: s.Perms.Can("users", "read"),
		LinkPlans: linkPlans,
		Can:       trackerCan(s.Perms, t),
	}
	if v.LinkUsers && t.UserID > 0 {
		v.Owner.Loader = trackerOwnerURL(t)
	}
	if t.Source.DeviceID != "" {
		v.Family.Loader = trackerFamilyURL(t)
	} else {
		v.Family.Unknown = true
	}
	if v.LinkPlans && t.Source.TariffID > 0 {
		if v.PlanName, err = h.trackerPlanName(c, plans, t.Source.TariffID); err != nil {
			return err
		}
	}
	v.Forms = templates.TrackerFormsView{
		ID: t.ID, Label: t.Label, UserID: t.UserID, TariffID: t.Source.TariffID,
		PickUsers: v.LinkUsers,
	}
	if v.Can.ChangePlan {
		if plans != nil {
			v.Forms.Plans = trackerPlanOptions(plans.List, t.Source.TariffID)
		}
		v.Forms.Once = h.once.Issue()
	}
	return h.render(c, http.StatusOK, templates.TrackerDetailPage(v))
}

// trackerPagePlans is the plan list the tracker page reads: every plan of
// the dealer (a tracker may be on a camera plan), by name, as the
// change-plan form lists them.
var trackerPagePlans = panelclient.TariffListParams{OrderBy: "name", Limit: trackerPlanLimit}

// trackerPlanLimit is how many plans one tariff/list call reads for a
// tracker's page or form.
const trackerPlanLimit = 1000

// trackerPlanName names the tracker's plan from the dealer's plan list.
// A plan missing from a list that was cut short (or could not be read) is
// read by itself (tariff/read); missing from the whole list, it has no
// name to show.
func (h *trackerHandlers) trackerPlanName(c echo.Context, plans *panelclient.TariffList, tariffID int) (string, error) {
	if plans != nil {
		for _, p := range plans.List {
			if p.ID == tariffID {
				return p.Name, nil
			}
		}
		if len(plans.List) < trackerPlanLimit && plans.Count <= len(plans.List) {
			return "", nil
		}
	}
	p, err := h.api.ReadTariff(c.Request().Context(), session(c).Hash, tariffID)
	switch {
	case panelclient.IsSessionEnded(err):
		return "", err
	case err != nil:
		h.log().Warn("tracker page: the plan could not be read", "request_id", requestID(c), "error", err.Error())
		return "", nil
	}
	return p.Name, nil
}

func trackerURLOf(id int) string { return "/trackers/" + strconv.Itoa(id) }

// trackerCan works out which actions a tracker offers to this staff
// member: the permission the action needs and the tracker's state, as the
// official console decides (no plan change for a clone or a deleted
// tracker, no retry for a mobile app, and so on).
func trackerCan(p auth.Permissions, t *panelclient.Tracker) templates.TrackerCan {
	corrupted := t.Source.Corrupted
	mobile := isMobileModel(t.Source.Model)
	return templates.TrackerCan{
		Edit:           p.CanAll(needTrackerUpdate...) && !corrupted,
		Move:           p.CanAll(needTrackerMove...) && !t.Clone && !corrupted,
		Clone:          p.CanAll(needTrackerClone...) && !t.Clone && !corrupted,
		DeleteClone:    p.CanAll(needTrackerDelete...) && t.Clone,
		ChangePlan:     p.CanAll(needTrackerPlan...) && !t.Clone && !t.Deleted && !corrupted,
		Corrupt:        p.CanAll(needTrackerCorrupt...) && !t.Clone && !corrupted,
		Retry:          p.CanAll(needTrackerUpdate...) && !t.Clone && !t.Source.Blocked && !corrupted && !mobile,
		Console:        p.CanAll(needTrackerUpdate...) && !t.Deleted && !t.Source.Blocked && !corrupted,
		DeviceSettings: p.CanAll(needTrackerDeviceSettings...) && !t.Clone && !t.Source.Blocked && !corrupted,
		PickUsers:      p.Can("users", "read"),
	}
}

// isMobileModel reports the phone-app models register_retry does not
// support.
func isMobileModel(model string) bool {
	for _, prefix := range []string{"navixymobile", "mobile_unknown", "iosnavixytracker"} {
		if strings.HasPrefix(model, prefix) {
			return true
		}
	}
	return false
}

// userDisplayName is how a user is named in tracker pages: the company
// for a legal entity, else the person's name.
func userDisplayName(u panelclient.User) string {
	if u.LegalName != "" && u.LegalType != panelclient.LegalTypeIndividual {
		return u.LegalName
	}
	return strings.TrimSpace(strings.Join(strings.Fields(u.FirstName+" "+u.MiddleName+" "+u.LastName), " "))
}

// trackerPlanChoices are the tracker plans a tracker may change to: every
// tracker plan of the dealer but the current one.
func (h *trackerHandlers) trackerPlanChoices(c echo.Context, current int) ([]templates.PlanOption, error) {
	s := session(c)
	list, err := h.api.ListTariffs(c.Request().Context(), s.Hash, panelclient.TariffListParams{DeviceType: panelclient.DeviceTracker, OrderBy: "name", Limit: trackerPlanLimit})
	if err != nil {
		return nil, err
	}
	return trackerPlanOptions(list.List, current), nil
}

// trackerPlanOptions keeps the tracker plans of a plan list but the
// current one, in the list's order.
func trackerPlanOptions(plans []panelclient.Plan, current int) []templates.PlanOption {
	var out []templates.PlanOption
	for _, p := range plans {
		if p.ID == current || (p.DeviceType != "" && p.DeviceType != panelclient.DeviceTracker) {
			continue
		}
		out = append(out, templates.PlanOption{ID: p.ID, Name: p.Name})
	}
	return out
}

// userPicker suggests users as the staff member types into a user field:
// <option>s for the field's datalist, matched by user/list's filter (ID,
// login, names, phone...).
func (h *trackerHandlers) userPicker(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	if q == "" {
		q = strings.TrimSpace(c.QueryParam("user_id"))
	}
	if len(q) > 100 {
		q = q[:100]
	}
	var opts []templates.UserOption
	if q != "" {
		list, err := h.api.ListUsers(c.Request().Context(), session(c).Hash, panelclient.UserListParams{Filter: q, Limit: 20})
		switch {
		case panelclient.IsSessionEnded(err):
			return err
		case err != nil:
			// Suggestions are a help, not a must: the field still takes
			// a user ID, so a failed search offers nothing.
			h.log().Warn("user picker: search failed", "request_id", requestID(c), "error", err.Error())
		default:
			for _, u := range list.List {
				opts = append(opts, templates.UserOption{ID: u.ID, Login: u.Login, Name: userDisplayName(u)})
			}
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, http.StatusOK, templates.UserPickerOptions(opts))
}

// openUserApp authenticates as a user (user/session/create) and sends the
// browser, in the new tab the form opened, to the user's web application
// at the address the template builds. The user's session hash goes only
// into that redirect: no page, no log line.
func (h *trackerHandlers) openUserApp(c echo.Context, userID, trackerID int, tmpl string) error {
	s := session(c)
	ctx := c.Request().Context()
	dealer, err := h.api.DealerInfo(ctx, s.Hash)
	if err != nil {
		return err
	}
	hash, err := h.api.CreateUserSession(ctx, s.Hash, userID)
	h.audit(c, "user/session/create", userID, err)
	if err != nil {
		return err
	}
	to := strings.NewReplacer(
		"{domain}", dealer.Domain,
		"{hash}", url.QueryEscape(hash),
		"{tracker_id}", strconv.Itoa(trackerID),
	).Replace(tmpl)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Redirect(http.StatusSeeOther, to)
}

// register opens the chosen owner's web application at its tracker
// registration page: the Panel API has no call that adds a tracker.
func (h *trackerHandlers) register(c echo.Context) error {
	userID := positiveInt(c.FormValue("user_id"))
	if userID == 0 {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	return h.openUserApp(c, userID, 0, h.o.TrackerRegisterURL)
}

// deviceSettings opens the owner's web application at the tracker's
// settings page.
func (h *trackerHandlers) deviceSettings(c echo.Context) error {
	t, err := h.readTracker(c)
	if errors.Is(err, errTrackerGone) {
		return h.trackerGone(c)
	}
	if err != nil {
		return err
	}
	return h.openUserApp(c, t.UserID, t.ID, h.o.TrackerSettingsURL)
}

// trackerAPIText words a refused tracker call for the staff member: the
// catalogue has a text per action and code where the code means something
// specific there, then one per code, then the general wording.
func trackerAPIText(l *i18n.Localizer, op string, e *panelclient.APIError) string {
	if key := "trackers.err." + op + "." + itoa(e.Code); i18n.Has(key) {
		return l.T(key)
	}
	switch e.Code {
	case 203:
		if len(e.Rules) > 0 {
			return l.T("trackers.err.203.rules", joinIDs(e.Rules))
		}
		if len(e.Vehicles) > 0 {
			return l.T("trackers.err.203.vehicles", joinIDs(e.Vehicles))
		}
	case 253:
		if len(e.List) > 0 {
			return l.T("trackers.err.253.list", joinIDs(e.List))
		}
	case 247:
		if op == "batch_clone" && len(e.List) > 0 {
			return l.T("trackers.err.batch_clone.247.list", joinIDs(e.List))
		}
	}
	if key := "trackers.err." + itoa(e.Code); i18n.Has(key) {
		return l.T(key)
	}
	return apiMessage(l, e)
}

func joinIDs(ids []int) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = "#" + strconv.Itoa(id)
	}
	return strings.Join(parts, ", ")
}

// trackerErrorField is the form field a refusal belongs on.
func trackerErrorField(code int) string {
	switch code {
	case 246, 247:
		return "user_id"
	case 221, 237, 238, 239, 240, 251:
		return "tariff_id"
	}
	return ""
}

// trackerFormErrors turns a refused call into messages on the form. It
// returns the error itself when it belongs on the error page instead: the
// session ended, no permission, no such tracker, or the Panel could not be
// reached.
func trackerFormErrors(c echo.Context, op string, err error) (templates.FieldErrors, error) {
	var ae *panelclient.APIError
	if !errors.As(err, &ae) || panelclient.IsSessionEnded(err) || panelclient.IsForbidden(err) {
		return nil, err
	}
	if ae.Code == 201 && op != "batch_clone" && op != "raw_command" && op != "tariff_change" {
		// No such tracker: the 404 page.
		return nil, err
	}
	l := i18n.From(c.Request().Context())
	errs := templates.FieldErrors{}
	if ae.Code == 7 && len(ae.Errors) > 0 {
		for name, msg := range ae.FieldMessages() {
			switch name {
			case "label", "comment", "user_id", "tariff_id", "command":
				errs[name] = msg
			default:
				errs[""] = strings.TrimPrefix(errs[""]+"; "+name+": "+msg, "; ")
			}
		}
		if errs[""] == "" {
			errs[""] = l.T("form.errors")
		}
		return errs, nil
	}
	msg := trackerAPIText(l, op, ae)
	if f := trackerErrorField(ae.Code); f != "" {
		errs[f] = msg
		errs[""] = l.T("form.errors")
		return errs, nil
	}
	errs[""] = msg
	return errs, nil
}

// checkLabel applies the documented label rule: 1 to 60 printable
// characters (and, for tracker/settings/update, no < or >).
func checkLabel(l *i18n.Localizer, label string, noAngles bool) string {
	n := len([]rune(label))
	switch {
	case strings.TrimSpace(label) == "":
		return l.T("trackers.val.label_required")
	case n > 60:
		return l.T("trackers.val.label_long")
	case !printable(label):
		return l.T("trackers.val.label_printable")
	case noAngles && strings.ContainsAny(label, "<>"):
		return l.T("trackers.val.label_angles")
	}
	return ""
}

func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}
