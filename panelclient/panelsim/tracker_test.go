package panelsim

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func trackerIDs(list []Tracker) []int {
	ids := make([]int, len(list))
	for i, t := range list {
		ids[i] = t.ID
	}
	return ids
}

func TestTrackerListPagingAndOrder(t *testing.T) {
	f := newTrackerFixture(t)
	all, count := f.list(t, `{}`)
	if count != f.s.Store().TrackerCount() || len(all) != count {
		t.Fatalf("count %d, %d listed, store has %d", count, len(all), f.s.Store().TrackerCount())
	}
	if !slices.IsSorted(trackerIDs(all)) {
		t.Fatal("default order is not id ascending")
	}
	// Deleted trackers and clones are listed too.
	if !slices.ContainsFunc(all, func(t Tracker) bool { return t.Deleted }) || !slices.ContainsFunc(all, func(t Tracker) bool { return t.Clone }) {
		t.Fatal("deleted trackers or clones missing from the list")
	}

	page, n := f.list(t, `{"offset":10,"limit":5}`)
	if n != count || !slices.Equal(trackerIDs(page), trackerIDs(all[10:15])) {
		t.Fatalf("page 10+5: %v (count %d)", trackerIDs(page), n)
	}
	desc, _ := f.list(t, `{"ascending":false,"limit":3}`)
	if desc[0].ID != all[len(all)-1].ID || desc[1].ID != all[len(all)-2].ID {
		t.Fatalf("descending: %v", trackerIDs(desc))
	}
	if beyond, n := f.list(t, `{"offset":100000,"limit":5}`); len(beyond) != 0 || n != count {
		t.Fatalf("offset past the end: %d listed, count %d", len(beyond), n)
	}

	// Every documented key orders the list; the small pages (a partial
	// selection) agree with the full sort, ascending and descending.
	for _, key := range trackerOrderKeys {
		for _, asc := range []bool{true, false} {
			full, n := f.list(t, `{"order_by":%q,"ascending":%t}`, key, asc)
			if n != count || len(full) != count {
				t.Fatalf("%s: count %d, %d listed", key, n, len(full))
			}
			page, _ := f.list(t, `{"order_by":%q,"ascending":%t,"offset":3,"limit":7}`, key, asc)
			if !slices.Equal(trackerIDs(page), trackerIDs(full[3:10])) {
				t.Errorf("%s asc=%t: page %v, full sort %v", key, asc, trackerIDs(page), trackerIDs(full[3:10]))
			}
		}
	}
	byLabel, _ := f.list(t, `{"order_by":"label"}`)
	if !slices.IsSortedFunc(byLabel, func(a, b Tracker) int { return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)) }) {
		t.Error("order_by label is not by label")
	}
	byDevice, _ := f.list(t, `{"order_by":"device_id","ascending":false}`)
	if !slices.IsSortedFunc(byDevice, func(a, b Tracker) int { return strings.Compare(b.Source.DeviceID, a.Source.DeviceID) }) {
		t.Error("order_by device_id descending is not by device id")
	}
	byConn, _ := f.list(t, `{"order_by":"last_connection"}`)
	if byConn[0].LastConnection != nil && slices.ContainsFunc(byConn, func(t Tracker) bool { return t.LastConnection == nil }) {
		t.Error("never-connected trackers should come first")
	}
	byPlan, _ := f.list(t, `{"order_by":"tariff_id"}`)
	if !slices.IsSortedFunc(byPlan, func(a, b Tracker) int { return a.Source.TariffID - b.Source.TariffID }) {
		t.Error("order_by tariff_id is not by plan")
	}
}

