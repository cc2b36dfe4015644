package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/handlers"
	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// The coverage guard (issue 7). Every Panel API action the docs describe
// (each operation of Navixy's OpenAPI file, plus the actions only the
// markdown documents) must be reachable from the portal: the emulator
// serves it (panelsim), and a portal route calls it, proved here by a
// request to that route that reaches the action upstream. The client
// method and the contract row of each action are guarded in
// panelclient/coverage_test.go, from the same enumeration.
//
// To add an action: add a row to covRows naming the route and the request
// that exercises it. Actions the portal by design reaches through no route
// of its own are listed in covNoRoute with the reason; nothing else may be
// missing.

// covSpecPath is Navixy's OpenAPI file (testdata, with its licence).
const covSpecPath = "../testdata/Admin_Panel.json"

// covMarkdownOnly are the actions the markdown reference documents and the
// OpenAPI file does not: resources/tracker.md (the bundle actions) and
// resources/equipment.md.
var covMarkdownOnly = []string{
	"tracker/bundle/list",
	"tracker/bundle/read",
	"tracker/bundle/assign",
	"tracker/bundle/update",
	"tracker/bundle/import",
	"tracker/bundle/order/assign",
	"equipment/list",
}

// covNoRoute are documented actions no portal route calls, each with the
// reason. The guard fails on any other action without a row, and on an
// entry here that has a row, is not documented, or whose client method a
// handler has started to call (then it needs a row instead).
var covNoRoute = map[string]string{}

// covDocumentedActions enumerates the actions: the OpenAPI file's paths
// (/panel/<action>) and the markdown-only ones, sorted, without repeats.
func covDocumentedActions(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(covSpecPath)
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("%s: %v", covSpecPath, err)
	}
	seen := map[string]bool{}
	for p := range spec.Paths {
		a, ok := strings.CutPrefix(p, "/panel/")
		if !ok || a == "" {
			t.Fatalf("OpenAPI path %q is not /panel/<action>", p)
		}
		seen[strings.Trim(a, "/")] = true
	}
	if len(seen) < 60 {
		t.Fatalf("the OpenAPI file lists only %d operations", len(seen))
	}
	for _, a := range covMarkdownOnly {
		if seen[a] {
			t.Errorf("%s is listed as markdown-only but the OpenAPI file has it: drop it from covMarkdownOnly", a)
		}
		seen[a] = true
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// --- Requests ---------------------------------------------------------------

// covFile is a file a multipart form carries.
type covFile struct {
	field, name string
	data        []byte
}

// covReq is the request that exercises an action: the last one a row
// sends, after any pages it read to fill the form.
type covReq struct {
	method string
	path   string
	form   url.Values
	file   *covFile
	// stream: a server-sent event stream, read up to its first event.
	stream bool
}

// covCtx is one row's portal, its emulator and an admin browser.
type covCtx struct {
	t   *testing.T
	env *portaltest.Env
	b   *portaltest.Browser
}

// get loads a page the row needs and fails unless it is 200.
func (x *covCtx) get(path string) *portaltest.Page {
	x.t.Helper()
	p := x.b.Get(path)
	if p.Status != http.StatusOK {
		x.t.Fatalf("GET %s: status %d %s", path, p.Status, covPageError(p))
	}
	return p
}

// fill reads the POST form whose action is action from page p, as a
// browser sends it (hidden fields such as _csrf and the one-time _once
// token included), and applies set: each key replaces the field's values,
// a key with no values removes the field.
func (x *covCtx) fill(p *portaltest.Page, action string, set url.Values) url.Values {
	x.t.Helper()
	var form *goquery.Selection
	p.Doc.Find("form").EachWithBreak(func(_ int, f *goquery.Selection) bool {
		if f.AttrOr("action", "") == action && strings.EqualFold(f.AttrOr("method", "get"), "post") {
			form = f
			return false
		}
		return true
	})
	if form == nil {
		var actions []string
		p.Doc.Find("form").Each(func(_ int, f *goquery.Selection) {
			actions = append(actions, f.AttrOr("method", "get")+" "+f.AttrOr("action", "?"))
		})
		x.t.Fatalf("no POST form to %s on the page (forms: %v)", action, actions)
	}
	v := url.Values{}
	form.Find("input, select, textarea").Each(func(_ int, s *goquery.Selection) {
		name := s.AttrOr("name", "")
		if name == "" {
			return
		}
		if _, off := s.Attr("disabled"); off {
			return
		}
		switch goquery.NodeName(s) {
		case "select":
			opts := s.Find("option[selected]")
			if opts.Length() == 0 {
				opts = s.Find("option").First()
			}
			if _, multi := s.Attr("multiple"); !multi {
				opts = opts.First()
			}
			opts.Each(func(_ int, o *goquery.Selection) { v.Add(name, o.AttrOr("value", o.Text())) })
		case "textarea":
			v.Add(name, s.Text())
		default:
			switch strings.ToLower(s.AttrOr("type", "text")) {
			case "checkbox", "radio":
				if _, on := s.Attr("checked"); on {
					v.Add(name, s.AttrOr("value", "on"))
				}
			case "submit", "button", "image", "reset", "file":
			default:
				v.Add(name, s.AttrOr("value", ""))
			}
		}
	})
	for k, vals := range set {
		if len(vals) == 0 {
			v.Del(k)
		} else {
			v[k] = vals
		}
	}
	return v
}

// post loads page (200), reads its form to action, applies set and
// returns the POST that sends it.
func (x *covCtx) post(page, action string, set url.Values) covReq {
	x.t.Helper()
	return covReq{method: http.MethodPost, path: action, form: x.fill(x.get(page), action, set)}
}

// upload is post with a file in the form.
func (x *covCtx) upload(page, action string, f covFile, set url.Values) covReq {
	x.t.Helper()
	r := x.post(page, action, set)
	r.file = &f
	return r
}

// send sends the row's request and reads the answer.
func (x *covCtx) send(r covReq) *portaltest.Page {
	x.t.Helper()
	switch {
	case r.stream:
		return x.stream(r.path)
	case r.method == http.MethodGet:
		return x.b.Get(r.path)
	case r.file != nil:
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, vals := range r.form {
			for _, v := range vals {
				_ = mw.WriteField(k, v)
			}
		}
		if r.form.Get("_csrf") == "" {
			_ = mw.WriteField("_csrf", x.b.CSRF())
		}
		fw, _ := mw.CreateFormFile(r.file.field, r.file.name)
		_, _ = fw.Write(r.file.data)
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, x.env.URL+r.path, &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return x.b.Do(req)
	default:
		return x.b.Post(r.path, r.form)
	}
}

// stream opens a server-sent event stream and reads it up to its first
// event, then hangs up.
func (x *covCtx) stream(path string) *portaltest.Page {
	x.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, x.env.URL+path, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := x.b.HTTP.Do(req)
	if err != nil {
		x.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	var got strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		got.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "data: ") {
			break
		}
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(""))
	return &portaltest.Page{Status: resp.StatusCode, Header: resp.Header, Body: got.String(), Doc: doc}
}

