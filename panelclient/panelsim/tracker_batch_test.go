package panelsim

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestTrackerClone(t *testing.T) {
	f := newTrackerFixture(t)
	orig := f.readTracker(t, 3)
	target := 7
	if orig.UserID == target {
		t.Fatal("pick another target user")
	}
	before := f.trackersCount(t, target)
	res := f.ok(t, "tracker/clone", `{"tracker_id":3,"user_id":%d,"label":"Courier"}`, target)
	id := int(res.obj["id"].(float64))

	clone := f.readTracker(t, id)
	if !clone.Clone || clone.UserID != target || clone.Label != "Courier" || clone.Source.ID != orig.Source.ID ||
		clone.ModelName != orig.ModelName || clone.CreationDate.String() != "2026-11-27" {
		t.Fatalf("clone: %+v", clone)
	}
	if got := f.trackersCount(t, target); got != before+1 {
		t.Errorf("trackers_count %d -> %d", before, got)
	}
	// The clone is listed under its user and next to its original when the
	// list is filtered by the device id.
	mine, _ := f.list(t, `{"user_id":%d}`, target)
	family, _ := f.list(t, `{"filter":%q}`, orig.Source.DeviceID)
	if !slices.Contains(trackerIDs(mine), id) || !slices.Contains(trackerIDs(family), id) || !slices.Contains(trackerIDs(family), 3) {
		t.Fatalf("clone %d not listed: user %v, family %v", id, trackerIDs(mine), trackerIDs(family))
	}
	// Tech may clone (trackers: create).
	if res := f.call(t, f.tech, "tracker/clone", `{"tracker_id":3,"user_id":8,"label":"Tech clone"}`); !res.success() {
		t.Fatalf("tech: %s", res.body)
	}

	corrupted := f.corrupted(t)
	for _, tc := range []struct {
		name         string
		body         string
		code, status int
		param        string
	}{
		{"clone of a clone", `{"tracker_id":11,"user_id":9,"label":"x"}`, codeNotAllowedForClones, 403, ""},
		{"unknown tracker", `{"tracker_id":99999,"user_id":9,"label":"x"}`, codeNotFound, 400, ""},
		{"to its owner", `{"tracker_id":3,"user_id":` + strconv.Itoa(orig.UserID) + `,"label":"x"}`, codeInvalidUserID, 400, ""},
		{"unknown user", `{"tracker_id":3,"user_id":99999,"label":"x"}`, codeInvalidUserID, 400, ""},
		{"user has a clone", `{"tracker_id":3,"user_id":` + strconv.Itoa(target) + `,"label":"x"}`, codeEntityExists, 409, ""},
		{"seeded clone exists", `{"tracker_id":1,"user_id":2,"label":"x"}`, codeEntityExists, 409, ""},
		{"corrupted", `{"tracker_id":` + strconv.Itoa(corrupted.ID) + `,"user_id":9,"label":"x"}`, codeDeviceCorrupted, 400, ""},
		{"empty label", `{"tracker_id":3,"user_id":9,"label":""}`, 0, 0, "label"},
		{"long label", `{"tracker_id":3,"user_id":9,"label":"` + strings.Repeat("é", 61) + `"}`, 0, 0, "label"},
		{"missing user", `{"tracker_id":3,"label":"x"}`, 0, 0, "user_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.call(t, f.admin, "tracker/clone", tc.body)
			if tc.param != "" {
				wantParamError(t, res, tc.param)
				return
			}
			wantError(t, res, tc.code, tc.status)
		})
	}
	// A 60-character label with angle brackets is fine for a clone.
	if res := f.call(t, f.admin, "tracker/clone", `{"tracker_id":3,"user_id":9,"label":"<%s>"}`, strings.Repeat("x", 58)); !res.success() {
		t.Fatalf("60-character label: %s", res.body)
	}
}

// batchCloneResult decodes the markdown shape of tracker/batch_clone.
type batchCloneResult struct {
	List            []int `json:"list"`
	IgnoredTrackers []int `json:"ignored_trackers"`
}