func TestTrackerListFilters(t *testing.T) {
	f := newTrackerFixture(t)
	st := f.s.Store()
	_, total := f.list(t, `{}`)

	owner := st.Trackers(0, 0)[20].UserID
	mine, n := f.list(t, `{"user_id":%d}`, owner)
	owned := 0
	for _, tr := range st.Trackers(0, 0) {
		if tr.UserID == owner {
			owned++
		}
	}
	if n == 0 || len(mine) != n || n != owned {
		t.Fatalf("user_id %d: count %d", owner, n)
	}
	for _, tr := range mine {
		if tr.UserID != owner {
			t.Fatalf("user_id filter let tracker %d of user %d through", tr.ID, tr.UserID)
		}
	}
	onPlan, n := f.list(t, `{"tariff_id":%d,"limit":5}`, planStandard)
	if n == 0 || len(onPlan) > 5 {
		t.Fatalf("tariff_id: count %d, %d listed", n, len(onPlan))
	}
	for _, tr := range onPlan {
		if tr.Source.TariffID != planStandard {
			t.Fatalf("tariff_id filter let plan %d through", tr.Source.TariffID)
		}
	}

	// The clones filter, with the documented values and the console's.
	clones, nc := f.list(t, `{"clones_filter":"only_include_clones"}`)
	originals, no := f.list(t, `{"clones_filter":"exclude_clones"}`)
	alias, na := f.list(t, `{"clones_filter":"include_clones_only"}`)
	_, nn := f.list(t, `{"clones_filter":"not_set"}`)
	if nc == 0 || nc+no != total || na != nc || nn != total {
		t.Fatalf("clones %d + originals %d != %d (alias %d, not_set %d)", nc, no, total, na, nn)
	}
	if slices.ContainsFunc(clones, func(t Tracker) bool { return !t.Clone }) ||
		slices.ContainsFunc(alias, func(t Tracker) bool { return !t.Clone }) ||
		slices.ContainsFunc(originals, func(t Tracker) bool { return t.Clone }) {
		t.Fatal("clones_filter let the wrong kind through")
	}
	wantParamError(t, f.call(t, f.admin, "tracker/list", `{"clones_filter":"clones"}`), "clones_filter")

	// The text filter: a device id finds the original and its clones
	// (tracker 11 is the seed's clone of tracker 1).
	one := f.readTracker(t, 1)
	family, _ := f.list(t, `{"filter":%q}`, one.Source.DeviceID)
	if ids := trackerIDs(family); !slices.Contains(ids, 1) || !slices.Contains(ids, 11) {
		t.Fatalf("device id filter found %v", ids)
	}
	// Case-insensitive label, non-Latin label, model, phone, numbers.
	if l, _ := f.list(t, `{"filter":"SCRIPT>ALERT"}`); !slices.Contains(trackerIDs(l), 2) {
		t.Errorf("label filter is case-sensitive: %v", trackerIDs(l))
	}
	if l, _ := f.list(t, `{"filter":"грузовик"}`); !slices.Contains(trackerIDs(l), 5) {
		t.Errorf("non-Latin label filter: %v", trackerIDs(l))
	}
	if l, n := f.list(t, `{"filter":"TELFMB"}`); n == 0 || slices.ContainsFunc(l, func(t Tracker) bool {
		return !strings.HasPrefix(t.Source.Model, "telfmb") && !strings.Contains(strings.ToLower(t.Label), "telfmb")
	}) {
		t.Errorf("model filter: %d", n)
	}
	phoned := f.find(t, "a tracker with a phone", func(t Tracker) bool { return t.Source.Phone != nil && *t.Source.Phone != "" })
	if l, _ := f.list(t, `{"filter":%q}`, *phoned.Source.Phone); !slices.Contains(trackerIDs(l), phoned.ID) {
		t.Errorf("phone filter missed tracker %d", phoned.ID)
	}
	if l, _ := f.list(t, `{"filter":"137"}`); !slices.Contains(trackerIDs(l), 137) {
		t.Errorf("id filter missed tracker 137: %v", trackerIDs(l))
	}
	if _, n := f.list(t, `{"filter":"no such thing anywhere"}`); n != 0 {
		t.Errorf("nonsense filter matched %d", n)
	}
	// Filters combine.
	combo, _ := f.list(t, `{"user_id":2,"clones_filter":"only_include_clones"}`)
	if !slices.Contains(trackerIDs(combo), 11) || slices.ContainsFunc(combo, func(t Tracker) bool { return !t.Clone || t.UserID != 2 }) {
		t.Fatalf("user 2's clones: %v", trackerIDs(combo))
	}
}

