package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// searchGroups lists the groups a search page shows, in page order.
func searchGroups(p *portaltest.Page) []string {
	var out []string
	p.Doc.Find(`[data-testid^="search-group-"]`).Each(func(_ int, s *goquery.Selection) {
		id := s.AttrOr("data-testid", "")
		if id != "search-group-error" && id != "search-group-empty" {
			out = append(out, strings.TrimPrefix(id, "search-group-"))
		}
	})
	return out
}

func searchGroup(p *portaltest.Page, name string) *goquery.Selection {
	return p.Doc.Find(`[data-testid="search-group-` + name + `"]`)
}

// searchAs signs in as a panel account made for the test.
func searchAs(t *testing.T, env *portaltest.Env, login string, perms map[string][]string) *portaltest.Browser {
	t.Helper()
	if perms != nil {
		env.Sim.AddAccount(login, login, perms)
	}
	b := env.NewBrowser(t)
	b.Login(login, login)
	return b
}

// TestSearchGroupsFollowPermissions: each group needs its own list's read
// permission; the page needs any one of them, and the header shows the
// search box exactly when the page would open.
func TestSearchGroupsFollowPermissions(t *testing.T) {
	env := portaltest.New(t)
	all := []string{"users", "trackers", "plans", "resellers"}
	cases := []struct {
		login string
		perms map[string][]string // nil: a demo account
		want  []string            // nil: the page is refused
	}{
		{"admin", nil, all},
		{"tech", nil, all},
		{"viewer", nil, all},
		{"trackers-only", map[string][]string{"base": {"get_dealer_info"}, "trackers": {"read"}}, []string{"trackers"}},
		{"plans-users", map[string][]string{"base": {"get_dealer_info"}, "tariffs": {"read"}, "users": {"read"}}, []string{"users", "plans"}},
		{"resellers-only", map[string][]string{"base": {"get_dealer_info"}, "subpaas": {"read"}}, []string{"resellers"}},
		{"no-lists", map[string][]string{"base": {"get_dealer_info"}, "activation_code": {"read"}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.login, func(t *testing.T) {
			b := searchAs(t, env, tc.login, tc.perms)
			env.Sim.ResetCalls()
			p := b.Get("/search?q=2")
			if tc.want == nil {
				if p.Status != http.StatusForbidden {
					t.Fatalf("status %d, want 403", p.Status)
				}
				for _, a := range []string{"user/list", "tracker/list", "tariff/list", "subpaas/list"} {
					if n := env.Sim.Attempts(a); n != 0 {
						t.Errorf("%s called %d times for a refused page", a, n)
					}
				}
				if b.Get("/").Has(`[data-testid="global-search"]`) {
					t.Error("the header offers a search the page refuses")
				}
				return
			}
			if p.Status != http.StatusOK {
				t.Fatalf("status %d", p.Status)
			}
			if got := searchGroups(p); !slices.Equal(got, tc.want) {
				t.Errorf("groups %v, want %v", got, tc.want)
			}
			if !p.Has(`[data-testid="global-search"]`) {
				t.Error("no header search box")
			}
			if v := p.Doc.Find(`[data-testid="global-search"]`).AttrOr("value", ""); v != "2" {
				t.Errorf("header search box holds %q, want the query", v)
			}
			// A group not shown is not asked either.
			for group, action := range map[string]string{"users": "user/list", "trackers": "tracker/list", "plans": "tariff/list", "resellers": "subpaas/list"} {
				if n := env.Sim.Attempts(action); slices.Contains(tc.want, group) != (n == 1) {
					t.Errorf("%s called %d times (group %s shown: %v)", action, n, group, slices.Contains(tc.want, group))
				}
			}
		})
	}
}

// TestSearchGroupsShowCountRowsAndTheFullList: each group has the count of
// its list call, at most 10 rows, and a link to its list filtered the same
// way; the link's page finds the same number.
func TestSearchGroupsShowCountRowsAndTheFullList(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	q := "2"
	p := b.Get("/search?q=" + q)
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	for _, g := range []struct{ name, list string }{{"users", "/users"}, {"trackers", "/trackers"}, {"plans", "/plans"}, {"resellers", "/resellers"}} {
		s := searchGroup(p, g.name)
		count := strings.TrimSpace(s.Find(`[data-testid="search-count"]`).Text())
		rows := s.Find(`[data-testid="search-row"]`).Length()
		if count == "" || count == "0" || rows == 0 {
			t.Errorf("%s: count %q, %d rows: the query should match", g.name, count, rows)
			continue
		}
		if rows > 10 {
			t.Errorf("%s: %d rows, want at most 10", g.name, rows)
		}
		more := s.Find(`[data-testid="search-more"]`).AttrOr("href", "")
		if more != g.list+"?q="+q {
			t.Errorf("%s: full list link %q", g.name, more)
		}
		if g.name == "resellers" {
			continue // the reseller list is another section's page
		}
		list := b.Get(more)
		if total := list.Text(`[data-testid="total"]`); !strings.HasPrefix(total, count+" ") {
			t.Errorf("%s: the search says %s, the list says %q", g.name, count, total)
		}
	}
	// Plenty of users match "2": ten rows and a count above ten.
	if n := searchGroup(p, "users").Find(`[data-testid="search-row"]`).Length(); n != 10 {
		t.Errorf("users group shows %d rows, want 10", n)
	}

	// Hostile records come out as text.
	p = b.Get("/search?q=" + url.QueryEscape("<script>"))
	if strings.Contains(p.Body, "<script>alert") || p.Doc.Find("#search-results script").Length() > 0 {
		t.Error("a hostile record became markup")
	}
	if searchGroup(p, "resellers").Find(`[data-testid="search-row"]`).Length() == 0 {
		t.Error("the reseller with <script> in its title was not found")
	}

	// Nothing typed: a hint and no call.
	env.Sim.ResetCalls()
	p = b.Get("/search?q=+")
	if !p.Has(`[data-testid="search-hint"]`) || env.Sim.Attempts("user/list") != 0 {
		t.Error("an empty search should only show the hint")
	}
}

// TestSearchPartialForTheHeaderBox: as the staff member types, htmx asks
// for the page's content alone (with a fresh notice area), not a document.
func TestSearchPartialForTheHeaderBox(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	p := b.Get("/search?q=smith", portaltest.HTMX...)
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	if strings.Contains(p.Body, "<html") || strings.Contains(p.Body, "<header") {
		t.Error("a partial answer holds the whole document")
	}
	if !p.Has(`#flash`) || !p.Has(`[data-testid="search-results"][data-q="smith"]`) {
		t.Error("the partial lacks the notice area or the results")
	}
	if n := searchGroup(p, "users").Find(`[data-testid="search-row"]`).Length(); n == 0 {
		t.Error("no Smith found")
	}
	// The header form is wired to do exactly that.
	form := b.Get("/users").Doc.Find(`[data-testid="global-search-form"]`)
	for attr, want := range map[string]string{"action": "/search", "hx-get": "/search", "hx-target": "#content", "hx-push-url": "true"} {
		if got := form.AttrOr(attr, ""); got != want {
			t.Errorf("header search form %s=%q, want %q", attr, got, want)
		}
	}
	if !strings.Contains(form.AttrOr("hx-trigger", ""), "delay:") {
		t.Error("the header search is not debounced")
	}
}

// TestSearchAFailingGroupShowsItsOwnNotice: one list call failing leaves
// the other groups whole; a dealer that may not have resellers gets no
// resellers group; a session that ended anywhere goes to the login page.
func TestSearchAFailingGroupShowsItsOwnNotice(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)

	env.Sim.SetFault("tracker/list", panelsim.Fault{Code: 1})
	env.Sim.SetFault("tariff/list", panelsim.Fault{Drop: true})
	p := b.Get("/search?q=2")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	for _, g := range []string{"trackers", "plans"} {
		s := searchGroup(p, g)
		if s.Length() != 1 || s.Find(`[data-testid="search-group-error"]`).Length() != 1 {
			t.Errorf("%s: no notice of its own", g)
		}
		if s.Find(`[data-testid="search-row"]`).Length() != 0 {
			t.Errorf("%s: rows beside the notice", g)
		}
	}
	for _, g := range []string{"users", "resellers"} {
		if searchGroup(p, g).Find(`[data-testid="search-row"]`).Length() == 0 {
			t.Errorf("%s: the other group's failure emptied it", g)
		}
	}
	if strings.Contains(p.Body, "stack") || p.Has(`[data-testid="search-group-error"]:contains("panic")`) {
		t.Error("a notice shows internals")
	}

	env.Sim.ClearFaults()
	env.Sim.SetFault("subpaas/list", panelsim.Fault{Code: 13})
	p = b.Get("/search?q=2")
	if got := searchGroups(p); !slices.Equal(got, []string{"users", "trackers", "plans"}) {
		t.Errorf("groups %v: a dealer without resellers should get no resellers group", got)
	}

	env.Sim.ClearFaults()
	env.Sim.SetFault("user/list", panelsim.Fault{Code: 4})
	p = b.Get("/search?q=2")
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/login") {
		t.Errorf("an ended session: status %d to %q, want the login page", p.Status, p.Location())
	}
}

