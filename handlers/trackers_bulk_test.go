package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

type trkBulkResult struct {
	ok   bool
	text string
}

func trkBulkResults(p *portaltest.Page) map[int]trkBulkResult {
	out := map[int]trkBulkResult{}
	p.Doc.Find(`[data-testid="bulk-result"]`).Each(func(_ int, s *goquery.Selection) {
		id, _ := strconv.Atoi(s.AttrOr("data-id", ""))
		out[id] = trkBulkResult{ok: s.AttrOr("data-ok", "") == "true", text: strings.TrimSpace(s.Text())}
	})
	return out
}

func trkIDs(ids ...int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.Itoa(id)
	}
	return out
}

func TestBulkMoveReportsEachTracker(t *testing.T) {
	env, b := trkLogin(t, "admin")
	a := trkOriginal(t, env)
	c := trkOriginal(t, env, a.ID)
	to := trkOtherUser(env, a.UserID, c.UserID)
	// The confirmation page lists the selection and asks for the owner.
	p := b.Get("/trackers/bulk/move?tracker_id=" + strconv.Itoa(a.ID) + "&tracker_id=" + strconv.Itoa(c.ID) + "&tracker_id=11")
	if p.Status != http.StatusOK || !p.Has(`[data-testid="bulk-user_id"]`) || !strings.Contains(p.Text(`[data-testid="bulk-selection"]`), "3 trackers") {
		t.Fatalf("bulk move page: %d %q", p.Status, p.Text(`[data-testid="bulk-selection"]`))
	}
	if env.Sim.Attempts("tracker/move") != 0 {
		t.Fatal("the confirmation page moved something")
	}
	p = b.Post("/trackers/bulk/move", url.Values{"tracker_id": trkIDs(a.ID, c.ID, 11), "user_id": {strconv.Itoa(to)}})
	if p.Status != http.StatusOK {
		t.Fatalf("run: %d", p.Status)
	}
	res := trkBulkResults(p)
	if !res[a.ID].ok || !res[c.ID].ok {
		t.Errorf("originals: %+v", res)
	}
	if res[11].ok || !strings.Contains(res[11].text, "clone") {
		t.Errorf("the clone: %+v", res[11])
	}
	if got := p.Text(`[data-testid="bulk-summary"]`); got != "2 succeeded, 1 failed." {
		t.Errorf("summary %q", got)
	}
	if n := p.Doc.Find(`[data-testid="bulk-new-id"]`).Length(); n != 2 {
		t.Errorf("%d new-ID links, want 2", n)
	}
	if env.Sim.Attempts("tracker/move") != 3 {
		t.Errorf("tracker/move attempts %d, want one per tracker", env.Sim.Attempts("tracker/move"))
	}
	if href, _ := p.Doc.Find(`[data-testid="bulk-retry"]`).Attr("href"); href != "/trackers/bulk/move?tracker_id=11" {
		t.Errorf("again-link %q", href)
	}
	// No user: the form again, nothing sent.
	p = b.Post("/trackers/bulk/move", url.Values{"tracker_id": trkIDs(a.ID)})
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-user_id"]`) || env.Sim.Attempts("tracker/move") != 3 {
		t.Errorf("no user: %d", p.Status)
	}
	if p := b.Get("/trackers/bulk/move"); !p.Has(`[data-testid="bulk-none"]`) {
		t.Error("an empty selection is not explained")
	}
}

func TestBulkCloneThenDeleteClones(t *testing.T) {
	env, b := trkLogin(t, "admin")
	a := trkOriginal(t, env)
	c := trkOriginal(t, env, a.ID)
	to := trkOtherUser(env, a.UserID, c.UserID)
	p := b.Post("/trackers/bulk/clone", url.Values{"tracker_id": trkIDs(a.ID, c.ID), "user_id": {strconv.Itoa(to)}})
	res := trkBulkResults(p)
	if p.Status != http.StatusOK || !res[a.ID].ok || !res[c.ID].ok {
		t.Fatalf("batch clone: %d %+v %s", p.Status, res, p.Text(`[data-testid="form-error"]`))
	}
	var clones []int
	p.Doc.Find(`[data-testid="bulk-created"] a`).Each(func(_ int, s *goquery.Selection) {
		id, _ := strconv.Atoi(strings.TrimPrefix(s.Text(), "#"))
		clones = append(clones, id)
	})
	if len(clones) != 2 {
		t.Fatalf("created clones %v", clones)
	}
	for _, id := range clones {
		if cl, ok := env.Sim.Store().Tracker(id); !ok || !cl.Clone || cl.UserID != to {
			t.Errorf("clone %d: %+v", id, cl)
		}
	}
	// Again: the user has both already; both are skipped, none fails the
	// batch.
	p = b.Post("/trackers/bulk/clone", url.Values{"tracker_id": trkIDs(a.ID, c.ID), "user_id": {strconv.Itoa(to)}})
	res = trkBulkResults(p)
	if res[a.ID].ok || !strings.Contains(res[a.ID].text, "already has a clone") {
		t.Errorf("second clone: %+v", res)
	}

	// Delete both clones and, by mistake, an original.
	p = b.Post("/trackers/bulk/delete-clones", url.Values{"tracker_id": trkIDs(clones[0], clones[1], a.ID)})
	res = trkBulkResults(p)
	if p.Status != http.StatusOK || !res[clones[0]].ok || !res[clones[1]].ok {
		t.Fatalf("delete clones: %d %+v", p.Status, res)
	}
	if res[a.ID].ok || !strings.Contains(res[a.ID].text, "Not deleted: it is not a clone") {
		t.Errorf("the original: %+v", res[a.ID])
	}
	for _, id := range clones {
		if _, ok := env.Sim.Store().Tracker(id); ok {
			t.Errorf("clone %d still there", id)
		}
	}
	if env.Sim.Attempts("tracker/batch_delete_clones") != 1 {
		t.Errorf("batch_delete_clones called %d times", env.Sim.Attempts("tracker/batch_delete_clones"))
	}
}