func TestTrackerListErrors(t *testing.T) {
	f := newTrackerFixture(t)
	wantError(t, f.call(t, f.admin, "tracker/list", `{"user_id":99999}`), codeNotFound, 400)
	wantError(t, f.call(t, f.admin, "tracker/list", `{"tariff_id":99999}`), codeNotFound, 400)
	wantParamError(t, f.call(t, f.admin, "tracker/list", `{"order_by":"owner_name"}`), "order_by")
	wantParamError(t, f.call(t, f.admin, "tracker/list", `{"offset":-1}`), "offset")
	wantParamError(t, f.call(t, f.admin, "tracker/list", `{"limit":"ten"}`), "limit")
	wantParamError(t, f.call(t, f.admin, "tracker/list", `{"ascending":"maybe"}`), "ascending")
	wantParamError(t, f.call(t, f.admin, "tracker/list", `{"user_id":0}`), "user_id")
	// Viewers read trackers.
	if res := f.call(t, f.viewer, "tracker/list", `{"limit":1}`); !res.success() {
		t.Fatalf("viewer: %s", res.body)
	}
}

func TestTrackerListLarge(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("large seed skipped in -short and -race runs")
	}
	s := New(WithSeed(SeedConfig{Users: 100000, Trackers: 300000}))
	hash := login(t, s, "admin", "admin")
	for _, body := range []string{
		`{"limit":50}`,
		`{"limit":50,"offset":299000}`,
		`{"limit":50,"ascending":false}`,
		`{"limit":50,"order_by":"label"}`,
		`{"limit":50,"order_by":"last_connection","ascending":false,"offset":150000}`,
		`{"limit":50,"filter":"truck"}`,
		`{"limit":50,"clones_filter":"only_include_clones","order_by":"device_id"}`,
		`{"limit":50,"user_id":1}`,
	} {
		start := time.Now()
		res := do(t, s, request{path: "tracker/list", json: body, header: bearer(hash)})
		took := time.Since(start)
		if !res.success() {
			t.Fatalf("%s: %s", body, res.body)
		}
		t.Logf("%-80s %v (count %v)", body, took, res.obj["count"])
		if took > 5*time.Second { // catches a quadratic path, not a loaded CI machine
			t.Errorf("%s took %v", body, took)
		}
	}
}

func TestTrackerRead(t *testing.T) {
	f := newTrackerFixture(t)
	one := f.readTracker(t, 1)
	if one.ID != 1 || one.UserID != 1 || one.Source == nil || one.Source.DeviceID == "" || one.OwnerName == "" {
		t.Fatalf("tracker 1: %+v", one)
	}
	if clone := f.readTracker(t, 11); !clone.Clone || clone.Source.ID != one.Source.ID {
		t.Fatalf("tracker 11 should be a clone of tracker 1: %+v", clone)
	}
	if res := f.call(t, f.viewer, "tracker/read", `{"tracker_id":1}`); !res.success() {
		t.Fatalf("viewer: %s", res.body)
	}
	// Corrupted is omitted when false.
	res := f.ok(t, "tracker/read", `{"tracker_id":1}`)
	if strings.Contains(string(res.body), `"corrupted"`) {
		t.Errorf("corrupted sent while false: %s", res.body)
	}
	corrupted := f.corrupted(t)
	wantError(t, f.call(t, f.admin, "tracker/read", `{"tracker_id":%d}`, corrupted.ID), codeDeviceCorrupted, 400)
	wantError(t, f.call(t, f.admin, "tracker/read", `{"tracker_id":99999}`), codeNotFound, 400)
	wantParamError(t, f.call(t, f.admin, "tracker/read", `{}`), "tracker_id")
	// The corrupted tracker is still listed, marked.
	l, _ := f.list(t, `{"filter":%q}`, strconv.Itoa(corrupted.ID))
	if i := slices.IndexFunc(l, func(t Tracker) bool { return t.ID == corrupted.ID }); i < 0 || !l[i].Source.Corrupted {
		t.Fatal("corrupted tracker missing from the list or not marked")
	}
}

