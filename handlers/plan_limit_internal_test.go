package handlers

import (
	"slices"
	"testing"

	"github.com/navixy-portal/portal/panelclient"
)

func TestComputePlanLimit(t *testing.T) {
	plans := map[int]panelclient.Plan{
		1:  {ID: 1, Name: "A", DeviceLimit: 100, DeviceType: panelclient.DeviceTracker},
		2:  {ID: 2, Name: "B", DeviceLimit: 50, DeviceType: panelclient.DeviceTracker},
		3:  {ID: 3, Name: "Trial", DeviceLimit: 3, DeviceType: panelclient.DeviceTracker},
		4:  {ID: 4, Name: "Video", DeviceLimit: 0, DeviceType: panelclient.DeviceCamera},
		5:  {ID: 5, Name: "Socket", DeviceLimit: 0, DeviceType: panelclient.DeviceSocket},
		6:  {ID: 6, Name: "Also 50", DeviceLimit: 50, DeviceType: panelclient.DeviceTracker},
		7:  {ID: 7, Name: "Untyped", DeviceLimit: 20},
		10: {ID: 10, Name: "Dealer default", DeviceLimit: 5, DeviceType: panelclient.DeviceTracker},
	}
	tr := func(plan int, marks ...string) panelclient.Tracker {
		t := panelclient.Tracker{Source: panelclient.TrackerSource{TariffID: plan}}
		t.Deleted = slices.Contains(marks, "deleted")
		t.Clone = slices.Contains(marks, "clone")
		return t
	}
	type want struct {
		limited   bool
		limit     int
		binding   []int // plan IDs marked binding, in the order shown
		shown     []int // plan IDs considered, most restrictive first
		unknown   []int
		nextLimit int
		nextFails bool
		over      bool
	}
	cases := []struct {
		name string
		in   planLimitInput
		want want
	}{
		{"no trackers, no default: nothing limits",
			planLimitInput{},
			want{}},
		{"the qna example: 100 and 50 give 50",
			planLimitInput{Count: 10, Trackers: []panelclient.Tracker{tr(1), tr(1), tr(2)}},
			want{limited: true, limit: 50, binding: []int{2}, shown: []int{2, 1}, nextLimit: 50}},
		{"the user's default plan counts though no tracker is on it",
			planLimitInput{Count: 2, DefaultTariffID: 3, Trackers: []panelclient.Tracker{tr(1), tr(2)}},
			want{limited: true, limit: 3, binding: []int{3}, shown: []int{3, 2, 1}, nextLimit: 3}},
		{"at the limit: the next activation fails",
			planLimitInput{Count: 3, DefaultTariffID: 3, Trackers: []panelclient.Tracker{tr(3), tr(3), tr(3)}},
			want{limited: true, limit: 3, binding: []int{3}, shown: []int{3}, nextLimit: 3, nextFails: true}},
		{"over the limit",
			planLimitInput{Count: 4, Trackers: []panelclient.Tracker{tr(3), tr(1), tr(1), tr(1)}},
			want{limited: true, limit: 3, binding: []int{3}, shown: []int{3, 1}, nextLimit: 3, nextFails: true, over: true}},
		{"one below the limit: one activation left",
			planLimitInput{Count: 49, Trackers: []panelclient.Tracker{tr(2)}},
			want{limited: true, limit: 50, binding: []int{2}, shown: []int{2}, nextLimit: 50}},
		{"camera and socket plans do not limit",
			planLimitInput{Count: 3, Trackers: []panelclient.Tracker{tr(4), tr(5), tr(1)}},
			want{limited: true, limit: 100, binding: []int{1}, shown: []int{1}, nextLimit: 100}},
		{"only cameras: nothing limits",
			planLimitInput{Count: 1, Trackers: []panelclient.Tracker{tr(4)}},
			want{}},
		{"a plan without a device type counts as a tracker plan",
			planLimitInput{Count: 1, Trackers: []panelclient.Tracker{tr(7), tr(1)}},
			want{limited: true, limit: 20, binding: []int{7}, shown: []int{7, 1}, nextLimit: 20}},
		{"a deleted tracker's plan does not count",
			planLimitInput{Count: 1, Trackers: []panelclient.Tracker{tr(1), tr(3, "deleted")}},
			want{limited: true, limit: 100, binding: []int{1}, shown: []int{1}, nextLimit: 100}},
		{"a clone's plan counts: it is in the account",
			planLimitInput{Count: 2, Trackers: []panelclient.Tracker{tr(1), tr(2, "clone")}},
			want{limited: true, limit: 50, binding: []int{2}, shown: []int{2, 1}, nextLimit: 50}},
		{"two plans share the lowest limit: both bind",
			planLimitInput{Count: 2, Trackers: []panelclient.Tracker{tr(6), tr(2), tr(1)}},
			want{limited: true, limit: 50, binding: []int{2, 6}, shown: []int{2, 6, 1}, nextLimit: 50}},
		{"a plan the list lacks is reported, not weighed",
			planLimitInput{Count: 1, Trackers: []panelclient.Tracker{tr(1), tr(99)}},
			want{limited: true, limit: 100, binding: []int{1}, shown: []int{1}, unknown: []int{99}, nextLimit: 100}},
		{"no default of the user's own: the dealer's default lowers only the next activation",
			planLimitInput{Count: 5, DealerDefaultID: 10, Trackers: []panelclient.Tracker{tr(1)}},
			want{limited: true, limit: 100, binding: []int{1}, shown: []int{1}, nextLimit: 5, nextFails: true}},
		{"the user's own default wins over the dealer's",
			planLimitInput{Count: 5, DefaultTariffID: 1, DealerDefaultID: 10, Trackers: []panelclient.Tracker{tr(1)}},
			want{limited: true, limit: 100, binding: []int{1}, shown: []int{1}, nextLimit: 100}},
		{"no trackers, only a dealer default: the next activation meets it",
			planLimitInput{Count: 0, DealerDefaultID: 10},
			want{nextLimit: 5}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Plans = plans
			r := computePlanLimit(tc.in)
			var shown, binding []int
			for _, p := range r.Plans {
				shown = append(shown, p.ID)
				if p.Binding {
					binding = append(binding, p.ID)
				}
			}
			if r.Limited != tc.want.limited || r.Limit != tc.want.limit {
				t.Errorf("limit %v %d, want %v %d", r.Limited, r.Limit, tc.want.limited, tc.want.limit)
			}
			if !slices.Equal(shown, tc.want.shown) || !slices.Equal(binding, tc.want.binding) {
				t.Errorf("plans %v binding %v, want %v binding %v", shown, binding, tc.want.shown, tc.want.binding)
			}
			if !slices.Equal(r.Unknown, tc.want.unknown) {
				t.Errorf("unknown %v, want %v", r.Unknown, tc.want.unknown)
			}
			if r.NextLimit != tc.want.nextLimit || r.NextFails() != tc.want.nextFails || r.Over() != tc.want.over {
				t.Errorf("next limit %d fails %v over %v, want %d %v %v", r.NextLimit, r.NextFails(), r.Over(), tc.want.nextLimit, tc.want.nextFails, tc.want.over)
			}
			if r.Count != tc.in.Count {
				t.Errorf("count %d, want %d", r.Count, tc.in.Count)
			}
		})
	}
}

func TestComputePlanLimitCountsTrackersPerPlan(t *testing.T) {
	plans := map[int]panelclient.Plan{1: {ID: 1, DeviceLimit: 10}, 2: {ID: 2, DeviceLimit: 20}}
	r := computePlanLimit(planLimitInput{
		Count:           3,
		DefaultTariffID: 2,
		Plans:           plans,
		Trackers: []panelclient.Tracker{
			{Source: panelclient.TrackerSource{TariffID: 1}},
			{Source: panelclient.TrackerSource{TariffID: 1}},
			{Source: panelclient.TrackerSource{TariffID: 1}, Deleted: true},
			{Source: panelclient.TrackerSource{TariffID: 2}},
		},
	})
	if len(r.Plans) != 2 || r.Plans[0].Trackers != 2 || r.Plans[1].Trackers != 1 || !r.Plans[1].Default || r.Plans[0].Default {
		t.Errorf("plans %+v", r.Plans)
	}
	if r.Remaining() != 7 {
		t.Errorf("remaining %d, want 7", r.Remaining())
	}
}
