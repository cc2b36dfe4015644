package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/handlers"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/portaltest"
)

func TestLoginShowsDashboard(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	p := b.Get("/")
	if p.Status != http.StatusOK {
		t.Fatalf("dashboard status %d", p.Status)
	}
	if p.Text("[data-testid=dealer-title]") == "" {
		t.Error("dashboard has no dealer title")
	}
	for _, id := range []string{"card-active", "card-balance", "card-plan", "dealer-props"} {
		if !p.Has("[data-testid=" + id + "]") {
			t.Errorf("dashboard lacks %s", id)
		}
	}
	if got := p.Text("[data-testid=whoami]"); got != "admin" {
		t.Errorf("whoami = %q", got)
	}
	if cc := p.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("private page Cache-Control = %q, want no-store", cc)
	}
}

func TestLoginFailuresEachHaveTheirMessage(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Get("/login")
	p := b.Post("/login", url.Values{"login": {"admin"}, "password": {"nope-secret"}})
	if p.Status != http.StatusUnauthorized {
		t.Fatalf("wrong password: status %d", p.Status)
	}
	if msg := p.Text("[data-testid=login-error]"); !strings.Contains(msg, "Wrong login or password") {
		t.Errorf("wrong password message %q", msg)
	}
	if strings.Contains(p.Body, "nope-secret") {
		t.Error("the password was echoed back")
	}
	if v, _ := p.Doc.Find("[data-testid=login-login]").Attr("value"); v != "admin" {
		t.Errorf("login not kept: %q", v)
	}
	// An unknown login reads exactly like a wrong password.
	p2 := b.Post("/login", url.Values{"login": {"nobody"}, "password": {"x"}})
	if p2.Text("[data-testid=login-error]") != p.Text("[data-testid=login-error]") {
		t.Error("unknown login and wrong password read differently")
	}

	env.Sim.SetDealerBlocked(true)
	p = b.Post("/login", url.Values{"login": {"admin"}, "password": {"admin"}})
	if p.Status != http.StatusForbidden || !strings.Contains(p.Text("[data-testid=login-error]"), "blocked") {
		t.Errorf("blocked dealer: status %d, message %q", p.Status, p.Text("[data-testid=login-error]"))
	}
}

func TestLoginWhenPanelUnreachable(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	env := portaltest.New(t, portaltest.WithOptions(func(o *handlers.Options) {
		c, err := panelclient.New(deadURL+"/v2/panel", panelclient.WithTimeout(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		o.Client = c
	}))
	b := env.NewBrowser(t)
	b.Get("/login")
	p := b.Post("/login", url.Values{"login": {"admin"}, "password": {"admin"}})
	if p.Status != http.StatusBadGateway || !strings.Contains(p.Text("[data-testid=login-error]"), "cannot be reached") {
		t.Errorf("unreachable: status %d, message %q", p.Status, p.Text("[data-testid=login-error]"))
	}
}

func TestLoginThrottlesGuessing(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Get("/login")
	var p *portaltest.Page
	for i := 0; i < 7; i++ {
		p = b.Post("/login", url.Values{"login": {"admin"}, "password": {"guess"}})
	}
	if p.Status != http.StatusTooManyRequests {
		t.Fatalf("after 7 failures: status %d", p.Status)
	}
	if !strings.Contains(p.Text("[data-testid=login-error]"), "Too many attempts") || p.Header.Get("Retry-After") == "" {
		t.Errorf("throttled page: %q, Retry-After %q", p.Text("[data-testid=login-error]"), p.Header.Get("Retry-After"))
	}
	before := env.Sim.Attempts("account/auth")
	// Even the right password waits: the throttle answers before the Panel.
	p = b.Post("/login", url.Values{"login": {"admin"}, "password": {"admin"}})
	if p.Status != http.StatusTooManyRequests || env.Sim.Attempts("account/auth") != before {
		t.Errorf("throttled login reached the Panel or passed: status %d", p.Status)
	}
	env.Clock.Advance(20 * time.Minute)
	b.Login("admin", "admin")
}

func TestNextOnlyAcceptsLocalPaths(t *testing.T) {
	env := portaltest.New(t)
	for _, next := range []string{"//evil.example", "https://evil.example/", "/\\evil.example", "http:/evil", "/\t/evil.example", "javascript:alert(1)"} {
		b := env.NewBrowser(t)
		b.Get("/login?next=" + url.QueryEscape(next))
		p := b.Post("/login", url.Values{"login": {"admin"}, "password": {"admin"}, "next": {next}})
		if loc := p.Location(); loc != "/" {
			t.Errorf("next=%q redirected to %q", next, loc)
		}
	}
	b := env.NewBrowser(t)
	b.Get("/login")
	p := b.Post("/login", url.Values{"login": {"admin"}, "password": {"admin"}, "next": {"/?tab=x"}})
	if loc := p.Location(); loc != "/?tab=x" {
		t.Errorf("local next redirected to %q", loc)
	}
}

// hashOf reads the Panel hash out of the browser's session cookie, as only
// a holder of the keys can.
func hashOf(t *testing.T, env *portaltest.Env, b *portaltest.Browser) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: b.Cookie(auth.CookieName)})
	s, err := env.Sessions.Load(req)
	if err != nil {
		t.Fatalf("session cookie: %v", err)
	}
	return s.Hash
}