func TestTrackerSettingsUpdate(t *testing.T) {
	f := newTrackerFixture(t)
	before := f.trackersCount(t, 3)
	f.ok(t, "tracker/settings/update", `{"tracker_id":3,"label":"Courier № 7","deleted":true,"comment":"Moved to the depot"}`)
	got := f.readTracker(t, 3)
	if got.Label != "Courier № 7" || !got.Deleted || got.Comment != "Moved to the depot" {
		t.Fatalf("after update: %+v", got)
	}
	if after := f.trackersCount(t, 3); after != before-1 {
		t.Errorf("trackers_count %d -> %d after deleting", before, after)
	}
	// A comment not sent is kept; form fields work too.
	res := do(t, f.s, request{path: "tracker/settings/update", header: bearer(f.admin),
		form: map[string][]string{"tracker_id": {"3"}, "label": {"Courier"}, "deleted": {"false"}}})
	if !res.success() {
		t.Fatal(string(res.body))
	}
	if got := f.readTracker(t, 3); got.Comment != "Moved to the depot" || got.Deleted || got.Label != "Courier" {
		t.Fatalf("after the second update: %+v", got)
	}
	// Clones have their own settings.
	f.ok(t, "tracker/settings/update", `{"tracker_id":11,"label":"Clone label","deleted":false}`)
	if f.readTracker(t, 11).Label != "Clone label" || f.readTracker(t, 1).Label == "Clone label" {
		t.Fatal("clone label leaked to the original")
	}

	corrupted := f.corrupted(t)
	for _, tc := range []struct {
		name, body string
		code       int
		param      string
	}{
		{"angle brackets", `{"tracker_id":3,"label":"<b>x</b>","deleted":false}`, 7, "label"},
		{"too long", `{"tracker_id":3,"label":"` + strings.Repeat("x", 61) + `","deleted":false}`, 7, "label"},
		{"empty", `{"tracker_id":3,"label":"","deleted":false}`, 7, "label"},
		{"control character", `{"tracker_id":3,"label":"a\tb","deleted":false}`, 7, "label"},
		{"missing label", `{"tracker_id":3,"deleted":false}`, 7, "label"},
		{"missing deleted", `{"tracker_id":3,"label":"x"}`, 7, "deleted"},
		{"long comment", `{"tracker_id":3,"label":"x","deleted":false,"comment":"` + strings.Repeat("c", 3001) + `"}`, 7, "comment"},
		{"unknown", `{"tracker_id":99999,"label":"x","deleted":false}`, codeNotFound, ""},
		{"corrupted", `{"tracker_id":` + strconv.Itoa(corrupted.ID) + `,"label":"x","deleted":false}`, codeDeviceCorrupted, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.call(t, f.admin, "tracker/settings/update", tc.body)
			if tc.param != "" {
				wantParamError(t, res, tc.param)
				return
			}
			wantError(t, res, tc.code, 400)
		})
	}
	if f.readTracker(t, 3).Label != "Courier" {
		t.Fatal("a failed update changed the tracker")
	}
}

func TestTrackerSourceUpdate(t *testing.T) {
	f := newTrackerFixture(t)
	f.ok(t, "tracker/source/update", `{"tracker_id":1,"blocked":true}`)
	if !f.readTracker(t, 1).Source.Blocked || !f.readTracker(t, 11).Source.Blocked {
		t.Fatal("blocking the device does not show on the tracker and its clone")
	}
	f.ok(t, "tracker/source/update", `{"tracker_id":1,"blocked":false}`)
	if f.readTracker(t, 11).Source.Blocked {
		t.Fatal("unblock not applied")
	}
	corrupted := f.corrupted(t)
	wantError(t, f.call(t, f.admin, "tracker/source/update", `{"tracker_id":%d,"blocked":true}`, corrupted.ID), codeDeviceCorrupted, 400)
	wantError(t, f.call(t, f.admin, "tracker/source/update", `{"tracker_id":99999,"blocked":true}`), codeNotFound, 400)
	wantParamError(t, f.call(t, f.admin, "tracker/source/update", `{"tracker_id":1}`), "blocked")
}

