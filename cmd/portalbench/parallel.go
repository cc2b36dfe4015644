package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// parallel checks that pages which need several Panel calls make the
// independent ones at the same time. With the emulator answering every
// call 50 ms late, a page should take about as long as its slowest call,
// not the sum of them. The calls a page makes are recorded as the emulator
// sees them, each is replayed alone to find the slowest, and the calls are
// grouped into rounds (a call that starts only after another has ended is
// in a later round), which names what runs one after the other.
func (b *bench) parallel(ctx context.Context) {
	budget := fmt.Sprintf("<= %.1fx slowest call", budgetParallel)
	st := newStaff(b.main.URL, b.tr)
	if err := st.login(ctx, b.cfg.login, b.cfg.password); err != nil {
		b.add(na("dashboard / at 50 ms per Panel call", "n/a ("+shortErr(err)+")", budget))
		b.add(na("tracker page /trackers/{id} at 50 ms per Panel call", "n/a ("+shortErr(err)+")", budget))
		return
	}
	b.small.Sim.SetLatency(upstreamLatency)
	defer b.small.Sim.SetLatency(0)

	b.add(b.pageVsSlowestCall(ctx, st, "dashboard / at 50 ms per Panel call", "/", budget))

	figure := "tracker page /trackers/{id} at 50 ms per Panel call"
	hash, err := b.api.auth(ctx, b.cfg.login, b.cfg.password)
	var trackers listCount
	if err == nil {
		err = b.api.call(ctx, hash, "tracker/list", map[string]int{"limit": 1}, &trackers)
	}
	switch {
	case err != nil:
		b.add(na(figure, "n/a (no tracker id: "+shortErr(err)+")", budget))
	case len(trackers.List) == 0:
		b.add(na(figure, "n/a (the emulator lists no trackers)", budget))
	default:
		id := strconv.Itoa(trackers.List[0].ID)
		b.add(b.pageVsSlowestCall(ctx, st, strings.Replace(figure, "{id}", id, 1), "/trackers/"+id, budget))
	}
}

func (b *bench) pageVsSlowestCall(ctx context.Context, st *staff, figure, path, budget string) row {
	load := func(ctx context.Context) error {
		pg, err := st.get(ctx, path, false)
		if why := b.problem(b.main, pg, err); why != "" {
			return fmt.Errorf("%s", why)
		}
		return nil
	}
	if err := load(ctx); err != nil { // warm-up, and the route exists?
		return na(figure, err.Error(), budget)
	}
	calls, err := b.small.rec.record(func() error { return load(ctx) })
	if err != nil {
		return na(figure, err.Error(), budget)
	}
	if len(calls) == 0 {
		return na(figure, "n/a (the page made no Panel call)", budget)
	}
	pageStats := sequential(ctx, 7, load)
	if pageStats.N == 0 {
		return na(figure, fmt.Sprintf("n/a (%v)", pageStats.FirstErr), budget)
	}

	// The slowest call, each replayed alone five times (median).
	var slowest time.Duration
	var slowestAction string
	for _, c := range calls {
		var lat []time.Duration
		for range 5 {
			d, err := b.api.replay(ctx, c)
			if err != nil {
				return na(figure, "n/a (replaying "+c.Action+": "+shortErr(err)+")", budget)
			}
			lat = append(lat, d)
		}
		slices.Sort(lat)
		if lat[2] > slowest {
			slowest, slowestAction = lat[2], c.Action
		}
	}
	page := pageStats.P(0.5)
	x := ratio(page, slowest)
	value := fmt.Sprintf("%s = %.2fx slowest call (%s, %s); %d call(s) in %d round(s): %s",
		ms(page), x, slowestAction, ms(slowest), len(calls), len(rounds(calls)), describeRounds(calls))
	return row{Figure: figure, Value: value, Budget: budget, Verdict: check(x <= budgetParallel)}
}

// rounds groups calls by dependency depth: a call is in the round after
// the latest round of any call that had ended before it started.
func rounds(calls []upstreamCall) [][]upstreamCall {
	cs := slices.Clone(calls)
	slices.SortFunc(cs, func(a, b upstreamCall) int { return a.Start.Compare(b.Start) })
	depth := make([]int, len(cs))
	var out [][]upstreamCall
	for i, c := range cs {
		d := 0
		for j := range i {
			if !cs[j].End.After(c.Start) {
				d = max(d, depth[j]+1)
			}
		}
		depth[i] = d
		for len(out) <= d {
			out = append(out, nil)
		}
		out[d] = append(out[d], c)
	}
	return out
}

// describeRounds names the calls of each round: "a + b -> c".
func describeRounds(calls []upstreamCall) string {
	var parts []string
	for _, r := range rounds(calls) {
		var names []string
		for _, c := range r {
			names = append(names, c.Action)
		}
		parts = append(parts, strings.Join(names, " + "))
	}
	return strings.Join(parts, " -> ")
}
