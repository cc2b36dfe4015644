package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

func resellerRowIDs(p *portaltest.Page) []int {
	var ids []int
	p.Doc.Find(`[data-testid="reseller-row"]`).Each(func(_ int, s *goquery.Selection) {
		id, _ := strconv.Atoi(s.AttrOr("data-id", ""))
		ids = append(ids, id)
	})
	return ids
}

func reseller(t *testing.T, env *portaltest.Env, id int) panelsim.Subpaas {
	t.Helper()
	for _, sp := range env.Sim.Store().Subpaases() {
		if sp.ID == id {
			return sp
		}
	}
	t.Fatalf("no reseller %d", id)
	return panelsim.Subpaas{}
}

// Seeded resellers (panelsim): 5002 active, 5003 active with a hostile
// title, 5004 panel suspended, 5005 fully suspended, 5006 not paid, 5007
// removed.
const (
	resellerActive  = 5002
	resellerHostile = 5003
	resellerBlocked = 5004
	resellerUnpaid  = 5006
)

func TestResellersListSearchSortPage(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	p := b.Get("/resellers")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	ids := resellerRowIDs(p)
	if len(ids) != len(env.Sim.Store().Subpaases()) || p.Text(`[data-testid="total"]`) == "" {
		t.Errorf("%d rows listed", len(ids))
	}
	if got := p.Text(`[data-testid="reseller-row"][data-id="5006"] [data-testid="reseller-status"]`); got != "Not paid" {
		t.Errorf("unpaid reseller's status %q", got)
	}
	if got := p.Text(`[data-testid="reseller-row"][data-id="5002"] td:nth-child(7)`); got != "48 / 41 active" {
		t.Errorf("user counts %q", got)
	}
	if p.Has(`[data-testid="resellers-table"] script`) || !strings.Contains(p.Text(`[data-testid="reseller-row"][data-id="5003"]`), `<script>`) {
		t.Error("the hostile title is not shown as text")
	}
	// Search, sort and page live in the URL; htmx gets the table alone.
	p = b.Get("/resellers?q=baltic")
	if ids := resellerRowIDs(p); len(ids) != 1 || ids[0] != 5005 || p.Doc.Find(`#list-q`).AttrOr("value", "") != "baltic" {
		t.Errorf("search: %v", ids)
	}
	p = b.Get("/resellers?sort=title&dir=desc")
	ids = resellerRowIDs(p)
	if len(ids) < 2 || p.Doc.Find(`[data-testid="sort-title"]`).AttrOr("aria-sort", "") != "descending" {
		t.Errorf("sort: %v", ids)
	}
	first, second := reseller(t, env, ids[0]), reseller(t, env, ids[1])
	if strings.ToLower(first.Title) < strings.ToLower(second.Title) {
		t.Errorf("not descending: %q before %q", first.Title, second.Title)
	}
	p = b.Get("/resellers?per_page=10&page=1&sort=subpaas_id", portaltest.HTMX...)
	if strings.Contains(p.Body, "<html") || !p.Has("#resellers-table") {
		t.Error("htmx does not get the table alone")
	}
	// The status filter: subpaas/list has none, the portal filters.
	p = b.Get("/resellers?status=NOT_BLOCKED&sort=subpaas_id")
	if ids := resellerRowIDs(p); len(ids) != 2 || ids[0] != 5002 || ids[1] != 5003 || p.Text(`[data-testid="total"]`) == "" {
		t.Errorf("active resellers: %v", ids)
	}
	if !p.Has(`[data-testid="filter-status"] option[value="NOT_BLOCKED"][selected]`) {
		t.Error("the status filter does not show its value")
	}
	if href := p.Doc.Find(`[data-testid="sort-title"] a`).AttrOr("href", ""); !strings.Contains(href, "status=NOT_BLOCKED") {
		t.Errorf("sorting drops the status filter: %q", href)
	}
	p = b.Get("/resellers?status=INITIAL_BLOCK&q=sunrise&page=5")
	if ids := resellerRowIDs(p); len(ids) != 1 || ids[0] != 5006 {
		t.Errorf("unpaid and 'sunrise', past the last page: %v", ids)
	}
	if ids := resellerRowIDs(b.Get("/resellers?status=BOGUS")); len(ids) != len(env.Sim.Store().Subpaases()) {
		t.Errorf("an unknown status filters: %v", ids)
	}
	if p := b.Get("/resellers?q=nothing-matches-this"); !p.Has(`[data-testid="empty"]`) {
		t.Error("no empty row")
	}
}