func TestTrackerBatchClone(t *testing.T) {
	f := newTrackerFixture(t)
	target := 9
	before := f.trackersCount(t, target)
	res := f.ok(t, "tracker/batch_clone", `{"user_id":%d,"tracker_ids":[3,4,3]}`, target)
	var out batchCloneResult
	if err := json.Unmarshal(res.body, &out); err != nil {
		t.Fatalf("the reply is not the markdown shape (list of ids): %v\n%s", err, res.body)
	}
	if len(out.List) != 2 || out.IgnoredTrackers == nil || len(out.IgnoredTrackers) != 0 {
		t.Fatalf("batch of 3 and 4: %s", res.body)
	}
	for i, orig := range []int{3, 4} {
		cl := f.readTracker(t, out.List[i])
		if !cl.Clone || cl.UserID != target || cl.Label != f.readTracker(t, orig).Label {
			t.Fatalf("clone %d of %d: %+v", out.List[i], orig, cl)
		}
	}
	if got := f.trackersCount(t, target); got != before+2 {
		t.Errorf("trackers_count %d -> %d", before, got)
	}

	// Without ignore_existing a conflict fails the whole batch; `list` names
	// the user's conflicting trackers (its clones), and nothing is created.
	count := f.s.Store().TrackerCount()
	res = f.call(t, f.admin, "tracker/batch_clone", `{"user_id":%d,"tracker_ids":[5,3,4]}`, target)
	wantError(t, res, codeEntityExists, 409)
	if got := errorList(t, res); !slices.Equal(got, out.List) {
		t.Fatalf("247 list %v, want the existing clones %v", got, out.List)
	}
	if f.s.Store().TrackerCount() != count {
		t.Fatal("a failed batch created clones")
	}
	// With ignore_existing the conflicts are skipped and reported.
	res = f.ok(t, "tracker/batch_clone", `{"user_id":%d,"tracker_ids":[5,3],"ignore_existing":true}`, target)
	out = batchCloneResult{}
	_ = json.Unmarshal(res.body, &out)
	if len(out.List) != 1 || !slices.Equal(out.IgnoredTrackers, []int{3}) {
		t.Fatalf("ignore_existing: %s", res.body)
	}
	// The target user's own tracker is a conflict too.
	own := f.find(t, "an original of user 9", func(t Tracker) bool { return t.UserID == 9 && !t.Clone && !t.Source.Corrupted })
	res = f.ok(t, "tracker/batch_clone", `{"user_id":9,"tracker_ids":[%d],"ignore_existing":true}`, own.ID)
	if !strings.Contains(string(res.body), `"list":[]`) || !strings.Contains(string(res.body), `"ignored_trackers":[`+strconv.Itoa(own.ID)+`]`) {
		t.Fatalf("own tracker: %s", res.body)
	}

	ids := make([]string, 1001)
	for i := range ids {
		ids[i] = strconv.Itoa(i + 1)
	}
	corrupted := f.corrupted(t)
	for _, tc := range []struct {
		name, body   string
		code, status int
		param        string
	}{
		{"nonexistent", `{"user_id":9,"tracker_ids":[6,99999]}`, codeListHasNonexistent, 400, ""},
		{"a clone", `{"user_id":9,"tracker_ids":[6,11]}`, codeNotAllowedForClones, 403, ""},
		{"corrupted", `{"user_id":9,"tracker_ids":[` + strconv.Itoa(corrupted.ID) + `]}`, codeDeviceCorrupted, 400, ""},
		{"unknown user", `{"user_id":99999,"tracker_ids":[6]}`, codeInvalidUserID, 400, ""},
		{"empty", `{"user_id":9,"tracker_ids":[]}`, 0, 0, "tracker_ids"},
		{"1001", `{"user_id":9,"tracker_ids":[` + strings.Join(ids, ",") + `]}`, 0, 0, "tracker_ids"},
		{"not a list", `{"user_id":9,"tracker_ids":6}`, 0, 0, "tracker_ids"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			count := f.s.Store().TrackerCount()
			res := f.call(t, f.admin, "tracker/batch_clone", tc.body)
			if tc.param != "" {
				wantParamError(t, res, tc.param)
			} else {
				wantError(t, res, tc.code, tc.status)
			}
			if f.s.Store().TrackerCount() != count {
				t.Fatal("a failed batch created clones")
			}
		})
	}
	// The documented GET form: tracker_ids=[1,2] in the query string.
	res = do(t, f.s, request{method: "GET", path: "tracker/batch_clone", header: bearer(f.admin),
		query: map[string][]string{"user_id": {"10"}, "tracker_ids": {"[6,7]"}}})
	if !res.success() {
		t.Fatalf("GET form: %s", res.body)
	}
}

