package handlers_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// overrideEnv starts a portal whose Panel API is the emulator except for
// the named actions, which answer as given: the way to make the Panel
// refuse a call as only the real one would (a code 7 with a list of
// fields, say).
func overrideEnv(t *testing.T, overrides map[string]http.HandlerFunc, opts ...portaltest.Option) *portaltest.Env {
	t.Helper()
	sim := panelsim.New()
	simSrv := httptest.NewServer(sim)
	t.Cleanup(simSrv.Close)
	target, _ := url.Parse(simSrv.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		action := strings.Trim(strings.TrimPrefix(r.URL.Path, "/v2/panel/"), "/")
		if h, ok := overrides[action]; ok {
			h(w, r)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return portaltest.New(t, append(opts, portaltest.WithSim(sim, front.URL+"/v2/panel"))...)
}

// panelAnswer replies with a Panel error body.
func panelAnswer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func admin(t *testing.T, env *portaltest.Env) *portaltest.Browser {
	t.Helper()
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	return b
}

func rowIDs(p *portaltest.Page) []int {
	var ids []int
	p.Doc.Find(`tr[data-user-id]`).Each(func(_ int, s *goquery.Selection) {
		id, _ := strconv.Atoi(s.AttrOr("data-user-id", ""))
		ids = append(ids, id)
	})
	return ids
}

// seededUser finds a seeded user matching pred.
func seededUser(t *testing.T, env *portaltest.Env, pred func(u panelsim.User) bool) panelsim.User {
	t.Helper()
	for _, u := range env.Sim.Store().Users(0, 1000) {
		if full, ok := env.Sim.Store().User(u.ID); ok && pred(full) {
			return full
		}
	}
	t.Fatal("no seeded user matches")
	return panelsim.User{}
}

func TestUsersListShowsTheConsoleColumns(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	p := b.Get("/users")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	if n := len(rowIDs(p)); n != 20 {
		t.Errorf("%d rows, want the default 20", n)
	}
	total := env.Sim.Store().UserCount()
	if got := p.Text("[data-testid=total]"); !strings.Contains(got, strconv.Itoa(total)) {
		t.Errorf("total %q, want %d", got, total)
	}
	var heads []string
	p.Doc.Find("#users-table thead th").Each(func(_ int, s *goquery.Selection) {
		if s.AttrOr("scope", "") != "col" {
			t.Error("a column header without scope=col")
		}
		heads = append(heads, strings.TrimSpace(strings.Trim(s.Text(), "▲▼ \n")))
	})
	want := []string{"ID", "Name", "Balance", "Bonus", "Trackers", "Login", "Phone", "City", "Created"}
	if strings.Join(heads, "|") != strings.Join(want, "|") {
		t.Errorf("columns %q, want %q", heads, want)
	}
	for _, key := range []string{"id", "last_name", "balance", "bonus", "login", "phone", "post_city"} {
		if !p.Has("[data-testid=sort-" + key + "] a") {
			t.Errorf("column %s is not sortable", key)
		}
	}
	// Marks and negative balances, as the official console shows them.
	inactive := seededUser(t, env, func(u panelsim.User) bool { return !u.Activated && u.ID <= 20 })
	row := p.Doc.Find(fmt.Sprintf(`[data-user-id="%d"]`, inactive.ID))
	if row.Find("[data-testid=badge-inactive]").Length() != 1 {
		t.Errorf("user %d is not marked not activated", inactive.ID)
	}
	balances := p.Doc.Find("tr[data-user-id] td:nth-child(3)")
	if balances.Length() == 0 {
		t.Fatal("no balances on the list")
	}
	balances.Each(func(_ int, s *goquery.Selection) {
		neg := strings.HasPrefix(strings.TrimSpace(s.Text()), "−")
		if neg != s.HasClass("neg") {
			t.Errorf("balance %q: red=%v", s.Text(), s.HasClass("neg"))
		}
	})
	if !p.Has("[data-testid=nav-users][aria-current=page]") {
		t.Error("the Users section is not marked current in the navigation")
	}
	if !p.Has("[data-testid=user-create]") || !p.Has("[data-testid=user-import]") || !p.Has("[data-testid=export-form]") {
		t.Error("admin lacks create, import or export")
	}
}

func TestUsersListStateLivesInTheURL(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)

	p := b.Get("/users?sort=balance&dir=desc&per_page=10&page=2")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	ids := rowIDs(p)
	if len(ids) != 10 {
		t.Fatalf("%d rows with per_page=10", len(ids))
	}
	var prev float64 = 1e18
	for _, id := range ids {
		u, _ := env.Sim.Store().User(id)
		if u.Balance > prev {
			t.Errorf("not sorted by balance descending at user %d", id)
		}
		prev = u.Balance
	}
	if got := p.Doc.Find("[data-testid=sort-balance]").AttrOr("aria-sort", ""); got != "descending" {
		t.Errorf("aria-sort %q", got)
	}
	if got := p.Text("[data-testid=page-of]"); !strings.HasPrefix(got, "Page 2 of") {
		t.Errorf("page %q", got)
	}
	next := p.Doc.Find("[data-testid=page-next]").AttrOr("href", "")
	for _, part := range []string{"sort=balance", "dir=desc", "per_page=10", "page=3"} {
		if !strings.Contains(next, part) {
			t.Errorf("next page link %q lacks %s", next, part)
		}
	}
	// Sorting again by the same column flips the direction and returns to
	// page 1.
	if href := p.Doc.Find("[data-testid=sort-balance] a").AttrOr("href", ""); strings.Contains(href, "dir=desc") || strings.Contains(href, "&page=") || strings.Contains(href, "?page=") {
		t.Errorf("sort link %q", href)
	}

	// Search (the API's filter) and "only active" (hide_inactive).
	target := env.Sim.Store().Users(0, 200)[57]
	p = b.Get("/users?q=" + url.QueryEscape(target.Login))
	if ids := rowIDs(p); len(ids) != 1 || ids[0] != target.ID {
		t.Errorf("search for %s found %v", target.Login, ids)
	}
	if v, _ := p.Doc.Find("[data-testid=list-search]").Attr("value"); v != target.Login {
		t.Errorf("search box shows %q", v)
	}
	all := b.Get("/users?per_page=100")
	active := b.Get("/users?active=1&per_page=100")
	if active.Has("[data-testid=badge-inactive]") {
		t.Error("only active still lists users not activated")
	}
	if !all.Has("[data-testid=badge-inactive]") {
		t.Error("the full list shows no inactive user (the seed has some)")
	}
	if _, ok := active.Doc.Find("[data-testid=filter-active]").Attr("checked"); !ok {
		t.Error("the only-active box is not ticked on ?active=1")
	}
	if active.Text("[data-testid=total]") == all.Text("[data-testid=total]") {
		t.Error("only active did not change the total")
	}

	// Nothing matches: the empty state.
	p = b.Get("/users?q=" + url.QueryEscape("no such user anywhere zzz"))
	if !p.Has("[data-testid=empty]") || len(rowIDs(p)) != 0 {
		t.Error("no empty state for a search without results")
	}
	// A bookmark past the end opens the last page; nonsense falls back.
	p = b.Get("/users?page=999&per_page=100")
	if got := p.Text("[data-testid=page-of]"); !strings.HasPrefix(got, "Page 2 of 2") || len(rowIDs(p)) == 0 {
		t.Errorf("page past the end: %q with %d rows", got, len(rowIDs(p)))
	}
	p = b.Get("/users?sort=password&per_page=7&page=-1")
	if p.Status != http.StatusOK || len(rowIDs(p)) != 20 {
		t.Errorf("nonsense state: status %d, %d rows", p.Status, len(rowIDs(p)))
	}
}

func TestUsersListHTMXGetsTheTableAlone(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	p := b.Get("/users?q=smith&sort=login", portaltest.HTMX...)
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	if strings.Contains(p.Body, "<html") || p.Has("header") || p.Has("[data-testid=users-search]") {
		t.Error("an htmx list request got more than the table")
	}
	if p.Doc.Find("#users-table").Length() != 1 {
		t.Fatal("no table in the partial")
	}
	state := p.Doc.Find("#users-table-state")
	if state.AttrOr("hx-swap-oob", "") != "true" || state.Find(`input[name=sort][value=login]`).Length() != 1 {
		t.Error("the partial does not refresh the search form's sort (out of band)")
	}
	// The export form stays as the staff member left it; only its copy of
	// the list state comes along, out of band.
	if p.Has("[data-testid=export-form]") {
		t.Error("the partial re-sends the export form, which would close it and drop its ticks")
	}
	exp := p.Doc.Find("#users-export-state")
	if exp.AttrOr("hx-swap-oob", "") != "true" || exp.Find(`input[name=q][value=smith]`).Length() != 1 ||
		exp.Find(`input[name=sort][value=login]`).Length() != 1 || exp.Find(`input[name=per_page]`).Length() != 0 {
		html, _ := goquery.OuterHtml(exp)
		t.Errorf("the partial's export state is %q", html)
	}
	page := b.Get("/users?q=smith&sort=login")
	if n := page.Doc.Find(`[data-testid=export-form] #users-export-state input[name=q][value=smith]`).Length(); n != 1 {
		t.Errorf("the page's export form carries the search %d times", n)
	}
	if p.Header.Get("Vary") == "" {
		t.Error("no Vary header: a cache could serve the partial as the page")
	}
	// htmx restoring history asks for the whole page.
	full := b.Get("/users?q=smith", "HX-Request", "true", "HX-History-Restore-Request", "true")
	if !strings.Contains(full.Body, "<html") || !full.Has("[data-testid=users-search]") {
		t.Error("a history restore got the partial")
	}
}

func TestUserCardShowsEverything(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	u := seededUser(t, env, func(u panelsim.User) bool {
		return u.LegalType == "legal_entity" && u.TrackersCount > 0 && u.DefaultTariffID != nil && u.ID > 10
	})
	p := b.Get(fmt.Sprintf("/users/%d", u.ID))
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	if got := p.Text("[data-testid=prop-login]"); got != u.Login {
		t.Errorf("login %q, want %q", got, u.Login)
	}
	if got := p.Text("[data-testid=user-title]"); !strings.HasPrefix(got, u.LegalName) {
		t.Errorf("title %q, want the legal name %q", got, u.LegalName)
	}
	for _, id := range []string{"user-props", "user-post", "user-legal", "user-trackers", "user-latest-tx", "mfa-form"} {
		if !p.Has("[data-testid=" + id + "]") {
			t.Errorf("card lacks %s", id)
		}
	}
	if !strings.Contains(p.Text("[data-testid=user-legal]"), u.TIN) {
		t.Error("the legal block lacks the TIN")
	}
	if href := p.Doc.Find("[data-testid=plan-link]").AttrOr("href", ""); href != fmt.Sprintf("/plans/%d", *u.DefaultTariffID) {
		t.Errorf("plan link %q", href)
	}
	if n := p.Doc.Find("[data-testid=tracker-row]").Length(); n == 0 {
		t.Error("no trackers listed")
	}
	p.Doc.Find("[data-testid=tracker-row] a").Each(func(_ int, s *goquery.Selection) {
		if !strings.HasPrefix(s.AttrOr("href", ""), "/trackers/") {
			t.Errorf("tracker link %q", s.AttrOr("href", ""))
		}
	})
	for _, id := range []string{"user-edit", "user-password", "user-balance-change", "user-transactions", "user-login-as", "user-delete", "delete-dialog"} {
		if !p.Has("[data-testid=" + id + "]") {
			t.Errorf("admin lacks %s", id)
		}
	}
	form := p.Doc.Find("[data-testid=user-login-as-form]")
	if form.AttrOr("target", "") != "_blank" || form.AttrOr("rel", "") != "noopener noreferrer" {
		t.Error("log in as user does not open a separate window without opener and referrer")
	}
	// The delete button needs the login typed.
	btn := p.Doc.Find("[data-testid=delete-dialog] [data-testid=delete-submit]")
	if btn.AttrOr("data-confirm-match", "") != u.Login || btn.AttrOr("data-confirm-field", "") != "login" {
		t.Error("the delete button is not tied to the typed login")
	}
	if got := b.Get("/users/99999999"); got.Status != http.StatusNotFound {
		t.Errorf("missing user: status %d", got.Status)
	}
	if got := b.Get("/users/abc"); got.Status != http.StatusNotFound {
		t.Errorf("bad id: status %d", got.Status)
	}
}

func TestUserCardReadsInParallelAndSurvivesAFailingPart(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	env.Sim.SetFault("tracker/list", panelsim.Fault{Code: 1})
	p := b.Get("/users/12")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d with tracker/list failing", p.Status)
	}
	if !strings.Contains(p.Text("[data-testid=user-trackers]"), "could not be loaded") {
		t.Error("the trackers part does not say it failed")
	}
	if !p.Has("[data-testid=user-props]") {
		t.Error("the rest of the card is gone")
	}
}

