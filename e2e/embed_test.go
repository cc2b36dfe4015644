package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/navixy-portal/portal/portaltest"
)

// intranet serves a page on another site (localhost, while the portal is
// on 127.0.0.1) that embeds the portal in an iframe.
func intranet(t *testing.T, portalURL *string) string {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>Intranet</title><h1>Support desk</h1><iframe id="portal" src="%s/login" width="1200" height="800"></iframe>`, *portalURL)
	}))
	t.Cleanup(srv.Close)
	return strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
}

// portalFrame finds the iframe target showing the portal, waiting for it.
func portalFrame(t *testing.T, tb *tab, portalURL string, wait time.Duration) (found bool, frame *tab) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		infos, err := chromedp.Targets(tb.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if info.Type == "iframe" && strings.HasPrefix(info.URL, portalURL) {
				ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithTargetID(info.TargetID))
				t.Cleanup(cancel)
				return true, &tab{t: t, ctx: ctx, env: tb.env, dialogs: tb.dialogs}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false, nil
}

func TestBrowserEmbeddedInAnAllowedIntranetPage(t *testing.T) {
	var portalURL string
	allowed := intranet(t, &portalURL)
	env := portaltest.New(t, portaltest.WithEmbedding(allowed))
	portalURL = env.URL
	tb := newTab(t, env)
	tb.do(chromedp.Navigate(allowed), chromedp.WaitVisible(chromedp.ID("portal")))
	ok, frame := portalFrame(t, tb, portalURL, 10*time.Second)
	if !ok {
		t.Fatal("the allowed intranet page does not show the portal")
	}
	frame.do(
		chromedp.WaitVisible(sel("login-login")),
		chromedp.SendKeys(sel("login-login"), "admin"),
		chromedp.SendKeys(sel("login-password"), "admin"),
		chromedp.Click(sel("login-submit")),
		chromedp.WaitVisible(sel("whoami")),
	)
	if got := frame.text(sel("whoami")); got != "admin" {
		t.Fatalf("signed in inside the frame as %q", got)
	}
	embeddedWork(t, frame)
}

func TestBrowserNotShownInAnotherSitesFrame(t *testing.T) {
	var portalURL string
	allowed := intranet(t, &portalURL)
	env := portaltest.New(t, portaltest.WithEmbedding(allowed))
	portalURL = env.URL
	other := intranet(t, &portalURL)
	tb := newTab(t, env)
	tb.do(chromedp.Navigate(other), chromedp.WaitVisible(chromedp.ID("portal")))
	if ok, frame := portalFrame(t, tb, portalURL, 3*time.Second); ok {
		if n, err := chromedp.Run(frame.ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid=login-form]').length`)); err == nil && n > 0 {
			t.Fatal("a page from an origin not in FRAME_ANCESTORS shows the portal")
		}
	}
	// The same browser shows it in the allowed page: the check above can fail.
	tb.do(chromedp.Navigate(allowed), chromedp.WaitVisible(chromedp.ID("portal")))
	ok, frame := portalFrame(t, tb, portalURL, 10*time.Second)
	if !ok {
		t.Fatal("the allowed page does not show the portal either")
	}
	frame.do(chromedp.WaitVisible(sel("login-form")))
}