// covPageError is what a page says went wrong, for failure messages.
func covPageError(p *portaltest.Page) string {
	var parts []string
	p.Doc.Find(`.field-error, [data-testid="form-error"], [data-testid="error-message"], [data-testid="flash"], [role="alert"]`).Each(func(_ int, s *goquery.Selection) {
		if txt := strings.Join(strings.Fields(s.Text()), " "); txt != "" && !slices.Contains(parts, txt) {
			parts = append(parts, txt)
		}
	})
	if len(parts) == 0 {
		// No marked message: the start of the page's main text.
		main := p.Doc.Find("main")
		if main.Length() == 0 {
			main = p.Doc.Find("body")
		}
		txt := []rune(strings.Join(strings.Fields(main.Text()), " "))
		if len(txt) > 200 {
			txt = txt[:200]
		}
		return string(txt)
	}
	return strings.Join(parts, " | ")
}

// --- Fixtures: seeded records a row acts on, past the hostile ones ---------

// covUser is a plain seeded user (users 1-10 carry hostile values).
const covUser = 20

// covTracker is a live original tracker: not a clone, not deleted, blocked
// or corrupted, without clones, on a tracker plan.
func covTracker(x *covCtx) panelsim.Tracker {
	x.t.Helper()
	st := x.env.Sim.Store()
	all := st.Trackers(0, st.TrackerCount())
	cloned := map[int]bool{}
	for _, tr := range all {
		if tr.Clone {
			cloned[tr.Source.ID] = true
		}
	}
	for _, tr := range all {
		if tr.ID <= 12 || tr.Clone || tr.Deleted || tr.Source.Blocked || tr.Source.Corrupted || cloned[tr.Source.ID] || tr.Source.TariffID == 0 {
			continue
		}
		if p, ok := st.Tariff(tr.Source.TariffID); ok && p.DeviceType == "tracker" && tr.UserID != covUser {
			return tr
		}
	}
	x.t.Fatal("no live original tracker in the seed")
	return panelsim.Tracker{}
}

// covClone is a live clone past the hostile records.
func covClone(x *covCtx) panelsim.Tracker {
	x.t.Helper()
	st := x.env.Sim.Store()
	for _, tr := range st.Trackers(0, st.TrackerCount()) {
		if tr.ID > 12 && tr.Clone && !tr.Deleted && !tr.Source.Corrupted {
			return tr
		}
	}
	x.t.Fatal("no clone in the seed")
	return panelsim.Tracker{}
}

// covOtherTrackerPlan is an active tracker plan other than the tracker's.
func covOtherTrackerPlan(x *covCtx, tr panelsim.Tracker) int {
	x.t.Helper()
	for _, p := range x.env.Sim.Store().Tariffs() {
		if p.DeviceType == "tracker" && p.Active && p.ID != tr.Source.TariffID && p.DeviceLimit >= 1000 {
			return p.ID
		}
	}
	x.t.Fatal("no other tracker plan in the seed")
	return 0
}

// covPlan is a plan of the dealer.
func covPlan(x *covCtx) panelsim.Tariff {
	x.t.Helper()
	for _, p := range x.env.Sim.Store().Tariffs() {
		if p.DeviceType == "tracker" && p.Active {
			return p
		}
	}
	x.t.Fatal("no tracker plan in the seed")
	return panelsim.Tariff{}
}

// covBundle is a bundle for which ok holds.
func covBundle(x *covCtx, what string, ok func(panelsim.Bundle) bool) panelsim.Bundle {
	x.t.Helper()
	for _, b := range x.env.Sim.Store().Bundles() {
		if ok(b) {
			return b
		}
	}
	x.t.Fatalf("no bundle %s in the seed", what)
	return panelsim.Bundle{}
}

// covFreeSIM is a SIM card no bundle uses.
func covFreeSIM(x *covCtx) string {
	x.t.Helper()
	for _, c := range x.env.Sim.Store().SIMCards() {
		if !c.Blocked && !c.Deleted && !c.InUse && c.BundleID == 0 {
			return c.ICCID
		}
	}
	x.t.Fatal("no free SIM card in the seed")
	return ""
}

