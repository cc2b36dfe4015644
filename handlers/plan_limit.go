package handlers

import (
	"cmp"
	"context"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// The device limit a user is held to.
//
// A plan's device_limit is "a maximum limit of devices per user" (the
// plan object), and it concerns trackers only ("not used for cameras and
// sockets"). A user whose devices are on several plans is held to the
// most restrictive of them: the platform takes the least-rights approach
// and applies the lowest device_limit to the whole account (admin guide,
// "Unable to add more devices": plan A allows 100, plan B 50, the
// effective limit is 50; "Pricing plans conflicts": with devices on plans
// allowing 100 and 30, the account shows only 30 devices). So:
//
//	effective limit = min(device_limit) over the tracker plans of
//	  - the user's trackers (each tracker's source.tariff_id; clones count,
//	    as they are in the user's account; deleted trackers do not, as
//	    trackers_count leaves them out), and
//	  - the user's default plan (default_tariff_id), the plan a new
//	    tracker of the user gets.
//
// The trackers counted against it are the user's trackers_count. The
// Panel refuses to put a tracker on a plan whose device_limit is below
// that count (tracker/tariff/change, code 221 "Device limit exceeded"), so
// a user may sit exactly at the limit, and the next activation (count + 1)
// is the one that fails: the portal warns once count >= limit.
//
// A new tracker gets the user's default plan, or the dealer's default
// tracker plan (tariff/defaults/read) when the user has none; that plan
// joins the user's plans as it activates, so its limit counts for the
// next activation too (it does not change the limit the user has now).
type planLimitInput struct {
	// Count is the user's trackers_count.
	Count int
	// DefaultTariffID is the user's default plan, 0 when none.
	DefaultTariffID int
	// DealerDefaultID is the dealer's default tracker plan, 0 when unknown.
	DealerDefaultID int
	// Trackers are all the user's trackers.
	Trackers []panelclient.Tracker
	// Plans are the dealer's plans by ID.
	Plans map[int]panelclient.Plan
}

// planLimitResult is the effective limit and the plans behind it.
type planLimitResult struct {
	// Limited is false when no tracker plan limits the user (no trackers
	// and no default plan, or only camera and socket plans).
	Limited bool
	// Limit is the effective device limit.
	Limit int
	Count int
	// Plans are the tracker plans considered, most restrictive first.
	Plans []planLimitPlan
	// Unknown are plan IDs the user's trackers or default name that the
	// plan list does not have; they cannot be weighed.
	Unknown []int
	// NextLimit is the limit the next activation meets: Limit, lowered by
	// the plan a new tracker gets. NextLimited is false when nothing
	// limits it.
	NextLimit   int
	NextLimited bool
	// NextPlanID is the plan a new tracker gets, 0 when unknown;
	// NextPlanDealer says it is the dealer's default.
	NextPlanID     int
	NextPlanDealer bool
}

// planLimitPlan is one plan behind the limit.
type planLimitPlan struct {
	ID, DeviceLimit int
	Name            string
	// Trackers is how many of the user's (non-deleted) trackers are on it.
	Trackers int
	// Default: the user's default plan.
	Default bool
	// Binding: its device_limit is the effective limit.
	Binding bool
}

// Remaining is how many more trackers the user may activate; negative
// when over the limit.
func (r planLimitResult) Remaining() int { return r.NextLimit - r.Count }

// NextFails says the next activation would exceed the limit.
func (r planLimitResult) NextFails() bool { return r.NextLimited && r.Count >= r.NextLimit }

// Over says the user already has more trackers than the limit allows.
func (r planLimitResult) Over() bool { return r.Limited && r.Count > r.Limit }

// computePlanLimit applies the rule above.
func computePlanLimit(in planLimitInput) planLimitResult {
	r := planLimitResult{Count: in.Count}
	onPlan := map[int]int{}
	for _, t := range in.Trackers {
		if !t.Deleted {
			onPlan[t.Source.TariffID]++
		}
	}
	ids := make([]int, 0, len(onPlan)+1)
	for id := range onPlan {
		ids = append(ids, id)
	}
	if in.DefaultTariffID > 0 && onPlan[in.DefaultTariffID] == 0 {
		ids = append(ids, in.DefaultTariffID)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if id <= 0 {
			continue
		}
		p, ok := in.Plans[id]
		if !ok {
			r.Unknown = append(r.Unknown, id)
			continue
		}
		if !limitsTrackers(p) {
			continue
		}
		r.Plans = append(r.Plans, planLimitPlan{ID: id, Name: p.Name, DeviceLimit: p.DeviceLimit, Trackers: onPlan[id], Default: id == in.DefaultTariffID})
		if !r.Limited || p.DeviceLimit < r.Limit {
			r.Limited, r.Limit = true, p.DeviceLimit
		}
	}
	slices.SortStableFunc(r.Plans, func(a, b planLimitPlan) int {
		return cmp.Or(cmp.Compare(a.DeviceLimit, b.DeviceLimit), cmp.Compare(a.ID, b.ID))
	})
	for i := range r.Plans {
		r.Plans[i].Binding = r.Plans[i].DeviceLimit == r.Limit
	}

	r.NextLimited, r.NextLimit = r.Limited, r.Limit
	r.NextPlanID = in.DefaultTariffID
	if r.NextPlanID <= 0 {
		r.NextPlanID, r.NextPlanDealer = in.DealerDefaultID, in.DealerDefaultID > 0
	}
	if p, ok := in.Plans[r.NextPlanID]; ok && limitsTrackers(p) && (!r.NextLimited || p.DeviceLimit < r.NextLimit) {
		r.NextLimited, r.NextLimit = true, p.DeviceLimit
	}
	return r
}

// limitsTrackers: device_limit is "not used for cameras and sockets".
func limitsTrackers(p panelclient.Plan) bool {
	return p.DeviceType == "" || p.DeviceType == panelclient.DeviceTracker
}

// planLimitAPI is what the plan-limit insight reads beyond the user card.
type planLimitAPI interface {
	ListTrackers(ctx context.Context, hash string, p panelclient.TrackerListParams) (*panelclient.TrackerList, error)
}

// planLimitPageSize is how many trackers each further tracker/list call
// reads when the card's first page does not hold all of a user's trackers.
const planLimitPageSize = 1000

// planLimitView works out the insight for a user's card from what the
// card already read in parallel: the user, the first page of the user's
// trackers, the dealer's plans and the plan defaults. A user with more
// trackers than the first page reads the rest first. A failure shows as
// the section's own notice; a session that ended is returned.
func planLimitView(c echo.Context, api planLimitAPI, d *panelclient.UserDetails, trackers *panelclient.TrackerList, trErr error, plans *panelclient.TariffList, plErr error, defaults *panelclient.TariffDefaultsSet) (*templates.PlanLimitView, error) {
	l := i18n.From(c.Request().Context())
	fail := func(err error) (*templates.PlanLimitView, error) {
		if panelclient.IsSessionEnded(err) {
			return nil, err
		}
		return &templates.PlanLimitView{Err: l.T("limit.failed", userUpstreamMessage(l, err))}, nil
	}
	if trErr != nil {
		return fail(trErr)
	}
	if plErr != nil {
		return fail(plErr)
	}
	all := trackers.List
	for len(all) < trackers.Count && len(all) < trackerExportMaxRows {
		page, err := api.ListTrackers(c.Request().Context(), session(c).Hash, panelclient.TrackerListParams{UserID: d.User.ID, Offset: len(all), Limit: planLimitPageSize})
		if err != nil {
			return fail(err)
		}
		if len(page.List) == 0 {
			break
		}
		all = append(all, page.List...)
	}
	in := planLimitInput{Count: d.User.TrackersCount, Trackers: all, Plans: make(map[int]panelclient.Plan, len(plans.List))}
	for _, p := range plans.List {
		in.Plans[p.ID] = p
	}
	if d.DefaultTariffID != nil {
		in.DefaultTariffID = *d.DefaultTariffID
	}
	if defaults != nil && defaults.Tracker != nil {
		in.DealerDefaultID = defaults.Tracker.TariffID
	}
	r := computePlanLimit(in)
	v := &templates.PlanLimitView{
		Limited: r.Limited, Limit: r.Limit, Count: r.Count,
		NextLimited: r.NextLimited, NextLimit: r.NextLimit, Remaining: r.Remaining(),
		NextFails: r.NextFails(), Over: r.Over(),
		NextPlanID: r.NextPlanID, NextPlanDealer: r.NextPlanDealer, Unknown: r.Unknown,
	}
	if p, ok := in.Plans[r.NextPlanID]; ok {
		v.NextPlanName = p.Name
	}
	for _, p := range r.Plans {
		v.Plans = append(v.Plans, templates.PlanLimitPlan{ID: p.ID, Name: p.Name, DeviceLimit: p.DeviceLimit, Trackers: p.Trackers, Default: p.Default, Binding: p.Binding})
	}
	return v, nil
}