func TestTrackerRegisterRetry(t *testing.T) {
	f := newTrackerFixture(t)
	hw := f.find(t, "a working hardware tracker", func(t Tracker) bool {
		return !t.Clone && !t.Deleted && !t.Source.Blocked && !t.Source.Corrupted && t.Source.Phone != nil && !isMobileModel(t.Source.Model)
	})
	f.ok(t, "tracker/register_retry", `{"tracker_id":%d,"send_register_commands":true}`, hw.ID)
	wantError(t, f.call(t, f.tech, "tracker/register_retry", `{"tracker_id":%d}`, hw.ID), codeTrackerRetryTimeout, 403)
	f.clock.Advance(119 * time.Second)
	wantError(t, f.call(t, f.admin, "tracker/register_retry", `{"tracker_id":%d,"send_register_commands":null}`, hw.ID), codeTrackerRetryTimeout, 403)
	f.clock.Advance(time.Second)
	if res := f.call(t, f.tech, "tracker/register_retry", `{"tracker_id":%d}`, hw.ID); !res.success() {
		t.Fatalf("after 120 s: %s", res.body)
	}

	blocked := f.find(t, "a blocked tracker", func(t Tracker) bool { return !t.Clone && t.Source.Blocked && !t.Source.Corrupted })
	mobile := f.find(t, "a mobile-app tracker", func(t Tracker) bool {
		return !t.Clone && isMobileModel(t.Source.Model) && !t.Source.Blocked && !t.Source.Corrupted
	})
	corrupted := f.corrupted(t)
	for _, tc := range []struct {
		name         string
		id           int
		code, status int
	}{
		{"unknown", 99999, codeNotFound, 400},
		{"clone", 11, codeNotAllowedForClones, 403},
		{"corrupted", corrupted.ID, codeDeviceCorrupted, 400},
		{"blocked", blocked.ID, codeTrackerDeviceBlocked, 403},
		{"no GSM module", mobile.ID, codeTrackerUnsupported, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, f.call(t, f.admin, "tracker/register_retry", `{"tracker_id":%d}`, tc.id), tc.code, tc.status)
		})
	}
}

