package e2e

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestTrkShots(t *testing.T) {
	if os.Getenv("TRKSHOTS") == "" {
		t.Skip()
	}
	env := trkEnv(t)
	tr, _ := trkPick(t, env)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	shot := func(name, url string, wait chromedp.CSS) {
		tb.do(chromedp.Navigate(env.URL+url), chromedp.WaitVisible(wait), chromedp.Sleep(1500*time.Millisecond))
		buf, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile("/tmp/trkshots/"+name+".png", buf, 0o644)
	}
	shot("list", "/trackers", sel("trackers-table"))
	shot("detail", "/trackers/1", sel("tracker-title"))
	shot("detail2", "/trackers/"+strconv.Itoa(tr.ID), sel("tracker-title"))
	shot("console", "/trackers/"+strconv.Itoa(tr.ID)+"/console", sel("console-log"))
	shot("plans", "/plans", sel("plans-table"))
	shot("plan", "/plans/2", sel("plan-title"))
	shot("report", "/reports/active", sel("report-chart"))
	shot("bulk", "/trackers/bulk/plan?tracker_id=20&tracker_id=21", sel("bulk-run"))
	shot("corrupt", "/trackers/"+strconv.Itoa(tr.ID)+"/corrupt", sel("corrupt-form"))
	tb.do(chromedp.Navigate(env.URL+"/trackers/"+strconv.Itoa(tr.ID)), chromedp.WaitVisible(sel("action-corrupt")), chromedp.Click(sel("action-corrupt")), chromedp.Sleep(500*time.Millisecond))
	buf, _ := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	os.WriteFile("/tmp/trkshots/dialog.png", buf, 0o644)
}
