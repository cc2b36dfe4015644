package panelsim

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestSeedIsDeterministic(t *testing.T) {
	a, b := New(), New()
	if !reflect.DeepEqual(a.Store().Users(0, 50), b.Store().Users(0, 50)) {
		t.Fatal("two emulators seeded different first users")
	}
	if !reflect.DeepEqual(a.Store().Trackers(0, 100), b.Store().Trackers(0, 100)) {
		t.Fatal("two emulators seeded different first trackers")
	}
	if !reflect.DeepEqual(a.Store().Transactions(7), b.Store().Transactions(7)) {
		t.Fatal("two emulators seeded different billing histories")
	}
	ja, _ := json.Marshal(a.Store().Dealer())
	jb, _ := json.Marshal(b.Store().Dealer())
	if string(ja) != string(jb) {
		t.Fatal("two emulators seeded different dealers")
	}
}

func TestSeedSizes(t *testing.T) {
	tests := []struct {
		cfg             SeedConfig
		users, trackers int
	}{
		{SeedConfig{}, DefaultUsers, DefaultTrackers},
		{SeedConfig{Users: 3, Trackers: 5}, 3, 5},
		{SeedConfig{Users: 1, Trackers: 20}, 1, 20},
		{SeedConfig{Users: 10, Trackers: -1}, 10, 0},
		{SeedConfig{Users: -1, Trackers: 50}, 0, 0},
	}
	for _, tt := range tests {
		st := New(WithSeed(tt.cfg)).Store()
		if st.UserCount() != tt.users || st.TrackerCount() != tt.trackers {
			t.Errorf("%+v: %d users, %d trackers; want %d, %d", tt.cfg, st.UserCount(), st.TrackerCount(), tt.users, tt.trackers)
		}
	}
}

