package handlers

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// usersAPI is what the Users section calls on the Panel API.
type usersAPI interface {
	ListUsers(ctx context.Context, hash string, p panelclient.UserListParams) (*panelclient.UserList, error)
	ReadUser(ctx context.Context, hash string, userID int) (*panelclient.UserDetails, error)
	CreateUser(ctx context.Context, hash string, p panelclient.UserCreateParams) (int, error)
	UpdateUser(ctx context.Context, hash string, p panelclient.UserUpdateParams) error
	ChangeUserPassword(ctx context.Context, hash string, p panelclient.UserPasswordParams) error
	CorruptUser(ctx context.Context, hash string, p panelclient.UserCorruptParams) error
	CreateUserSession(ctx context.Context, hash string, userID int) (string, error)
	UploadUsers(ctx context.Context, hash, fileName string, r io.Reader) (*panelclient.UploadResult, error)
	ExportUsers(ctx context.Context, hash string, p panelclient.UserExportParams) (*panelclient.Download, error)
	ListUserTransactions(ctx context.Context, hash string, p panelclient.TransactionListParams) ([]panelclient.Transaction, error)
	ChangeUserBalance(ctx context.Context, hash string, p panelclient.BalanceChangeParams) error
	UpdateUserMFASettings(ctx context.Context, hash string, target panelclient.MFATarget, settings panelclient.MFASettings) error
	ListTrackers(ctx context.Context, hash string, p panelclient.TrackerListParams) (*panelclient.TrackerList, error)
	ReadTariff(ctx context.Context, hash string, tariffID int) (*panelclient.Plan, error)
	ListTariffs(ctx context.Context, hash string, p panelclient.TariffListParams) (*panelclient.TariffList, error)
	ReadTariffDefaults(ctx context.Context, hash string) (*panelclient.TariffDefaultsSet, error)
	Timezones(ctx context.Context, locale string) ([]panelclient.Timezone, error)
	DealerInfo(ctx context.Context, hash string) (*panelclient.Dealer, error)
}

// usersHandlers serve the Users section: the list, a user's card, the
// create and edit forms, password, balance, MFA, deletion, "log in as
// user", the transaction history, export and import.
type usersHandlers struct {
	*app
	api  usersAPI
	once *onceGuard
	tz   *userTimezoneCache
}

func newUsersHandlers(a *app, api usersAPI) *usersHandlers {
	return &usersHandlers{app: a, api: api, once: newOnceGuard(a.o.Now, onceTTL, onceMaxEntries), tz: &userTimezoneCache{}}
}

// The permissions the Users section's Panel API calls require.
var (
	usersPermRead         = auth.P("users", "read")
	usersPermCreate       = auth.P("users", "create")
	usersPermUpdate       = auth.P("users", "update")
	usersPermCorrupt      = auth.P("users", "corrupt")
	usersPermSessions     = auth.P("user_sessions", "create")
	usersPermTxRead       = auth.P("transactions", "read")
	usersPermTxCreate     = auth.P("transactions", "create")
	usersPermTrackersRead = auth.P("trackers", "read")
	usersPermTariffsRead  = auth.P("tariffs", "read")
)

// userCan is what a session may do on a user's card. The routes require
// the same permissions, so a hidden control is also a refused request.
func userCan(p auth.Permissions) templates.UserCan {
	return templates.UserCan{
		Edit:         p.CanAll(usersPermUpdate),
		Password:     p.CanAll(usersPermUpdate),
		Balance:      p.CanAll(usersPermUpdate, usersPermTxCreate),
		MFA:          p.CanAll(usersPermUpdate),
		Delete:       p.CanAll(usersPermCorrupt),
		LoginAs:      p.CanAll(usersPermRead, usersPermSessions),
		Transactions: p.CanAll(usersPermRead, usersPermTxRead),
		Trackers:     p.CanAll(usersPermTrackersRead),
		Plans:        p.CanAll(usersPermTariffsRead),
	}
}

// usersListSpec is the user list's URL state: the sort keys are the
// order_by values user/list documents.
var usersListSpec = listSpec{
	path:    "/users",
	target:  "#users-table",
	sorts:   []string{"id", "login", "last_name", "balance", "bonus", "phone", "post_city"},
	filters: []string{"active"},
}

// parseUsersList reads the list state from the URL; "active" is a flag.
func parseUsersList(c echo.Context) templates.ListState {
	s := parseList(c, usersListSpec)
	if s.Filters.Get("active") != "" {
		s.Filters.Set("active", "1")
	}
	return s
}

// usersListParams turns the list state into user/list parameters.
func usersListParams(s templates.ListState) panelclient.UserListParams {
	p := panelclient.UserListParams{Filter: s.Q, OrderBy: s.Sort, HideInactive: s.Filter("active") != ""}
	if s.Sort != "" {
		asc := !s.Desc
		p.Ascending = &asc
	}
	return p
}

