package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// bulkIMEI is a Luhn-valid IMEI no seeded device has.
func bulkIMEI(serial int) string {
	b := []byte("35999997" + strconv.Itoa(1000000 + serial%1000000)[1:])
	sum := 0
	for i := 0; i < 14; i++ {
		d := int(b[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return string(append(b, byte('0'+(10-sum%10)%10)))
}

func bulkVoid[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := a(ctx, t)
		return err
	})
}

// TestBrowserBulkActivation: a file with good and bad rows is checked
// (each problem on its row, nothing registered), confirmed, registered in
// chunks with a progress bar that htmx advances by itself, and reported
// row by row; the same file again reports every device as already done.
// A hostile label runs no script.
func TestBrowserBulkActivation(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")

	const good = 6
	lines := []string{"user_id,model,label,device_id,phone,apn_name,apn_user,apn_password,comment"}
	for i := 0; i < good; i++ {
		label := "E2E van " + strconv.Itoa(i)
		if i == 0 {
			label = `<img src=x onerror=alert(1)>`
		}
		lines = append(lines, "20,telfmb120,"+label+","+bulkIMEI(i)+",49151800000"+strconv.Itoa(10+i)+",internet,,,")
	}
	lines = append(lines,
		"20,nosuchmodel,Bad model,"+bulkIMEI(50)+",4915180000050,internet,,,",
		"20,telfmb120,Bad id,12345,4915180000051,internet,,,",
		"99999,telfmb120,Nobody's,"+bulkIMEI(52)+",4915180000052,internet,,,",
	)
	file := filepath.Join(t.TempDir(), "devices.csv")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\r\n")+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	check := func() {
		tb.t.Helper()
		tb.do(
			chromedp.Navigate(env.URL+"/trackers"),
			chromedp.Click(sel("activate-link")),
			chromedp.WaitVisible(sel("activate-form")),
			chromedp.SetUploadFiles(sel("activate-file"), []string{file}),
			chromedp.Click(sel("activate-check")),
			chromedp.WaitVisible(sel("activate-preview")),
		)
	}
	check()
	if got := tb.text(sel("activate-summary")); got != "9 rows: 6 ready, 3 with problems." {
		t.Errorf("summary %q", got)
	}
	if n := tb.count(`[data-testid="activate-row"][data-ok="false"] [data-testid="row-problem"]`); n != 3 {
		t.Errorf("%d problems shown, want one on each bad row", n)
	}
	if n := env.Sim.Attempts(panelsim.UserAPIActionPrefix + "tracker/register"); n != 0 {
		t.Fatalf("the check registered %d devices", n)
	}

	// Slow registrations, so the progress shows between chunks.
	env.Sim.SetFault(panelsim.UserAPIActionPrefix+"tracker/register", panelsim.Fault{Latency: 300 * time.Millisecond})
	tb.do(
		bulkVoid(chromedp.Evaluate[bool](`window.__stay = true`)),
		chromedp.Click(sel("activate-confirm")),
		chromedp.WaitVisible(sel("activate-progress")),
	)
	tb.waitJS(`(function(){var r=document.querySelector('[data-testid="activate-run"]');var p=document.querySelector('[data-testid="activate-progress"]');return !!r&&r.dataset.finished==='false'&&p.value>0&&p.value<p.max})()`, 15*time.Second)
	tb.waitJS(`(function(){var r=document.querySelector('[data-testid="activate-run"]');return !!r&&r.dataset.finished==='true'})()`, 20*time.Second)
	env.Sim.ClearFaults()
	if stayed, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`window.__stay === true`)); !stayed {
		t.Error("the run reloaded the page instead of swapping each chunk in")
	}
	if n := tb.count(`[data-testid="activate-result"][data-status="done"]`); n != good {
		t.Errorf("%d rows registered now, want %d", n, good)
	}
	if n := tb.count(`[data-testid="activate-result"][data-status="skipped"]`); n != 3 {
		t.Errorf("%d rows skipped, want 3", n)
	}
	if got := tb.text(sel("activate-live")); !strings.HasPrefix(got, "Registered now: 6") {
		t.Errorf("live region %q", got)
	}
	if n := env.Sim.CallCount(panelsim.UserAPIActionPrefix + "tracker/register"); n != good {
		t.Errorf("tracker/register ran %d times", n)
	}

	// The same file again: everything already done, nothing registered.
	env.Sim.ResetCalls()
	check()
	tb.do(chromedp.Click(sel("activate-confirm")))
	tb.waitJS(`(function(){var r=document.querySelector('[data-testid="activate-run"]');return !!r&&r.dataset.finished==='true'})()`, 15*time.Second)
	if n := tb.count(`[data-testid="activate-result"][data-status="already"]`); n != good {
		t.Errorf("second run: %d rows already done, want %d", n, good)
	}
	if n := env.Sim.Attempts(panelsim.UserAPIActionPrefix + "tracker/register"); n != 0 {
		t.Errorf("the second run sent %d registrations", n)
	}
	tb.noDialogs()
}