// covReseller is a reseller whose panel can be opened (not blocked).
func covReseller(x *covCtx) panelsim.Subpaas {
	x.t.Helper()
	for _, r := range x.env.Sim.Store().Subpaases() {
		if r.BlockType == "NOT_BLOCKED" {
			return r
		}
	}
	x.t.Fatal("no active reseller in the seed")
	return panelsim.Subpaas{}
}

// covDealerPreset is a menu preset of the dealer's own (not the
// platform's), which may be changed and deleted.
func covDealerPreset(x *covCtx) int {
	x.t.Helper()
	var ids []string
	x.get("/settings/menus").Doc.Find(`[data-testid="menu-row"]`).Each(func(_ int, s *goquery.Selection) {
		ids = append(ids, s.AttrOr("data-id", ""))
	})
	for _, rid := range ids {
		n, _ := strconv.Atoi(rid)
		if n > 0 && x.get("/settings/menus/"+rid).Has(`a[href="/settings/menus/`+rid+`/edit"]`) {
			return n
		}
	}
	x.t.Fatalf("no menu preset of the dealer's (with an edit link) among %v on /settings/menus", ids)
	return 0
}

// covPNG is a small PNG image.
func covPNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range w {
		img.Set(i, 0, color.RGBA{10, 120, 200, 255})
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// covStrongPassword meets the password policy.
const covStrongPassword = "Hh6FXTt%E!Rx*%f3"

// --- The rows -----------------------------------------------------------------

// covRow proves one action reachable: run as admin against a fresh
// portal, req prepares (reading the pages a person would) and returns the
// request that must reach action upstream; route is that request's route
// as registered (method and path pattern).
type covRow struct {
	action string
	route  string
	// anon: the request is sent by a visitor who has not signed in.
	anon bool
	// console: the portal's air console relays the emulator's console
	// socket.
	console bool
	req     func(x *covCtx) covReq
}

func covGet(path string) func(*covCtx) covReq {
	return func(*covCtx) covReq { return covReq{method: http.MethodGet, path: path} }
}

func covID(n int) string { return strconv.Itoa(n) }

var covRows = []covRow{
	// --- account, dealer, time zones --------------------------------------
	{action: "account/auth", route: "POST /login", anon: true, req: func(x *covCtx) covReq {
		return x.post("/login", "/login", url.Values{"login": {"admin"}, "password": {"admin"}})
	}},
	{action: "account/logout", route: "POST /logout", req: func(x *covCtx) covReq {
		return x.post("/", "/logout", nil)
	}},
	// The rights of a reseller's session, read when switching into its
	// panel.
	{action: "account/get_permissions", route: "POST /resellers/:id/session", req: func(x *covCtx) covReq {
		r := covReseller(x)
		return x.post("/resellers/"+covID(r.ID), "/resellers/"+covID(r.ID)+"/session", nil)
	}},
	{action: "dealer/get_info", route: "GET /", req: covGet("/")},
	{action: "dealer/password/update", route: "POST /account/password", req: func(x *covCtx) covReq {
		return x.post("/account/password", "/account/password", url.Values{
			"old_password": {"admin"}, "new_password": {covStrongPassword}, "new_password_confirm": {covStrongPassword}})
	}},
	// The user form's time zone picker.
	{action: "timezone/list", route: "GET /users/new", req: covGet("/users/new")},

	// --- users --------------------------------------------------------------
	{action: "user/list", route: "GET /users", req: covGet("/users")},
	{action: "user/export", route: "GET /users/export", req: covGet("/users/export?format=panel&q=a")},
	{action: "user/read", route: "GET /users/:id", req: covGet("/users/" + covID(covUser))},
	{action: "user/create", route: "POST /users/new", req: func(x *covCtx) covReq {
		return x.post("/users/new", "/users/new", url.Values{
			"login": {"coverage.guard@example.com"}, "password": {covStrongPassword}, "password_confirm": {covStrongPassword},
			"legal_type": {"individual"}, "first_name": {"Cover"}, "last_name": {"Guard"}, "activated": {"true"}})
	}},
	{action: "user/update", route: "POST /users/:id/edit", req: func(x *covCtx) covReq {
		return x.post("/users/"+covID(covUser)+"/edit", "/users/"+covID(covUser)+"/edit", url.Values{"first_name": {"Covered"}})
	}},
	{action: "user/change_password", route: "POST /users/:id/password", req: func(x *covCtx) covReq {
		return x.post("/users/"+covID(covUser)+"/password", "/users/"+covID(covUser)+"/password", url.Values{
			"password": {covStrongPassword}, "password_confirm": {covStrongPassword}})
	}},
	{action: "user/transaction/change_balance", route: "POST /users/:id/balance", req: func(x *covCtx) covReq {
		return x.post("/users/"+covID(covUser)+"/balance", "/users/"+covID(covUser)+"/balance", url.Values{
			"type": {"balance"}, "amount": {"12.50"}, "text": {"coverage guard refill"}})
	}},
	{action: "user/transaction/list", route: "GET /users/:id/transactions", req: covGet("/users/" + covID(covUser) + "/transactions")},
	{action: "user/mfa/settings/update", route: "POST /users/:id/mfa", req: func(x *covCtx) covReq {
		return x.post("/users/"+covID(covUser), "/users/"+covID(covUser)+"/mfa", url.Values{"settings.type": {"allowed"}})
	}},
	{action: "user/session/create", route: "POST /users/:id/session", req: func(x *covCtx) covReq {
		return x.post("/users/"+covID(covUser), "/users/"+covID(covUser)+"/session", nil)
	}},
	{action: "user/corrupt", route: "POST /users/:id/delete", req: func(x *covCtx) covReq {
		u, _ := x.env.Sim.Store().User(covUser)
		return x.post("/users/"+covID(covUser)+"/delete", "/users/"+covID(covUser)+"/delete", url.Values{"login": {u.Login}})
	}},
	{action: "user/upload", route: "POST /users/import", req: func(x *covCtx) covReq {
		csv := "Email address*;Password*;Status*;Legal status*;Surname*;Name*;Phone number\r\n" +
			"cover.one@example.com;" + covStrongPassword + ";1;1;One;Cover;\r\n"
		return x.upload("/users/import", "/users/import", covFile{"file", "users.csv", []byte(csv)}, nil)
	}},

	// --- trackers -------------------------------------------------------------
	{action: "tracker/list", route: "GET /trackers", req: covGet("/trackers")},
	{action: "tracker/read", route: "GET /trackers/:id", req: func(x *covCtx) covReq {
		return covReq{method: http.MethodGet, path: "/trackers/" + covID(covTracker(x).ID)}
	}},
	{action: "tracker/settings/update", route: "POST /trackers/:id/settings", req: func(x *covCtx) covReq {
		tr := covTracker(x)
		return x.post("/trackers/"+covID(tr.ID)+"/edit", "/trackers/"+covID(tr.ID)+"/settings", url.Values{"label": {"Covered"}})
	}},
	{action: "tracker/source/update", route: "POST /trackers/:id/source", req: func(x *covCtx) covReq {
		tr := covTracker(x)
		return x.post("/trackers/"+covID(tr.ID)+"/edit", "/trackers/"+covID(tr.ID)+"/source", url.Values{"blocked": {"true"}})
	}},
	{action: "tracker/move", route: "POST /trackers/:id/move", req: func(x *covCtx) covReq {
		tr := covTracker(x)
		return x.post("/trackers/"+covID(tr.ID)+"/move", "/trackers/"+covID(tr.ID)+"/move", url.Values{"user_id": {covID(covUser)}})
	}},
	{action: "tracker/clone", route: "POST /trackers/:id/clone", req: func(x *covCtx) covReq {
		tr := covTracker(x)
		return x.post("/trackers/"+covID(tr.ID)+"/clone", "/trackers/"+covID(tr.ID)+"/clone", url.Values{"user_id": {covID(covUser)}, "label": {"Covered clone"}})
	}},
	{action: "tracker/tariff/change", route: "POST /trackers/:id/plan", req: func(x *covCtx) covReq {
		tr := covTracker(x)
		return x.post("/trackers/"+covID(tr.ID)+"/plan", "/trackers/"+covID(tr.ID)+"/plan", url.Values{"tariff_id": {covID(covOtherTrackerPlan(x, tr))}})
	}},
	{action: "tracker/register_retry", route: "POST /trackers/:id/register-retry", req: func(x *covCtx) covReq {
		tr := covTracker(x)
		return x.post("/trackers/"+covID(tr.ID)+"/register-retry", "/trackers/"+covID(tr.ID)+"/register-retry", nil)
	}},
	{action: "tracker/delete_clone", route: "POST /trackers/:id/delete-clone", req: func(x *covCtx) covReq {
		cl := covClone(x)
		return x.post("/trackers/"+covID(cl.ID)+"/delete-clone", "/trackers/"+covID(cl.ID)+"/delete-clone", nil)
	}},
	{action: "tracker/corrupt", route: "POST /trackers/:id/corrupt", req: func(x *covCtx) covReq {
		tr := covTracker(x)
		return x.post("/trackers/"+covID(tr.ID)+"/corrupt", "/trackers/"+covID(tr.ID)+"/corrupt", url.Values{"confirm": {"true"}})
	}},
	{action: "tracker/batch_clone", route: "POST /trackers/bulk/clone", req: func(x *covCtx) covReq {
		tr := covTracker(x)
		return x.post("/trackers/bulk/clone?tracker_id="+covID(tr.ID), "/trackers/bulk/clone", url.Values{"user_id": {covID(covUser)}})
	}},
	{action: "tracker/batch_delete_clones", route: "POST /trackers/bulk/delete-clones", req: func(x *covCtx) covReq {
		cl := covClone(x)
		return x.post("/trackers/bulk/delete-clones?tracker_id="+covID(cl.ID), "/trackers/bulk/delete-clones", nil)
	}},
	// The air console, relayed from the emulator's console socket.
	{action: "tracker/console/connect", route: "GET /trackers/:id/console/stream", console: true, req: func(x *covCtx) covReq {
		tr := covTracker(x)
		x.get("/trackers/" + covID(tr.ID) + "/console")
		return covReq{method: http.MethodGet, path: "/trackers/" + covID(tr.ID) + "/console/stream", stream: true}
	}},
	{action: "tracker/raw_command/send", route: "POST /trackers/:id/console/send", req: func(x *covCtx) covReq {
		tr := covTracker(x)
		return x.post("/trackers/"+covID(tr.ID)+"/console", "/trackers/"+covID(tr.ID)+"/console/send", url.Values{"command": {"getver"}})
	}},
	{action: "tracker/active/history/list", route: "GET /reports/active", req: covGet("/reports/active")},

	// --- plans ----------------------------------------------------------------
	{action: "tariff/list", route: "GET /plans", req: covGet("/plans")},
	{action: "tariff/read", route: "GET /plans/:id", req: func(x *covCtx) covReq {
		return covReq{method: http.MethodGet, path: "/plans/" + covID(covPlan(x).ID)}
	}},
	{action: "tariff/create", route: "POST /plans/new", req: func(x *covCtx) covReq {
		return x.post("/plans/new", "/plans/new", url.Values{
			"name": {"Coverage plan"}, "device_type": {"tracker"}, "type": {"monthly"}, "group_id": {"4"}, "price": {"10"},
			"early_change_price": {"20"}, "device_limit": {"100"}, "store_period": {"1Y"}, "active": {"true"}})
	}},
	{action: "tariff/update", route: "POST /plans/:id/edit", req: func(x *covCtx) covReq {
		p := covPlan(x)
		return x.post("/plans/"+covID(p.ID)+"/edit", "/plans/"+covID(p.ID)+"/edit", url.Values{"name": {"Covered plan"}})
	}},
	{action: "tariff/defaults/read", route: "GET /plans/defaults", req: covGet("/plans/defaults")},
	{action: "tariff/defaults/update", route: "POST /plans/defaults", req: func(x *covCtx) covReq {
		return x.post("/plans/defaults", "/plans/defaults", nil)
	}},

	// --- activation codes -----------------------------------------------------
	{action: "dealer/activation_code/list", route: "GET /codes", req: covGet("/codes")},
	{action: "dealer/activation_code/create", route: "POST /codes/new", req: func(x *covCtx) covReq {
		return x.post("/codes/new", "/codes/new", url.Values{"count": {"2"}, "tariff_id": {covID(covPlan(x).ID)}})
	}},
	{action: "dealer/activation_code/update", route: "POST /codes/edit", req: func(x *covCtx) covReq {
		var code string
		for _, c := range x.env.Sim.Store().ActivationCodes() {
			if !c.Activated && c.DeviceType == "tracker" {
				code = c.Code
				break
			}
		}
		if code == "" {
			x.t.Fatal("no unused tracker activation code in the seed")
		}
		return x.post("/codes/edit?codes="+url.QueryEscape(code), "/codes/edit", url.Values{
			"tariff_id": {covID(covPlan(x).ID)}, "bonus_amount": {"3"}, "free_days": {"5"}})
	}},

	// --- package contents: bundles, equipment, orders --------------------------
	{action: "tracker/bundle/list", route: "GET /bundles", req: covGet("/bundles")},
	{action: "tracker/bundle/read", route: "GET /bundles/:imei", req: func(x *covCtx) covReq {
		b := covBundle(x, "", func(panelsim.Bundle) bool { return true })
		return covReq{method: http.MethodGet, path: "/bundles/" + b.IMEI}
	}},
	{action: "equipment/list", route: "GET /bundles/import", req: covGet("/bundles/import")},
	{action: "order/read", route: "GET /bundles/orders", req: func(x *covCtx) covReq {
		ids := x.env.Sim.Store().OrderIDs()
		if len(ids) == 0 {
			x.t.Fatal("no order in the seed")
		}
		return covReq{method: http.MethodGet, path: "/bundles/orders?order_id=" + covID(ids[0])}
	}},
	{action: "tracker/bundle/assign", route: "POST /bundles/:imei/iccid", req: func(x *covCtx) covReq {
		b := covBundle(x, "without a SIM card", func(b panelsim.Bundle) bool { return b.ICCID == nil })
		return x.post("/bundles/"+b.IMEI, "/bundles/"+b.IMEI+"/iccid", url.Values{"iccid": {covFreeSIM(x)}})
	}},
	{action: "tracker/bundle/update", route: "POST /bundles/:imei/equipment", req: func(x *covCtx) covReq {
		b := covBundle(x, "", func(panelsim.Bundle) bool { return true })
		other := 0
		for _, e := range x.env.Sim.Store().EquipmentList() {
			if e.EquipID != b.EquipID {
				other = e.EquipID
				break
			}
		}
		return x.post("/bundles/"+b.IMEI, "/bundles/"+b.IMEI+"/equipment", url.Values{"equip_id": {covID(other)}})
	}},
	{action: "tracker/bundle/order/assign", route: "POST /bundles/:imei/order", req: func(x *covCtx) covReq {
		b := covBundle(x, "outside any order", func(b panelsim.Bundle) bool { return b.OrderID == nil })
		return x.post("/bundles/"+b.IMEI, "/bundles/"+b.IMEI+"/order", url.Values{"order_id": {covID(x.env.Sim.Store().OrderIDs()[0])}})
	}},
	{action: "tracker/bundle/import", route: "POST /bundles/import", req: func(x *covCtx) covReq {
		return x.post("/bundles/import", "/bundles/import", url.Values{
			"imeis": {"356938035643809\n356938035643817"}, "equip_id": {covID(x.env.Sim.Store().EquipmentList()[0].EquipID)}})
	}},

	// --- settings ---------------------------------------------------------------
	{action: "dealer/settings/service/read", route: "GET /settings", req: covGet("/settings")},
	{action: "dealer/settings/notification/read", route: "GET /settings", req: covGet("/settings")},
	{action: "gateways/email/list", route: "GET /settings", req: covGet("/settings")},
	{action: "user/mfa/settings/default/read", route: "GET /settings", req: covGet("/settings")},
	{action: "dealer/settings/service/update", route: "POST /settings/service", req: func(x *covCtx) covReq {
		return x.post("/settings", "/settings/service", nil)
	}},
	{action: "dealer/settings/notification/update", route: "POST /settings/notification", req: func(x *covCtx) covReq {
		return x.post("/settings", "/settings/notification", nil)
	}},
	{action: "user/mfa/settings/default/update", route: "POST /settings/mfa", req: func(x *covCtx) covReq {
		return x.post("/settings", "/settings/mfa", url.Values{"mfa_type": {"allowed"}})
	}},
	{action: "dealer/settings/image/upload", route: "POST /settings/images/:type", req: func(x *covCtx) covReq {
		return x.upload("/settings", "/settings/images/document_logo", covFile{"file", "logo.png", covPNG(120, 40)}, nil)
	}},
	{action: "dealer/settings/image/delete", route: "POST /settings/images/:type/delete", req: func(x *covCtx) covReq {
		p := x.get("/settings")
		action := ""
		p.Doc.Find("form").EachWithBreak(func(_ int, f *goquery.Selection) bool {
			a := f.AttrOr("action", "")
			if strings.HasPrefix(a, "/settings/images/") && strings.HasSuffix(a, "/delete") {
				action = a
				return false
			}
			return true
		})
		if action == "" {
			// No slot holds an image yet: fill one first.
			up := x.send(x.upload("/settings", "/settings/images/document_logo", covFile{"file", "logo.png", covPNG(120, 40)}, nil))
			if up.Status != http.StatusSeeOther {
				x.t.Fatalf("uploading an image to delete: status %d %s", up.Status, covPageError(up))
			}
			action = "/settings/images/document_logo/delete"
		}
		return x.post("/settings", action, nil)
	}},

	// --- menus --------------------------------------------------------------------
	{action: "user/menu/preset/list", route: "GET /settings/menus", req: covGet("/settings/menus")},
	{action: "user/menu/item/list", route: "GET /settings/menus", req: covGet("/settings/menus")},
	{action: "user/menu/preset/create", route: "POST /settings/menus/new", req: func(x *covCtx) covReq {
		return x.post("/settings/menus/new?from=1", "/settings/menus/new", url.Values{"title": {"Coverage menu"}})
	}},
	{action: "user/menu/preset/update", route: "POST /settings/menus/:id/edit", req: func(x *covCtx) covReq {
		n := covDealerPreset(x)
		return x.post("/settings/menus/"+covID(n)+"/edit", "/settings/menus/"+covID(n)+"/edit", url.Values{"title": {"Covered menu"}})
	}},
	{action: "user/menu/preset/assign", route: "POST /settings/menus/:id/assign", req: func(x *covCtx) covReq {
		n := covDealerPreset(x)
		return x.post("/settings/menus/"+covID(n), "/settings/menus/"+covID(n)+"/assign", url.Values{"target": {"users"}, "ids": {covID(covUser)}})
	}},
	{action: "user/menu/preset/delete", route: "POST /settings/menus/:id/delete", req: func(x *covCtx) covReq {
		n := covDealerPreset(x)
		return x.post("/settings/menus/"+covID(n)+"/delete", "/settings/menus/"+covID(n)+"/delete", nil)
	}},

	// --- resellers ------------------------------------------------------------------
	{action: "subpaas/list", route: "GET /resellers", req: covGet("/resellers")},
	{action: "subpaas/read", route: "GET /resellers/:id", req: func(x *covCtx) covReq {
		return covReq{method: http.MethodGet, path: "/resellers/" + covID(covReseller(x).ID)}
	}},
	{action: "subpaas/create", route: "POST /resellers/new", req: func(x *covCtx) covReq {
		return x.post("/resellers/new", "/resellers/new", url.Values{
			"title": {"Coverage reseller"}, "email": {"reseller.cover@example.com"}, "jur_name": {"Coverage Ltd"},
			"jur_country": {"Estonia"}, "link_monitoring": {"cover.example.com"},
			"password": {covStrongPassword}, "password_confirm": {covStrongPassword}})
	}},
	{action: "subpaas/update", route: "POST /resellers/:id/edit", req: func(x *covCtx) covReq {
		r := covReseller(x)
		return x.post("/resellers/"+covID(r.ID)+"/edit", "/resellers/"+covID(r.ID)+"/edit", url.Values{"contact_post": {"Covered"}})
	}},
	{action: "subpaas/password/change", route: "POST /resellers/:id/password", req: func(x *covCtx) covReq {
		r := covReseller(x)
		return x.post("/resellers/"+covID(r.ID)+"/password", "/resellers/"+covID(r.ID)+"/password", url.Values{
			"new_password": {covStrongPassword}, "password_confirm": {covStrongPassword}})
	}},
	{action: "subpaas/session/create", route: "POST /resellers/:id/session", req: func(x *covCtx) covReq {
		r := covReseller(x)
		return x.post("/resellers/"+covID(r.ID), "/resellers/"+covID(r.ID)+"/session", nil)
	}},
}

// covRoutePattern turns an Echo route path into a pattern its requests
// match.
func covRoutePattern(path string) *regexp.Regexp {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		switch {
		case strings.HasPrefix(p, ":"):
			parts[i] = `[^/]+`
		case p == "*":
			parts[i] = `.*`
		default:
			parts[i] = regexp.QuoteMeta(p)
		}
	}
	return regexp.MustCompile(`^` + strings.Join(parts, "/") + `$`)
}

