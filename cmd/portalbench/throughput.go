package main

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// throughput compares the user list through the portal (full page and
// htmx partial) with the user/list call it wraps, made straight to the
// emulator, at 1 and at 32 concurrent staff members, each with their own
// session. The difference is what the portal itself costs: cookie decode,
// the extra hop, decoding the Panel's answer, rendering, gzip. The three
// take turns, so that they share the machine's moods alike.
func (b *bench) throughput(ctx context.Context) {
	const n = throughputClientsHi
	budgetLatency := fmt.Sprintf("p50 <= direct + %s", ms(budgetP50Overhead))
	budgetRPS := fmt.Sprintf(">= %.0f%% of direct req/s", budgetThroughput*100)
	failAll := func(reason string) {
		for _, c := range []int{1, n} {
			b.add(na(fmt.Sprintf("user/list direct, %d client(s)", c), reason, "baseline"))
			b.add(na(fmt.Sprintf("%s full page, %d client(s)", listPath, c), reason, pick(c == 1, budgetLatency, budgetRPS)))
			b.add(na(fmt.Sprintf("%s htmx partial, %d client(s)", listPath, c), reason, pick(c == 1, budgetLatency, budgetRPS)))
		}
	}

	// Direct: one Panel session per client, the body the portal's client
	// sends for page 1 of 50 rows.
	hashes := make([]string, n)
	for i := range hashes {
		h, err := b.api.auth(ctx, b.cfg.login, b.cfg.password)
		if err != nil {
			failAll("n/a (" + shortErr(err) + ")")
			return
		}
		hashes[i] = h
	}
	var probe listCount
	if err := b.api.call(ctx, hashes[0], "user/list", map[string]int{"limit": 50}, &probe); err != nil {
		failAll("n/a (" + shortErr(err) + ")")
		return
	}
	body := []byte(`{"limit":50}`)
	direct := func(ctx context.Context, i int) error {
		status, _, err := b.api.post(ctx, hashes[i], "user/list", body)
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("user/list: HTTP %d", status)
		}
		return err
	}

	// Through the portal: one staff session per client.
	staffs, err := b.signIn(ctx, b.main, n)
	if err != nil {
		failAll("n/a (" + shortErr(err) + ")")
		return
	}
	full := func(ctx context.Context, i int) error { return expect200(staffs[i].fetch(ctx, listPath, false)) }
	partial := func(ctx context.Context, i int) error { return expect200(staffs[i].fetch(ctx, listPath, true)) }
	fullProblem, partialProblem := b.probeList(ctx, staffs[0], false), b.probeList(ctx, staffs[0], true)

	for _, c := range []int{1, n} {
		b.log.printf("throughput: %d client(s)", c)
		// The direct call and the two pages take turns (see interleaved),
		// except a page whose probe failed, which is left out.
		targets := []func(context.Context, int) error{direct}
		kinds := []struct {
			name    string
			do      func(context.Context, int) error
			problem string
		}{{"full page", full, fullProblem}, {"htmx partial", partial, partialProblem}}
		for _, k := range kinds {
			if k.problem == "" {
				targets = append(targets, k.do)
			}
		}
		pids := []int{b.main.PID, b.main.PID, b.main.PID}
		st := interleaved(ctx, c, b.cfg.step, pids, targets...)
		d := st[0]
		b.add(row{
			Figure:  fmt.Sprintf("user/list direct (limit 50, %d rows), %d client(s)", len(probe.List), c),
			Value:   describe(d),
			Budget:  "baseline",
			Verdict: pick(d.Errors == 0, info, fail),
		})
		next := 1
		for _, kind := range kinds {
			figure := fmt.Sprintf("%s %s, %d client(s)", listPath, kind.name, c)
			budget := pick(c == 1, budgetLatency, budgetRPS)
			if kind.problem != "" {
				b.add(na(figure, kind.problem, budget))
				continue
			}
			p := st[next]
			next++
			if p.Errors > 0 || p.N == 0 {
				b.add(na(figure, fmt.Sprintf("%d errors, first: %v", p.Errors, p.FirstErr), budget))
				continue
			}
			overhead := p.P(0.5) - d.P(0.5)
			share := p.RPS() / d.RPS()
			value := fmt.Sprintf("%s; p50 +%s, x%.1f direct; req/s %.0f%% of direct", describe(p), ms(overhead), ratio(p.P(0.5), d.P(0.5)), share*100)
			ok := overhead <= budgetP50Overhead
			if c != 1 {
				ok = share >= budgetThroughput
			}
			b.add(row{Figure: figure, Value: value, Budget: budget, Verdict: check(ok && d.Errors == 0)})
			if c != 1 && p.PortalCPU > 0 {
				b.add(row{Figure: fmt.Sprintf("CPU per %s, %d clients", kind.name, c), Value: cpuSplit(d, p), Budget: "report", Verdict: info})
			}
		}
	}
}

// cpuSplit says where the CPU time of a page goes, next to the direct
// call's: on two shared cores the throughput ratio is close to the ratio
// of CPU per request, so this is what the 32-client budget comes down to.
func cpuSplit(direct, page stats) string {
	d, pb, pp := direct.perRequest(direct.BenchCPU), page.perRequest(page.BenchCPU), page.perRequest(page.PortalCPU)
	return fmt.Sprintf("portal %s + load generator and emulator %s, against %s for the direct call (%.0f%%)",
		us(pp), us(pb), us(d), 100*float64(d)/float64(pp+pb))
}

// us formats a duration in microseconds.
func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond)) }

// probeList loads the 50-row list once and says what is wrong with it.
func (b *bench) probeList(ctx context.Context, s *staff, htmx bool) string {
	pg, err := s.get(ctx, listPath, htmx)
	if why := b.problem(b.main, pg, err); why != "" {
		return why
	}
	if rows := len(userIDs(pg.Body)); rows != 50 {
		return fmt.Sprintf("n/a (%d user rows on the page, want 50)", rows)
	}
	return ""
}

func expect200(status, _ int, err error) error {
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("HTTP %d", status)
	}
	return err
}

func describe(s stats) string {
	v := fmt.Sprintf("%.0f req/s, p50 %s, p99 %s", s.RPS(), ms(s.P(0.5)), ms(s.P(0.99)))
	if s.Errors > 0 {
		v += fmt.Sprintf(", %d errors (%v)", s.Errors, s.FirstErr)
	}
	return v
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}