func TestBadCookiesGoToLoginWithoutUpstreamCalls(t *testing.T) {
	env := portaltest.New(t)
	good := env.NewBrowser(t)
	good.Login("admin", "admin")
	value := good.Cookie(auth.CookieName)
	otherKey, _ := auth.GenerateKeys()
	other := auth.NewManager([]auth.KeyPair{otherKey}, auth.CookieOptions{}, env.Clock.Now)
	rec := httptest.NewRecorder()
	_ = other.Save(rec, other.NewSession("0123456789abcdef0123456789abcdef", "admin", auth.Permissions{"base": {"get_dealer_info"}}))
	resigned := rec.Result().Cookies()[0].Value

	flip := []byte(value)
	flip[len(flip)/2] ^= 0x01
	cases := map[string]string{
		"tampered":                string(flip),
		"truncated":               value[:len(value)/2],
		"signed with another key": resigned,
		"garbage":                 "not-a-cookie",
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			env.Sim.ResetCalls()
			b := env.NewBrowser(t)
			b.SetCookie(auth.CookieName, v)
			p := b.Get("/")
			if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/login") {
				t.Fatalf("status %d location %q", p.Status, p.Location())
			}
			if n := env.Sim.Attempts("dealer/get_info"); n != 0 {
				t.Errorf("%d upstream calls with a bad cookie", n)
			}
		})
	}
	t.Run("expired", func(t *testing.T) {
		env.Sim.ResetCalls()
		env.Clock.Advance(25 * time.Hour)
		p := good.Get("/")
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/login") {
			t.Fatalf("status %d location %q", p.Status, p.Location())
		}
		if n := env.Sim.Attempts("dealer/get_info"); n != 0 {
			t.Errorf("%d upstream calls with an expired cookie", n)
		}
	})
}

func TestIdleSessionEnds(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	env.Clock.Advance(90 * time.Minute)
	if p := b.Get("/"); p.Status != http.StatusOK {
		t.Fatalf("after 90 idle minutes: %d", p.Status)
	}
	env.Clock.Advance(90 * time.Minute) // used 90 min ago: still within 2 h
	if p := b.Get("/"); p.Status != http.StatusOK {
		t.Fatalf("use refreshes the idle timer: %d", p.Status)
	}
	env.Clock.Advance(2*time.Hour + time.Minute)
	if p := b.Get("/"); p.Status != http.StatusSeeOther {
		t.Fatalf("after 2 idle hours: %d", p.Status)
	}
}

func TestKeyRotationKeepsOldCookies(t *testing.T) {
	oldKey, _ := auth.GenerateKeys()
	env := portaltest.New(t, portaltest.WithKeys(oldKey))
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	cookie := b.Cookie(auth.CookieName)

	newKey, _ := auth.GenerateKeys()
	rotated := portaltest.New(t, portaltest.WithKeys(newKey, oldKey), portaltest.WithSim(env.Sim, env.SimURL))
	rb := rotated.NewBrowser(t)
	rb.SetCookie(auth.CookieName, cookie)
	if p := rb.Get("/"); p.Status != http.StatusOK {
		t.Fatalf("old cookie after rotation: status %d", p.Status)
	}
	dropped := portaltest.New(t, portaltest.WithKeys(newKey), portaltest.WithSim(env.Sim, env.SimURL))
	db := dropped.NewBrowser(t)
	db.SetCookie(auth.CookieName, cookie)
	if p := db.Get("/"); p.Status != http.StatusSeeOther {
		t.Fatalf("old cookie after its key was removed: status %d", p.Status)
	}
}

func TestTwoReplicasShareSessions(t *testing.T) {
	key, _ := auth.GenerateKeys()
	one := portaltest.New(t, portaltest.WithKeys(key))
	two := portaltest.New(t, portaltest.WithKeys(key), portaltest.WithSim(one.Sim, one.SimURL))
	b := one.NewBrowser(t)
	b.Login("admin", "admin")
	b2 := two.NewBrowser(t)
	b2.SetCookie(auth.CookieName, b.Cookie(auth.CookieName))
	if p := b2.Get("/"); p.Status != http.StatusOK || p.Text("[data-testid=whoami]") != "admin" {
		t.Fatalf("second replica: status %d", p.Status)
	}
}