// covGaps lists what the guard refuses: a documented action the emulator
// does not serve, one with neither a row nor a covNoRoute entry (or with
// both), a row or emulator action the docs do not describe, and a
// covNoRoute entry whose client method the handlers call after all.
// methods maps actions to client methods, used is what the handlers call.
func covGaps(documented []string, served map[string]bool, rows []covRow, noRoute map[string]string, methods map[string]string, used map[string]bool) []string {
	var gaps []string
	hasRow := map[string]bool{}
	for _, r := range rows {
		if hasRow[r.action] {
			gaps = append(gaps, "two rows for "+r.action)
		}
		hasRow[r.action] = true
	}
	isDoc := map[string]bool{}
	for _, a := range documented {
		isDoc[a] = true
		if !served[a] {
			gaps = append(gaps, a+": the emulator (panelsim) has no handler for it")
		}
		_, excused := noRoute[a]
		switch {
		case hasRow[a] && excused:
			gaps = append(gaps, a+": has a row and a covNoRoute entry: drop the entry")
		case !hasRow[a] && !excused:
			gaps = append(gaps, a+": no portal route is known to call it: add a row to covRows (its route and the request that exercises it), or an entry with the reason to covNoRoute")
		}
	}
	for _, r := range rows {
		if !isDoc[r.action] {
			gaps = append(gaps, "row "+r.action+": not a documented action")
		}
	}
	for a := range served {
		if !isDoc[a] {
			gaps = append(gaps, "the emulator serves "+a+", which neither the OpenAPI file nor the markdown documents")
		}
	}
	for a := range noRoute {
		m := methods[a]
		switch {
		case !isDoc[a]:
			gaps = append(gaps, "covNoRoute "+a+": not a documented action")
		case m == "":
			gaps = append(gaps, "covNoRoute "+a+": no panelclient method calls it")
		case used[m]:
			// Once a handler calls it, a route reaches it: prove which.
			gaps = append(gaps, "covNoRoute "+a+": the handlers now call "+m+": give it a row instead")
		}
	}
	slices.Sort(gaps)
	return gaps
}