func TestBulkPlanChangeRunsFourAtATimeAndNeverRetries(t *testing.T) {
	env, b := trkLogin(t, "admin")
	var ids []int
	for range 8 {
		ids = append(ids, trkOriginal(t, env, ids...).ID)
	}
	env.Sim.SetFault("tracker/tariff/change", panelsim.Fault{Code: 238, Latency: 150 * time.Millisecond})
	start := time.Now()
	q := "/trackers/bulk/plan?tracker_id=" + strings.Join(trkIDs(ids...), "&tracker_id=")
	p := b.Post("/trackers/bulk/plan", url.Values{"tracker_id": trkIDs(ids...), "tariff_id": {"3"}, "charge": {"true"}, "_once": {trkOnce(t, b, q)}})
	took := time.Since(start)
	if p.Status != http.StatusOK {
		t.Fatalf("run: %d", p.Status)
	}
	res := trkBulkResults(p)
	for _, id := range ids {
		if res[id].ok || !strings.Contains(res[id].text, "not allowed") {
			t.Errorf("tracker %d: %+v", id, res[id])
		}
	}
	if n := env.Sim.Attempts("tracker/tariff/change"); n != len(ids) {
		t.Errorf("tracker/tariff/change attempts %d, want %d: a failure was retried", n, len(ids))
	}
	// Eight calls of 150 ms four at a time take two rounds, not one (all
	// at once) and not eight (one by one).
	if took < 290*time.Millisecond || took > 1100*time.Millisecond {
		t.Errorf("8 calls took %v; four at a time should take about 300 ms", took)
	}

	env.Sim.ClearFaults()
	target := 3
	if first, _ := env.Sim.Store().Tracker(ids[0]); first.Source.TariffID == target {
		target = 4
	}
	form := url.Values{"tracker_id": trkIDs(ids[0], 11), "tariff_id": {strconv.Itoa(target)}, "_once": {trkOnce(t, b, q)}}
	p = b.Post("/trackers/bulk/plan", form)
	res = trkBulkResults(p)
	if !res[ids[0]].ok || res[11].ok {
		t.Errorf("plan change: %+v", res)
	}
	if got, _ := env.Sim.Store().Tracker(ids[0]); got.Source.TariffID != target {
		t.Errorf("plan is %d, want %d", got.Source.TariffID, target)
	}
	attempts := env.Sim.Attempts("tracker/tariff/change")
	if p := b.Post("/trackers/bulk/plan", form); p.Status != http.StatusSeeOther || env.Sim.Attempts("tracker/tariff/change") != attempts {
		t.Errorf("resent bulk form: %d, attempts %d -> %d", p.Status, attempts, env.Sim.Attempts("tracker/tariff/change"))
	}
	if p := b.Get("/trackers/bulk/plan?tracker_id=" + strconv.Itoa(ids[1])); !p.Has(`[data-testid="bulk-tariff_id"]`) || !p.Has(`[data-testid="bulk-charge"]`) {
		t.Error("the bulk plan form lacks the plan or the payment choices")
	}
}

func TestBulkCloneRefusedAsAWhole(t *testing.T) {
	env, b := trkLogin(t, "admin")
	a := trkOriginal(t, env)
	// A clone in the selection fails the whole batch (219): every tracker
	// says nothing was cloned, and why.
	p := b.Post("/trackers/bulk/clone", url.Values{"tracker_id": trkIDs(a.ID, 11), "user_id": {"30"}})
	res := trkBulkResults(p)
	for _, id := range []int{a.ID, 11} {
		if res[id].ok || !strings.Contains(res[id].text, "Nothing was cloned") || !strings.Contains(res[id].text, "clone") {
			t.Errorf("tracker %d: %+v", id, res[id])
		}
	}
	if env.Sim.Attempts("tracker/batch_clone") != 1 {
		t.Errorf("batch_clone attempts %d", env.Sim.Attempts("tracker/batch_clone"))
	}
}