func TestResellerCardAndActions(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	p := b.Get("/resellers/5002")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	r := reseller(t, env, resellerActive)
	if p.Text(`[data-testid="prop-email"]`) != r.Email || p.Text(`[data-testid="prop-domain"]`) != r.LinkMonitoring ||
		p.Text(`[data-testid="prop-contact_fio"]`) != r.ContactFIO {
		t.Errorf("card shows %q %q", p.Text(`[data-testid="prop-email"]`), p.Text(`[data-testid="prop-domain"]`))
	}
	for _, id := range []string{"reseller-open", "reseller-edit", "reseller-password"} {
		if !p.Has(`[data-testid="` + id + `"]`) {
			t.Errorf("admin lacks %s", id)
		}
	}
	h := b.Get("/resellers/5003")
	if h.Has(`[data-testid="reseller-legal"] img`) || !strings.Contains(h.Text(`[data-testid="reseller-name"]`), `<script>`) {
		t.Error("hostile values are not text")
	}
	blocked := b.Get("/resellers/5004")
	if blocked.Has(`[data-testid="reseller-open"]`) || !blocked.Has(`[data-testid="reseller-open-disabled"]`) {
		t.Error("a suspended reseller's panel is offered")
	}
	if b.Get("/resellers/987654").Status != http.StatusNotFound || b.Get("/resellers/abc").Status != http.StatusNotFound {
		t.Error("missing reseller not 404")
	}
}

func TestResellerCreate(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	b.Get("/resellers/new")
	form := url.Values{
		"title": {"Nordic GPS"}, "email": {"hello@nordic.example.com"}, "link_monitoring": {"gps.nordic.example.com"},
		"password": {"Hh6FXTt%E!Rx*%f3"}, "password_confirm": {"Hh6FXTt%E!Rx*%f3"}, "jur_name": {"Nordic GPS AB"},
		"jur_country": {"Sweden"}, "contact_fio": {"Sven"},
	}
	// The portal's checks first: nothing goes upstream.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("title", "")
	bad.Set("password", "short")
	bad.Set("email", "not-an-email")
	p := b.Post("/resellers/new", bad)
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-title"]`) || !p.Has(`[data-testid="error-password"]`) ||
		!p.Has(`[data-testid="error-email"]`) || env.Sim.Attempts("subpaas/create") != 0 {
		t.Errorf("checks: %d %q", p.Status, p.Text(".field-error"))
	}
	if p.Doc.Find(`[data-testid="field-jur_name"]`).AttrOr("value", "") != "Nordic GPS AB" || p.Doc.Find(`[data-testid="field-password"]`).AttrOr("value", "") != "" {
		t.Error("typed values lost, or the password echoed")
	}
	// The Panel's refusals: the domain in use (247), a bad domain (7).
	taken := url.Values{}
	for k, v := range form {
		taken[k] = v
	}
	taken.Set("link_monitoring", "track.northstar.example.com")
	if p := b.Post("/resellers/new", taken); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="error-link_monitoring"]`), "Another dealer") {
		t.Errorf("domain taken: %d %q", p.Status, p.Text(".field-error"))
	}
	taken.Set("link_monitoring", "not a domain")
	if p := b.Post("/resellers/new", taken); p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-link_monitoring"]`) {
		t.Errorf("bad domain: %d %q", p.Status, p.Text(`[data-testid="form-error"]`))
	}

	p = b.Post("/resellers/new", form)
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/resellers/") {
		t.Fatalf("create: %d %s", p.Status, p.Text(`[data-testid="form-error"]`))
	}
	id, _ := strconv.Atoi(strings.TrimPrefix(p.Location(), "/resellers/"))
	r := reseller(t, env, id)
	if r.Title != "Nordic GPS" || r.BlockType != "INITIAL_BLOCK" || r.LinkMonitoring != "gps.nordic.example.com" || r.ContactFIO != "Sven" {
		t.Errorf("created %+v", r)
	}
	card := b.Get(p.Location())
	if card.Text(`[data-testid="reseller-status"]`) != "Not paid" || !card.Has(`[data-testid="reseller-open-disabled"]`) {
		t.Errorf("new reseller's card: %q", card.Text(`[data-testid="reseller-status"]`))
	}
}

