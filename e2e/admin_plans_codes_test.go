package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/navixy-portal/portal/portaltest"
)

// flashHas waits until the page's notice contains text.
func (tb *tab) flashHas(text string) {
	tb.t.Helper()
	tb.waitJS(`(document.querySelector('[data-testid="flash"]')||{}).textContent?.includes(`+jsString(text)+`)`, 10*time.Second)
}

// TestBrowserCreatePlanAndMakeItDefault: create a plan through the form,
// then make it the default for new trackers; the list marks it.
func TestBrowserCreatePlanAndMakeItDefault(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	tb.do(
		chromedp.Click(sel("nav-plans")),
		chromedp.WaitVisible(sel("plans-table")),
		chromedp.Click(sel("plan-new")),
		chromedp.WaitVisible(sel("plan-form")),
		chromedp.SendKeys(sel("field-name"), "Browser plan"),
		chromedp.SendKeys(sel("field-price"), "9.90"),
		chromedp.SendKeys(sel("field-early_change_price"), "2"),
		chromedp.SendKeys(sel("field-device_limit"), "500"),
		chromedp.SendKeys(sel("field-store_period"), "6m"),
		chromedp.SendKeys(sel("field-service_prices.traffic"), "0.05"),
		chromedp.Click(sel("plan-form-submit")),
		chromedp.WaitVisible(sel("plan-title")),
	)
	if got := tb.text(sel("plan-title")); got != "Browser plan" {
		t.Fatalf("plan page title %q", got)
	}
	tb.flashHas("Browser plan created")
	loc := tb.location()
	id, _ := strconv.Atoi(loc[strings.LastIndex(loc, "/")+1:])
	plan, ok := env.Sim.Store().Tariff(id)
	if !ok || plan.Price != 9.9 || plan.StorePeriod != "6m" || plan.DeviceLimit != 500 || plan.ServicePrices.Traffic != 0.05 {
		t.Fatalf("created plan %d: %+v", id, plan)
	}

	tb.do(
		chromedp.Click(sel("plan-make-default")),
		chromedp.WaitVisible(sel("defaults-form")),
	)
	selected, err := chromedp.Run(tb.ctx, chromedp.Value(sel("field-tracker.tariff_id")))
	if err != nil || selected != strconv.Itoa(id) {
		t.Fatalf("the defaults form preselects %q (%v), want %d", selected, err, id)
	}
	tb.do(
		chromedp.Clear(sel("field-tracker.free_days")),
		chromedp.SendKeys(sel("field-tracker.free_days"), "10"),
		chromedp.Click(sel("defaults-submit")),
		chromedp.WaitVisible(sel("plans-table")),
	)
	tb.flashHas("Defaults for new devices saved")
	if n := tb.count(`[data-testid="plan-row"][data-id="` + strconv.Itoa(id) + `"] [data-testid="plan-default"]`); n != 1 {
		t.Error("the list does not mark the new plan as the default")
	}
	if n := tb.count(`[data-testid="plan-row"][data-id="2"] [data-testid="plan-default"]`); n != 0 {
		t.Error("the old tracker default is still marked")
	}
	tb.noDialogs()
}

// TestBrowserCodesBatchAndBulkEdit: create a batch of codes, see them,
// then tick two of them in the list and change their terms.
func TestBrowserCodesBatchAndBulkEdit(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	tb.do(
		chromedp.Click(sel("nav-codes")),
		chromedp.WaitVisible(sel("codes-table")),
		chromedp.Click(sel("codes-new")),
		chromedp.WaitVisible(sel("codes-create-form")),
		chromedp.Clear(sel("field-count")),
		chromedp.SendKeys(sel("field-count"), "3"),
		chromedp.SetValue(sel("field-tariff_id"), "4"),
		chromedp.Clear(sel("field-bonus_amount")),
		chromedp.SendKeys(sel("field-bonus_amount"), "2"),
		chromedp.Clear(sel("field-free_days")),
		chromedp.SendKeys(sel("field-free_days"), "365"),
		chromedp.Click(sel("codes-create-submit")),
		chromedp.WaitVisible(sel("new-codes")),
	)
	codes, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid="new-code"] code')].map(c => c.textContent)`))
	if err != nil || len(codes) != 3 {
		t.Fatalf("new codes shown: %v %v", codes, err)
	}
	// 365 free days is more than any seeded code: sorted by free days, the
	// batch comes first.
	tb.do(
		chromedp.Navigate(env.URL+"/codes?activated=no&sort=free_days&dir=desc"),
		chromedp.WaitVisible(sel("codes-table")),
		chromedp.Click(sel("select-code-"+codes[0])),
		chromedp.Click(sel("select-code-"+codes[1])),
		chromedp.Click(sel("codes-edit-selected")),
		chromedp.WaitVisible(sel("codes-edit-form")),
		chromedp.SetValue(sel("field-tariff_id"), "3"),
		chromedp.SendKeys(sel("field-bonus_amount"), "9"),
		chromedp.SendKeys(sel("field-free_days"), "7"),
		chromedp.Click(sel("codes-edit-submit")),
		chromedp.WaitVisible(sel("codes-edit-result")),
	)
	if got := tb.text(sel("codes-edit-result")); got != "Updated 2, failed 0." {
		t.Errorf("result %q", got)
	}
	for i, c := range env.Sim.Store().ActivationCodes() {
		switch c.Code {
		case codes[0], codes[1]:
			if c.TariffID != 3 || c.BonusAmount != 9 || c.FreeDays != 7 {
				t.Errorf("edited code %d: %+v", i, c)
			}
		case codes[2]:
			if c.TariffID != 4 || c.FreeDays != 365 {
				t.Errorf("the third code changed: %+v", c)
			}
		}
	}
	tb.noDialogs()
}