// TestCoverageEveryDocumentedActionHasARoute is the guard: every
// documented action is served by the emulator and has a row here (run by
// TestCoverageRoutesReachTheirActions), or an entry of covNoRoute with its
// reason.
func TestCoverageEveryDocumentedActionHasARoute(t *testing.T) {
	documented := covDocumentedActions(t)
	served := map[string]bool{}
	for _, a := range panelsim.New().Actions() {
		served[a] = true
	}
	methods := covClientMethods(t)
	for _, g := range covGaps(documented, served, covRows, covNoRoute, methods, covHandlerCalls(t)) {
		t.Error(g)
	}
	for a, why := range covNoRoute {
		t.Logf("no route by design: %s (%s): %s", a, methods[a], why)
	}
	t.Logf("%d documented actions (%d OpenAPI operations, %d markdown-only), %d rows, %d without a route by design",
		len(documented), len(documented)-len(covMarkdownOnly), len(covMarkdownOnly), len(covRows), len(covNoRoute))
}

// TestCoverageGuardNamesEveryGap: the guard's checks have teeth.
func TestCoverageGuardNamesEveryGap(t *testing.T) {
	documented := []string{"user/list", "user/read", "user/export", "tracker/bundle/list"}
	served := map[string]bool{"user/list": true, "user/read": true, "user/export": true, "tracker/undocumented": true}
	rows := []covRow{{action: "user/list"}, {action: "user/list"}, {action: "user/export"}, {action: "user/misspelt"}}
	noRoute := map[string]string{"user/export": "why", "tariff/nothing": "why"}
	methods := map[string]string{"user/export": "ExportUsers"}
	got := covGaps(documented, served, rows, noRoute, methods, map[string]bool{"ExportUsers": true})
	for _, want := range []string{
		"two rows for user/list",
		"tracker/bundle/list: the emulator (panelsim) has no handler",
		"tracker/bundle/list: no portal route is known to call it",
		"user/read: no portal route is known to call it",
		"user/export: has a row and a covNoRoute entry",
		"row user/misspelt: not a documented action",
		"the emulator serves tracker/undocumented",
		"covNoRoute tariff/nothing: not a documented action",
		"covNoRoute user/export: the handlers now call ExportUsers",
	} {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, want) }) {
			t.Errorf("no gap %q in %q", want, got)
		}
	}
	if len(got) != 9 {
		t.Errorf("%d gaps, want 9: %q", len(got), got)
	}
	if got := covGaps([]string{"user/list"}, map[string]bool{"user/list": true}, []covRow{{action: "user/list"}}, nil, nil, nil); len(got) != 0 {
		t.Errorf("a complete table has gaps: %q", got)
	}
}