// list shows a page of users. An htmx request (search as you type, a sort
// header, the pager) gets the table alone.
func (h *usersHandlers) list(c echo.Context) error {
	sess := session(c)
	ctx := c.Request().Context()
	s := parseUsersList(c)
	p := usersListParams(s)
	p.Limit, p.Offset = s.PerPage, s.Offset()
	res, err := h.api.ListUsers(ctx, sess.Hash, p)
	if err != nil {
		return err
	}
	s.Total = res.Count
	if len(res.List) == 0 && s.Total > 0 && clampPage(&s) {
		res.Release()
		p.Offset = s.Offset()
		if res, err = h.api.ListUsers(ctx, sess.Hash, p); err != nil {
			return err
		}
		s.Total = res.Count
	}
	// The rows' strings are the Panel's answer itself, handed back for
	// the next list once the page is written.
	defer res.Release()
	v := templates.UsersListView{
		State:     s,
		CanCreate: sess.Perms.CanAll(usersPermCreate),
		CanImport: sess.Perms.CanAll(usersPermCreate),
	}
	v.Rows = make([]templates.UserRow, len(res.List))
	for i := range res.List {
		v.Rows[i] = userRow(res.List[i])
	}
	v.ExportCols = defaultExportChoices
	if listPartial(c) {
		return h.render(c, http.StatusOK, templates.UsersTablePartial(v))
	}
	return h.render(c, http.StatusOK, templates.UsersPage(v))
}

// listPartial says whether a list request wants the table alone. htmx
// restoring a page from history (the back button, with no local history
// cache) wants the whole document even though it sends HX-Request.
func listPartial(c echo.Context) bool {
	r := c.Request()
	if r.Header.Get("HX-History-Restore-Request") == "true" {
		r.Header.Del("HX-Request")
		return false
	}
	return wantsPartial(c)
}

func userRow(u panelclient.User) templates.UserRow {
	city := u.PostCity
	if u.RegisteredCity != "" && u.RegisteredCity != u.PostCity {
		if city != "" {
			city += " / "
		}
		city += u.RegisteredCity
	}
	return templates.UserRow{
		ID: u.ID, Name: userName(u), Activated: u.Activated, Verified: u.Verified,
		Balance: u.Balance, Bonus: u.Bonus, Trackers: u.TrackersCount,
		Login: u.Login, Phone: u.Phone, City: city, Created: panelTime(u.CreationDate),
	}
}

