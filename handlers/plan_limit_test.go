package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// limitUserAtLimit puts a seeded user exactly at its device limit through
// the Panel API, as a staff member would: a new tracker plan whose
// device_limit is the user's tracker count, and one of the user's
// trackers moved onto it (tracker/tariff/change allows a limit equal to
// the count, code 221 only below it). No seeded user sits at its limit.
func limitUserAtLimit(t *testing.T, env *portaltest.Env) (userID, count int, planName string) {
	t.Helper()
	ctx := context.Background()
	client, err := panelclient.New(env.SimURL)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := client.Auth(ctx, "admin", "admin")
	if err != nil {
		t.Fatal(err)
	}
	st := env.Sim.Store()
	byUser := map[int][]int{}
	var order []int
	for _, tr := range st.Trackers(0, st.TrackerCount()) {
		if tr.ID <= 12 || tr.Deleted {
			continue
		}
		if _, seen := byUser[tr.UserID]; !seen {
			order = append(order, tr.UserID)
		}
		if !tr.Clone && !tr.Source.Corrupted {
			if p, ok := st.Tariff(tr.Source.TariffID); ok && p.DeviceType == "tracker" {
				byUser[tr.UserID] = append(byUser[tr.UserID], tr.ID)
				continue
			}
		}
		byUser[tr.UserID] = append(byUser[tr.UserID], 0)
	}
	for _, uid := range order {
		u, _ := st.User(uid)
		if u.TrackersCount < 2 || u.DefaultTariffID != nil {
			continue
		}
		var pick int
		for _, id := range byUser[uid] {
			if id > 0 {
				pick = id
				break
			}
		}
		if pick == 0 {
			continue
		}
		planName = "Limit probe " + strconv.Itoa(uid)
		planID, err := client.CreateTariff(ctx, auth.Hash, panelclient.Plan{
			Name: planName, GroupID: 1, Active: true, Type: panelclient.PlanMonthly, Price: 1,
			DeviceLimit: u.TrackersCount, StorePeriod: "1m", DeviceType: panelclient.DeviceTracker,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := client.ChangeTrackerTariff(ctx, auth.Hash, panelclient.TariffChangeParams{TrackerID: pick, TariffID: planID}); err != nil {
			t.Fatalf("moving tracker %d onto the probe plan: %v", pick, err)
		}
		return uid, u.TrackersCount, planName
	}
	t.Fatal("no seeded user fits")
	return 0, 0, ""
}

// TestUserPageWarnsAtTheDeviceLimit: a user at the limit of the most
// restrictive of its plans gets the warning, with the limit, the count and
// the limiting plan; a user below it gets none.
func TestUserPageWarnsAtTheDeviceLimit(t *testing.T) {
	env := portaltest.New(t)
	uid, count, planName := limitUserAtLimit(t, env)
	b := admin(t, env)
	p := b.Get("/users/" + strconv.Itoa(uid))
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	sec := p.Doc.Find(`[data-testid="plan-limit"]`)
	if sec.Length() != 1 {
		t.Fatal("no device-limit section")
	}
	warn := sec.Find(`[data-testid="plan-limit-warning"]`)
	if warn.AttrOr("data-state", "") != "full" || !strings.Contains(warn.Text(), strconv.Itoa(count)) {
		t.Errorf("warning %q (%s), want the user at %d of %d", warn.Text(), warn.AttrOr("data-state", ""), count, count)
	}
	if got := strings.TrimSpace(sec.Find(`[data-testid="plan-limit-value"]`).Text()); got != strconv.Itoa(count) {
		t.Errorf("effective limit %q, want %d", got, count)
	}
	binding := sec.Find(`[data-testid="plan-limit-plan"]`).First()
	if !strings.Contains(binding.Text(), planName) || binding.Find(`[data-testid="plan-limit-binding"]`).Length() != 1 {
		t.Errorf("the limiting plan first and marked: %q", binding.Text())
	}
	if sec.Find(`[data-testid="plan-limit-plan"]`).Length() < 2 {
		t.Error("the user's other plan is not listed behind the limit")
	}

	// The Panel agrees: a plan below the count is refused (221).
	ctx := context.Background()
	client, _ := panelclient.New(env.SimURL)
	auth, _ := client.Auth(ctx, "admin", "admin")
	low, err := client.CreateTariff(ctx, auth.Hash, panelclient.Plan{Name: "Below " + planName, Type: panelclient.PlanMonthly, DeviceLimit: count - 1, StorePeriod: "1m", DeviceType: panelclient.DeviceTracker})
	if err != nil {
		t.Fatal(err)
	}
	list, _ := client.ListTrackers(ctx, auth.Hash, panelclient.TrackerListParams{UserID: uid})
	for _, tr := range list.List {
		if cur, ok := env.Sim.Store().Tariff(tr.Source.TariffID); ok && cur.DeviceType == "tracker" && !tr.Clone && !tr.Deleted && !tr.Source.Corrupted {
			if err := client.ChangeTrackerTariff(ctx, auth.Hash, panelclient.TariffChangeParams{TrackerID: tr.ID, TariffID: low}); panelclient.Code(err) != 221 && panelclient.Code(err) != 240 {
				t.Errorf("a plan below the count: %v, want code 221", err)
			}
			break
		}
	}

	// A user with room left sees the limit and no warning.
	p = b.Get("/users/25")
	if !p.Has(`[data-testid="plan-limit-value"]`) || p.Has(`[data-testid="plan-limit-warning"]`) {
		t.Error("user 25: want the limit without a warning")
	}
}

// TestUserPagePlanLimitNeedsPlansAndTrackers: the insight reads plans and
// trackers, so it shows only with tariffs: read and trackers: read; a
// failing plan list is the section's own notice.
func TestUserPagePlanLimitNeedsPlansAndTrackers(t *testing.T) {
	env := portaltest.New(t)
	for _, tc := range []struct {
		login string
		perms map[string][]string
		shown bool
	}{
		{"viewer", nil, true},
		{"users-trackers", map[string][]string{"users": {"read"}, "trackers": {"read"}}, false},
		{"users-plans", map[string][]string{"users": {"read"}, "tariffs": {"read"}}, false},
	} {
		b := searchAs(t, env, tc.login, tc.perms)
		env.Sim.ResetCalls()
		p := b.Get("/users/25")
		if p.Status != http.StatusOK {
			t.Fatalf("%s: status %d", tc.login, p.Status)
		}
		if p.Has(`[data-testid="plan-limit"]`) != tc.shown {
			t.Errorf("%s: section shown %v, want %v", tc.login, !tc.shown, tc.shown)
		}
		if !tc.shown && env.Sim.Attempts("tariff/defaults/read") != 0 {
			t.Errorf("%s: read the plan defaults for a section it does not show", tc.login)
		}
	}

	b := admin(t, env)
	env.Sim.SetFault("tariff/list", panelsim.Fault{Code: 1})
	p := b.Get("/users/25")
	if p.Status != http.StatusOK || !p.Has(`[data-testid="plan-limit-error"]`) || !p.Has(`[data-testid="user-props"]`) {
		t.Errorf("a failing plan list: status %d; the card should show with the section's notice", p.Status)
	}
}