// covRun sends a row's request as admin (or a visitor) on shared, or on a
// fresh portal and emulator when shared is nil, and lists what is wrong:
// the route is not registered, the request is not to that route, the
// portal answered with an error, or the action was not reached upstream.
func covRun(t *testing.T, r covRow, shared *portaltest.Env) []string {
	t.Helper()
	method, pattern, ok := strings.Cut(r.route, " ")
	if !ok {
		return []string{fmt.Sprintf("%s: route %q is not \"METHOD /path\"", r.action, r.route)}
	}
	env := shared
	if env == nil {
		var opts []portaltest.Option
		if r.console {
			sim := panelsim.New()
			ts := httptest.NewServer(sim)
			t.Cleanup(ts.Close)
			ws := "ws://" + strings.TrimPrefix(ts.URL, "http://") + "/console"
			opts = append(opts, portaltest.WithSim(sim, ts.URL+"/v2/panel"),
				portaltest.WithOptions(func(o *handlers.Options) { o.ConsoleWSURL = ws }))
		}
		env = portaltest.New(t, opts...)
	}
	registered := slices.ContainsFunc(env.Echo.Routes(), func(rt *echo.Route) bool {
		return rt.Method == method && rt.Path == pattern
	})
	if !registered {
		return []string{fmt.Sprintf("%s: the portal has no route %s (handlers/routes.go)", r.action, r.route)}
	}
	x := &covCtx{t: t, env: env, b: env.NewBrowser(t)}
	if !r.anon {
		x.b.Login("admin", "admin")
	}
	req := r.req(x)
	if path, _, _ := strings.Cut(req.path, "?"); req.method != method || !covRoutePattern(pattern).MatchString(path) {
		return []string{fmt.Sprintf("%s: the row sends %s %s, which is not route %s", r.action, req.method, req.path, r.route)}
	}
	env.Sim.ResetCalls()
	p := x.send(req)
	to, _, _ := strings.Cut(p.Location(), "?") // a query may carry a session key
	t.Logf("%s %s: %d %s", req.method, req.path, p.Status, to)
	var problems []string
	if p.Status >= 400 {
		problems = append(problems, fmt.Sprintf("%s %s: status %d %s", req.method, req.path, p.Status, covPageError(p)))
	}
	if req.stream && !strings.Contains(p.Body, `"state":"open"`) {
		problems = append(problems, fmt.Sprintf("%s %s: the stream did not open: %q", req.method, req.path, p.Body))
	}
	if env.Sim.CallCount(r.action) < 1 {
		var called []string
		for _, a := range env.Sim.Actions() {
			if env.Sim.CallCount(a) > 0 {
				called = append(called, a)
			}
		}
		problems = append(problems, fmt.Sprintf("%s %s (route %s) did not reach %s upstream; it called %v", req.method, req.path, r.route, r.action, called))
	}
	return problems
}