func TestResellerEditAndStatus(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	f := formValues(t, b.Get("/resellers/5002/edit"), `[data-testid="reseller-form"]`)
	if f.Get("title") != "Northstar Telematics" || f.Get("block_type") != "NOT_BLOCKED" {
		t.Fatalf("edit form %v", f)
	}
	f.Set("title", "Northstar Telematics Inc.")
	f.Set("block_type", "BLOCK_LOGIN")
	f.Set("contact_post", "CEO")
	p := b.Post("/resellers/5002/edit", f)
	if p.Status != http.StatusSeeOther || p.Location() != "/resellers/5002" {
		t.Fatalf("update: %d %s", p.Status, p.Text(".field-error"))
	}
	r := reseller(t, env, resellerActive)
	if r.Title != "Northstar Telematics Inc." || r.BlockType != "BLOCK_LOGIN" || r.ContactPost != "CEO" || r.Email != "ops@northstar.example.com" {
		t.Errorf("saved %+v", r)
	}
	if got := b.Get("/resellers/5002").Text(`[data-testid="reseller-status"]`); got != "Admin Panel suspended" {
		t.Errorf("status reads %q", got)
	}
	// Not paid: the status is fixed on the form and kept whatever is sent.
	e := b.Get("/resellers/5006/edit")
	if e.Has(`[data-testid="field-block_type"]`) || !e.Has(`[data-testid="field-block_type-fixed"]`) {
		t.Error("an unpaid reseller's status is offered for change")
	}
	f = formValues(t, e, `[data-testid="reseller-form"]`)
	f.Set("block_type", "NOT_BLOCKED")
	if p := b.Post("/resellers/5006/edit", f); p.Status != http.StatusSeeOther || reseller(t, env, resellerUnpaid).BlockType != "INITIAL_BLOCK" {
		t.Errorf("unpaid: %d, status %s", p.Status, reseller(t, env, resellerUnpaid).BlockType)
	}
	// A forged status is refused before the Panel.
	f = formValues(t, b.Get("/resellers/5004/edit"), `[data-testid="reseller-form"]`)
	env.Sim.ResetCalls()
	f.Set("block_type", "INITIAL_BLOCK")
	if p := b.Post("/resellers/5004/edit", f); p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-block_type"]`) || env.Sim.Attempts("subpaas/update") != 0 {
		t.Errorf("forged status: %d", p.Status)
	}
	if p := b.Post("/resellers/987654/edit", f); p.Status != http.StatusNotFound {
		t.Errorf("missing reseller: %d", p.Status)
	}
}

func TestResellerPasswordChange(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	b.Get("/resellers/5002/password")
	p := b.Post("/resellers/5002/password", url.Values{"new_password": {"weak"}, "password_confirm": {"weak"}})
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-new_password"]`) || env.Sim.Attempts("subpaas/password/change") != 0 {
		t.Errorf("weak: %d", p.Status)
	}
	p = b.Post("/resellers/5002/password", url.Values{"new_password": {"Nn7!northstar2"}, "password_confirm": {"Nn7!northstar3"}})
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-password_confirm"]`) {
		t.Errorf("mismatch: %d", p.Status)
	}
	p = b.Post("/resellers/5002/password", url.Values{"new_password": {"Nn7!northstar2"}, "password_confirm": {"Nn7!northstar2"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("change: %d %s", p.Status, p.Text(".field-error"))
	}
	c, _ := panelclient.New(env.SimURL)
	if _, err := c.Auth(context.Background(), "5002", "Nn7!northstar2"); err != nil {
		t.Errorf("the reseller cannot sign in with the new password: %v", err)
	}
	// The Panel refuses a password used before (code 7 on new_password).
	p = b.Post("/resellers/5002/password", url.Values{"new_password": {"Nn7!northstar2"}, "password_confirm": {"Nn7!northstar2"}})
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-new_password"]`) {
		t.Errorf("reused: %d %q", p.Status, p.Text(`[data-testid="form-error"]`))
	}
}

