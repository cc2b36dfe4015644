package panelsim

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestUserChangeBalance(t *testing.T) {
	clock := newFakeClock()
	s := New(smallSeed, WithClock(clock.Now))
	tech := login(t, s, "tech", "tech")
	change := func(body string) result { return userCall(t, s, tech, "user/transaction/change_balance", body) }
	const id = 12
	before := storeUser(t, s, id)
	history := len(s.Store().Transactions(id))

	// Top-up of the balance, then a bonus, then a withdrawal to exactly zero.
	wantUserOK(t, change(fmt.Sprintf(`{"user_id":%d,"amount":2.05,"type":"balance","text":"additional payment"}`, id)))
	clock.Advance(time.Minute)
	wantUserOK(t, change(fmt.Sprintf(`{"user_id":%d,"amount":"10.5","type":"bonus","text":"loyalty bonus"}`, id)))
	u := storeUser(t, s, id)
	wantBalance := round4(before.Balance + 2.05)
	if u.Balance != wantBalance || u.Bonus != round4(before.Bonus+10.5) {
		t.Fatalf("balance %v bonus %v, want %v %v", u.Balance, u.Bonus, wantBalance, before.Bonus+10.5)
	}
	clock.Advance(time.Minute)
	wantUserOK(t, change(fmt.Sprintf(`{"user_id":%d,"amount":%v,"type":"balance","text":"refund all"}`, id, -wantBalance)))
	if u := storeUser(t, s, id); u.Balance != 0 {
		t.Fatalf("balance after withdrawing everything: %v", u.Balance)
	}

	// The ledger shows the three, as the markdown describes them.
	ledger := s.Store().Transactions(id)
	if len(ledger) != history+3 {
		t.Fatalf("%d transactions, want %d", len(ledger), history+3)
	}
	top, bonus, out := ledger[history], ledger[history+1], ledger[history+2]
	if top.Type != "payment" || top.Subtype != "partner" || top.Description != "additional payment" || top.Amount != 2.05 ||
		top.OldBalance != before.Balance || top.NewBalance != wantBalance || top.BonusAmount != 0 ||
		top.UserID != id || top.DealerID != dealerID || top.TrackerID != 0 || !top.Timestamp.Equal(clock.Now().Add(-2*time.Minute)) {
		t.Errorf("balance transaction: %+v", top)
	}
	if bonus.BonusAmount != 10.5 || bonus.Amount != 0 || bonus.NewBonus != round4(before.Bonus+10.5) || bonus.OldBalance != bonus.NewBalance {
		t.Errorf("bonus transaction: %+v", bonus)
	}
	if out.Amount != -wantBalance || out.NewBalance != 0 || top.ID == bonus.ID || bonus.ID == out.ID {
		t.Errorf("withdrawal: %+v", out)
	}

	// 251: balances never go negative, and nothing is recorded.
	wantError(t, change(fmt.Sprintf(`{"user_id":%d,"amount":-0.01,"type":"balance","text":"one cent too many"}`, id)),
		codeInsufficientFunds, http.StatusForbidden)
	wantError(t, change(fmt.Sprintf(`{"user_id":%d,"amount":%v,"type":"bonus","text":"too much bonus"}`, id, -round4(before.Bonus+10.51))),
		codeInsufficientFunds, http.StatusForbidden)
	if got := len(s.Store().Transactions(id)); got != history+3 {
		t.Errorf("a refused change was recorded (%d)", got)
	}
	if u := storeUser(t, s, id); u.Balance != 0 || u.Bonus != round4(before.Bonus+10.5) {
		t.Errorf("a refused change moved money: %v %v", u.Balance, u.Bonus)
	}

	// Validation and lookup.
	for _, tc := range []struct {
		body string
		want []string
	}{
		{`{}`, []string{"user_id", "amount", "type", "text"}},
		{`{"user_id":12,"amount":1.005,"type":"balance","text":"three decimals"}`, []string{"amount"}},
		{`{"user_id":12,"amount":"ten","type":"balance","text":"not a number"}`, []string{"amount"}},
		{`{"user_id":12,"amount":1e11,"type":"balance","text":"out of range"}`, []string{"amount"}},
		{`{"user_id":12,"amount":1,"type":"balance","text":"four"}`, []string{"text"}},
		{`{"user_id":12,"amount":1,"type":"balance","text":"    x   "}`, []string{"text"}},
		{`{"user_id":12,"amount":1,"type":"cash","text":"wrong type"}`, []string{"type"}},
	} {
		wantInvalid(t, change(tc.body), tc.want...)
	}
	wantError(t, change(`{"user_id":9999,"amount":1,"type":"balance","text":"nobody here"}`), codeNotFound, http.StatusBadRequest)
	wantError(t, userCall(t, s, login(t, s, "viewer", "viewer"), "user/transaction/change_balance",
		`{"user_id":12,"amount":1,"type":"balance","text":"viewer tries"}`), codeNotPermitted, http.StatusForbidden)
}

