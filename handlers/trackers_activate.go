package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// Bulk activation's permissions: user/read (users: read) for the owners,
// user/session/create (user_sessions: create) to act as them,
// tracker/list (trackers: read) to find devices already registered, and
// the right to add trackers (trackers: create), which the owner-side
// tracker/register stands for.
var needBulkActivation = []auth.Perm{permTrackersRead, permTrackersCreate, permUserSessions, permUsersRead}

// activationConcurrency is how many calls a check or a chunk runs at a
// time: quick for the staff member, gentle on the platform.
const activationConcurrency = 4

// activationChunkSize is how many rows one request of a run registers:
// about forty requests whatever the file's size, between 4 and 25 rows each.
func activationChunkSize(total int) int {
	return min(max((total+39)/40, 4), 25)
}

// activationPanelAPI is what bulk activation calls on the Panel API with
// the staff member's session.
type activationPanelAPI interface {
	ReadUser(ctx context.Context, hash string, userID int) (*panelclient.UserDetails, error)
	CreateUserSession(ctx context.Context, hash string, userID int) (string, error)
	ListTrackers(ctx context.Context, hash string, p panelclient.TrackerListParams) (*panelclient.TrackerList, error)
	UpdateTrackerSettings(ctx context.Context, hash string, p panelclient.TrackerSettingsParams) error
}

// activationUserAPI is what it calls on the user API with an owner's
// session.
type activationUserAPI interface {
	ListModels(ctx context.Context, userHash string, codes []string) ([]panelclient.TrackerModel, error)
	ListPlugins(ctx context.Context, userHash string) ([]panelclient.Plugin, error)
	RegisterTracker(ctx context.Context, userHash string, p panelclient.TrackerRegisterParams) (*panelclient.RegisteredTracker, error)
}

// activationHandlers serve Trackers → Bulk activation, which registers
// the devices of the file Navixy support takes for bulk activation
// (admin-panel-guide/devices/bulk-activation.md) without support: the
// portal checks every row, shows the check, and on confirmation registers
// each device in its owner's account through the user API (a user session
// from the Panel's user/session/create, then tracker/register with plugin
// 44, activate-device.md).
//
// # No server-side state
//
// The portal keeps nothing between requests, so a run survives a reload,
// a dropped connection or a request landing on another replica:
//
//  1. POST /trackers/activate (the upload) checks the file and answers the
//     check. Its confirmation form carries the parsed rows in a hidden
//     field "rows": JSON, gzipped, base64url (encodeBlob). The file is
//     not kept anywhere.
//  2. POST /trackers/activate/run registers the next chunk of rows and
//     answers the table so far with a new form holding "rows" (as
//     received) and "results" (one outcome per row done so far, encoded the
//     same way). That form has hx-trigger="load", so htmx sends it at once:
//     the chain of requests is the progress bar. Without JavaScript it has
//     a Continue button. The next chunk starts at len(results).
//  3. Before registering a row, the portal asks the Panel whether the
//     device is already registered (tracker/list filtered by the device ID,
//     exact match on source.device_id, clones and cancelled registrations
//     aside). If it is, the row is reported as already done (same owner) or
//     as registered elsewhere, and tracker/register is not called. A 224
//     "device ID in use" from tracker/register (two runs racing) is checked
//     the same way. So whatever the browser sends, replays, or loses, a
//     device is registered at most once, and running the same file again
//     registers only what is still missing.
//
// The hidden fields grant nothing: they hold the staff member's own file,
// every call is made with their own Panel session, behind the same
// permission gate, and every row is checked against the Panel again before
// it is registered. A user session hash is never put in a page: each chunk
// opens the owners' sessions it needs.
type activationHandlers struct {
	*app
	panel activationPanelAPI
	// user is nil when no user API address is known.
	user activationUserAPI
}

