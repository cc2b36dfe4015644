package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/navixy-portal/portal/portaltest"
)

// TestBrowserHostileDataRunsNoScript opens every page that shows the
// emulator's hostile records (script tags, event handlers, broken markup,
// template syntax in names, labels, comments and plan names) and checks
// that no script ran and the values show as text.
func TestBrowserHostileDataRunsNoScript(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	pages := []string{"/", "/users", "/users?q=%3Cscript%3E", "/trackers", "/plans", "/plans/8", "/reports/active", "/codes", "/bundles", "/bundles/864001401000024", "/bundles/orders?order_id=1", "/resellers", "/resellers/5003", "/settings", "/settings/menus"}
	for id := 1; id <= 11; id++ {
		pages = append(pages, "/users/"+strconv.Itoa(id), "/users/"+strconv.Itoa(id)+"/edit", "/trackers/"+strconv.Itoa(id), "/trackers/"+strconv.Itoa(id)+"/edit")
	}
	for _, p := range pages {
		tb.do(chromedp.Navigate(env.URL+p), chromedp.WaitReady(chromedp.CSS("body")))
		if n := tb.count("h1 ~ h1, body > h1"); n > 0 && strings.Contains(p, "/users/10") {
			t.Errorf("%s: markup from data broke out of its cell", p)
		}
	}
	time.Sleep(300 * time.Millisecond) // an onerror handler fires after the image fails
	tb.noDialogs()
	tb.do(chromedp.Navigate(env.URL + "/users/1"))
	body := tb.text(chromedp.CSS("main"))
	if !strings.Contains(body, "<script>alert(1)</script>") {
		t.Error("the hostile first name does not show as text on the user page")
	}
	if n := tb.count("main script, main img[onerror], main svg"); n != 0 {
		t.Errorf("%d elements made from data", n)
	}
}

// TestHarnessSeesDialogs proves the dialog watch works, so that
// noDialogs can fail: a page that does run a script is caught.
func TestHarnessSeesDialogs(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.do(chromedp.Navigate(`data:text/html,<script>alert("ran")</script><p>x</p>`))
	select {
	case msg := <-tb.dialogs:
		if msg != "ran" {
			t.Errorf("dialog %q", msg)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the dialog watch saw no dialog from a page that opened one")
	}
}
