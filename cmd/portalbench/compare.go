package main

import (
	"context"
	"fmt"
	"time"
)

// compareBuilds measures two portal binaries side by side (-compare): the
// one under test (-portal-bin, or ./cmd/portal built) as A and the other
// as B, both child processes against the same emulator. Their full pages
// and partials take turns at 32 clients, so a change worth a few percent
// of the portal's CPU shows through a shared machine's drift, which moves
// two separate runs by more than that. It reports each build's requests
// per second and CPU per request, and B's CPU as a share of A's; it sets
// no budget.
func (b *bench) compareBuilds(ctx context.Context) {
	const n = throughputClientsHi
	other, err := startPortalChild(ctx, b.cfg.compare, b.tmp, b.small.URL)
	if err != nil {
		b.add(na("compare", "n/a ("+shortErr(err)+")", "report"))
		return
	}
	defer other.Close()
	builds := []struct {
		name string
		p    *portal
	}{{"A " + b.bin, b.main}, {"B " + b.cfg.compare, other}}

	var targets []func(context.Context, int) error
	var pids []int
	var names []string
	for _, htmx := range []bool{false, true} {
		for _, bd := range builds {
			staffs, err := b.signIn(ctx, bd.p, n)
			if err != nil {
				b.add(na("compare", "n/a ("+shortErr(err)+")", "report"))
				return
			}
			targets = append(targets, func(ctx context.Context, i int) error {
				return expect200(staffs[i].fetch(ctx, listPath, htmx))
			})
			pids = append(pids, bd.p.PID)
			names = append(names, fmt.Sprintf("%s %s, %d clients, %s", listPath, pick(htmx, "htmx partial", "full page"), n, bd.name))
		}
	}
	b.log.printf("compare: %d targets at %d clients", len(targets), n)
	st := interleaved(ctx, n, 2*b.cfg.step, pids, targets...)
	for i, s := range st {
		value := fmt.Sprintf("%.0f req/s, portal CPU %s per request", s.RPS(), us(s.perRequest(s.PortalCPU)))
		if s.Errors > 0 {
			value += fmt.Sprintf(", %d errors (%v)", s.Errors, s.FirstErr)
		}
		if i%2 == 1 {
			a := st[i-1]
			value += fmt.Sprintf("; B/A: CPU %.3f, req/s %.3f", float64(s.perRequest(s.PortalCPU))/float64(max(a.perRequest(a.PortalCPU), time.Nanosecond)), s.RPS()/max(a.RPS(), 1e-9))
		}
		b.add(row{Figure: names[i], Value: value, Budget: "report", Verdict: pick(s.Errors == 0, info, fail)})
	}
}
