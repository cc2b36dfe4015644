package e2e

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/navixy-portal/portal/handlers"
	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// trkEnv is a portal over a fresh emulator whose air console is reachable.
func trkEnv(t *testing.T) *portaltest.Env {
	t.Helper()
	sim := panelsim.New()
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	return portaltest.New(t,
		portaltest.WithSim(sim, ts.URL+"/v2/panel"),
		portaltest.WithOptions(func(o *handlers.Options) {
			o.ConsoleWSURL = "ws://" + strings.TrimPrefix(ts.URL, "http://") + "/console"
		}))
}

// trkPick finds a live original tracker with no clones, past the hostile
// records, and a user who does not own it.
func trkPick(t *testing.T, env *portaltest.Env, skip ...int) (tracker panelsim.Tracker, otherUser int) {
	t.Helper()
	st := env.Sim.Store()
	all := st.Trackers(0, st.TrackerCount())
	cloned := map[int]bool{}
	for _, tr := range all {
		if tr.Clone {
			cloned[tr.Source.ID] = true
		}
	}
next:
	for _, tr := range all {
		if tr.ID <= 12 || tr.Clone || tr.Deleted || tr.Source.Blocked || tr.Source.Corrupted || cloned[tr.Source.ID] {
			continue
		}
		if p, ok := st.Tariff(tr.Source.TariffID); !ok || p.DeviceType != "tracker" {
			continue
		}
		for _, s := range skip {
			if s == tr.ID {
				continue next
			}
		}
		other := 20
		if tr.UserID == other {
			other = 21
		}
		return tr, other
	}
	t.Fatal("no live original tracker in the seed")
	return
}

func trkVoid[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := a(ctx, t)
		return err
	})
}

// TestBrowserTrackersSearchAndSort: searching as one types and sorting by
// a header swap the table alone and keep the state in the address bar;
// hostile labels run no script.
func TestBrowserTrackersSearchAndSort(t *testing.T) {
	env := trkEnv(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	tb.do(chromedp.Click(sel("nav-trackers")), chromedp.WaitVisible(sel("trackers-table")))
	tb.do(trkVoid(chromedp.Evaluate[bool](`window.__stay = true`)))
	tb.do(chromedp.SendKeys(sel("list-search"), "Truck"))
	tb.waitJS(`location.search.includes('q=Truck')`, 10*time.Second)
	tb.waitJS(`(() => { const r = [...document.querySelectorAll('[data-testid="tracker-row"]')]; return r.length > 0 && r.every(x => x.textContent.toLowerCase().includes('truck')); })()`, 10*time.Second)
	tb.do(chromedp.Click(chromedp.CSS(`[data-testid="sort-label"] a`)))
	tb.waitJS(`location.search.includes('sort=label') && location.search.includes('q=Truck')`, 10*time.Second)
	tb.do(chromedp.Click(chromedp.CSS(`[data-testid="sort-label"] a`)))
	tb.waitJS(`location.search.includes('dir=desc') && document.querySelector('[data-testid="sort-label"]').getAttribute('aria-sort') === 'descending'`, 10*time.Second)
	labels, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid="tracker-label"]')].map(a => a.textContent.trim())`))
	if err != nil || len(labels) < 2 {
		t.Fatalf("labels %v: %v", labels, err)
	}
	if stayed, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`window.__stay === true`)); !stayed {
		t.Error("the list reloaded the whole page instead of swapping the table")
	}
	// The first page shows the hostile labels unsorted: no script runs.
	tb.do(chromedp.Navigate(env.URL+"/trackers"), chromedp.WaitVisible(sel("trackers-table")))
	tb.noDialogs()
}