func TestCSRFRefusesForgedPosts(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	other := env.NewBrowser(t)
	other.Login("admin", "admin")
	for name, tok := range map[string]string{"missing": "", "wrong": "forged", "another session's": other.CSRF()} {
		env.Sim.ResetCalls()
		p := b.Post("/logout", url.Values{"_csrf": {tok}})
		if p.Status != http.StatusForbidden {
			t.Errorf("%s token: status %d", name, p.Status)
		}
		if env.Sim.Attempts("account/logout") != 0 {
			t.Errorf("%s token reached the Panel", name)
		}
	}
	// The login form is guarded too: a post without the visitor cookie fails.
	anon := env.NewBrowser(t)
	p := anon.Post("/login", url.Values{"_csrf": {"x"}, "login": {"admin"}, "password": {"admin"}})
	if p.Status != http.StatusForbidden {
		t.Errorf("login without visitor token: status %d", p.Status)
	}
}

func TestLogoutEndsThePanelSession(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	hash := hashOf(t, env, b)
	cookie := b.Cookie(auth.CookieName)
	p := b.Post("/logout", nil)
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/login") {
		t.Fatalf("logout: %d %q", p.Status, p.Location())
	}
	if env.Sim.CallCount("account/logout") != 1 {
		t.Error("account/logout was not called")
	}
	if p := b.Get("/"); p.Status != http.StatusSeeOther {
		t.Errorf("after logout the dashboard answered %d", p.Status)
	}
	// A copy of the old cookie reaches a Panel session that has ended: the
	// portal sends it to the login page.
	replay := env.NewBrowser(t)
	replay.SetCookie(auth.CookieName, cookie)
	if p := replay.Get("/"); p.Status != http.StatusSeeOther || !strings.Contains(p.Location(), "ended=1") {
		t.Errorf("replayed cookie: %d %q", p.Status, p.Location())
	}
	if strings.Contains(env.Logs(), hash) {
		t.Error("the Panel hash appears in the logs")
	}
}

func TestSessionEndedUpstreamReturnsToThePage(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	endUpstream(t, env, hashOf(t, env, b))
	p := b.Get("/?from=test")
	if p.Status != http.StatusSeeOther {
		t.Fatalf("status %d", p.Status)
	}
	loc, _ := url.Parse(p.Location())
	if loc.Path != "/login" || loc.Query().Get("next") != "/?from=test" || loc.Query().Get("ended") != "1" {
		t.Fatalf("redirect %q", p.Location())
	}
	// htmx requests move the whole window.
	b2 := env.NewBrowser(t)
	b2.Login("admin", "admin")
	endUpstream(t, env, hashOf(t, env, b2))
	p = b2.Get("/", portaltest.HTMX...)
	if hx := p.Header.Get("HX-Redirect"); !strings.HasPrefix(hx, "/login") {
		t.Errorf("htmx: HX-Redirect %q", hx)
	}
	// Signing in again lands on the page.
	lp := b.Get(p.Location())
	_ = lp
	b.Get("/login?next=%2F%3Ffrom%3Dtest&ended=1")
	p = b.Post("/login", url.Values{"login": {"admin"}, "password": {"admin"}, "next": {loc.Query().Get("next")}})
	if p.Location() != "/?from=test" {
		t.Errorf("after signing in again: %q", p.Location())
	}
}

// endUpstream ends a Panel session behind the portal's back.
func endUpstream(t *testing.T, env *portaltest.Env, hash string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, env.SimURL+"/account/logout", nil)
	req.Header.Set("Authorization", "NVX "+hash)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestSecurityHeaders(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	p := b.Get("/login")
	h := p.Header
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	want := map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
		"Cross-Origin-Opener-Policy": "same-origin", "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()"}
	for k, w := range want {
		if h.Get(k) != w {
			t.Errorf("%s = %q", k, h.Get(k))
		}
	}
	if p.Has("script:not([src])") {
		t.Error("the page has an inline script")
	}
	// Every response carries them, signed in or not, page or error.
	b.Login("admin", "admin")
	for _, path := range []string{"/users", "/no/such/page", "/login"} {
		h := b.Get(path).Header
		for k, w := range want {
			if h.Get(k) != w {
				t.Errorf("%s: %s = %q", path, k, h.Get(k))
			}
		}
		if h.Get("Content-Security-Policy") != p.Header.Get("Content-Security-Policy") {
			t.Errorf("%s: CSP %q", path, h.Get("Content-Security-Policy"))
		}
	}
}

func TestErrorPagesAreShortAndHaveARequestID(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	p := b.Get("/no/such/page")
	if p.Status != http.StatusNotFound || !p.Has("[data-testid=request-id]") {
		t.Errorf("404: status %d", p.Status)
	}
}