func TestResellerPanelOpenAndReturn(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	own := b.Cookie(auth.CookieName)
	b.Get("/resellers/5002")
	p := b.Post("/resellers/5002/session", nil)
	if p.Status != http.StatusSeeOther || p.Location() != "/" {
		t.Fatalf("open: %d %q", p.Status, p.Location())
	}
	if env.Sim.CallCount("subpaas/session/create") != 1 || env.Sim.CallCount("account/get_permissions") != 1 {
		t.Errorf("calls: session %d, permissions %d", env.Sim.CallCount("subpaas/session/create"), env.Sim.CallCount("account/get_permissions"))
	}
	home := b.Get("/")
	if got := home.Text(`[data-testid="reseller-banner"]`); !strings.Contains(got, "Northstar Telematics") {
		t.Errorf("banner %q", got)
	}
	if home.Text(`[data-testid="whoami"]`) != "Northstar Telematics" || home.Has(`[data-testid="account-password"]`) {
		t.Errorf("whoami %q, password link %v", home.Text(`[data-testid="whoami"]`), home.Has(`[data-testid="account-password"]`))
	}
	for _, s := range []string{own, b.Cookie(auth.CookieName)} {
		if strings.Contains(s, "5002") {
			t.Error("the cookie is readable")
		}
	}
	// The reseller's own settings show now.
	if got := b.Get("/settings").Doc.Find(`[data-testid="field-service_title"]`).AttrOr("value", ""); got != "Northstar Telematics" {
		t.Errorf("settings in the reseller's panel: title %q", got)
	}
	// Forms keep working (same anti-forgery token); the password change
	// is the staff member's own and is refused here.
	if p := b.Get("/account/password"); p.Status != http.StatusForbidden {
		t.Errorf("own password inside the reseller's panel: %d", p.Status)
	}
	if p := b.Post("/resellers/5003/session", nil); p.Status != http.StatusForbidden {
		t.Errorf("a second level: %d", p.Status)
	}
	env.Sim.ResetCalls()
	p = b.Post("/resellers/return", nil)
	if p.Status != http.StatusSeeOther || p.Location() != "/resellers" {
		t.Fatalf("return: %d %q", p.Status, p.Location())
	}
	if env.Sim.CallCount("account/logout") != 1 {
		t.Errorf("the reseller's session was not ended upstream (%d logouts)", env.Sim.CallCount("account/logout"))
	}
	back := b.Get("/users")
	if back.Status != http.StatusOK || back.Has(`[data-testid="reseller-banner"]`) || back.Text(`[data-testid="whoami"]`) != "admin" ||
		!back.Has(`[data-testid="account-password"]`) {
		t.Errorf("after return: %d, banner %v, whoami %q", back.Status, back.Has(`[data-testid="reseller-banner"]`), back.Text(`[data-testid="whoami"]`))
	}
	if p := b.Post("/resellers/return", nil); p.Status != http.StatusSeeOther || p.Location() != "/" {
		t.Errorf("return without a reseller: %d %q", p.Status, p.Location())
	}
}

func TestResellerPanelRefusalsAndHostileName(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	b.Get("/resellers")
	p := b.Post("/resellers/5004/session", nil)
	if p.Status != http.StatusSeeOther || env.Sim.Attempts("subpaas/session/create") != 0 {
		t.Errorf("suspended reseller: %d, %d calls", p.Status, env.Sim.Attempts("subpaas/session/create"))
	}
	if p := b.Post("/resellers/987654/session", nil); p.Status != http.StatusNotFound {
		t.Errorf("missing reseller: %d", p.Status)
	}
	if p := b.Post("/resellers/5003/session", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("open hostile: %d", p.Status)
	}
	home := b.Get("/")
	if home.Has(`[data-testid="reseller-banner"] script`) || !strings.Contains(home.Text(`[data-testid="reseller-banner"]`), `<script>alert("reseller")</script>`) {
		t.Errorf("hostile banner %q", home.Text(`[data-testid="reseller-banner"]`))
	}
	// Signing out while in a reseller's panel ends both sessions.
	env.Sim.ResetCalls()
	if p := b.Post("/logout", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", p.Status)
	}
	if n := env.Sim.CallCount("account/logout"); n != 2 {
		t.Errorf("%d sessions ended, want 2", n)
	}
}

