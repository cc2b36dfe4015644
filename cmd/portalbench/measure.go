package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// stats summarises one measurement: how many requests, how fast, how
// many failed and the first failure seen.
type stats struct {
	N        int
	Errors   int
	FirstErr error
	Elapsed  time.Duration
	lat      []time.Duration // sorted
	// BenchCPU and PortalCPU are the CPU time this process (the load
	// generator and the emulator) and the portal's process used while the
	// requests ran; PortalCPU is 0 when it is not known.
	BenchCPU, PortalCPU time.Duration
}

// perRequest is a CPU time shared over the successful requests.
func (s stats) perRequest(d time.Duration) time.Duration {
	if s.N == 0 {
		return 0
	}
	return d / time.Duration(s.N)
}

func (s stats) RPS() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.N) / s.Elapsed.Seconds()
}

// P returns the q-quantile (0 < q <= 1) of the successful requests'
// latency, nearest rank.
func (s stats) P(q float64) time.Duration {
	if len(s.lat) == 0 {
		return 0
	}
	i := int(float64(len(s.lat))*q+0.999999) - 1
	return s.lat[min(max(i, 0), len(s.lat)-1)]
}

// closedLoop runs `clients` workers, each sending its next request when the
// previous one has been answered and `think` has passed (a staff member
// reading the page; 0 for none), until dur has passed. With a think time
// the workers' first requests are spread evenly over it, as people do not
// all click at once. Requests in flight at the end finish (they are not
// failures); ctx cancels the lot.
func closedLoop(ctx context.Context, clients int, dur, think time.Duration, do func(ctx context.Context, client int) error) stats {
	var (
		mu  sync.Mutex
		all stats
		wg  sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(dur)
	for i := range clients {
		wg.Go(func() {
			var lat []time.Duration
			var errs int
			var first error
			if think > 0 {
				time.Sleep(think * time.Duration(i) / time.Duration(clients))
			}
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				err := do(ctx, i)
				if err != nil {
					errs++
					if first == nil {
						first = err
					}
				} else {
					lat = append(lat, time.Since(t0))
				}
				if think > 0 {
					time.Sleep(think)
				}
			}
			mu.Lock()
			all.lat = append(all.lat, lat...)
			all.N += len(lat)
			all.Errors += errs
			if all.FirstErr == nil {
				all.FirstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	all.Elapsed = time.Since(start)
	slices.Sort(all.lat)
	return all
}

// sequential times n runs of fn one after the other.
func sequential(ctx context.Context, n int, fn func(ctx context.Context) error) stats {
	return alternating(ctx, 0, n, fn)[0]
}

// alternating warms each of fns up warm times, then times n rounds in
// which each of them runs once, in turn. Figures compared as a ratio are
// taken this way so that both sides see the same moments of a shared,
// noisy machine, rather than one side its quiet second and the other its
// busy one.
func alternating(ctx context.Context, warm, n int, fns ...func(ctx context.Context) error) []stats {
	for range warm {
		for _, fn := range fns {
			_ = fn(ctx)
		}
	}
	out := make([]stats, len(fns))
	start := time.Now()
	for range n {
		if ctx.Err() != nil {
			break
		}
		for i, fn := range fns {
			t0 := time.Now()
			if err := fn(ctx); err != nil {
				out[i].Errors++
				if out[i].FirstErr == nil {
					out[i].FirstErr = err
				}
				continue
			}
			out[i].lat = append(out[i].lat, time.Since(t0))
			out[i].N++
		}
	}
	for i := range out {
		out[i].Elapsed = time.Since(start)
		slices.Sort(out[i].lat)
	}
	return out
}

// interleavedRounds is how many turns each target of a throughput
// comparison gets.
const interleavedRounds = 6

// interleaved measures targets at the same number of clients for dur each,
// in interleavedRounds turns of dur/interleavedRounds: direct, full page,
// partial, direct, full page, ... after a short warm-up of each. The
// machine is shared and its load drifts over seconds; taking turns puts
// every target through the same drift, so their ratio is not a comparison
// of a quiet moment with a busy one. Each turn also counts the CPU time
// this process and a portal's spend on it: pids[i] is the process of
// target i (0 when it is this one).
func interleaved(ctx context.Context, clients int, dur time.Duration, pids []int, targets ...func(context.Context, int) error) []stats {
	for _, do := range targets {
		closedLoop(ctx, clients, 300*time.Millisecond, 0, do)
	}
	portalCPU := func(i int) time.Duration {
		if i >= len(pids) || pids[i] == 0 {
			return 0
		}
		d, err := cpuOf(pids[i])
		if err != nil {
			return 0
		}
		return d
	}
	out := make([]stats, len(targets))
	for range interleavedRounds {
		for i, do := range targets {
			bench0, portal0 := selfCPU(), portalCPU(i)
			s := closedLoop(ctx, clients, dur/interleavedRounds, 0, do)
			out[i].BenchCPU += selfCPU() - bench0
			out[i].PortalCPU += portalCPU(i) - portal0
			out[i].lat = append(out[i].lat, s.lat...)
			out[i].N += s.N
			out[i].Errors += s.Errors
			out[i].Elapsed += s.Elapsed
			if out[i].FirstErr == nil {
				out[i].FirstErr = s.FirstErr
			}
		}
	}
	for i := range out {
		slices.Sort(out[i].lat)
	}
	return out
}

// verdict is a row's outcome.
type verdict int

const (
	pass verdict = iota
	fail
	info // a figure reported without a budget
)

func (v verdict) String() string {
	switch v {
	case pass:
		return "PASS"
	case fail:
		return "FAIL"
	}
	return "info"
}

// row is one line of the bench's table.
type row struct {
	Figure, Value, Budget string
	Verdict               verdict
}

func check(ok bool) verdict {
	if ok {
		return pass
	}
	return fail
}

// printTable writes the rows as one aligned table.
func printTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FIGURE\tVALUE\tBUDGET\tRESULT")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Figure, r.Value, r.Budget, r.Verdict)
	}
	_ = tw.Flush()
}

// ms formats a latency in milliseconds with a useful precision.
func ms(d time.Duration) string {
	f := float64(d) / float64(time.Millisecond)
	switch {
	case f < 10:
		return fmt.Sprintf("%.2f ms", f)
	case f < 100:
		return fmt.Sprintf("%.1f ms", f)
	}
	return fmt.Sprintf("%.0f ms", f)
}

// kb formats a byte count in kilobytes (1 KB = 1000 bytes, the stricter
// reading of the budgets).
func kb(n int64) string { return fmt.Sprintf("%.1f KB", float64(n)/1000) }

// mb formats a byte count in megabytes (1 MB = 2^20 bytes, as the kernel
// and Go's runtime count memory).
func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

// shortErr keeps an error on one table line.
func shortErr(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 110 {
		s = s[:107] + "..."
	}
	return s
}