// newActivationHandlers builds the handlers with a user API client on the
// Panel client's transport: at Options.UserAPIURL, else at the address
// derived from the Panel API's (…/v2/panel → …/v2).
func newActivationHandlers(a *app) *activationHandlers {
	h := &activationHandlers{app: a}
	c := a.o.Client
	if c == nil {
		return h
	}
	h.panel = c
	base := a.o.UserAPIURL
	if base == "" {
		base = panelclient.DefaultUserAPIURL(c.BaseURL())
	}
	if base == "" {
		a.log().Warn("bulk activation is off: no USER_API_URL and none can be derived from the Panel API address")
		return h
	}
	u, err := c.UserAPI(base)
	if err != nil {
		a.log().Error("bulk activation is off: bad user API address", "error", err.Error())
		return h
	}
	h.user = u
	return h
}

// activationRow is one device of the file as the check found it and the
// run carries it (hidden field "rows").
type activationRow struct {
	Line        int    `json:"n"`
	UserID      int    `json:"u,omitempty"`
	Model       string `json:"m,omitempty"`
	Label       string `json:"l,omitempty"`
	DeviceID    string `json:"d,omitempty"`
	Phone       string `json:"p,omitempty"`
	APNName     string `json:"an,omitempty"`
	APNUser     string `json:"au,omitempty"`
	APNPassword string `json:"ap,omitempty"`
	Comment     string `json:"c,omitempty"`
	// Skip marks a row the check found problems in: never registered.
	Skip bool `json:"x,omitempty"`
}

// activationOutcome is what became of one row (hidden field "results").
type activationOutcome struct {
	Status    string `json:"s"`
	TrackerID int    `json:"t,omitempty"`
	Text      string `json:"m,omitempty"`
}

func (h *activationHandlers) view(c echo.Context) templates.ActivationView {
	return templates.ActivationView{
		MaxBytes: activationMaxBytes, MaxRows: activationMaxRows, PickUsers: true,
		Unavailable: h.user == nil,
	}
}

// show answers the page, or for htmx the part of it that changed.
func (h *activationHandlers) show(c echo.Context, status int, v templates.ActivationView) error {
	if wantsPartial(c) {
		return h.render(c, status, templates.ActivationChunk(v))
	}
	return h.render(c, status, templates.ActivationPage(v))
}

// form shows the upload form.
func (h *activationHandlers) form(c echo.Context) error {
	v := h.view(c)
	if id := positiveInt(c.QueryParam("user_id")); id > 0 {
		v.UserID = strconv.Itoa(id)
	}
	return h.render(c, http.StatusOK, templates.ActivationPage(v))
}

