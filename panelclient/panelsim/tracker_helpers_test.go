package panelsim

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// trackerFixture is an emulator with a fake clock and a session of each
// demo account, for the tracker and plan tests.
type trackerFixture struct {
	s                   *Server
	clock               *fakeClock
	admin, tech, viewer string
}

func newTrackerFixture(t *testing.T) *trackerFixture {
	t.Helper()
	clock := newFakeClock()
	s := New(smallSeed, WithClock(clock.Now))
	return &trackerFixture{
		s: s, clock: clock,
		admin:  login(t, s, "admin", "admin"),
		tech:   login(t, s, "tech", "tech"),
		viewer: login(t, s, "viewer", "viewer"),
	}
}

// advance moves the clock and opens fresh sessions (a session lives 24 h).
func (f *trackerFixture) advance(t *testing.T, d time.Duration) {
	t.Helper()
	f.clock.Advance(d)
	f.admin = login(t, f.s, "admin", "admin")
	f.tech = login(t, f.s, "tech", "tech")
	f.viewer = login(t, f.s, "viewer", "viewer")
}

// corrupted returns a corrupted original, making one the way the seed does
// (deleted, source corrupted, device id kept) when the seed has none.
func (f *trackerFixture) corrupted(t *testing.T) Tracker {
	t.Helper()
	for _, tr := range f.s.Store().Trackers(0, 0) {
		if tr.Source.Corrupted && !tr.Clone {
			return tr
		}
	}
	var id int
	f.withStore(func(st *Store) {
		for i := len(st.trackers) - 1; i >= 0; i-- {
			tr := st.trackers[i]
			if !tr.Clone && len(tr.Source.holders) == 1 && tr.ID > 12 {
				tr.Deleted, tr.Source.Corrupted = true, true
				id = tr.ID
				return
			}
		}
	})
	got, ok := f.s.Store().Tracker(id)
	if !ok {
		t.Fatal("no tracker to corrupt")
	}
	return got
}

// call runs an action with a session and a JSON body (fmt arguments allowed).
func (f *trackerFixture) call(t *testing.T, hash, action, body string, args ...any) result {
	t.Helper()
	if len(args) > 0 {
		body = fmt.Sprintf(body, args...)
	}
	if body == "" {
		body = "{}"
	}
	return do(t, f.s, request{path: action, json: body, header: bearer(hash)})
}

// ok runs an action as admin and fails the test unless it succeeds.
func (f *trackerFixture) ok(t *testing.T, action, body string, args ...any) result {
	t.Helper()
	res := f.call(t, f.admin, action, body, args...)
	if !res.success() || res.status != 200 {
		t.Fatalf("%s %s: HTTP %d %s", action, fmt.Sprintf(body, args...), res.status, res.body)
	}
	return res
}

// readTracker reads a tracker through the API.
func (f *trackerFixture) readTracker(t *testing.T, id int) Tracker {
	t.Helper()
	res := f.ok(t, "tracker/read", `{"tracker_id":%d}`, id)
	var out struct {
		Value Tracker `json:"value"`
	}
	if err := json.Unmarshal(res.body, &out); err != nil {
		t.Fatal(err)
	}
	return out.Value
}

// list runs tracker/list as admin and decodes it.
func (f *trackerFixture) list(t *testing.T, body string, args ...any) ([]Tracker, int) {
	t.Helper()
	res := f.ok(t, "tracker/list", body, args...)
	var out struct {
		List  []Tracker `json:"list"`
		Count int       `json:"count"`
	}
	if err := json.Unmarshal(res.body, &out); err != nil {
		t.Fatal(err)
	}
	return out.List, out.Count
}

// find returns the first seeded tracker matching pred, by id.
func (f *trackerFixture) find(t *testing.T, what string, pred func(Tracker) bool) Tracker {
	t.Helper()
	for _, tr := range f.s.Store().Trackers(0, 0) {
		if pred(tr) {
			return tr
		}
	}
	t.Fatalf("the seed has no %s", what)
	return Tracker{}
}

// trackersCount is a user's trackers_count as user views compute it.
func (f *trackerFixture) trackersCount(t *testing.T, userID int) int {
	t.Helper()
	u, ok := f.s.Store().User(userID)
	if !ok {
		t.Fatalf("user %d missing", userID)
	}
	return u.TrackersCount
}

// withStore runs fn with the store locked for writing, for tests that set
// up a state no action produces (an unknown plan on a device).
func (f *trackerFixture) withStore(fn func(st *Store)) {
	st := f.s.Store()
	st.mu.Lock()
	defer st.mu.Unlock()
	fn(st)
}

// errorList returns the `list` of a failure (247, 253) as ints.
func errorList(t *testing.T, res result) []int {
	t.Helper()
	raw, _ := res.obj["list"].([]any)
	out := make([]int, len(raw))
	for i, v := range raw {
		n, ok := v.(float64)
		if !ok {
			t.Fatalf("list entry %v is not a number: %s", v, res.body)
		}
		out[i] = int(n)
	}
	return out
}

// wantParamError checks a code 7 failure names a parameter.
func wantParamError(t *testing.T, res result, parameter string) {
	t.Helper()
	wantError(t, res, codeInvalidParameters, 400)
	errs, _ := res.obj["errors"].([]any)
	for _, e := range errs {
		if m, _ := e.(map[string]any); m["parameter"] == parameter {
			return
		}
	}
	t.Fatalf("code 7 without an entry for %q: %s", parameter, res.body)
}

func isMobileModel(model string) bool {
	return strings.HasPrefix(model, "navixymobile") || strings.HasPrefix(model, "iosnavixytracker")
}

// today is the fake clock's day.
func (f *trackerFixture) today() time.Time { return f.clock.Now().UTC().Truncate(24 * time.Hour) }
