package e2e

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/portaltest"
)

// searchEval runs JavaScript in the page for its value.
func searchEval[T any](tb *tab, expr string, opts ...chromedp.EvaluateOption) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		tb.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// TestBrowserGlobalSearch: typing in the header's search box, on any page,
// shows the groups as the staff member types (htmx swaps the content, no
// page load) and keeps the query in the address bar.
func TestBrowserGlobalSearch(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	tb.do(chromedp.Click(sel("nav-users")), chromedp.WaitVisible(sel("users-table")))
	searchEval[bool](tb, `window.__stay = true`)

	tb.do(chromedp.SendKeys(sel("global-search"), "smith"))
	tb.waitJS(`location.pathname === '/search' && new URLSearchParams(location.search).get('q') === 'smith'`, 10*time.Second)
	tb.waitJS(`document.querySelector('[data-testid="search-results"]')?.dataset.q === 'smith'`, 10*time.Second)
	for _, g := range []string{"users", "trackers", "plans", "resellers"} {
		if tb.count(`[data-testid="search-group-`+g+`"]`) != 1 {
			t.Errorf("no %s group", g)
		}
	}
	if n := tb.count(`[data-testid="search-group-users"] [data-testid="search-row"]`); n == 0 || n > 10 {
		t.Errorf("%d users found for smith", n)
	}
	if !strings.Contains(searchEval[string](tb, `document.querySelector('[data-testid="search-group-users"] [data-testid="search-more"]').getAttribute('href')`), "/users?q=smith") {
		t.Error("the users group does not link to the filtered list")
	}

	// Typing on updates the groups and the address.
	tb.do(chromedp.SendKeys(sel("global-search"), strings.Repeat(kb.Backspace, len("smith"))+"Northstar"))
	tb.waitJS(`new URLSearchParams(location.search).get('q') === 'Northstar' && document.querySelector('[data-testid="search-results"]')?.dataset.q === 'Northstar'`, 10*time.Second)
	if n := tb.count(`[data-testid="search-group-resellers"] [data-testid="search-row"]`); n != 1 {
		t.Errorf("%d resellers found for Northstar, want 1", n)
	}
	if tb.count(`[data-testid="search-group-users"] [data-testid="search-group-empty"]`) != 1 {
		t.Error("the users group should say nothing matches")
	}
	if !searchEval[bool](tb, `window.__stay === true`) {
		t.Error("the search loaded a whole page instead of swapping the content")
	}
	if title := searchEval[string](tb, `document.title`); !strings.Contains(title, "Northstar") {
		t.Errorf("title %q", title)
	}
	// The address reloads to the same results, with the query in the box.
	tb.do(chromedp.Reload(), chromedp.WaitVisible(sel("search-results")))
	if v := searchEval[string](tb, `document.querySelector('[data-testid="global-search"]').value`); v != "Northstar" {
		t.Errorf("after a reload the box holds %q", v)
	}
	tb.noDialogs()
}

