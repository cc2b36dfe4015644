package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// sessionsMemory measures the portal's resident memory while 500 staff
// members, each with their own session, browse at once: the dashboard, the
// 50-row list, its htmx next page and a user's card. The budget applies to
// the hardest case, every session with a request in flight all the time.
// The same crowd reading each page for 5 s (100 pages a second offered) is
// shown for comparison: in-flight requests, not signed-in sessions, are
// what holds memory (a session is a cookie; the portal keeps nothing per
// session).
func (b *bench) sessionsMemory(ctx context.Context) {
	n := b.cfg.browsers500
	b.add(b.browseMemory(ctx, fmt.Sprintf("portal RSS, %d sessions browsing, no pause", n), "<= "+mb(budgetRSS), 0))
	if ctx.Err() == nil {
		r := b.browseMemory(ctx, fmt.Sprintf("portal RSS, %d sessions browsing, 5 s on each page", n), "report", 5*time.Second)
		if r.Verdict == pass {
			r.Verdict = info
		}
		b.add(r)
	}
}

// browseMemory runs one crowd against a fresh child portal (so its peak,
// VmHWM, is this crowd's alone) and reports the peak RSS.
func (b *bench) browseMemory(ctx context.Context, figure, budget string, think time.Duration) row {
	n := b.cfg.browsers500
	hasBudget := think == 0
	p, err := b.startChild(ctx, b.small)
	if err != nil {
		return na(figure, "n/a ("+shortErr(err)+")", budget)
	}
	defer p.Close()
	idle, _, err := memOf(p.PID)
	if err != nil {
		return na(figure, "n/a ("+shortErr(err)+")", budget)
	}

	b.log.printf("memory: signing %d sessions in", n)
	staffs, err := b.signIn(ctx, p, n)
	if err != nil {
		return na(figure, "n/a ("+shortErr(err)+")", budget)
	}
	// The pages each session cycles through; a page the portal does not
	// have yet is left out and named.
	type target struct {
		path string
		htmx bool
	}
	var pages []target
	var missing []string
	candidates := []target{{"/", false}, {listPath, false}, {listPath + "&page=2", true}}
	var ids []int
	for _, t := range candidates {
		pg, err := staffs[0].get(ctx, t.path, t.htmx)
		if why := b.problem(p, pg, err); why != "" {
			missing = append(missing, t.path+" "+why)
			continue
		}
		pages = append(pages, t)
		if t.path == listPath {
			ids = userIDs(pg.Body)
		}
	}
	if len(ids) > 0 {
		card := "/users/" + strconv.Itoa(ids[0])
		pg, err := staffs[0].get(ctx, card, false)
		if why := b.problem(p, pg, err); why != "" {
			missing = append(missing, "/users/{id} "+why)
		} else {
			pages = append(pages, target{card, false})
		}
	}
	if len(pages) == 0 {
		return na(figure, "n/a (no page to browse: "+strings.Join(missing, ", ")+")", budget)
	}

	// Sample the RSS while everyone browses; VmHWM catches peaks between
	// samples.
	stopSampling := sampleRSS(p.PID, 20*time.Millisecond, 0)
	b.log.printf("memory: %d sessions browsing %d pages, pause %s", n, len(pages), think)
	next := make([]int, n)
	s := closedLoop(ctx, n, 4*time.Second+think, think, func(ctx context.Context, i int) error {
		t := pages[next[i]%len(pages)]
		next[i]++
		return expect200(staffs[i].fetch(ctx, t.path, t.htmx))
	})
	sampled := stopSampling()
	_, hwm, err := memOf(p.PID)
	if err != nil {
		return na(figure, "n/a ("+shortErr(err)+")", budget)
	}
	top := max(sampled, hwm)
	value := fmt.Sprintf("peak %s (idle %s); %d pages, %.0f req/s, p50 %s, p99 %s", mb(top), mb(idle), s.N, s.RPS(), ms(s.P(0.5)), ms(s.P(0.99)))
	if len(missing) > 0 {
		value += "; not browsed: " + strings.Join(missing, ", ")
	}
	ok := !hasBudget || top <= budgetRSS
	if s.Errors > 0 {
		value += fmt.Sprintf("; %d errors, first: %v", s.Errors, s.FirstErr)
		ok = false
	}
	return row{Figure: figure, Value: value, Budget: budget, Verdict: check(ok)}
}

// sampleRSS watches a process's resident memory every interval until the
// returned function is called, which gives the highest value seen (from
// at least floor).
func sampleRSS(pid int, every time.Duration, floor int64) (stop func() int64) {
	var peak atomic.Int64
	peak.Store(floor)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if rss, _, err := memOf(pid); err == nil && rss > peak.Load() {
					peak.Store(rss)
				}
			}
		}
	})
	return func() int64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}