func TestTrackerDeleteClone(t *testing.T) {
	f := newTrackerFixture(t)
	before := f.trackersCount(t, 2)
	f.ok(t, "tracker/delete_clone", `{"tracker_id":11}`)
	wantError(t, f.call(t, f.admin, "tracker/read", `{"tracker_id":11}`), codeNotFound, 400)
	if got := f.trackersCount(t, 2); got != before-1 {
		t.Errorf("trackers_count %d -> %d", before, got)
	}
	family, _ := f.list(t, `{"filter":%q}`, f.readTracker(t, 1).Source.DeviceID)
	if slices.Contains(trackerIDs(family), 11) || !slices.Contains(trackerIDs(family), 1) {
		t.Fatalf("after deleting the clone: %v", trackerIDs(family))
	}
	// The original can be cloned to the same user again.
	f.ok(t, "tracker/clone", `{"tracker_id":1,"user_id":2,"label":"again"}`)

	wantError(t, f.call(t, f.admin, "tracker/delete_clone", `{"tracker_id":11}`), codeNotFound, 400)
	wantError(t, f.call(t, f.admin, "tracker/delete_clone", `{"tracker_id":1}`), codeTrackerClonesOnly, 403)
	wantParamError(t, f.call(t, f.admin, "tracker/delete_clone", `{"tracker_id":"eleven"}`), "tracker_id")
	// Tech has trackers: delete.
	if res := f.call(t, f.tech, "tracker/delete_clone", `{"tracker_id":12}`); !res.success() {
		t.Fatalf("tech: %s", res.body)
	}
}

func TestTrackerBatchDeleteClones(t *testing.T) {
	f := newTrackerFixture(t)
	res := f.ok(t, "tracker/batch_delete_clones", `{"trackers":[11,1,99999,11]}`)
	var out struct {
		Deleted    int                 `json:"deleted_count"`
		NotDeleted int                 `json:"not_deleted_count"`
		Trackers   []notDeletedTracker `json:"not_deleted_trackers"`
	}
	if err := json.Unmarshal(res.body, &out); err != nil {
		t.Fatal(err)
	}
	want := []notDeletedTracker{{1, "Not a clone"}, {99999, "Entity not found"}, {11, "Already deleted"}}
	if out.Deleted != 1 || out.NotDeleted != 3 || !slices.Equal(out.Trackers, want) {
		t.Fatalf("batch: %s", res.body)
	}
	wantError(t, f.call(t, f.admin, "tracker/read", `{"tracker_id":11}`), codeNotFound, 400)

	// Everything deleted: not_deleted_trackers is omitted.
	res = f.ok(t, "tracker/batch_delete_clones", `{"trackers":[12]}`)
	if _, ok := res.obj["not_deleted_trackers"]; ok || res.obj["deleted_count"] != 1.0 || res.obj["not_deleted_count"] != 0.0 {
		t.Fatalf("all deleted: %s", res.body)
	}
	ids := make([]string, 501)
	for i := range ids {
		ids[i] = strconv.Itoa(i + 1)
	}
	wantParamError(t, f.call(t, f.admin, "tracker/batch_delete_clones", `{"trackers":[]}`), "trackers")
	wantParamError(t, f.call(t, f.admin, "tracker/batch_delete_clones", `{"trackers":[`+strings.Join(ids, ",")+`]}`), "trackers")
	wantParamError(t, f.call(t, f.admin, "tracker/batch_delete_clones", `{}`), "trackers")
}

func TestTrackerCorrupt(t *testing.T) {
	f := newTrackerFixture(t)
	one := f.readTracker(t, 1)
	res := f.call(t, f.admin, "tracker/corrupt", `{"tracker_id":1,"corrupt_clones":false}`)
	wantError(t, res, codeDeviceHasClones, 400)
	var clones []int
	for _, x := range f.s.Store().Trackers(0, 0) {
		if x.Clone && x.Source.ID == one.Source.ID {
			clones = append(clones, x.ID)
		}
	}
	if got := errorList(t, res); !slices.Contains(got, 11) || !slices.Equal(got, clones) {
		t.Fatalf("253 list %v, want the clones %v", got, clones)
	}
	if f.readTracker(t, 1).Deleted {
		t.Fatal("a refused corrupt changed the tracker")
	}

	f.ok(t, "tracker/corrupt", `{"tracker_id":1}`) // corrupt_clones defaults to true
	wantError(t, f.call(t, f.admin, "tracker/read", `{"tracker_id":1}`), codeDeviceCorrupted, 400)
	for _, id := range clones {
		wantError(t, f.call(t, f.admin, "tracker/read", `{"tracker_id":%d}`, id), codeNotFound, 400)
	}
	got, ok := f.s.Store().Tracker(1)
	if !ok || !got.Deleted || !got.Source.Corrupted || got.Source.DeviceID == one.Source.DeviceID ||
		!strings.Contains(got.Source.DeviceID, one.Source.DeviceID) {
		t.Fatalf("after corrupt: %+v %+v", got, got.Source)
	}
	if one.Source.Phone != nil && *one.Source.Phone != "" && *got.Source.Phone == *one.Source.Phone {
		t.Error("phone not corrupted")
	}
	// The old device id is free: raw commands to it find nothing.
	wantError(t, f.call(t, f.admin, "tracker/raw_command/send", `{"device_id":%q,"command":"getver"}`, one.Source.DeviceID), codeNotFound, 400)
	// The list shows it, marked.
	l, _ := f.list(t, `{"filter":"corrupted_"}`)
	if !slices.Contains(trackerIDs(l), 1) {
		t.Fatalf("corrupted tracker not listed: %v", trackerIDs(l))
	}
	wantError(t, f.call(t, f.admin, "tracker/corrupt", `{"tracker_id":1}`), codeDeviceCorrupted, 400)
	wantError(t, f.call(t, f.admin, "tracker/corrupt", `{"tracker_id":12}`), codeNotAllowedForClones, 403)
	wantError(t, f.call(t, f.admin, "tracker/corrupt", `{"tracker_id":99999}`), codeNotFound, 400)
	wantParamError(t, f.call(t, f.admin, "tracker/corrupt", `{"tracker_id":3,"corrupt_clones":"no"}`), "corrupt_clones")
	// Employees may not remove trackers.
	wantError(t, f.call(t, f.tech, "tracker/corrupt", `{"tracker_id":3}`), codeNotPermitted, 403)
	// With corrupt_clones true explicitly, clones go too.
	f.ok(t, "tracker/corrupt", `{"tracker_id":3,"corrupt_clones":true}`)
	wantError(t, f.call(t, f.admin, "tracker/read", `{"tracker_id":12}`), codeNotFound, 400)
}