// covWorkers is how many rows with a portal of their own run at once. A
// row mostly waits on loopback HTTP (browser to portal to emulator), so
// more rows than CPUs overlap well; t.Parallel would cap them at
// -parallel (GOMAXPROCS by default).
const covWorkers = 6

// covReadOnly says whether a row may share a portal with others: a GET
// changes nothing (every state change is a POST), and the row needs no
// special portal.
func covReadOnly(r covRow) bool {
	return strings.HasPrefix(r.route, http.MethodGet+" ") && !r.console && !r.anon
}

// TestCoverageRoutesReachTheirActions runs every row. The read-only rows
// run one after the other on one shared portal (its call counts reset
// before each row's request); every other row gets a fresh portal and
// emulator, covWorkers at a time, alongside.
func TestCoverageRoutesReachTheirActions(t *testing.T) {
	shared := portaltest.New(t)
	rows := make(chan covRow)
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, r := range covRows {
			if covReadOnly(r) {
				t.Run(r.action, func(t *testing.T) {
					for _, p := range covRun(t, r, shared) {
						t.Error(p)
					}
				})
			}
		}
	})
	for range covWorkers {
		wg.Go(func() {
			for r := range rows {
				t.Run(r.action, func(t *testing.T) {
					for _, p := range covRun(t, r, nil) {
						t.Error(p)
					}
				})
			}
		})
	}
	for _, r := range covRows {
		if !covReadOnly(r) {
			rows <- r
		}
	}
	close(rows)
	wg.Wait()
}