// TestBrowserImportIMEIsWithDuplicate: the counts follow the typing; a
// duplicate is counted and sent once.
func TestBrowserImportIMEIsWithDuplicate(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	counts := func(valid, dup, bad int) {
		tb.t.Helper()
		tb.waitJS(`(() => { const n = id => (document.querySelector('[data-testid="'+id+'"]')||{}).textContent;
			return n('count-valid') === '`+strconv.Itoa(valid)+`' && n('count-duplicate') === '`+strconv.Itoa(dup)+`' && n('count-malformed') === '`+strconv.Itoa(bad)+`' })()`, 10*time.Second)
	}
	tb.do(
		chromedp.Click(sel("nav-bundles")),
		chromedp.WaitVisible(sel("bundles-table")),
		chromedp.Click(sel("bundles-import")),
		chromedp.WaitVisible(sel("import-form")),
		chromedp.SendKeys(sel("field-imeis"), "356938035643809"+kb.Enter+"356938035643817"+kb.Enter+"356938035643809"+kb.Enter+"12ab"),
	)
	counts(2, 1, 1)
	if bad := tb.text(sel("bad-lines")); !strings.Contains(bad, "12ab") {
		t.Errorf("malformed lines %q", bad)
	}
	equip := strconv.Itoa(env.Sim.Store().EquipmentList()[0].EquipID)
	tb.do(chromedp.SendKeys(sel("field-imeis"), strings.Repeat(kb.Backspace, 5)))
	counts(2, 1, 0)
	tb.do(
		chromedp.SetValue(sel("field-equip_id"), equip),
		chromedp.Click(sel("import-submit")),
		chromedp.WaitVisible(sel("bundles-table")),
	)
	tb.flashHas("2 bundles imported")
	for _, imei := range []string{"356938035643809", "356938035643817"} {
		if n := tb.count(`[data-testid="bundle-row"][data-imei="` + imei + `"]`); n != 1 {
			t.Errorf("imported %s is not listed first", imei)
		}
	}
	tb.noDialogs()
}

// TestBrowserTechSeesPlansWithoutEditControls: the employee role reads
// plans and their defaults, with no control to change them.
func TestBrowserTechSeesPlansWithoutEditControls(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("tech", "tech")
	tb.do(
		chromedp.Click(sel("nav-plans")),
		chromedp.WaitVisible(sel("plans-table")),
	)
	if tb.count(`[data-testid="plan-new"]`) != 0 {
		t.Error("tech sees New plan")
	}
	tb.do(
		chromedp.Click(`[data-testid="plan-row"][data-id="2"] [data-testid="plan-name"]`),
		chromedp.WaitVisible(sel("plan-title")),
	)
	if tb.count(`[data-testid="plan-edit"], [data-testid="plan-make-default"]`) != 0 {
		t.Error("tech sees plan edit controls")
	}
	tb.do(
		chromedp.Navigate(env.URL+"/plans/defaults"),
		chromedp.WaitVisible(sel("defaults-tracker")),
	)
	if tb.count(`[data-testid="defaults-form"], button[type=submit]:not([data-testid="logout"])`) != 0 {
		t.Error("tech sees the defaults form")
	}
	tb.noDialogs()
}
