package panelsim

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestStoreIndexes(t *testing.T) {
	st := New(smallSeed).Store()
	st.mu.Lock()
	defer st.mu.Unlock()

	// A new user gets the next id and is found by id and login.
	u := &User{Login: "New.User@Example.com", FirstName: "New", DealerID: dealerID}
	st.insertUserLocked(u)
	if u.ID != 61 || st.userLocked(61) != u || st.userByLoginLocked("new.user@example.com") != u {
		t.Fatalf("new user id %d not indexed", u.ID)
	}
	st.changeLoginLocked(u, "renamed@example.com")
	if st.userByLoginLocked("new.user@example.com") != nil || st.userByLoginLocked("RENAMED@example.com") != u {
		t.Fatal("login index not updated")
	}

	// A tracker moved to the new user the way tracker/move does it: a new id.
	tr := st.trackerLocked(20)
	oldOwner := tr.UserID
	st.removeTrackerLocked(tr)
	if st.trackerLocked(20) != nil || slices.Contains(st.trackersOfLocked(oldOwner), tr) {
		t.Fatal("removed tracker still indexed")
	}
	tr.ID, tr.UserID = 0, u.ID
	st.insertTrackerLocked(tr)
	if tr.ID != 201 || st.trackerLocked(201) != tr || !slices.Contains(st.trackersOfLocked(u.ID), tr) {
		t.Fatalf("moved tracker id %d not indexed", tr.ID)
	}
	if got := st.userViewLocked(u).TrackersCount; got != 1 {
		t.Fatalf("trackers_count %d, want 1", got)
	}

	// An owner change in place (tracker/clone's owner, console edits).
	st.setTrackerOwnerLocked(tr, oldOwner)
	if slices.Contains(st.trackersOfLocked(u.ID), tr) || !slices.Contains(st.trackersOfLocked(oldOwner), tr) {
		t.Fatal("owner index not updated")
	}
	st.setTrackerOwnerLocked(tr, u.ID)

	// An id inserted out of order keeps the lists sorted.
	st.insertTrackerLocked(&Tracker{ID: 20, UserID: oldOwner, Source: &Source{ID: 9999}})
	if !slices.IsSortedFunc(st.trackers, func(a, b *Tracker) int { return a.ID - b.ID }) ||
		!slices.IsSortedFunc(st.trackersOfLocked(oldOwner), func(a, b *Tracker) int { return a.ID - b.ID }) {
		t.Fatal("tracker lists out of order")
	}

	// Appending to one owner's list never overwrites another's (the seed
	// shares one backing array between owners).
	first := st.trackers[0]
	neighbour := slices.Clone(st.trackersOfLocked(first.UserID + 1))
	st.insertTrackerLocked(&Tracker{ID: 5000, UserID: first.UserID, Source: &Source{ID: 10000}})
	if !slices.Equal(neighbour, st.trackersOfLocked(first.UserID+1)) {
		t.Fatal("appending to one owner's trackers changed another owner's")
	}

	// New transactions follow the seeded history with fresh ids.
	before := len(st.ledgerLocked(u))
	tx := st.appendTransactionLocked(u, Transaction{Type: "payment", Subtype: "partner", Amount: 5})
	if before != 0 || tx.ID < 100 || tx.UserID != u.ID || len(st.ledgerLocked(u)) != 1 {
		t.Fatalf("transaction %+v", tx)
	}
	seeded := st.userLocked(3)
	n := len(st.ledgerLocked(seeded))
	tx3 := st.appendTransactionLocked(seeded, Transaction{Amount: 1})
	if len(st.ledgerLocked(seeded)) != n+1 || tx3.ID == tx.ID {
		t.Fatal("append to a seeded history failed")
	}
}

// Views are copies: changing one never changes the store.
func TestStoreViewsAreCopies(t *testing.T) {
	st := New(smallSeed).Store()
	tr, _ := st.Tracker(11)
	tr.Source.Blocked = !tr.Source.Blocked
	tr.Label = "changed"
	again, _ := st.Tracker(11)
	if again.Label == "changed" || again.Source.Blocked == tr.Source.Blocked {
		t.Fatal("tracker view shares memory with the store")
	}
	d := st.Dealer()
	d.Features[0] = "changed"
	if st.Dealer().Features[0] == "changed" {
		t.Fatal("dealer view shares memory with the store")
	}
}

func TestEntityJSON(t *testing.T) {
	st := New(smallSeed).Store()
	u, _ := st.User(2)
	b, _ := json.Marshal(u)
	var obj map[string]any
	_ = json.Unmarshal(b, &obj)
	for _, key := range []string{"id", "dealer_id", "login", "activated", "verified", "legal_type", "first_name",
		"middle_name", "last_name", "legal_name", "phone", "post_country", "post_index", "post_region", "post_city",
		"post_street_address", "registered_country", "registered_index", "registered_region", "registered_city",
		"registered_street_address", "state_reg_num", "tin", "okpo_code", "iec", "balance", "bonus",
		"creation_date", "trackers_count", "comment", "menu_preset_id"} {
		if _, ok := obj[key]; !ok {
			t.Errorf("user JSON lacks %q", key)
		}
	}
	for _, secret := range []string{"password", "Password", "time_zone", "TimeZone", "seeded"} {
		if _, ok := obj[secret]; ok {
			t.Errorf("user JSON carries %q", secret)
		}
	}
	if cd, _ := obj["creation_date"].(string); len(cd) != len("2021-03-01 13:00:00") {
		t.Errorf("creation_date %q not YYYY-MM-DD HH:MM:SS", cd)
	}

	tr, _ := st.Tracker(1)
	b, _ = json.Marshal(tr)
	s := string(b)
	for _, frag := range []string{`"source":{"id":`, `"creation_date":"20`, `"clone":false`, `"connection_status":"`} {
		if !strings.Contains(s, frag) {
			t.Errorf("tracker JSON lacks %s: %s", frag, s)
		}
	}
	if strings.Contains(s, `"corrupted"`) {
		t.Errorf("a sound tracker must not carry corrupted: %s", s)
	}
}
