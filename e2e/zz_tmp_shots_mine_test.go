package e2e

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/navixy-portal/portal/portaltest"
)

func TestZZMyShots(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	b := env.Sim.Store().Bundles()[3]
	for name, path := range map[string]string{"plans": "/plans", "planform": "/plans/2/edit", "defaults": "/plans/defaults", "codes": "/codes", "codesnew": "/codes/new", "bundles": "/bundles", "card": "/bundles/" + b.IMEI, "import": "/bundles/import", "order": "/bundles/orders?order_id=1"} {
		tb.do(chromedp.Navigate(env.URL+path))
		buf, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile("/tmp/mine-"+name+".png", buf, 0o644)
	}
}