// TestBrowserTrackerPageLoadsOwnerAndClones: the tracker page shows the
// tracker at once and htmx fills in the owner's login and the clones (or a
// clone's original) right after, without touching the rest of the page.
func TestBrowserTrackerPageLoadsOwnerAndClones(t *testing.T) {
	env := trkEnv(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	owner, _ := env.Sim.Store().User(1)
	tb.do(chromedp.Navigate(env.URL+"/trackers/1"), chromedp.WaitVisible(sel("tracker-title")))
	title, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.title`))
	tb.waitJS(`!!document.querySelector('[data-testid="prop-owner"] [data-testid="owner-login"]')`, 10*time.Second)
	tb.waitJS(`!!document.querySelector('[data-testid="clones-table"] [data-testid="tracker-row"][data-id="11"]')`, 10*time.Second)
	if got := tb.text(chromedp.CSS(`[data-testid="prop-owner"] [data-testid="owner-login"]`)); got != "· "+owner.Login {
		t.Errorf("owner login %q, want %q", got, owner.Login)
	}
	if n := tb.count(`[aria-busy="true"], [hx-trigger="load"]`); n != 0 {
		t.Errorf("%d placeholders left after loading", n)
	}
	if n := tb.count(`[data-testid="prop-owner"]`) + tb.count(`[data-testid="tracker-family"]`); n != 2 {
		t.Errorf("%d owner and family elements after the swaps, want one each", n)
	}
	if after, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.title`)); after != title {
		t.Errorf("the fragments changed the page title from %q to %q", title, after)
	}
	tb.noDialogs()

	tb.do(chromedp.Navigate(env.URL+"/trackers/11"), chromedp.WaitVisible(sel("tracker-title")))
	tb.waitJS(`!!document.querySelector('[data-testid="tracker-family"] [data-testid="clone-of"]')`, 10*time.Second)
	if href, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="clone-of"]').getAttribute('href')`)); href != "/trackers/1" {
		t.Errorf("clone 11's original: %q", href)
	}

	// Without script the placeholders stay, and their links lead to the
	// same information.
	if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	tb.do(chromedp.Navigate(env.URL+"/trackers/1"), chromedp.WaitVisible(sel("family-link")))
	if n := tb.count(`[data-testid="clones-table"]`); n != 0 {
		t.Fatal("the clones loaded with script disabled: the check proves nothing")
	}
	tb.do(chromedp.Click(sel("family-link")), chromedp.WaitVisible(sel("clones-table")))
	if n := tb.count(`[data-testid="clones-table"] [data-testid="tracker-row"][data-id="11"]`); n != 1 {
		t.Error("the no-script clones page does not list clone 11")
	}
}

// TestBrowserTrackerCloneMoveAndPlan: the detail page's dialogs clone a
// tracker to another user, change its plan, and move it (landing on its
// new ID).
func TestBrowserTrackerCloneMoveAndPlan(t *testing.T) {
	env := trkEnv(t)
	tr, other := trkPick(t, env)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	path := env.URL + "/trackers/" + strconv.Itoa(tr.ID)
	tb.do(chromedp.Navigate(path), chromedp.WaitVisible(sel("tracker-title")))

	// Clone.
	tb.do(
		chromedp.Click(sel("action-clone")),
		chromedp.WaitVisible(sel("dlg-clone")),
		chromedp.SendKeys(sel("clone-user_id"), strconv.Itoa(other)),
		chromedp.Click(sel("clone-submit")),
	)
	tb.waitJS(`(document.querySelector('[data-testid="flash"]')||{}).textContent?.includes('Clone #')`, 10*time.Second)
	// The clones arrive in their own fragment once the page is shown.
	tb.waitJS(`!!document.querySelector('[data-testid="tracker-family"]:not([hx-get])')`, 10*time.Second)
	if n := tb.count(`[data-testid="clones-table"] [data-testid="tracker-row"]`); n != 1 {
		t.Errorf("%d clones listed after cloning", n)
	}

	// Change plan.
	plan := 3
	if tr.Source.TariffID == plan {
		plan = 4
	}
	tb.do(
		chromedp.Click(sel("action-plan")),
		chromedp.WaitVisible(sel("dlg-plan")),
		chromedp.SetValue(sel("plan-tariff_id"), strconv.Itoa(plan)),
		chromedp.Click(sel("plan-submit")),
	)
	tb.waitJS(`(document.querySelector('[data-testid="flash"]')||{}).textContent?.includes('plan changed')`, 10*time.Second)
	if got, _ := env.Sim.Store().Tracker(tr.ID); got.Source.TariffID != plan {
		t.Errorf("plan %d, want %d", got.Source.TariffID, plan)
	}

	// Move: the page follows the tracker's new ID. The clone's owner
	// already has a clone, so move to a third user.
	third := other + 1
	if third == tr.UserID {
		third++
	}
	tb.do(
		chromedp.Click(sel("action-move")),
		chromedp.WaitVisible(sel("dlg-move")),
		chromedp.SendKeys(sel("move-user_id"), strconv.Itoa(third)),
		chromedp.Click(sel("move-submit")),
	)
	tb.waitJS(`(document.querySelector('[data-testid="flash"]')||{}).textContent?.includes('owner')`, 10*time.Second)
	loc := tb.location()
	newID, _ := strconv.Atoi(loc[strings.LastIndex(loc, "/")+1:])
	if moved, ok := env.Sim.Store().Tracker(newID); !ok || moved.UserID != third {
		t.Errorf("after the move the page is %s (owner %d, want %d)", loc, moved.UserID, third)
	}
	tb.noDialogs()
}