// TestBrowserTrackerExport: the Download link under the tracker list
// follows the list's search and filters as they change (htmx swaps it with
// the table), and downloading it in the browser's session gives those
// trackers with their owners' logins.
func TestBrowserTrackerExport(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	tb.do(chromedp.Click(sel("nav-trackers")), chromedp.WaitVisible(sel("trackers-table")), chromedp.WaitVisible(sel("trackers-download-csv")))
	href := `document.querySelector('[data-testid="trackers-download-csv"]').getAttribute('href')`
	if h := searchEval[string](tb, href); strings.Contains(h, "q=") {
		t.Fatalf("download link %q before any search", h)
	}

	// Open the column form and untick a column: the searches below must
	// leave both alone and only bring the form's list state along.
	tb.do(
		chromedp.Click(chromedp.CSS(`[data-testid="trackers-export"] summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#trk-exp-col-id`)),
		chromedp.Click(chromedp.CSS(`#trk-exp-col-id`)),
	)

	tb.do(chromedp.SendKeys(sel("list-search"), "telfmb9"))
	searchEval[bool](tb, `(() => { const s = document.querySelector('[data-testid="filter-clones"]'); s.value = 'exclude'; s.dispatchEvent(new Event('change', {bubbles: true})); return true })()`)
	tb.waitJS(`location.search.includes('q=telfmb9') && location.search.includes('clones=exclude')`, 10*time.Second)
	tb.waitJS(href+`.includes('q=telfmb9') && `+href+`.includes('clones=exclude')`, 10*time.Second)
	tb.waitJS(`(() => { const f = new URLSearchParams(new FormData(document.querySelector('[data-testid="trackers-export-form"]'))); return f.get('q') === 'telfmb9' && f.get('clones') === 'exclude' })()`, 10*time.Second)
	if !searchEval[bool](tb, `document.querySelector('[data-testid="trackers-export"] details').open && !document.querySelector('#trk-exp-col-id').checked`) {
		t.Error("a swap of the table closed the column form or undid its ticks")
	}

	raw := searchEval[string](tb, `fetch(`+href+` + '&cols=id,owner_login,model_code,clone').then(async r => JSON.stringify({status: r.status, type: r.headers.get('content-type'), body: await r.text()}))`, chromedp.EvalAwaitPromise)
	var res struct {
		Status int
		Type   string
		Body   string
	}
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatal(err)
	}
	if res.Status != 200 || !strings.HasPrefix(res.Type, "text/csv") {
		t.Fatalf("download: %d %q", res.Status, res.Type)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// The file's column order, whatever the order asked.
	if len(rows) < 2 || strings.Join(rows[0], "|") != "ID|Owner login|Clone|Model code" {
		t.Fatalf("export %v", rows)
	}
	st := env.Sim.Store()
	for _, r := range rows[1:] {
		id, _ := strconv.Atoi(r[0])
		tr, _ := st.Tracker(id)
		owner, _ := st.User(tr.UserID)
		if r[3] != "telfmb920" || r[2] != "No" || r[1] != owner.Login {
			t.Errorf("row %v: want a telfmb920 original of %s", r, owner.Login)
		}
	}
	tb.noDialogs()
}

// TestBrowserUserDeviceLimitWarning: a user at the limit of its most
// restrictive plan shows the warning on its page.
func TestBrowserUserDeviceLimitWarning(t *testing.T) {
	env := portaltest.New(t)
	uid, count := e2eUserAtLimit(t, env)
	tb := newTab(t, env)
	tb.login("viewer", "viewer")
	tb.do(chromedp.Navigate(env.URL+"/users/"+strconv.Itoa(uid)), chromedp.WaitVisible(sel("plan-limit-warning")))
	text := tb.text(sel("plan-limit-warning"))
	if !strings.Contains(text, strconv.Itoa(count)) {
		t.Errorf("warning %q does not give the count %d", text, count)
	}
	if got := tb.text(sel("plan-limit-value")); got != strconv.Itoa(count) {
		t.Errorf("effective limit %q, want %d", got, count)
	}
	tb.noDialogs()
}

// e2eUserAtLimit moves one of a seeded user's trackers onto a new plan
// whose device_limit is the user's tracker count (through the Panel API).
func e2eUserAtLimit(t *testing.T, env *portaltest.Env) (userID, count int) {
	t.Helper()
	ctx := context.Background()
	client, err := panelclient.New(env.SimURL)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := client.Auth(ctx, "admin", "admin")
	if err != nil {
		t.Fatal(err)
	}
	st := env.Sim.Store()
	for _, tr := range st.Trackers(0, st.TrackerCount()) {
		if tr.ID <= 12 || tr.Clone || tr.Deleted || tr.Source.Corrupted {
			continue
		}
		if p, ok := st.Tariff(tr.Source.TariffID); !ok || p.DeviceType != "tracker" {
			continue
		}
		u, _ := st.User(tr.UserID)
		if u.TrackersCount < 2 || u.DefaultTariffID != nil {
			continue
		}
		planID, err := client.CreateTariff(ctx, auth.Hash, panelclient.Plan{
			Name: "Browser limit probe", Type: panelclient.PlanMonthly, Price: 1,
			DeviceLimit: u.TrackersCount, StorePeriod: "1m", DeviceType: panelclient.DeviceTracker,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := client.ChangeTrackerTariff(ctx, auth.Hash, panelclient.TariffChangeParams{TrackerID: tr.ID, TariffID: planID}); err != nil {
			t.Fatal(err)
		}
		return u.ID, u.TrackersCount
	}
	t.Fatal("no seeded user fits")
	return 0, 0
}
