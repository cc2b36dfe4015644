package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// parallel checks that pages which need several Panel calls make the
// independent ones at the same time. With the emulator answering every
// call 50 ms late, a page should take about as long as its slowest call,
// not the sum of them. The calls a page makes are recorded as the emulator
// sees them, each is replayed alone to find the slowest, and the calls are
// grouped into rounds (a call that starts only after another has ended is
// in a later round), which names what runs one after the other.
//
// A page may name fragments it loads as soon as it is shown (htmx,
// hx-trigger="load"): what needs an answer of the page's own calls first.
// The budget is the page's; the page with its fragments, fetched in
// parallel as a browser does, is reported beside it.
func (b *bench) parallel(ctx context.Context) {
	budget := fmt.Sprintf("<= %.1fx slowest call", budgetParallel)
	st := newStaff(b.main.URL, b.tr)
	if err := st.login(ctx, b.cfg.login, b.cfg.password); err != nil {
		b.add(na("dashboard / at 50 ms per Panel call", "n/a ("+shortErr(err)+")", budget))
		b.add(na("tracker page /trackers/{id} at 50 ms per Panel call", "n/a ("+shortErr(err)+")", budget))
		b.add(row{Figure: "tracker page /trackers/{id} with its fragments at 50 ms per Panel call", Value: "n/a (" + shortErr(err) + ")", Budget: "report", Verdict: info})
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
		b.add(b.pageWithFragments(ctx, st, "tracker page /trackers/"+id+" with its fragments at 50 ms per Panel call", "/trackers/"+id))
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

	slowest, slowestAction, err := b.slowestCall(ctx, calls)
	if err != nil {
		return na(figure, "n/a ("+err.Error()+")", budget)
	}
	page := pageStats.P(0.5)
	x := ratio(page, slowest)
	value := fmt.Sprintf("%s = %.2fx slowest call (%s, %s); %d call(s) in %d round(s): %s",
		ms(page), x, slowestAction, ms(slowest), len(calls), len(rounds(calls)), describeRounds(calls))
	return row{Figure: figure, Value: value, Budget: budget, Verdict: check(x <= budgetParallel)}
}

// slowestCall replays each call alone five times and returns the slowest
// median.
func (b *bench) slowestCall(ctx context.Context, calls []upstreamCall) (time.Duration, string, error) {
	var slowest time.Duration
	var slowestAction string
	for _, c := range calls {
		var lat []time.Duration
		for range 5 {
			d, err := b.api.replay(ctx, c)
			if err != nil {
				return 0, "", fmt.Errorf("replaying %s: %s", c.Action, shortErr(err))
			}
			lat = append(lat, d)
		}
		slices.Sort(lat)
		if lat[2] > slowest {
			slowest, slowestAction = lat[2], c.Action
		}
	}
	return slowest, slowestAction, nil
}

// pageWithFragments times a page together with the fragments it names:
// from the page request until every fragment has answered, the fragments
// fetched in parallel (as htmx requests) as soon as the page has arrived.
// It is reported, not budgeted: the page's own row carries the budget.
func (b *bench) pageWithFragments(ctx context.Context, st *staff, figure, path string) row {
	const budget = "report"
	var named []string
	load := func(ctx context.Context) error {
		pg, err := st.get(ctx, path, false)
		if why := b.problem(b.main, pg, err); why != "" {
			return errors.New(why)
		}
		frags, err := loadFragments(pg.Body)
		if err != nil {
			return err
		}
		named = frags
		errs := make([]error, len(frags))
		var wg sync.WaitGroup
		for i, f := range frags {
			wg.Go(func() { errs[i] = b.fragment(ctx, st, f) })
		}
		wg.Wait()
		return errors.Join(errs...)
	}
	if err := load(ctx); err != nil {
		return row{Figure: figure, Value: "n/a (" + shortErr(err) + ")", Budget: budget, Verdict: info}
	}
	if len(named) == 0 {
		return row{Figure: figure, Value: "n/a (the page names no fragment)", Budget: budget, Verdict: info}
	}
	calls, err := b.small.rec.record(func() error { return load(ctx) })
	if err != nil {
		return row{Figure: figure, Value: "n/a (" + shortErr(err) + ")", Budget: budget, Verdict: info}
	}
	runs := sequential(ctx, 7, load)
	if runs.N == 0 {
		return row{Figure: figure, Value: fmt.Sprintf("n/a (%v)", runs.FirstErr), Budget: budget, Verdict: info}
	}
	slowest, slowestAction, err := b.slowestCall(ctx, calls)
	if err != nil {
		return row{Figure: figure, Value: "n/a (" + err.Error() + ")", Budget: budget, Verdict: info}
	}
	total := runs.P(0.5)
	value := fmt.Sprintf("%s = %.2fx slowest call (%s, %s); page + %d fragment(s): %s; %d call(s) in %d round(s): %s",
		ms(total), ratio(total, slowest), slowestAction, ms(slowest), len(named), fragmentNames(named), len(calls), len(rounds(calls)), describeRounds(calls))
	return row{Figure: figure, Value: value, Budget: budget, Verdict: info}
}

// fragment loads one fragment as htmx does. A fragment that answers with
// the notice of a failed call (one shows the request id) counts as failed.
func (b *bench) fragment(ctx context.Context, st *staff, path string) error {
	pg, err := st.get(ctx, path, true)
	if why := b.problem(b.main, pg, err); why != "" {
		return fmt.Errorf("%s: %s", path, why)
	}
	if bytes.Contains(pg.Body, []byte(`data-testid="request-id"`)) {
		return fmt.Errorf("%s: answered with a failure notice", path)
	}
	return nil
}

// loadFragments are the addresses a page loads as soon as it is shown:
// the hx-get of each element whose hx-trigger includes "load".
func loadFragments(html []byte) ([]string, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(html))
	if err != nil {
		return nil, err
	}
	var out []string
	doc.Find("[hx-get][hx-trigger]").Each(func(_ int, s *goquery.Selection) {
		for _, trig := range strings.Split(s.AttrOr("hx-trigger", ""), ",") {
			if f := strings.Fields(trig); len(f) > 0 && f[0] == "load" {
				out = append(out, s.AttrOr("hx-get", ""))
				return
			}
		}
	})
	return out, nil
}

// fragmentNames shortens fragment addresses to their last path element:
// "/trackers/1/owner?user_id=1" is "owner".
func fragmentNames(paths []string) string {
	var names []string
	for _, p := range paths {
		p, _, _ = strings.Cut(p, "?")
		names = append(names, p[strings.LastIndex(p, "/")+1:])
	}
	return strings.Join(names, " + ")
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
