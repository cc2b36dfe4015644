package panelsim

import (
	"math"
	"strconv"
	"testing"
	"time"
)

func TestTrackerTariffChange(t *testing.T) {
	f := newTrackerFixture(t)
	today := f.today()
	nextMonth := time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)
	// A live tracker on Standard (monthly, 7.99) whose owner has few
	// trackers, paid until the 1st of next month.
	tr := f.find(t, "a live tracker on Standard", func(tr Tracker) bool {
		return !tr.Clone && !tr.Deleted && !tr.Source.Blocked && !tr.Source.Corrupted &&
			tr.Source.TariffID == planStandard && tr.Source.TariffEndDate != nil && tr.Source.TariffEndDate.After(today)
	})
	owner, _ := f.s.Store().User(tr.UserID)
	ledger := len(f.s.Store().Transactions(tr.UserID))

	// Repay: 4 days (27 Nov to 1 Dec) of 7.99 in a 30-day month, rounded up
	// to the cent: 1.07. Charge not set: paid until the 1st of next month.
	f.ok(t, "tracker/tariff/change", `{"tracker_id":%d,"tariff_id":%d,"repay":true,"charge":false}`, tr.ID, planPremium)
	got := f.readTracker(t, tr.ID)
	if got.Source.TariffID != planPremium || got.Source.TariffEndDate == nil || !got.Source.TariffEndDate.Equal(nextMonth) {
		t.Fatalf("after the change: plan %d, end %v", got.Source.TariffID, got.Source.TariffEndDate)
	}
	after, _ := f.s.Store().User(tr.UserID)
	if math.Abs(after.Balance-owner.Balance-1.07) > 1e-9 {
		t.Fatalf("repayment: balance %.2f -> %.2f, want +1.07", owner.Balance, after.Balance)
	}
	txs := f.s.Store().Transactions(tr.UserID)
	if len(txs) != ledger+1 {
		t.Fatalf("%d transactions, want %d", len(txs), ledger+1)
	}
	if last := txs[len(txs)-1]; last.Amount != 1.07 || last.TrackerID != tr.ID || last.NewBalance != after.Balance {
		t.Fatalf("repayment transaction: %+v", last)
	}
	// Premium has an early_change_price: changing again within 30 days is
	// allowed; charge on an active plan pays until tomorrow; no repay, no
	// transaction.
	f.advance(t, 24*time.Hour)
	f.ok(t, "tracker/tariff/change", `{"tracker_id":%d,"tariff_id":%d,"repay":false,"charge":true}`, tr.ID, planStandard)
	got = f.readTracker(t, tr.ID)
	if got.Source.TariffID != planStandard || !got.Source.TariffEndDate.Equal(today.AddDate(0, 0, 2)) {
		t.Fatalf("charge: plan %d, end %v", got.Source.TariffID, got.Source.TariffEndDate)
	}
	if len(f.s.Store().Transactions(tr.UserID)) != ledger+1 {
		t.Fatal("a change without repay wrote a transaction")
	}
	// Standard has no early_change_price: a third change within 30 days is
	// refused with 240; after 30 days it is allowed.
	wantError(t, f.call(t, f.tech, "tracker/tariff/change", `{"tracker_id":%d,"tariff_id":%d,"repay":false,"charge":false}`, tr.ID, planFleetPro), codeTariffChangeTooOften, 403)
	f.advance(t, 30*24*time.Hour)
	if res := f.call(t, f.tech, "tracker/tariff/change", `{"tracker_id":%d,"tariff_id":%d,"repay":false,"charge":false}`, tr.ID, planFleetPro); !res.success() {
		t.Fatalf("tech after 30 days: %s", res.body)
	}

	// An ended plan (end date today or earlier): charge with a monthly plan
	// ends it today; an activeday plan has no end date.
	ended := f.find(t, "another live tracker on Standard", func(x Tracker) bool {
		return !x.Clone && !x.Deleted && !x.Source.Corrupted && x.ID != tr.ID && x.Source.TariffID == planStandard
	})
	f.withStore(func(st *Store) { st.trackerLocked(ended.ID).Source.TariffEndDate = &Date{today.AddDate(0, -1, 0)} })
	f.ok(t, "tracker/tariff/change", `{"tracker_id":%d,"tariff_id":%d,"repay":true,"charge":true}`, ended.ID, planPremium)
	now := f.clock.Now().UTC().Truncate(24 * time.Hour)
	if got := f.readTracker(t, ended.ID); !got.Source.TariffEndDate.Equal(now) {
		t.Fatalf("ended + charge: end %v, want today %v", got.Source.TariffEndDate, now)
	}
	f.advance(t, 31*24*time.Hour)
	f.ok(t, "tracker/tariff/change", `{"tracker_id":%d,"tariff_id":%d,"repay":true,"charge":true}`, ended.ID, planActiveDay)
	if got := f.readTracker(t, ended.ID); got.Source.TariffEndDate != nil {
		t.Fatalf("ended -> activeday: end %v, want none", got.Source.TariffEndDate)
	}
}