// userName is how the official console names a user: the legal
// name of a legal entity, otherwise last, first and middle name; the
// login when there is no name at all.
func userName(u panelclient.User) string {
	if u.LegalType == panelclient.LegalTypeLegalEntity && strings.TrimSpace(u.LegalName) != "" {
		return u.LegalName
	}
	// Built in one string: a list page names 50 to 100 users.
	last, first, middle := strings.TrimSpace(u.LastName), strings.TrimSpace(u.FirstName), strings.TrimSpace(u.MiddleName)
	var b strings.Builder
	b.Grow(len(last) + len(first) + len(middle) + 2)
	for _, s := range [...]string{last, first, middle} {
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	if b.Len() == 0 {
		return u.Login
	}
	return b.String()
}

// userFromPath reads the user the URL names (user/read): the start of
// every page and action about one user.
func (h *usersHandlers) userFromPath(c echo.Context) (int, *panelclient.UserDetails, error) {
	id, err := pathID(c)
	if err != nil {
		return 0, nil, err
	}
	d, err := h.api.ReadUser(c.Request().Context(), session(c).Hash, id)
	return id, d, err
}

// userDetailTrackers is how many of a user's trackers the card lists.
const userDetailTrackers = 50

// userDetailTxDays and userDetailTx bound the card's latest transactions.
const (
	userDetailTxDays = 30
	userDetailTx     = 10
)

// show draws a user's card. The user, the user's trackers and the latest
// transactions are read in parallel; the trackers and transactions are
// each optional (by permission) and a failure of either shows in its own
// section instead of failing the card.
func (h *usersHandlers) show(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sess := session(c)
	l := i18n.From(c.Request().Context())
	ctx, cancel := context.WithCancel(c.Request().Context())
	defer cancel()
	can := userCan(sess.Perms)
	now := h.o.Now().UTC()

	var (
		wg       sync.WaitGroup
		d        *panelclient.UserDetails
		dErr     error
		trackers *panelclient.TrackerList
		trErr    error
		txs      []panelclient.Transaction
		txErr    error
		plans    *panelclient.TariffList
		plErr    error
		defaults *panelclient.TariffDefaultsSet
	)
	wg.Go(func() {
		d, dErr = h.api.ReadUser(ctx, sess.Hash, id)
		if dErr != nil {
			cancel()
		}
	})
	if can.Trackers {
		wg.Go(func() {
			trackers, trErr = h.api.ListTrackers(ctx, sess.Hash, panelclient.TrackerListParams{UserID: id, Limit: userDetailTrackers})
		})
	}
	if can.Trackers && can.Plans {
		// The device-limit insight (plan_limit.go): every plan's limit,
		// and the plan a new tracker gets when the user has no default.
		wg.Go(func() { plans, plErr = h.api.ListTariffs(ctx, sess.Hash, panelclient.TariffListParams{}) })
		wg.Go(func() { defaults, _ = h.api.ReadTariffDefaults(ctx, sess.Hash) })
	}
	if can.Transactions {
		wg.Go(func() {
			txs, txErr = h.api.ListUserTransactions(ctx, sess.Hash, panelclient.TransactionListParams{
				UserID: id,
				From:   now.AddDate(0, 0, -userDetailTxDays).Format(panelclient.DateTimeLayout),
				To:     now.Format(panelclient.DateTimeLayout),
			})
		})
	}
	wg.Wait()
	if dErr != nil {
		return dErr
	}
	v := templates.UserDetailView{
		U: d.User, Name: userName(d.User), Created: panelTime(d.User.CreationDate),
		Discount: d.Discount, Can: can,
		Delete: userDeleteViewOf(d.User),
	}
	if d.DealerMFASettings != nil {
		v.MFA = d.DealerMFASettings.Type
	}
	if d.DefaultTariffID != nil && *d.DefaultTariffID > 0 {
		v.PlanID = *d.DefaultTariffID
		if plans != nil {
			for _, p := range plans.List {
				if p.ID == v.PlanID {
					v.PlanName = p.Name
				}
			}
		}
		if can.Plans && v.PlanName == "" {
			if plan, err := h.api.ReadTariff(c.Request().Context(), sess.Hash, v.PlanID); err == nil {
				v.PlanName = plan.Name
			} else if panelclient.IsSessionEnded(err) {
				return err
			}
		}
	}
	if can.Trackers {
		if trErr != nil {
			v.TrackersErr = h.sectionError(c, l, trErr)
		} else {
			v.TrackersAll = trackers.Count
			for _, t := range trackers.List {
				v.Trackers = append(v.Trackers, templates.UserTrackerRow{
					ID: t.ID, Label: t.Label, Model: t.Source.Model, DeviceID: t.Source.DeviceID,
					Status: t.Source.ConnectionStatus, Blocked: t.Source.Blocked, Clone: t.Clone, Deleted: t.Deleted,
					LastOnline: panelTime(t.LastConnection),
				})
			}
			if v.TrackersAll < len(v.Trackers) {
				v.TrackersAll = len(v.Trackers)
			}
		}
	}
	if can.Trackers && can.Plans {
		if v.Limit, err = planLimitView(c, h.api, d, trackers, trErr, plans, plErr, defaults); err != nil {
			return err
		}
	}
	if can.Transactions {
		if txErr != nil {
			v.TxErr = h.sectionError(c, l, txErr)
		} else {
			rows := userTxRows(txs)
			if len(rows) > userDetailTx {
				rows = rows[:userDetailTx]
			}
			v.Tx = rows
		}
	}
	return h.render(c, http.StatusOK, templates.UserPage(v))
}

// sectionError words the failure of one part of a page that otherwise
// shows, and logs it.
func (h *usersHandlers) sectionError(c echo.Context, l *i18n.Localizer, err error) string {
	h.log().Warn("part of a page failed", "request_id", requestID(c), "path", c.Request().URL.Path, "error", err.Error())
	return l.T("users.section_failed", userUpstreamMessage(l, err))
}

// userUpstreamMessage words any Panel API failure for the staff member,
// as the error page words it.
func userUpstreamMessage(l *i18n.Localizer, err error) string {
	_, _, message := describeError(l, err)
	return message
}

// userTxRows turns transactions into table rows, newest first.
func userTxRows(txs []panelclient.Transaction) []templates.UserTxRow {
	rows := make([]templates.UserTxRow, 0, len(txs))
	for _, t := range txs {
		rows = append(rows, templates.UserTxRow{
			Time: panelTime(t.Timestamp), Description: t.Description, Type: t.Type, Subtype: t.Subtype,
			TrackerID: t.TrackerID, Amount: t.Amount, OldBalance: t.OldBalance, NewBalance: t.NewBalance,
			BonusAmount: t.BonusAmount, OldBonus: t.OldBonus, NewBonus: t.NewBonus,
		})
	}
	slices.SortStableFunc(rows, func(a, b templates.UserTxRow) int { return b.Time.Compare(a.Time) })
	return rows
}

func userDeleteViewOf(u panelclient.User) templates.UserDeleteView {
	return templates.UserDeleteView{ID: u.ID, Login: u.Login, Name: userName(u), Trackers: u.TrackersCount, CorruptClones: true}
}

// userURL is the address of a user's card.
func userURL(id int) string { return "/users/" + strconv.Itoa(id) }
