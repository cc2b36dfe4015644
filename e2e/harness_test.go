// Package e2e drives the portal in a real Chromium: what only a browser
// proves (htmx swaps, dialogs, the back button, iframes, that no script
// runs from data). Without Chromium the tests skip, except under CI=true
// where they fail.
package e2e

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/navixy-portal/portal/portaltest"
)

var browserCtx context.Context

func chromiumPath() string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

func TestMain(m *testing.M) {
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			println("e2e: Chromium is missing and CI=true: failing")
			os.Exit(1)
		}
		println("e2e: Chromium not found (install the Debian package chromium); browser tests skip")
		os.Exit(0)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// The embedding tests serve the portal over HTTPS with a test
		// certificate.
		chromedp.IgnoreCertErrors,
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(ctx); err != nil {
		println("e2e: Chromium did not start:", err.Error())
		cancel()
		cancelAlloc()
		os.Exit(1)
	}
	browserCtx = ctx
	code := m.Run()
	cancel()
	cancelAlloc()
	os.Exit(code)
}

// tab is a fresh tab in its own browser context (its own cookies), bounded
// in time, with every JavaScript dialog recorded and dismissed: a dialog
// means a script ran that should not have.
type tab struct {
	t       *testing.T
	ctx     context.Context
	env     *portaltest.Env
	dialogs chan string
}

func newTab(t *testing.T, env *portaltest.Env) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("new tab: %v", err)
	}
	tctx, tcancel := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { tcancel(); cancel() })
	tb := &tab{t: t, ctx: tctx, env: env, dialogs: make(chan string, 16)}
	events := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			select {
			case tb.dialogs <- ev.Message:
			default:
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return tb
}

// do runs steps and fails the test on error.
func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.t.Fatalf("browser: %v", err)
	}
}

// sel is a data-testid selector.
func sel(testID string) chromedp.CSS { return chromedp.CSS(`[data-testid="` + testID + `"]`) }

func (tb *tab) text(s chromedp.CSS) string {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Text(s))
	if err != nil {
		tb.t.Fatalf("text of %s: %v", s, err)
	}
	return strings.TrimSpace(v)
}

func (tb *tab) location() string {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		tb.t.Fatal(err)
	}
	return v
}

// count is how many elements match a CSS selector right now.
func (tb *tab) count(css string) int {
	tb.t.Helper()
	n, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(css)+`).length`))
	if err != nil {
		tb.t.Fatal(err)
	}
	return n
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`)
	return "'" + r.Replace(s) + "'"
}

// login signs in through the login form.
func (tb *tab) login(login, password string) {
	tb.t.Helper()
	tb.do(
		chromedp.Navigate(tb.env.URL+"/login"),
		chromedp.WaitVisible(sel("login-login")),
		chromedp.SendKeys(sel("login-login"), login),
		chromedp.SendKeys(sel("login-password"), password),
		chromedp.Click(sel("login-submit")),
		chromedp.WaitVisible(sel("whoami")),
	)
}

// noDialogs fails when any script opened a dialog.
func (tb *tab) noDialogs() {
	tb.t.Helper()
	select {
	case msg := <-tb.dialogs:
		tb.t.Errorf("a script ran and opened a dialog: %q", msg)
	default:
	}
}

// waitJS polls a JavaScript condition until it is true, across page loads
// (a navigation destroys the context an in-page poll runs in).
func (tb *tab) waitJS(cond string, limit time.Duration) {
	tb.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("waited %s for %s (last error: %v)", limit, cond, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