func TestHostileValuesRenderAsText(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	p := b.Get("/users?sort=id")
	if p.Doc.Find("#users-table script, #users-table img, #users-table svg, #users-table h1").Length() != 0 {
		t.Fatal("markup from user data became elements in the list")
	}
	if !strings.Contains(p.Doc.Find(`[data-user-id="1"]`).Text(), "<script>alert(1)</script>") {
		t.Error("user 1's name is not shown as text")
	}
	for id := 1; id <= 10; id++ {
		p := b.Get(fmt.Sprintf("/users/%d", id))
		if p.Status != http.StatusOK {
			t.Errorf("user %d: status %d", id, p.Status)
			continue
		}
		p.Doc.Find("script").Each(func(_ int, s *goquery.Selection) {
			if src := s.AttrOr("src", ""); !strings.HasPrefix(src, "/static/") {
				t.Errorf("user %d: a script element not from /static: %q", id, src)
			}
		})
		if p.Doc.Find("main img, main svg, main h1").Length() != 1 { // the page's own h1
			t.Errorf("user %d: markup from data became elements", id)
		}
		for _, form := range []string{"/edit", "/delete", "/balance", "/transactions"} {
			if q := b.Get(fmt.Sprintf("/users/%d%s", id, form)); q.Status != http.StatusOK || q.Doc.Find("main img, main svg").Length() != 0 {
				t.Errorf("user %d%s: status %d", id, form, q.Status)
			}
		}
	}
}

func TestDashboardCountsUsers(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	p := b.Get("/")
	if got := p.Text("[data-testid=card-users]"); !strings.Contains(got, strconv.Itoa(env.Sim.Store().UserCount())) {
		t.Errorf("users card %q", got)
	}
	if !p.Has("[data-testid=nav-users]") {
		t.Error("no Users entry in the navigation")
	}
}
