package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/navixy-portal/portal/portaltest"
)

func TestBrowserLoginAndDashboard(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	if got := tb.text(sel("whoami")); got != "admin" {
		t.Errorf("whoami %q", got)
	}
	if tb.text(sel("dealer-title")) == "" {
		t.Error("no dealer title on the dashboard")
	}
	tb.noDialogs()
}

func TestBrowserWrongPassword(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.do(
		chromedp.Navigate(env.URL+"/login"),
		chromedp.SendKeys(sel("login-login"), "admin"),
		chromedp.SendKeys(sel("login-password"), "wrong"),
		chromedp.Click(sel("login-submit")),
		chromedp.WaitVisible(sel("login-error")),
	)
	if msg := tb.text(sel("login-error")); !strings.Contains(msg, "Wrong login or password") {
		t.Errorf("message %q", msg)
	}
	pw, err := chromedp.Run(tb.ctx, chromedp.Value(sel("login-password")))
	if err != nil || pw != "" {
		t.Errorf("password field kept %q (%v)", pw, err)
	}
}

func TestBrowserLogoutThenBackShowsNoPrivatePage(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	tb.do(
		chromedp.Click(sel("logout")),
		chromedp.WaitVisible(sel("login-form")),
	)
	// The back button: the browser asks again for the dashboard (no-store)
	// and the portal sends it to the login page.
	if _, err := chromedp.Run(tb.ctx, chromedp.Evaluate[any](`history.back()`)); err != nil {
		t.Fatal(err)
	}
	tb.waitJS(`document.readyState === 'complete' && (location.pathname === '/login' || !!document.querySelector('[data-testid=dealer-title]'))`, 10*time.Second)
	if n := tb.count(`[data-testid="dealer-title"]`); n != 0 {
		t.Fatal("the back button showed the dashboard after logout")
	}
	if !strings.Contains(tb.location(), "/login") {
		t.Errorf("after back: %s", tb.location())
	}
}

func TestBrowserSessionEndedUpstreamReturnsToPage(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	tb.do(chromedp.Navigate(env.URL + "/?tab=dealer"))
	// End every Panel session behind the portal's back.
	endAllSessions(t, env)
	tb.do(
		chromedp.Navigate(env.URL+"/?tab=dealer"),
		chromedp.WaitVisible(sel("login-reason")),
		chromedp.SendKeys(sel("login-login"), "admin"),
		chromedp.SendKeys(sel("login-password"), "admin"),
		chromedp.Click(sel("login-submit")),
		chromedp.WaitVisible(sel("dealer-title")),
	)
	if loc := tb.location(); !strings.HasSuffix(loc, "/?tab=dealer") {
		t.Errorf("landed on %s", loc)
	}
}

// endAllSessions makes the emulator forget every Panel session.
func endAllSessions(t *testing.T, env *portaltest.Env) {
	t.Helper()
	env.Sim.EndAllSessions()
}

// TestBrowserViewerSeesNoWriteControls: a read-only session's pages carry
// no form that changes anything (only signing out) and no link to an edit
// or action page.
func TestBrowserViewerSeesNoWriteControls(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("viewer", "viewer")
	for _, p := range []string{"/", "/users", "/users/20", "/trackers", "/trackers/20", "/plans", "/plans/1"} {
		tb.do(chromedp.Navigate(env.URL+p), chromedp.WaitReady(chromedp.CSS("main")))
		forms := tb.count(`form[method=post]:not([action="/logout"])`)
		links := tb.count(`main a[href$="/edit"], main a[href$="/new"], main a[href$="/delete"], main a[href$="/balance"], main a[href$="/password"], main a[href$="/move"], main a[href$="/clone"], main a[href$="/corrupt"], main a[href$="/import"]`)
		if forms+links != 0 {
			t.Errorf("%s: %d mutating forms and %d action links for a read-only session", p, forms, links)
		}
	}
	// The same check finds admin's controls, so it can fail.
	admin := newTab(t, env)
	admin.login("admin", "admin")
	admin.do(chromedp.Navigate(env.URL+"/users/20"), chromedp.WaitReady(chromedp.CSS("main")))
	if admin.count(`form[method=post]:not([action="/logout"])`)+admin.count(`main a[href$="/edit"]`) == 0 {
		t.Fatal("admin's user page shows no controls either: the check proves nothing")
	}
}