func TestUserTransactionList(t *testing.T) {
	clock := newFakeClock()
	s := New(smallSeed, WithClock(clock.Now))
	viewer := login(t, s, "viewer", "viewer")
	list := func(body string) result { return userCall(t, s, viewer, "user/transaction/list", body) }
	const id = 3
	ledger := s.Store().Transactions(id)
	if len(ledger) < 3 {
		t.Fatalf("user %d has %d seeded transactions", id, len(ledger))
	}

	// A window around the seeded history's last year.
	to := seedAnchor
	from := to.Add(-maxTransactionSpan)
	var want []Transaction
	for _, tr := range ledger {
		if !tr.Timestamp.Before(from) && !tr.Timestamp.After(to) {
			want = append(want, tr)
		}
	}
	res := list(fmt.Sprintf(`{"user_id":%d,"from":"%s","to":"%s"}`, id, from.Format(dateTimeLayout), to.Format(dateTimeLayout)))
	wantUserOK(t, res)
	got := res.obj["list"].([]any)
	if len(got) != len(want) {
		t.Fatalf("%d transactions in the window, want %d", len(got), len(want))
	}
	if len(got) > 0 {
		first := got[0].(map[string]any)
		for _, key := range []string{"id", "description", "type", "subtype", "timestamp", "user_id", "dealer_id", "tracker_id",
			"amount", "new_balance", "old_balance", "bonus_amount", "new_bonus", "old_bonus"} {
			if _, ok := first[key]; !ok {
				t.Errorf("transaction lacks %q: %v", key, first)
			}
		}
		if first["timestamp"] != want[0].Timestamp.String() {
			t.Errorf("first %v, want %v", first["timestamp"], want[0].Timestamp)
		}
	}

	// A new transaction shows at once; limit keeps the oldest ones.
	wantUserOK(t, userCall(t, s, login(t, s, "tech", "tech"), "user/transaction/change_balance",
		fmt.Sprintf(`{"user_id":%d,"amount":5,"type":"balance","text":"manual top-up"}`, id)))
	now := clock.Now()
	res = list(fmt.Sprintf(`{"user_id":%d,"from":"%s","to":"%s"}`, id, now.Add(-time.Hour).Format(dateTimeLayout), now.Add(time.Hour).Format(dateTimeLayout)))
	if got := res.obj["list"].([]any); len(got) != 1 || got[0].(map[string]any)["description"] != "manual top-up" {
		t.Errorf("new transaction: %s", res.body)
	}
	res = list(fmt.Sprintf(`{"user_id":%d,"from":"2020-01-01 00:00:00","to":"2020-12-31 00:00:00","limit":2}`, id))
	wantUserOK(t, res)
	if got := res.obj["list"].([]any); len(got) > 2 {
		t.Errorf("limit 2 gave %d", len(got))
	}
	// An empty window answers an empty list, not null.
	res = list(fmt.Sprintf(`{"user_id":%d,"from":"2001-01-01 00:00:00","to":"2001-02-01 00:00:00"}`, id))
	if string(res.body) != `{"success":true,"list":[]}` {
		t.Errorf("empty window: %s", res.body)
	}
	// The markdown's own example asks for a whole (leap) year: allowed.
	wantUserOK(t, list(`{"user_id":3,"from":"2020-02-03 03:04:00","to":"2021-02-03 03:04:00"}`))

	// Errors.
	wantError(t, list(`{"user_id":3,"from":"2020-02-03 03:04:00","to":"2021-02-04 03:04:01"}`), codeTimeSpanTooBig, http.StatusBadRequest)
	wantError(t, list(`{"user_id":3,"from":"2020-02-03 03:04:00","to":"2020-03-03 03:04:00","limit":20001}`), codeLimitTooBig, http.StatusBadRequest)
	wantError(t, list(`{"user_id":9999,"from":"2020-02-03 03:04:00","to":"2020-03-03 03:04:00"}`), codeNotFound, http.StatusBadRequest)
	wantInvalid(t, list(`{}`), "user_id", "from", "to")
	wantInvalid(t, list(`{"user_id":3,"from":"03.02.2020","to":"2020-03-03 03:04:00","limit":0}`), "from", "limit")
	wantInvalid(t, list(`{"user_id":3,"from":"2020-03-03 03:04:00","to":"2020-03-03 03:04:00"}`), "to")
	// A user without users: read... and a session without transactions: read.
	s.AddAccount("usersonly", "usersonly", map[string][]string{"users": {"read"}})
	wantError(t, userCall(t, s, login(t, s, "usersonly", "usersonly"), "user/transaction/list",
		`{"user_id":3,"from":"2020-02-03 03:04:00","to":"2020-03-03 03:04:00"}`), codeNotPermitted, http.StatusForbidden)
}