// TestBrowserBulkDeleteTwoClones: tick two clones in the list, delete
// them, and see one result per clone.
func TestBrowserBulkDeleteTwoClones(t *testing.T) {
	env := trkEnv(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	tb.do(chromedp.Navigate(env.URL+"/trackers?clones=only"), chromedp.WaitVisible(sel("trackers-table")))
	ids, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid="tracker-row"]')].slice(0, 2).map(r => r.dataset.id)`))
	if err != nil || len(ids) != 2 {
		t.Fatalf("clones on the page: %v %v", ids, err)
	}
	tb.do(
		chromedp.Click(sel("select-"+ids[0])),
		chromedp.Click(sel("select-"+ids[1])),
		chromedp.Click(sel("bulk-delete-clones")),
		chromedp.WaitVisible(sel("bulk-run")),
		chromedp.Click(sel("bulk-run")),
		chromedp.WaitVisible(sel("bulk-summary")),
	)
	if got := tb.text(sel("bulk-summary")); got != "2 succeeded, 0 failed." {
		t.Errorf("summary %q", got)
	}
	for _, id := range ids {
		if n := tb.count(`[data-testid="bulk-result"][data-id="` + id + `"][data-ok="true"]`); n != 1 {
			t.Errorf("clone %s has no success row", id)
		}
		n, _ := strconv.Atoi(id)
		if _, ok := env.Sim.Store().Tracker(n); ok {
			t.Errorf("clone %s still exists", id)
		}
	}
}

// TestBrowserAirConsole: frames arrive live, and a sent command's echo
// shows in the log.
func TestBrowserAirConsole(t *testing.T) {
	env := trkEnv(t)
	tr, _ := trkPick(t, env)
	tb := newTab(t, env)
	tb.login("tech", "tech")
	tb.do(chromedp.Navigate(env.URL+"/trackers/"+strconv.Itoa(tr.ID)+"/console"), chromedp.WaitVisible(sel("console-log")))
	tb.waitJS(`document.querySelector('[data-testid="console-state"]').dataset.state === 'ok'`, 10*time.Second)
	tb.waitJS(`document.querySelectorAll('[data-testid="console-frame"]').length > 0`, 10*time.Second)
	if ts, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="console-frame"] time').textContent`)); ts == "" {
		t.Error("a frame has no time stamp")
	}
	tb.do(
		chromedp.SendKeys(sel("console-command"), "getver"),
		chromedp.Click(sel("console-submit")),
	)
	tb.waitJS(`[...document.querySelectorAll('[data-testid="console-frame"][data-type="echo"]')].some(f => f.textContent.includes('getver'))`, 10*time.Second)
	tb.waitJS(`!!document.querySelector('[data-testid="console-sent"]')`, 5*time.Second)
	// Pause holds new frames; clear empties the log.
	tb.do(chromedp.Click(sel("console-pause")), chromedp.Click(sel("console-clear")))
	if n := tb.count(`[data-testid="console-frame"]`); n != 0 {
		t.Errorf("%d frames after clear", n)
	}
	tb.noDialogs()
}

// TestBrowserTechHasNoCancelRegistration: the employee account sees the
// tracker's other actions but not the cancel-registration control.
func TestBrowserTechHasNoCancelRegistration(t *testing.T) {
	env := trkEnv(t)
	tr, _ := trkPick(t, env)
	tb := newTab(t, env)
	tb.login("tech", "tech")
	tb.do(chromedp.Navigate(env.URL+"/trackers/"+strconv.Itoa(tr.ID)), chromedp.WaitVisible(sel("tracker-actions")))
	if n := tb.count(`[data-testid="action-move"]`); n != 1 {
		t.Error("tech cannot change the owner")
	}
	if n := tb.count(`[data-testid="action-corrupt"], [data-testid="dlg-corrupt"]`); n != 0 {
		t.Error("tech sees cancel registration")
	}
}