func TestTrackerActiveHistory(t *testing.T) {
	f := newTrackerFixture(t)
	res := f.ok(t, "tracker/active/history/list", `{"from":"2026-09","to":"2026-12"}`)
	list, _ := res.obj["list"].([]any)
	if len(list) != 4 {
		t.Fatalf("4 months asked, %d answered: %.300s", len(list), res.body)
	}
	months := []string{"2026-09", "2026-10", "2026-11", "2026-12"}
	usersMap, _ := res.obj["users_map"].(map[string]any)
	for i, m := range list {
		entry := m.(map[string]any)
		trackers, _ := entry["trackers"].([]any)
		if entry["month"] != months[i] || int(entry["amount"].(float64)) != len(trackers) {
			t.Fatalf("month %d: %v, amount %v for %d trackers", i, entry["month"], entry["amount"], len(trackers))
		}
		if months[i] == "2026-12" {
			if len(trackers) != 0 {
				t.Errorf("a month after the clock's has %d trackers", len(trackers))
			}
			continue
		}
		if len(trackers) == 0 {
			t.Fatalf("%s: no active trackers", months[i])
		}
		for _, tr := range trackers {
			a := tr.(map[string]any)
			id := int(a["tracker_id"].(float64))
			got, ok := f.s.Store().Tracker(id)
			if !ok || got.Clone || a["device_id"] != got.Source.DeviceID {
				t.Fatalf("%s: entry %v is not an original tracker", months[i], a)
			}
			if _, ok := usersMap[strconv.Itoa(got.UserID)]; !ok {
				t.Fatalf("users_map lacks owner %d", got.UserID)
			}
		}
	}

	wantError(t, f.call(t, f.admin, "tracker/active/history/list", `{"from":"2025-09","to":"2026-09"}`), codeTrackerSpanTooBig, 400)
	if res := f.call(t, f.admin, "tracker/active/history/list", `{"from":"2025-10","to":"2026-09"}`); !res.success() {
		t.Fatalf("12 months: %s", res.body)
	}
	wantParamError(t, f.call(t, f.admin, "tracker/active/history/list", `{"from":"2026-09-01 00:00:00","to":"2026-10"}`), "from")
	wantParamError(t, f.call(t, f.admin, "tracker/active/history/list", `{"from":"2026-09","to":"2026-13"}`), "to")
	wantParamError(t, f.call(t, f.admin, "tracker/active/history/list", `{"from":"2026-10","to":"2026-09"}`), "to")
	wantParamError(t, f.call(t, f.admin, "tracker/active/history/list", `{"from":"2026-10"}`), "to")

	// The markdown requires trackers: read; the OpenAPI file and the
	// official console require trackers: report. The emulator asks for
	// both: read alone (the viewer) is refused, tech (read and report)
	// passes, and so does an account with exactly those two.
	wantError(t, f.call(t, f.viewer, "tracker/active/history/list", `{"from":"2026-09","to":"2026-09"}`), codeNotPermitted, 403)
	if res := f.call(t, f.tech, "tracker/active/history/list", `{"from":"2026-09","to":"2026-09"}`); !res.success() {
		t.Fatalf("tech: %s", res.body)
	}
	f.s.AddAccount("reporter", "reporter", map[string][]string{"trackers": {"read", "report"}})
	f.s.AddAccount("reportonly", "reportonly", map[string][]string{"trackers": {"report"}})
	if res := f.call(t, login(t, f.s, "reporter", "reporter"), "tracker/active/history/list", `{"from":"2026-09","to":"2026-09"}`); !res.success() {
		t.Fatalf("read+report: %s", res.body)
	}
	wantError(t, f.call(t, login(t, f.s, "reportonly", "reportonly"), "tracker/active/history/list", `{"from":"2026-09","to":"2026-09"}`), codeNotPermitted, 403)
}

// TestTrackerPermissions checks every tracker action against the demo
// accounts: the viewer may only read, tech may do everything but corrupt.
func TestTrackerPermissions(t *testing.T) {
	f := newTrackerFixture(t)
	mutations := map[string]string{
		"tracker/clone":               `{"tracker_id":1,"user_id":3,"label":"x"}`,
		"tracker/batch_clone":         `{"tracker_ids":[1],"user_id":3}`,
		"tracker/delete_clone":        `{"tracker_id":11}`,
		"tracker/batch_delete_clones": `{"trackers":[11]}`,
		"tracker/corrupt":             `{"tracker_id":1}`,
		"tracker/move":                `{"tracker_id":1,"user_id":3}`,
		"tracker/register_retry":      `{"tracker_id":1}`,
		"tracker/settings/update":     `{"tracker_id":1,"label":"x","deleted":false}`,
		"tracker/source/update":       `{"tracker_id":1,"blocked":true}`,
		"tracker/tariff/change":       `{"tracker_id":1,"tariff_id":3,"repay":false,"charge":false}`,
		"tracker/console/connect":     `{"tracker_id":1}`,
		"tracker/raw_command/send":    `{"device_id":"1","command":"getver"}`,
	}
	for action, body := range mutations {
		t.Run("viewer "+action, func(t *testing.T) {
			f.s.ResetCalls()
			wantError(t, f.call(t, f.viewer, action, body), codeNotPermitted, 403)
			if f.s.CallCount(action) != 0 {
				t.Fatal("a refused call reached the action")
			}
		})
	}
	wantError(t, f.call(t, f.tech, "tracker/corrupt", `{"tracker_id":1}`), codeNotPermitted, 403)
	if f.readTracker(t, 1).Deleted {
		t.Fatal("tech's refused corrupt changed the tracker")
	}
	// Tech passes the permission check of every other action (the
	// outcome itself may be a documented error).
	for action, body := range mutations {
		if action == "tracker/corrupt" {
			continue
		}
		if res := f.call(t, f.tech, action, body); res.code() == codeNotPermitted {
			t.Errorf("tech refused %s", action)
		}
	}
}
