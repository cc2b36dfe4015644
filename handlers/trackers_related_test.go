package handlers_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// trkFragment checks that the page loads the fragment want into the
// element with data-testid testID as soon as it is shown (htmx, replacing
// the element), that the element holds a plain link for browsers without
// script when it is a section, and fetches the fragment as htmx does.
func trkFragment(t *testing.T, b *portaltest.Browser, p *portaltest.Page, testID, want string) *portaltest.Page {
	t.Helper()
	el := p.Doc.Find(`[data-testid="` + testID + `"]`)
	if el.Length() != 1 {
		t.Fatalf("the page has %d %s elements", el.Length(), testID)
	}
	if got := el.AttrOr("hx-get", ""); got != want {
		t.Fatalf("%s loads %q, want %q", testID, got, want)
	}
	if el.AttrOr("hx-trigger", "") != "load" || el.AttrOr("hx-swap", "") != "outerHTML" {
		t.Errorf("%s: hx-trigger %q, hx-swap %q", testID, el.AttrOr("hx-trigger", ""), el.AttrOr("hx-swap", ""))
	}
	if el.Find("a[href]").Length() == 0 {
		t.Errorf("%s holds no plain link for browsers without script", testID)
	}
	f := b.Get(want, "HX-Request", "true", "HX-Current-URL", "http://portal.test/trackers/1")
	if f.Status != http.StatusOK {
		t.Fatalf("GET %s: status %d", want, f.Status)
	}
	if strings.Contains(f.Body, "<html") || strings.Contains(f.Body, "<title") {
		t.Errorf("GET %s: the fragment carries a whole page or a title: %.200s", want, f.Body)
	}
	if got := f.Doc.Find(`[data-testid="` + testID + `"]`); got.Length() != 1 || got.AttrOr("hx-get", "") != "" {
		t.Errorf("GET %s: the answer is not the finished %s", want, testID)
	}
	return f
}

// trkCall is one Panel call as the emulator received it.
type trkCall struct {
	action     string
	start, end time.Time
}

// trkRecording is a portal over an emulator whose calls are recorded with
// their start and end times.
func trkRecording(t *testing.T) (*portaltest.Env, func() []trkCall, func()) {
	t.Helper()
	sim := panelsim.New()
	var (
		mu    sync.Mutex
		calls []trkCall
	)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := trkCall{action: strings.Trim(strings.TrimPrefix(r.URL.Path, "/v2/panel/"), "/"), start: time.Now()}
		sim.ServeHTTP(w, r)
		c.end = time.Now()
		mu.Lock()
		calls = append(calls, c)
		mu.Unlock()
	}))
	t.Cleanup(ts.Close)
	env := portaltest.New(t, portaltest.WithSim(sim, ts.URL+"/v2/panel"))
	get := func() []trkCall { mu.Lock(); defer mu.Unlock(); return slices.Clone(calls) }
	reset := func() { mu.Lock(); calls = nil; mu.Unlock() }
	return env, get, reset
}

// trkActions names the calls, sorted.
func trkActions(calls []trkCall) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.action)
	}
	slices.Sort(out)
	return out
}

// trkSequential lists the calls that started only after another had
// ended: the calls of a later round.
func trkSequential(calls []trkCall) []string {
	var out []string
	for _, c := range calls {
		for _, o := range calls {
			if !o.end.After(c.start) {
				out = append(out, o.action+" -> "+c.action)
			}
		}
	}
	return out
}