func TestTrackerTariffChangeErrors(t *testing.T) {
	f := newTrackerFixture(t)
	live := func(extra func(Tracker) bool) func(Tracker) bool {
		return func(x Tracker) bool {
			return !x.Clone && !x.Deleted && !x.Source.Corrupted && x.Source.TariffID != planFreeTrialForTest && extra(x)
		}
	}
	onStandard := f.find(t, "a tracker on Standard", live(func(x Tracker) bool { return x.Source.TariffID == planStandard }))
	camera := f.find(t, "a dashcam", live(func(x Tracker) bool { return x.Source.TariffID == planVideo }))
	big := f.find(t, "a tracker whose owner has more than 3 trackers", live(func(x Tracker) bool { return f.trackersCount(t, x.UserID) > 3 }))
	deleted := f.find(t, "a deleted original", func(x Tracker) bool { return !x.Clone && x.Deleted && !x.Source.Corrupted })
	corrupted := f.corrupted(t)
	unknownPlan := f.find(t, "a tracker to put on an unknown plan", live(func(x Tracker) bool { return x.ID != onStandard.ID && x.ID != big.ID && x.ID != camera.ID }))
	f.withStore(func(st *Store) { st.trackerLocked(unknownPlan.ID).Source.TariffID = 999 })

	body := func(id, plan int) string {
		return `{"tracker_id":` + strconv.Itoa(id) + `,"tariff_id":` + strconv.Itoa(plan) + `,"repay":true,"charge":true}`
	}
	for _, tc := range []struct {
		name         string
		body         string
		code, status int
	}{
		{"unknown tracker", body(99999, planPremium), codeNotFound, 400},
		{"clone", body(11, planPremium), codeNotAllowedForClones, 403},
		{"deleted", body(deleted.ID, planPremium), codeTrackerDeleted, 403},
		{"corrupted", body(corrupted.ID, planPremium), codeDeviceCorrupted, 400},
		{"current plan unknown", body(unknownPlan.ID, planPremium), codeTariffInvalid, 400},
		{"new plan missing", body(onStandard.ID, 999), codeTariffNewMissing, 404},
		{"same plan", body(onStandard.ID, planStandard), codeTariffChangeNotAllowed, 403},
		{"camera plan for a tracker", body(onStandard.ID, planVideoPro), codeTariffChangeNotAllowed, 403},
		{"socket plan for a tracker", body(onStandard.ID, planFreeTrialForTest-1), codeTariffChangeNotAllowed, 403},
		{"tracker plan for a camera", body(camera.ID, planPremium), codeTariffChangeNotAllowed, 403},
		{"device limit", body(big.ID, planFreeTrialForTest), codeTrackerLimitExceeded, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, f.call(t, f.admin, "tracker/tariff/change", tc.body), tc.code, tc.status)
		})
	}
	// A camera may move to another camera plan.
	f.ok(t, "tracker/tariff/change", "%s", body(camera.ID, planVideoPro))
	wantParamError(t, f.call(t, f.admin, "tracker/tariff/change", `{"tracker_id":1,"tariff_id":3,"repay":true}`), "charge")
	wantParamError(t, f.call(t, f.admin, "tracker/tariff/change", `{"tracker_id":1,"tariff_id":3,"charge":true}`), "repay")
	wantError(t, f.call(t, f.viewer, "tracker/tariff/change", body(onStandard.ID, planPremium)), codeNotPermitted, 403)
	// All three permissions are needed: trackers: update alone is not enough.
	f.s.AddAccount("updater", "updater", map[string][]string{"trackers": {"read", "update"}, "tariffs": {"read"}})
	wantError(t, f.call(t, login(t, f.s, "updater", "updater"), "tracker/tariff/change", body(onStandard.ID, planPremium)), codeNotPermitted, 403)
}

// Seeded plan ids the seed has no constant for: 12 Smart Socket, 13 Free
// trial (device_limit 3).
const planFreeTrialForTest = 13