func TestTrackerMove(t *testing.T) {
	f := newTrackerFixture(t)
	orig := f.readTracker(t, 3) // owned by user 3, cloned for user 5 (tracker 12)
	from, to := orig.UserID, 4
	fromBefore, toBefore := f.trackersCount(t, from), f.trackersCount(t, to)
	res := f.ok(t, "tracker/move", `{"tracker_id":3,"user_id":%d}`, to)
	// The OpenAPI file: the reply carries the tracker's NEW id. The
	// markdown shows only {"success":true}; the client reads both.
	newID, ok := res.obj["id"].(float64)
	if !ok || int(newID) == 3 {
		t.Fatalf("move must answer the new id: %s", res.body)
	}
	wantError(t, f.call(t, f.admin, "tracker/read", `{"tracker_id":3}`), codeNotFound, 400)
	moved := f.readTracker(t, int(newID))
	if moved.UserID != to || moved.Label != orig.Label || moved.Source.ID != orig.Source.ID || moved.Clone {
		t.Fatalf("moved tracker: %+v", moved)
	}
	if f.trackersCount(t, from) != fromBefore-1 || f.trackersCount(t, to) != toBefore+1 {
		t.Errorf("trackers_count: from %d -> %d, to %d -> %d", fromBefore, f.trackersCount(t, from), toBefore, f.trackersCount(t, to))
	}
	theirs, _ := f.list(t, `{"user_id":%d}`, to)
	if !slices.Contains(trackerIDs(theirs), int(newID)) {
		t.Fatal("moved tracker not in its new owner's list")
	}
	// The clone stays linked to the device.
	family, _ := f.list(t, `{"filter":%q}`, orig.Source.DeviceID)
	if ids := trackerIDs(family); !slices.Equal(ids, []int{12, int(newID)}) {
		t.Fatalf("device family after the move: %v", ids)
	}

	corrupted := f.corrupted(t)
	for _, tc := range []struct {
		name         string
		body         string
		code, status int
	}{
		{"clone", `{"tracker_id":12,"user_id":9}`, codeNotAllowedForClones, 403},
		{"unknown", `{"tracker_id":3,"user_id":9}`, codeNotFound, 400},
		{"same owner", `{"tracker_id":` + strconv.Itoa(int(newID)) + `,"user_id":4}`, codeInvalidUserID, 400},
		{"unknown user", `{"tracker_id":` + strconv.Itoa(int(newID)) + `,"user_id":99999}`, codeInvalidUserID, 400},
		{"user has a clone", `{"tracker_id":` + strconv.Itoa(int(newID)) + `,"user_id":5}`, codeEntityExists, 409},
		{"corrupted", `{"tracker_id":` + strconv.Itoa(corrupted.ID) + `,"user_id":9}`, codeDeviceCorrupted, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, f.call(t, f.admin, "tracker/move", tc.body), tc.code, tc.status)
		})
	}
	wantParamError(t, f.call(t, f.admin, "tracker/move", `{"tracker_id":5}`), "user_id")
	// Tech may change owners (trackers: create and delete).
	if res := f.call(t, f.tech, "tracker/move", `{"tracker_id":%d,"user_id":9}`, int(newID)); !res.success() {
		t.Fatalf("tech: %s", res.body)
	}
}