func TestSeedHostileRecords(t *testing.T) {
	st := New().Store()
	user := func(id int) User {
		u, ok := st.User(id)
		if !ok {
			t.Fatalf("user %d missing", id)
		}
		return u
	}
	tracker := func(id int) Tracker {
		tr, ok := st.Tracker(id)
		if !ok {
			t.Fatalf("tracker %d missing", id)
		}
		return tr
	}
	checks := []struct {
		name, got, want string
	}{
		{"user 1 first name", user(1).FirstName, "<script>alert(1)</script>"},
		{"user 2 first name", user(2).FirstName, `O'Brien "Bob"`},
		{"user 2 legal name", user(2).LegalName, `"Bob's" <Trucking> & Sons`},
		{"user 4 last name", user(4).LastName, "Сидоров"},
		{"user 5 first name", user(5).FirstName, "小明"},
		{"user 6 first name", user(6).FirstName, "محمد"},
		{"user 7 first name", user(7).FirstName, "{{.Hash}}"},
		{"user 8 first name", user(8).FirstName, "Tom &amp; Jerry"},
		{"tracker 1 label", tracker(1).Label, `"><img src=x onerror=alert(1)>`},
		{"tracker 2 label", tracker(2).Label, "<script>alert(document.cookie)</script>"},
		{"tracker 3 label", tracker(3).Label, `O'Brien "Bob" truck`},
		{"tracker 8 label", tracker(8).Label, "{{7*7}} ${7*7} #{7*7}"},
		{"tracker 11 (clone of 1) label", tracker(11).Label, tracker(1).Label},
		{"transaction of user 1", st.Transactions(1)[0].Description, "<script>alert('transaction')</script>"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if n := utf8.RuneCountInString(user(3).LastName); n != 300 {
		t.Errorf("user 3 last name has %d characters, want 300", n)
	}
	if !strings.Contains(user(7).Comment, "{{") || !strings.Contains(user(7).Comment, "${") {
		t.Errorf("user 7 comment %q lacks template syntax", user(7).Comment)
	}
	if n := utf8.RuneCountInString(tracker(4).Comment); n != 3000 {
		t.Errorf("tracker 4 comment has %d characters, want 3000", n)
	}
	for id := 1; id <= 10; id++ {
		if c := user(id).Comment; utf8.RuneCountInString(c) > 255 {
			t.Errorf("user %d comment longer than the documented 255", id)
		}
	}
}

func TestSeedShape(t *testing.T) {
	s := New()
	st := s.Store()
	zones := map[string]bool{}
	for _, z := range st.TimeZones() {
		zones[z.ZoneID] = true
	}
	logins := map[string]bool{}
	for _, u := range st.Users(0, 0) {
		if !zones[u.TimeZone] {
			t.Errorf("user %d has unknown time zone %q", u.ID, u.TimeZone)
		}
		if logins[strings.ToLower(u.Login)] || !strings.Contains(u.Login, "@") {
			t.Errorf("user %d login %q is duplicate or not an e-mail", u.ID, u.Login)
		}
		logins[strings.ToLower(u.Login)] = true
		if u.CreationDate.After(seedAnchor) {
			t.Errorf("user %d created in the future", u.ID)
		}
	}

	var clones, deleted, corrupted, blocked, cameras, mobile, noConnection int
	plans := map[int]Tariff{}
	for _, p := range st.Tariffs() {
		plans[p.ID] = p
	}
	byID := map[int]Tracker{}
	for _, tr := range st.Trackers(0, 0) {
		byID[tr.ID] = tr
	}
	for _, tr := range byID {
		if _, ok := plans[tr.Source.TariffID]; !ok {
			t.Errorf("tracker %d on unknown plan %d", tr.ID, tr.Source.TariffID)
		}
		if _, ok := st.User(tr.UserID); !ok {
			t.Errorf("tracker %d owned by unknown user %d", tr.ID, tr.UserID)
		}
		if tr.Clone {
			clones++
			if tr.ID <= 10 {
				t.Errorf("hostile tracker %d is a clone", tr.ID)
			}
		}
		if tr.Deleted {
			deleted++
		}
		if tr.Source.Corrupted {
			corrupted++
			if !tr.Deleted {
				t.Errorf("corrupted tracker %d not deleted", tr.ID)
			}
		}
		if tr.Source.Blocked {
			blocked++
		}
		if plans[tr.Source.TariffID].DeviceType == "camera" {
			cameras++
		}
		if tr.Source.Phone == nil {
			mobile++
		}
		if tr.LastConnection == nil {
			noConnection++
		}
	}
	for name, n := range map[string]int{"clones": clones, "deleted": deleted, "corrupted": corrupted,
		"blocked": blocked, "camera": cameras, "phoneless": mobile} {
		if n == 0 {
			t.Errorf("seed has no %s trackers", name)
		}
	}

	// A clone has its own id and owner over its original's source.
	st.mu.RLock()
	for _, tr := range st.trackers {
		if !tr.Clone {
			continue
		}
		orig := tr.Source.holders[0]
		if orig.Clone || orig.ID == tr.ID || orig.UserID == tr.UserID || orig.Source != tr.Source {
			t.Errorf("clone %d does not share the source of a different owner's original", tr.ID)
		}
	}
	st.mu.RUnlock()
	if len(plans) < 12 {
		t.Errorf("%d plans, want about a dozen", len(plans))
	}

	// The seeded balance is where the billing history ends.
	for _, id := range []int{1, 2, 17, 60, 200} {
		u, _ := st.User(id)
		l := st.Transactions(id)
		if len(l) == 0 {
			t.Fatalf("user %d has no transactions", id)
		}
		last := l[len(l)-1]
		if last.NewBalance != u.Balance || last.NewBonus != u.Bonus || u.Balance < 0 {
			t.Errorf("user %d balance %v/%v, history ends at %v/%v", id, u.Balance, u.Bonus, last.NewBalance, last.NewBonus)
		}
		for i, tx := range l {
			if tx.UserID != id || (i > 0 && tx.Timestamp.Before(l[i-1].Timestamp.Time)) || tx.OldBalance+tx.Amount-tx.NewBalance > 0.001 {
				t.Errorf("user %d transaction %d inconsistent: %+v", id, i, tx)
			}
		}
	}

	d := st.Dealer()
	if d.ActiveAmount != d.ActiveAmountOwn+d.ActiveAmountSubpaas || d.ActiveAmount > d.ActiveLimit || d.ActiveAmountOwn == 0 {
		t.Errorf("dealer active %d (own %d + subpaas %d) of %d", d.ActiveAmount, d.ActiveAmountOwn, d.ActiveAmountSubpaas, d.ActiveLimit)
	}
	_ = noConnection
}

func TestSeedLarge(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("large seed skipped in -short and -race runs")
	}
	start := time.Now()
	st := seed(SeedConfig{Users: 100000, Trackers: 300000})
	t.Logf("seeded 100,000 users and 300,000 trackers in %s", time.Since(start))
	if st.UserCount() != 100000 || st.TrackerCount() != 300000 {
		t.Fatalf("%d users, %d trackers", st.UserCount(), st.TrackerCount())
	}
	if u, ok := st.User(100000); !ok || u.ID != 100000 {
		t.Fatal("last user missing")
	}
}

func BenchmarkSeedLarge(b *testing.B) {
	for b.Loop() {
		seed(SeedConfig{Users: 100000, Trackers: 300000})
	}
}