// TestTrackerPageTakesOneRoundOfCalls: the page asks tracker/read and the
// plan list together and nothing after them; the owner and the clones are
// asked by the fragments, each in one call.
func TestTrackerPageTakesOneRoundOfCalls(t *testing.T) {
	env, calls, reset := trkRecording(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	env.Sim.SetLatency(60 * time.Millisecond)
	defer env.Sim.SetLatency(0)

	reset()
	p := b.Get("/trackers/1")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	page := calls()
	if got := trkActions(page); !slices.Equal(got, []string{"tariff/list", "tracker/read"}) {
		t.Errorf("the page called %v, want tracker/read and tariff/list alone", got)
	}
	if seq := trkSequential(page); len(seq) > 0 {
		t.Errorf("the page's calls ran one after another: %v", seq)
	}
	// The change-plan form and the plan's name come from that one list.
	if !p.Has(`[data-testid="dlg-plan"] select[name="tariff_id"] option`) {
		t.Error("the change-plan form offers no plan")
	}

	tr, _ := env.Sim.Store().Tracker(1)
	for _, f := range []struct{ testID, path, action string }{
		{"prop-owner", "/trackers/1/owner?user_id=1", "user/read"},
		{"tracker-family", "/trackers/1/clones?device_id=" + url.QueryEscape(tr.Source.DeviceID), "tracker/list"},
	} {
		reset()
		trkFragment(t, b, p, f.testID, f.path)
		if got := trkActions(calls()); !slices.Equal(got, []string{f.action}) {
			t.Errorf("%s called %v, want %s alone", f.path, got, f.action)
		}
	}
}

// TestTrackerPagePlanNameFallsBack: the plan's name comes from the plan
// list; when the list cannot be read, from tariff/read.
func TestTrackerPagePlanNameFallsBack(t *testing.T) {
	env, b := trkLogin(t, "admin")
	tr := trkOriginal(t, env)
	plan, _ := env.Sim.Store().Tariff(tr.Source.TariffID)
	path := "/trackers/" + strconv.Itoa(tr.ID)

	env.Sim.ResetCalls()
	p := b.Get(path)
	if got := p.Text(`[data-testid="plan-link"]`); got != plan.Name {
		t.Errorf("plan %q, want %q", got, plan.Name)
	}
	if n := env.Sim.Attempts("tariff/read"); n != 0 {
		t.Errorf("tariff/read called %d times for a plan in the list", n)
	}
	// The change-plan form lists the dealer's tracker plans by name, but
	// the current one.
	var offered []string
	p.Doc.Find(`[data-testid="dlg-plan"] select[name="tariff_id"] option[value]`).Each(func(_ int, s *goquery.Selection) {
		if v := s.AttrOr("value", ""); v != "" {
			offered = append(offered, v)
		}
	})
	if len(offered) == 0 || slices.Contains(offered, strconv.Itoa(tr.Source.TariffID)) {
		t.Errorf("plans offered %v (current %d)", offered, tr.Source.TariffID)
	}
	for _, id := range offered {
		n, _ := strconv.Atoi(id)
		if pl, ok := env.Sim.Store().Tariff(n); !ok || (pl.DeviceType != "" && pl.DeviceType != "tracker") {
			t.Errorf("plan %s offered, which is not a tracker plan", id)
		}
	}

	env.Sim.SetFault("tariff/list", panelsim.Fault{Code: 8})
	env.Sim.ResetCalls()
	p = b.Get(path)
	if p.Status != http.StatusOK {
		t.Fatalf("without the plan list: status %d", p.Status)
	}
	if got := p.Text(`[data-testid="plan-link"]`); got != plan.Name {
		t.Errorf("without the plan list: plan %q, want %q", got, plan.Name)
	}
	if n := env.Sim.Attempts("tariff/read"); n != 1 {
		t.Errorf("without the plan list: tariff/read called %d times, want 1", n)
	}
}

// TestTrackerFragmentsFollowPermissions: without users: read the page
// names no owner fragment and the route refuses a hand-made request
// before any call; a visitor is sent to sign in.
func TestTrackerFragmentsFollowPermissions(t *testing.T) {
	env := portaltest.New(t)
	env.Sim.AddAccount("trkonly", "trkonly", map[string][]string{"base": {"get_dealer_info"}, "trackers": {"read"}})
	b := env.NewBrowser(t)
	b.Login("trkonly", "trkonly")
	env.Sim.ResetCalls()
	p := b.Get("/trackers/1")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	if own := p.Doc.Find(`[data-testid="prop-owner"]`); own.AttrOr("hx-get", "") != "" || own.Find(`[data-testid="owner-text"]`).Length() != 1 {
		t.Error("without users: read the owner is loaded or not shown as text")
	}
	for _, path := range []string{"/trackers/1/owner?user_id=1", "/trackers/1/owner"} {
		for _, hx := range [][]string{nil, portaltest.HTMX} {
			if f := b.Get(path, hx...); f.Status != http.StatusForbidden {
				t.Errorf("GET %s (htmx %v): status %d, want 403", path, hx != nil, f.Status)
			}
		}
	}
	if n := env.Sim.Attempts("user/read"); n != 0 {
		t.Errorf("user/read called %d times without users: read", n)
	}
	if n := env.Sim.Attempts("tariff/list") + env.Sim.Attempts("tariff/read"); n != 0 {
		t.Errorf("plans read %d times without tariffs: read", n)
	}
	// The clones need trackers: read only; owners show as text.
	tr, _ := env.Sim.Store().Tracker(1)
	family := trkFragment(t, b, p, "tracker-family", "/trackers/1/clones?device_id="+url.QueryEscape(tr.Source.DeviceID))
	if !family.Has(`[data-testid="tracker-row"][data-id="11"] [data-testid="owner-text"]`) || family.Has(`[data-testid="owner-link"]`) {
		t.Error("the clones without users: read: missing, or owners linked")
	}

	// A session without trackers: read, and no session at all.
	env.Sim.AddAccount("usronly", "usronly", map[string][]string{"base": {"get_dealer_info"}, "users": {"read"}})
	u := env.NewBrowser(t)
	u.Login("usronly", "usronly")
	env.Sim.ResetCalls()
	for _, path := range []string{"/trackers/1/owner?user_id=1", "/trackers/1/clones?device_id=x"} {
		if f := u.Get(path, portaltest.HTMX...); f.Status != http.StatusForbidden {
			t.Errorf("without trackers: read, GET %s: status %d", path, f.Status)
		}
	}
	anon := env.NewBrowser(t)
	for _, path := range []string{"/trackers/1/owner?user_id=1", "/trackers/1/clones?device_id=x"} {
		if f := anon.Get(path); f.Status != http.StatusSeeOther || !strings.HasPrefix(f.Location(), "/login") {
			t.Errorf("visitor GET %s: %d to %q", path, f.Status, f.Location())
		}
		if f := anon.Get(path, portaltest.HTMX...); !strings.HasPrefix(f.Header.Get("HX-Redirect"), "/login") {
			t.Errorf("visitor htmx GET %s: %d, HX-Redirect %q", path, f.Status, f.Header.Get("HX-Redirect"))
		}
	}
	if n := totalAttempts(env); n != 0 {
		t.Errorf("refused fragment requests made %d Panel calls", n)
	}
	if p := b.Get("/trackers/abc/clones", portaltest.HTMX...); p.Status != http.StatusNotFound {
		t.Errorf("a non-numeric tracker id: %d", p.Status)
	}
}

// TestTrackerFamilyChecksTheAddress: a device ID that is not the
// tracker's (an old link, a hand-edited address) does not show another
// device's trackers: the tracker's own record decides.
func TestTrackerFamilyChecksTheAddress(t *testing.T) {
	env, b := trkLogin(t, "admin")
	// Tracker 3 has clones of its own (12 among them): its device ID on
	// tracker 1's address must still list tracker 1's clone 11, not 12.
	other, ok := env.Sim.Store().Tracker(3)
	if !ok {
		t.Fatal("no tracker 3 in the seed")
	}
	if c, ok := env.Sim.Store().Tracker(12); !ok || !c.Clone || c.Source.DeviceID != other.Source.DeviceID {
		t.Fatal("the seed's tracker 12 is no longer a clone of tracker 3")
	}
	env.Sim.ResetCalls()
	f := b.Get("/trackers/1/clones?device_id="+url.QueryEscape(other.Source.DeviceID), portaltest.HTMX...)
	if f.Status != http.StatusOK || !f.Has(`[data-testid="tracker-row"][data-id="11"]`) || f.Has(`[data-testid="tracker-row"][data-id="12"]`) {
		t.Errorf("with another device's ID: status %d, clone 11 listed %v, the other device's clone 12 listed %v",
			f.Status, f.Has(`[data-testid="tracker-row"][data-id="11"]`), f.Has(`[data-testid="tracker-row"][data-id="12"]`))
	}
	if n := env.Sim.Attempts("tracker/read"); n != 1 {
		t.Errorf("tracker/read called %d times, want 1", n)
	}
	// Without the device ID, too; and as a page of its own (no script).
	for _, hx := range [][]string{portaltest.HTMX, nil} {
		f = b.Get("/trackers/1/clones", hx...)
		if f.Status != http.StatusOK || !f.Has(`[data-testid="tracker-family"] [data-testid="tracker-row"][data-id="11"]`) {
			t.Errorf("without a device ID (htmx %v): status %d", hx != nil, f.Status)
		}
	}
	if !f.Has("h1") || !f.Has(`a[href="/trackers/1"]`) {
		t.Error("the clones as a page of their own have no heading or no way back")
	}
	f = b.Get("/trackers/1/owner", portaltest.HTMX...)
	if f.Status != http.StatusOK || !f.Has(`[data-testid="owner-login"]`) {
		t.Errorf("the owner without user_id: %d", f.Status)
	}
	// Opened as a page of its own, the owner is the tracker's, whatever
	// user_id the address names.
	tr, _ := env.Sim.Store().Tracker(1)
	owner, _ := env.Sim.Store().User(tr.UserID)
	someone, _ := env.Sim.Store().User(tr.UserID%50 + 1)
	f = b.Get(fmt.Sprintf("/trackers/1/owner?user_id=%d", someone.ID))
	if got := f.Text(`[data-testid="owner-login"]`); f.Status != http.StatusOK || !strings.HasSuffix(got, owner.Login) || strings.Contains(got, someone.Login) {
		t.Errorf("the owner page with another user's id: %d, login %q, want %q (not %q)", f.Status, f.Text(`[data-testid="owner-login"]`), owner.Login, someone.Login)
	}
}

// TestTrackerFragmentsOfACancelledTracker: once a tracker's registration
// is cancelled (tracker/read answers 252) the fragments say so, as the
// page does.
func TestTrackerFragmentsOfACancelledTracker(t *testing.T) {
	env, b := trkLogin(t, "admin")
	tr := trkOriginal(t, env)
	path := "/trackers/" + strconv.Itoa(tr.ID)
	if p := b.Post(path+"/corrupt", url.Values{"confirm": {"true"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("cancel registration: %d", p.Status)
	}
	if p := b.Get(path); p.Status != http.StatusGone {
		t.Fatalf("the page of a cancelled tracker: %d", p.Status)
	}
	withDevice := path + "/clones?device_id=" + url.QueryEscape(tr.Source.DeviceID)
	for _, p := range []string{withDevice, path + "/clones"} {
		f := b.Get(p, portaltest.HTMX...)
		if f.Status != http.StatusOK || !f.Has(`[data-testid="tracker-family"] [data-testid="tracker-gone"]`) {
			t.Errorf("htmx GET %s: %d, no cancelled notice in the section", p, f.Status)
		}
		if f := b.Get(p); f.Status != http.StatusGone || !f.Has(`[data-testid="tracker-gone"]`) {
			t.Errorf("GET %s: %d, want the 410 page", p, f.Status)
		}
	}
	f := b.Get(path+"/owner", portaltest.HTMX...)
	if f.Status != http.StatusOK || !strings.Contains(f.Text(`[data-testid="owner-problem"]`), "cancelled") {
		t.Errorf("owner of a cancelled tracker: %d %q", f.Status, f.Text(`[data-testid="owner-problem"]`))
	}
	// The code itself, as the Panel sends it for a tracker read.
	env.Sim.SetFault("tracker/read", panelsim.Fault{Code: 252})
	live := trkOriginal(t, env)
	if f := b.Get("/trackers/"+strconv.Itoa(live.ID)+"/clones", portaltest.HTMX...); !f.Has(`[data-testid="tracker-gone"]`) {
		t.Errorf("252 from tracker/read: %d %.300s", f.Status, f.Body)
	}
}

// TestTrackerFragmentsWhenTheSessionEnds: a fragment whose Panel session
// has ended sends the whole window to sign in, back to the tracker page.
func TestTrackerFragmentsWhenTheSessionEnds(t *testing.T) {
	env, b := trkLogin(t, "admin")
	tr, _ := env.Sim.Store().Tracker(1)
	p := b.Get("/trackers/1")
	fragments := []string{
		p.Doc.Find(`[data-testid="prop-owner"]`).AttrOr("hx-get", ""),
		p.Doc.Find(`[data-testid="tracker-family"]`).AttrOr("hx-get", ""),
	}
	if fragments[0] == "" || fragments[1] != "/trackers/1/clones?device_id="+url.QueryEscape(tr.Source.DeviceID) {
		t.Fatalf("fragments %q", fragments)
	}
	for _, path := range fragments {
		// Each in a browser of its own: the first answer clears the
		// session cookie.
		b := env.NewBrowser(t)
		b.Login("admin", "admin")
		endUpstream(t, env, hashOf(t, env, b))
		f := b.Get(path, "HX-Request", "true", "HX-Current-URL", env.URL+"/trackers/1")
		to, err := url.Parse(f.Header.Get("HX-Redirect"))
		if err != nil || to.Path != "/login" || to.Query().Get("next") != "/trackers/1" || to.Query().Get("ended") != "1" {
			t.Errorf("GET %s: status %d, HX-Redirect %q", path, f.Status, f.Header.Get("HX-Redirect"))
		}
	}
	// The session ends upstream between the page and its fragments: the
	// fragment's own call says so.
	env.Sim.SetFault("user/read", panelsim.Fault{Code: 4})
	env.Sim.SetFault("tracker/list", panelsim.Fault{Code: 4})
	for _, path := range fragments {
		b2 := env.NewBrowser(t)
		b2.Login("admin", "admin")
		env.Sim.ResetCalls()
		if f := b2.Get(path, portaltest.HTMX...); !strings.HasPrefix(f.Header.Get("HX-Redirect"), "/login") {
			t.Errorf("code 4 on GET %s: status %d, HX-Redirect %q", path, f.Status, f.Header.Get("HX-Redirect"))
		}
		if env.Sim.Attempts("user/read")+env.Sim.Attempts("tracker/list") != 1 {
			t.Errorf("GET %s did not reach the failing call", path)
		}
		b3 := env.NewBrowser(t)
		b3.Login("admin", "admin")
		if f := b3.Get(path); f.Status != http.StatusSeeOther || !strings.HasPrefix(f.Location(), "/login") || !strings.Contains(f.Location(), "ended=1") {
			t.Errorf("code 4 on GET %s without htmx: %d to %q", path, f.Status, f.Location())
		}
	}
}

// TestTrackerFragmentsWordUpstreamFailures: a failed call shows in the
// fragment's place with the portal's wording and the request id; the
// page around it stands. Opened as a page of its own, the error page.
func TestTrackerFragmentsWordUpstreamFailures(t *testing.T) {
	env, b := trkLogin(t, "admin")
	tr, _ := env.Sim.Store().Tracker(1)
	family := "/trackers/1/clones?device_id=" + url.QueryEscape(tr.Source.DeviceID)

	env.Sim.SetFault("tracker/list", panelsim.Fault{Code: 8})
	f := b.Get(family, portaltest.HTMX...)
	problem := f.Text(`[data-testid="tracker-family"] [data-testid="family-problem"]`)
	if f.Status != http.StatusOK || !strings.Contains(problem, "busy") || f.Text(`[data-testid="request-id"]`) == "" {
		t.Errorf("tracker/list busy: %d %q", f.Status, problem)
	}
	if f := b.Get(family); f.Status != http.StatusBadGateway || !f.Has(`[data-testid="error"]`) {
		t.Errorf("tracker/list busy, no htmx: %d", f.Status)
	}

	env.Sim.SetFault("user/read", panelsim.Fault{Drop: true})
	f = b.Get("/trackers/1/owner?user_id=1", portaltest.HTMX...)
	if f.Status != http.StatusOK || !strings.Contains(f.Text(`[data-testid="owner-problem"]`), "cannot be reached") {
		t.Errorf("user/read dropped: %d %q", f.Status, f.Text(`[data-testid="owner-problem"]`))
	}
	if href, _ := f.Doc.Find(`[data-testid="owner-link"]`).Attr("href"); href != "/users/1" {
		t.Errorf("user/read dropped: the owner link is gone (%q)", href)
	}
	if strings.Contains(f.Body, "panic") || strings.Contains(f.Body, "goroutine") {
		t.Error("the notice shows internals")
	}
}