// templateCSV downloads the file template: the nine columns.
func (h *activationHandlers) templateCSV(c echo.Context) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	_ = w.Write(templates.ActivationColumns)
	w.Flush()
	c.Response().Header().Set("Content-Disposition", `attachment; filename="bulk-activation.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// check reads the uploaded file and shows every row with its problems.
// Nothing is registered. It opens one user session (user/session/create)
// to read the model list, which only the user API has.
func (h *activationHandlers) check(c echo.Context) error {
	l := i18n.From(c.Request().Context())
	v := h.view(c)
	if v.Unavailable {
		return h.show(c, http.StatusOK, v)
	}
	errs := templates.FieldErrors{}
	name, data, problem := h.readUpload(c)
	v.UserID = strings.TrimSpace(c.FormValue("user_id"))
	fixed := 0
	if v.UserID != "" {
		if fixed = positiveInt(v.UserID); fixed == 0 {
			errs["user_id"] = l.T("activate.file.owner_bad")
		}
	}
	var rows []fileRow
	if problem == nil {
		rows, problem = readActivationFile(strings.ToLower(path.Ext(name)), data)
	}
	if problem != nil {
		var fp *fileProblem
		if !errors.As(problem, &fp) {
			return problem
		}
		errs["file"] = l.T(fp.key, fp.args...)
	}
	if len(errs) > 0 {
		v.Errs = errs
		return h.show(c, statusUnprocessable, v)
	}
	checked, views, err := h.checkRows(c, rows, fixed)
	if err != nil {
		return err
	}
	state, err := encodeBlob(checked)
	if err != nil {
		return err
	}
	p := &templates.ActivationPreview{FileName: name, Rows: views, State: state}
	for _, r := range checked {
		if r.Skip {
			p.Problems++
		} else {
			p.Ready++
		}
	}
	v.Preview = p
	return h.show(c, http.StatusOK, v)
}

// readUpload reads the file field, refusing what is too large, empty or
// not CSV/XLSX before reading it whole.
func (h *activationHandlers) readUpload(c echo.Context) (string, []byte, error) {
	r := c.Request()
	const slack = 64 << 10 // the multipart framing and the other fields
	if r.ContentLength > activationMaxBytes+slack {
		return "", nil, refuseFile("activate.file.too_large")
	}
	if r.MultipartForm == nil {
		r.Body = http.MaxBytesReader(c.Response(), r.Body, activationMaxBytes+slack)
	}
	fh, err := c.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", nil, refuseFile("activate.file.too_large")
		}
		return "", nil, refuseFile("activate.file.choose")
	}
	name := path.Base(strings.ReplaceAll(fh.Filename, "\\", "/"))
	switch {
	case fh.Size > activationMaxBytes:
		return name, nil, refuseFile("activate.file.too_large")
	case fh.Size == 0:
		return name, nil, refuseFile("activate.file.empty")
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".csv", ".xlsx":
	default:
		return name, nil, refuseFile("activate.file.bad_type")
	}
	f, err := fh.Open()
	if err != nil {
		return name, nil, refuseFile("activate.file.choose")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, activationMaxBytes+1))
	if err != nil {
		return name, nil, refuseFile("activate.file.unreadable")
	}
	return name, data, nil
}

// checkRows checks every row: the cells alone (owner ID, label, phone and
// APN lengths), duplicates within the file, the owners (user/read) and,
// with one owner's session, the models (user API tracker/list_models) and
// what each model needs (device ID shape by id_type, phone, APN). The
// error is for the error page: the staff member's session ended, or the
// Panel refused them.
func (h *activationHandlers) checkRows(c echo.Context, in []fileRow, fixed int) ([]activationRow, []templates.ActivationRow, error) {
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	rows := make([]activationRow, len(in))
	views := make([]templates.ActivationRow, len(in))
	problems := make([][]string, len(in))
	warnings := make([][]string, len(in))
	add := func(i int, key string, args ...any) { problems[i] = append(problems[i], l.T(key, args...)) }

	firstDevice, firstPhone := map[string]int{}, map[string]int{}
	for i, fr := range in {
		r := activationRow{
			Line: fr.Line, Model: fr.cell("model"), Label: fr.cell("label"),
			DeviceID: cleanDeviceID(fr.cell("device_id")), Phone: cleanPhone(fr.cell("phone")),
			APNName: fr.cell("apn_name"), APNUser: fr.cell("apn_user"), APNPassword: fr.cell("apn_password"),
			Comment: fr.cell("comment"),
		}
		if fr.Extra {
			add(i, "activate.err.columns")
		}
		owner := fr.cell("user_id")
		switch n := positiveInt(owner); {
		case fixed > 0 && owner != "" && n != fixed:
			add(i, "activate.err.user_conflict", n, fixed)
		case fixed > 0:
			r.UserID = fixed
		case owner == "":
			add(i, "activate.err.user_missing")
		case n == 0:
			add(i, "activate.err.user_bad")
		default:
			r.UserID = n
		}
		if r.Model == "" {
			add(i, "activate.err.model_missing")
		}
		switch n := utf8.RuneCountInString(r.Label); {
		case strings.TrimSpace(r.Label) == "":
			add(i, "activate.err.label_missing")
		case n > 60:
			add(i, "activate.err.label_long")
		case !printable(r.Label):
			add(i, "activate.err.label_printable")
		}
		if r.DeviceID == "" {
			add(i, "activate.err.device_missing")
		} else if first, dup := firstDevice[strings.ToUpper(r.DeviceID)]; dup {
			add(i, "activate.err.device_dup", first)
		} else {
			firstDevice[strings.ToUpper(r.DeviceID)] = r.Line
		}
		if r.Phone != "" {
			if !isDigitString(r.Phone) || len(r.Phone) < 5 || len(r.Phone) > 15 {
				add(i, "activate.err.phone_bad")
			} else if first, dup := firstPhone[r.Phone]; dup {
				add(i, "activate.err.phone_dup", first)
			} else {
				firstPhone[r.Phone] = r.Line
			}
		}
		for _, f := range []struct{ key, v string }{{"activate.err.apn_name_long", r.APNName}, {"activate.err.apn_user_long", r.APNUser}, {"activate.err.apn_password_long", r.APNPassword}} {
			if utf8.RuneCountInString(f.v) > 40 {
				add(i, f.key)
			}
		}
		if utf8.RuneCountInString(r.Comment) > 3000 {
			add(i, "activate.err.comment_long")
		}
		rows[i] = r
	}

	owners, err := h.checkOwners(c, rows)
	if err != nil {
		return nil, nil, err
	}
	for i, r := range rows {
		if r.UserID == 0 {
			continue
		}
		if o := owners[r.UserID]; o.problem != "" {
			problems[i] = append(problems[i], o.problem)
		} else {
			views[i].OwnerName = o.name
		}
	}

	models, modelProblem, err := h.checkModels(c, rows, owners)
	if err != nil {
		return nil, nil, err
	}
	for i, r := range rows {
		if r.Model == "" || (models == nil && modelProblem == "") {
			continue
		}
		if modelProblem != "" {
			problems[i] = append(problems[i], modelProblem)
			continue
		}
		m, ok := models[r.Model]
		switch {
		case !ok:
			add(i, "activate.err.model_unknown", r.Model)
			continue
		case !m.Register:
			add(i, "activate.err.model_closed", r.Model)
			continue
		}
		views[i].ModelName = m.Name
		t := panelclient.ParseDeviceIDType(m.IDType)
		switch {
		case t.Generated():
			add(i, "activate.err.device_generated")
		case r.DeviceID == "":
		case !t.Fits(r.DeviceID):
			problems[i] = append(problems[i], deviceShapeText(l, t))
		case t.Kind == panelclient.IDKindIMEI && !panelclient.LuhnValid(r.DeviceID):
			warnings[i] = append(warnings[i], l.T("activate.warn.luhn"))
		}
		if m.HasPhone && r.Phone == "" {
			add(i, "activate.err.phone_missing")
		}
		if m.HasAPNSettings && r.APNName == "" {
			add(i, "activate.err.apn_missing")
		}
	}

	for i := range rows {
		r := &rows[i]
		r.Skip = len(problems[i]) > 0
		views[i] = templates.ActivationRow{
			Line: r.Line, UserID: r.UserID, OwnerName: views[i].OwnerName, Model: r.Model, ModelName: views[i].ModelName,
			Label: r.Label, DeviceID: r.DeviceID, Phone: r.Phone, APNName: r.APNName, APNUser: r.APNUser,
			APNPassword: r.APNPassword != "", Comment: r.Comment, Problems: problems[i], Warnings: warnings[i],
		}
	}
	return rows, views, nil
}

// deviceShapeText says what a device ID of this type looks like.
func deviceShapeText(l *i18n.Localizer, t panelclient.DeviceIDType) string {
	switch t.Kind {
	case panelclient.IDKindIMEI:
		return l.T("activate.err.device_imei")
	case panelclient.IDKindMEID:
		return l.T("activate.err.device_meid")
	case panelclient.IDKindDigits:
		return l.T("activate.err.device_digits", t.Length)
	case panelclient.IDKindASCII:
		return l.T("activate.err.device_ascii", max(t.MinLen, 1), t.MaxLen)
	}
	return l.T("activate.err.device_other")
}

// ownerCheck is what user/read said about an owner.
type ownerCheck struct {
	name    string
	problem string
}

// checkOwners reads every owner of the file (user/read), a few at a time.
func (h *activationHandlers) checkOwners(c echo.Context, rows []activationRow) (map[int]ownerCheck, error) {
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	hash := session(c).Hash
	var ids []int
	for _, r := range rows {
		if r.UserID > 0 && !slices.Contains(ids, r.UserID) {
			ids = append(ids, r.UserID)
		}
	}
	out := make(map[int]ownerCheck, len(ids))
	var mu sync.Mutex
	var fatal error
	runLimited(ctx, len(ids), activationConcurrency, func(i int) {
		id := ids[i]
		u, err := h.panel.ReadUser(ctx, hash, id)
		var oc ownerCheck
		switch {
		case err == nil:
			oc.name = userDisplayName(u.User)
		case panelclient.IsNotFound(err):
			oc.problem = l.T("activate.err.owner_unknown", id)
		case panelclient.IsSessionEnded(err), panelclient.IsForbidden(err):
			mu.Lock()
			fatal = err
			mu.Unlock()
		default:
			oc.problem = l.T("activate.err.owner_unchecked", panelErrorText(l, err))
		}
		mu.Lock()
		out[id] = oc
		mu.Unlock()
	})
	if fatal != nil {
		return nil, fatal
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// checkModels reads the file's models from the user API with a session of
// the first owner that exists (none: the models are not checked, and every
// row has an owner problem anyway). problem is set (for every row) when
// the models could not be read.
func (h *activationHandlers) checkModels(c echo.Context, rows []activationRow, owners map[int]ownerCheck) (map[string]panelclient.TrackerModel, string, error) {
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	var codes []string
	as := 0
	for _, r := range rows {
		if as == 0 && r.UserID > 0 && owners[r.UserID].problem == "" {
			as = r.UserID
		}
		if r.Model != "" && !slices.Contains(codes, r.Model) {
			codes = append(codes, r.Model)
		}
	}
	if as == 0 {
		return nil, "", nil
	}
	if len(codes) > 200 {
		codes = nil // the whole list
	}
	userHash, err := h.panel.CreateUserSession(ctx, session(c).Hash, as)
	h.audit(c, "user/session/create", as, err)
	if err != nil {
		if panelclient.IsSessionEnded(err) || panelclient.IsForbidden(err) {
			return nil, "", err
		}
		return nil, l.T("activate.err.model_unchecked", panelErrorText(l, err)), nil
	}
	list, err := h.user.ListModels(ctx, userHash, codes)
	if err != nil {
		// A user API refusal is about the owner's session, never the
		// staff member's: it must not reach the error page (code 4 would
		// sign the staff member out).
		return nil, l.T("activate.err.model_unchecked", userAPIErrorText(l, err, false)), nil
	}
	models := make(map[string]panelclient.TrackerModel, len(list))
	for _, m := range list {
		models[m.Code] = m
	}
	return models, "", nil
}

// run registers the next chunk of rows and answers the table so far, with
// the form for the next chunk until every row is done (activationHandlers
// says why nothing is kept server-side).
func (h *activationHandlers) run(c echo.Context) error {
	l := i18n.From(c.Request().Context())
	v := h.view(c)
	if v.Unavailable {
		return h.show(c, http.StatusOK, v)
	}
	stateText := c.FormValue("rows")
	resultsText := c.FormValue("results")
	var rows []activationRow
	var results []activationOutcome
	damaged := decodeBlob(stateText, &rows) != nil || len(rows) == 0 || len(rows) > activationMaxRows
	if !damaged && resultsText != "" {
		damaged = decodeBlob(resultsText, &results) != nil || len(results) > len(rows)
	}
	for _, r := range rows {
		if !r.Skip && (r.UserID <= 0 || r.DeviceID == "" || r.Model == "" || r.Label == "") {
			damaged = true
		}
	}
	if damaged {
		v.Run = &templates.ActivationRun{Damaged: true}
		return h.show(c, statusUnprocessable, v)
	}
	start := len(results)
	end := min(start+activationChunkSize(len(rows)), len(rows))
	out, err := h.registerChunk(c, rows[start:end])
	if err != nil {
		return err
	}
	results = append(results, out...)
	resultsText, err = encodeBlob(results)
	if err != nil {
		return err
	}
	v.Run = activationRunView(l, rows, results, stateText, resultsText)
	return h.show(c, http.StatusOK, v)
}

// activationRunView lays out the run: every row with its outcome, or
// waiting.
func activationRunView(l *i18n.Localizer, rows []activationRow, results []activationOutcome, state, resultsText string) *templates.ActivationRun {
	run := &templates.ActivationRun{Total: len(rows), Processed: len(results), State: state, Results: resultsText}
	run.Finished = run.Processed == run.Total
	for i, r := range rows {
		res := templates.ActivationResult{Line: r.Line, UserID: r.UserID, Model: r.Model, Label: r.Label, DeviceID: r.DeviceID, Status: templates.ActivationPending}
		if i < len(results) {
			o := results[i]
			res.Status, res.TrackerID, res.Text = o.Status, o.TrackerID, o.Text
		}
		switch res.Status {
		case templates.ActivationDone:
			run.Done++
		case templates.ActivationAlready:
			run.Already++
		case templates.ActivationSkipped:
			run.Skipped++
		case templates.ActivationFailed:
			run.Failed++
		case templates.ActivationPending:
		default:
			res.Status = templates.ActivationFailed
			run.Failed++
		}
		run.Rows = append(run.Rows, res)
	}
	return run
}

// ownerSession is an owner's user session for one chunk, with the
// plugins the owner may register with, or why there is none.
type ownerSession struct {
	hash    string
	plugins []panelclient.Plugin
	fail    string
}

// registerChunk registers rows, a few at a time: first a session for each
// owner (user/session/create) and its plugins (plugin/list), then per row
// the Panel check for the device and tracker/register. A row is never
// tried twice by the portal. The error ends the chunk for the error page:
// the staff member's session ended, or the Panel refused them.
func (h *activationHandlers) registerChunk(c echo.Context, rows []activationRow) ([]activationOutcome, error) {
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	staff := session(c)
	out := make([]activationOutcome, len(rows))

	var (
		mu    sync.Mutex
		fatal error
	)
	stop := func(err error) {
		mu.Lock()
		if fatal == nil {
			fatal = err
		}
		mu.Unlock()
	}
	stopped := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return fatal != nil
	}

	var ownerIDs []int
	for i, r := range rows {
		if r.Skip {
			out[i] = activationOutcome{Status: templates.ActivationSkipped, Text: l.T("activate.res.skipped")}
		} else if !slices.Contains(ownerIDs, r.UserID) {
			ownerIDs = append(ownerIDs, r.UserID)
		}
	}
	owners := make(map[int]*ownerSession, len(ownerIDs))
	runLimited(ctx, len(ownerIDs), activationConcurrency, func(k int) {
		id := ownerIDs[k]
		own := &ownerSession{}
		hash, err := h.panel.CreateUserSession(ctx, staff.Hash, id)
		h.audit(c, "user/session/create", id, err)
		switch {
		case err != nil:
			if panelclient.IsSessionEnded(err) || panelclient.IsForbidden(err) {
				stop(err)
			}
			own.fail = l.T("activate.res.session", panelErrorText(l, err))
		default:
			own.hash = hash
			if own.plugins, err = h.user.ListPlugins(ctx, hash); err != nil {
				own.fail = userAPIErrorText(l, err, false)
			}
		}
		mu.Lock()
		owners[id] = own
		mu.Unlock()
	})
	if fatal != nil {
		return nil, fatal
	}

	canComment := staff.Perms.CanAll(permTrackersRead, permTrackersUpdate)
	runLimited(ctx, len(rows), activationConcurrency, func(i int) {
		r := rows[i]
		if r.Skip || stopped() {
			return
		}
		own := owners[r.UserID]
		if own == nil || own.fail != "" {
			msg := ""
			if own != nil {
				msg = own.fail
			}
			out[i] = activationOutcome{Status: templates.ActivationFailed, Text: msg}
			return
		}
		o, err := h.registerRow(c, own, r, canComment)
		if err != nil {
			stop(err)
		}
		out[i] = o
	})
	if fatal != nil {
		return nil, fatal
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// registerRow registers one device unless the Panel already has it.
func (h *activationHandlers) registerRow(c echo.Context, own *ownerSession, r activationRow, canComment bool) (activationOutcome, error) {
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	staff := session(c)
	failed := func(text string) activationOutcome {
		return activationOutcome{Status: templates.ActivationFailed, Text: text}
	}
	existing, err := h.findDevice(ctx, staff.Hash, r.DeviceID)
	if err != nil {
		if panelclient.IsSessionEnded(err) || panelclient.IsForbidden(err) {
			return activationOutcome{}, err
		}
		return failed(l.T("activate.res.unchecked", panelErrorText(l, err))), nil
	}
	if existing != nil {
		return existingOutcome(l, r, existing), nil
	}
	pluginID, why := registrationPlugin(own.plugins, r.Model)
	if pluginID == 0 {
		return failed(l.T(why)), nil
	}
	tr, err := h.user.RegisterTracker(ctx, own.hash, panelclient.TrackerRegisterParams{
		Label: r.Label, Model: r.Model, PluginID: pluginID, DeviceID: r.DeviceID, Phone: r.Phone,
		APNName: r.APNName, APNUser: r.APNUser, APNPassword: r.APNPassword,
	})
	h.audit(c, "tracker/register", "user "+strconv.Itoa(r.UserID)+" device "+r.DeviceID, err)
	if err != nil {
		if panelclient.Code(err) == 224 {
			// Another run may have registered it a moment ago.
			if ex, err2 := h.findDevice(ctx, staff.Hash, r.DeviceID); err2 == nil && ex != nil {
				return existingOutcome(l, r, ex), nil
			}
		}
		return failed(userAPIErrorText(l, err, true)), nil
	}
	o := activationOutcome{Status: templates.ActivationDone, TrackerID: tr.ID}
	if r.Comment == "" {
		return o, nil
	}
	if !canComment {
		o.Text = l.T("activate.res.comment_right")
		return o, nil
	}
	comment := r.Comment
	err = h.panel.UpdateTrackerSettings(ctx, staff.Hash, panelclient.TrackerSettingsParams{TrackerID: tr.ID, Label: r.Label, Comment: &comment})
	h.audit(c, "tracker/settings/update", tr.ID, err)
	switch {
	case err == nil:
		o.Text = l.T("activate.res.comment_saved")
	case panelclient.IsSessionEnded(err):
		return o, err
	default:
		o.Text = l.T("activate.res.comment_failed", panelErrorText(l, err))
	}
	return o, nil
}

// findDevice looks a device up in the dealer's trackers (tracker/list
// filtered by its ID; the filter matches substrings of several fields, so
// the device ID is compared exactly). Clones and devices whose
// registration was cancelled do not count; a live tracker wins over a
// deleted one.
func (h *activationHandlers) findDevice(ctx context.Context, hash, deviceID string) (*panelclient.Tracker, error) {
	const page = 100
	var found *panelclient.Tracker
	for offset := 0; offset < 10*page; offset += page {
		list, err := h.panel.ListTrackers(ctx, hash, panelclient.TrackerListParams{Filter: deviceID, Offset: offset, Limit: page})
		if err != nil {
			return nil, err
		}
		for i := range list.List {
			t := &list.List[i]
			if t.Clone || t.Source.Corrupted || !strings.EqualFold(t.Source.DeviceID, deviceID) {
				continue
			}
			if found == nil || (found.Deleted && !t.Deleted) {
				found = t
			}
		}
		if len(list.List) < page || offset+page >= list.Count {
			break
		}
	}
	return found, nil
}

// existingOutcome reports a device the Panel already has: done for this
// owner, or in the way (another owner's, or a deleted tracker).
func existingOutcome(l *i18n.Localizer, r activationRow, t *panelclient.Tracker) activationOutcome {
	switch {
	case t.Deleted:
		return activationOutcome{Status: templates.ActivationFailed, TrackerID: t.ID, Text: l.T("activate.res.deleted")}
	case t.UserID != r.UserID:
		return activationOutcome{Status: templates.ActivationFailed, TrackerID: t.ID, Text: l.T("activate.res.taken", t.UserID)}
	}
	return activationOutcome{Status: templates.ActivationAlready, TrackerID: t.ID, Text: l.T("activate.res.already")}
}

// registrationPlugin picks the plugin to register a model with: one that
// needs no activation code (44 for devices, 35 for the apps), since the
// file has none. why is the catalogue key when there is no such plugin.
func registrationPlugin(plugins []panelclient.Plugin, model string) (id int, why string) {
	needsCode := false
	for _, p := range plugins {
		if p.Type != panelclient.PluginTypeTrackerRegister || !p.Supports(model) {
			continue
		}
		switch p.ID {
		case panelclient.PluginDeviceCodeOptional, panelclient.PluginAppCodeOptional:
			return p.ID, ""
		case panelclient.PluginDeviceCodeRequired, panelclient.PluginAppCodeRequired:
			needsCode = true
		}
	}
	if needsCode {
		return 0, "activate.res.code_required"
	}
	return 0, "activate.res.no_plugin"
}

// panelErrorText words a failed Panel call for a row.
func panelErrorText(l *i18n.Localizer, err error) string {
	var ae *panelclient.APIError
	var te *panelclient.TransportError
	switch {
	case errors.As(err, &ae):
		return apiMessage(l, ae)
	case errors.As(err, &te):
		return transportMessage(l, te)
	}
	return l.T("error.500.text")
}

// userAPIErrorText words a failed user API call: the documented codes of
// tracker/register in words, and for a registration that got no answer,
// that it may have happened (a second run tells).
func userAPIErrorText(l *i18n.Localizer, err error, mutation bool) string {
	var ae *panelclient.APIError
	var te *panelclient.TransportError
	switch {
	case errors.As(err, &ae):
		if ae.Code == 7 && len(ae.Errors) > 0 {
			var parts []string
			for name, msg := range ae.FieldMessages() {
				parts = append(parts, name+": "+msg)
			}
			slices.Sort(parts)
			return l.T("activate.api.7", strings.Join(parts, "; "))
		}
		if key := "activate.api." + itoa(ae.Code); ae.Code != 7 && i18n.Has(key) {
			return l.T(key)
		}
		return apiMessage(l, ae)
	case errors.As(err, &te):
		if mutation && (te.AfterResponse || te.Kind != panelclient.KindUnreachable) {
			return l.T("activate.res.uncertain")
		}
		return transportMessage(l, te)
	}
	return l.T("error.500.text")
}

// runLimited calls fn(0..n-1) with at most limit calls at a time, and
// stops starting new ones once ctx ends.
func runLimited(ctx context.Context, n, limit int, fn func(i int)) {
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fn(i)
		}()
	}
	wg.Wait()
}