// Reading resellers is open to subpaas: read; every change needs its
// right. Opening a reseller's panel needs subpaas: update although the
// console (and the emulator) let subpaas: read do it: the session it
// opens has every right in the reseller's panel.
func TestResellersForTechAndViewer(t *testing.T) {
	for _, login := range []string{"tech", "viewer"} {
		t.Run(login, func(t *testing.T) {
			env := portaltest.New(t)
			b := env.NewBrowser(t)
			b.Login(login, login)
			if !b.Get("/").Has(`[data-testid="nav-resellers"]`) {
				t.Error("no Resellers in the navigation")
			}
			l := b.Get("/resellers")
			if l.Status != http.StatusOK || l.Has(`[data-testid="reseller-create"]`) {
				t.Errorf("list %d", l.Status)
			}
			c := b.Get("/resellers/5002")
			for _, id := range []string{"reseller-open", "reseller-open-form", "reseller-edit", "reseller-password"} {
				if c.Has(`[data-testid="` + id + `"]`) {
					t.Errorf("%s shown", id)
				}
			}
			for _, path := range []string{"/resellers/new", "/resellers/5002/edit", "/resellers/5002/password"} {
				if p := b.Get(path); p.Status != http.StatusForbidden {
					t.Errorf("GET %s: %d", path, p.Status)
				}
			}
			env.Sim.ResetCalls()
			for path, actions := range map[string][]string{
				"/resellers/new":           {"subpaas/create"},
				"/resellers/5002/edit":     {"subpaas/read", "subpaas/update"},
				"/resellers/5002/password": {"subpaas/password/change"},
				"/resellers/5002/session":  {"subpaas/read", "subpaas/session/create"},
			} {
				if p := b.Post(path, url.Values{"title": {"x"}, "new_password": {"Hh6FXTt%E!Rx*%f3"}}); p.Status != http.StatusForbidden {
					t.Errorf("POST %s: %d", path, p.Status)
				}
				for _, a := range actions {
					if n := env.Sim.Attempts(a); n != 0 {
						t.Errorf("POST %s reached %s", path, a)
					}
				}
			}
		})
	}
}

// The staff member's own session is kept in the cookie while they work
// in a reseller's panel, its rights read again on return. If it ended
// meanwhile (here: the dealer's password changed elsewhere), returning
// signs them out and ends the reseller's session too.
func TestResellerReturnAfterTheOwnSessionEnded(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	b.Get("/resellers/5002")
	if p := b.Post("/resellers/5002/session", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("open: %d", p.Status)
	}
	if n := len(b.Cookie(auth.CookieName)); n > 3000 {
		t.Errorf("the cookie with two sessions is %d bytes", n)
	}
	other := admin(t, env)
	other.Get("/account/password")
	const newPw = "Adm1n!Portal-2026"
	if p := other.Post("/account/password", url.Values{"old_password": {"admin"}, "new_password": {newPw}, "new_password_confirm": {newPw}}); p.Status != http.StatusSeeOther {
		t.Fatalf("password change elsewhere: %d", p.Status)
	}
	// The reseller's session still works...
	if p := b.Get("/"); p.Status != http.StatusOK || !p.Has(`[data-testid="reseller-banner"]`) {
		t.Fatalf("in the reseller's panel: %d", p.Status)
	}
	env.Sim.ResetCalls()
	p := b.Post("/resellers/return", nil)
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/login") {
		t.Errorf("return with an ended own session: %d %q", p.Status, p.Location())
	}
	if env.Sim.CallCount("account/logout") != 1 || b.Cookie(auth.CookieName) != "" {
		t.Errorf("the reseller's session was left open (%d logouts), or the cookie kept", env.Sim.CallCount("account/logout"))
	}
}