// TestCoverageRowRunnerNamesFailures: a row whose route does not exist,
// whose request goes elsewhere, or whose request does not reach its action
// is reported.
func TestCoverageRowRunnerNamesFailures(t *testing.T) {
	t.Parallel()
	env := portaltest.New(t)
	for _, tc := range []struct {
		row  covRow
		want string
	}{
		{covRow{action: "user/list", route: "GET /nowhere", req: covGet("/nowhere")}, "user/list: the portal has no route GET /nowhere"},
		{covRow{action: "user/list", route: "GET /users/:id", req: covGet("/users")}, "user/list: the row sends GET /users, which is not route GET /users/:id"},
		{covRow{action: "user/corrupt", route: "GET /users", req: covGet("/users")}, "GET /users (route GET /users) did not reach user/corrupt upstream"},
		{covRow{action: "user/read", route: "GET /users/:id", req: covGet("/users/999999")}, "GET /users/999999: status 404"},
	} {
		got := covRun(t, tc.row, env)
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, tc.want) }) {
			t.Errorf("row %s %s: problems %q, want %q", tc.row.action, tc.row.route, got, tc.want)
		}
	}
}

// --- Which client method calls which action, which the handlers call --------

// covClientMethods maps each Panel action to the exported *Client method
// of panelclient that calls it.
func covClientMethods(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("../panelclient/*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() || fn.Body == nil || covRecvName(fn) != "Client" {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || !slices.Contains([]string{"call", "download", "callMultipart"}, sel.Sel.Name) {
					return true
				}
				for _, arg := range call.Args {
					if lit, ok := arg.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if a, err := strconv.Unquote(lit.Value); err == nil && strings.Contains(a, "/") {
							out[a] = fn.Name.Name
						}
					}
				}
				return true
			})
		}
	}
	if len(out) < 10 {
		t.Fatalf("found only %d client methods: the executor calls changed shape", len(out))
	}
	return out
}

func covRecvName(fn *ast.FuncDecl) string {
	typ := fn.Recv.List[0].Type
	if s, ok := typ.(*ast.StarExpr); ok {
		typ = s.X
	}
	if id, ok := typ.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// covHandlerCalls lists the method names the handlers' source calls.
func covHandlerCalls(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
					out[sel.Sel.Name] = true
				}
			}
			return true
		})
	}
	return out
}