// TestSearchAsksEveryGroupAtOnce: with 200 ms on each list call, the page
// takes about one call, not four: the calls overlap.
func TestSearchAsksEveryGroupAtOnce(t *testing.T) {
	const latency = 200 * time.Millisecond
	sim := panelsim.New()
	var (
		inFlight, peak atomic.Int32
		mu             sync.Mutex
		seen           = map[string]bool{}
	)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(strings.TrimSuffix(r.URL.Path, "/"), "/list") {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			mu.Lock()
			seen[r.URL.Path] = true
			mu.Unlock()
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	env := portaltest.New(t, portaltest.WithSim(sim, ts.URL+"/v2/panel"))
	b := admin(t, env)
	for _, a := range []string{"user/list", "tracker/list", "tariff/list", "subpaas/list"} {
		sim.SetFault(a, panelsim.Fault{Latency: latency})
	}
	peak.Store(0)
	start := time.Now()
	p := b.Get("/search?q=2")
	took := time.Since(start)
	if p.Status != http.StatusOK || len(searchGroups(p)) != 4 {
		t.Fatalf("status %d, groups %v", p.Status, searchGroups(p))
	}
	if len(seen) < 4 {
		t.Fatalf("list calls seen: %v", seen)
	}
	if got := peak.Load(); got != 4 {
		t.Errorf("at most %d list calls were in flight together, want all 4", got)
	}
	if took >= 3*latency {
		t.Errorf("the search took %s with %s per call: the groups were asked one after another", took, latency)
	}
}
