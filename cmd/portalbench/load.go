package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/navixy-portal/portal/panelclient/panelsim"
)

// The kinds of request a browsing staff member makes in the load run, in
// the order they are reported.
var loadKinds = []string{"login", "list", "search", "detail"}

// reloginEvery is how many list-search-detail rounds a session does before
// it signs in again, so logins stay part of the mix.
const reloginEvery = 10

// loadTally is what one session saw, per kind of request.
type loadTally struct {
	lat    map[string][]time.Duration
	errors map[string]int
	sample map[string]string // the first error of each kind
}

func newLoadTally() *loadTally {
	return &loadTally{lat: map[string][]time.Duration{}, errors: map[string]int{}, sample: map[string]string{}}
}

// timed runs one request of a kind and notes its latency or its failure.
func (t *loadTally) timed(kind string, fn func() error) error {
	start := time.Now()
	err := fn()
	if err != nil {
		t.errors[kind]++
		if t.sample[kind] == "" {
			t.sample[kind] = shortErr(err)
		}
		return err
	}
	t.lat[kind] = append(t.lat[kind], time.Since(start))
	return nil
}

func (t *loadTally) merge(o *loadTally) {
	for k, v := range o.lat {
		t.lat[k] = append(t.lat[k], v...)
	}
	for k, v := range o.errors {
		t.errors[k] += v
	}
	for k, v := range o.sample {
		if t.sample[k] == "" {
			t.sample[k] = v
		}
	}
}

// runLoad is `make load`: -sessions staff members sign in and browse (list,
// search, open a user from the list) for -duration against an emulator
// and a portal in this process. Any failed request fails the run.
func runLoad(ctx context.Context, cfg config) (int, error) {
	up, err := startUpstream(panelsim.SeedConfig{})
	if err != nil {
		return 2, err
	}
	defer up.Close()
	p, err := startPortalInProcess(up.URL)
	if err != nil {
		return 2, err
	}
	defer p.Close()
	tr := newTransport(cfg.sessions)
	defer tr.CloseIdleConnections()

	searchPath := "/users?q=" + url.QueryEscape(cfg.query)
	total := newLoadTally()
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(cfg.duration)
	for i := range cfg.sessions {
		wg.Go(func() {
			t := newLoadTally()
			defer func() { mu.Lock(); total.merge(t); mu.Unlock() }()
			rng := rand.New(rand.NewPCG(uint64(i), 0x10ad))
			var st *staff
			// Each round is one bounded list-search-detail walk; the
			// session stops at the first round that would start after the
			// deadline.
			for round := 0; time.Now().Before(deadline) && ctx.Err() == nil; round++ {
				if st == nil || round%reloginEvery == 0 {
					st = newStaff(p.URL, tr)
					if t.timed("login", func() error { return st.login(ctx, cfg.login, cfg.password) }) != nil {
						st = nil
						continue
					}
				}
				var ids []int
				_ = t.timed("list", func() error {
					pg, err := st.get(ctx, "/users", false)
					if err = pageOK(pg, err); err != nil {
						return err
					}
					if ids = userIDs(pg.Body); len(ids) == 0 {
						return fmt.Errorf("no user rows on /users")
					}
					return nil
				})
				_ = t.timed("search", func() error {
					pg, err := st.get(ctx, searchPath, false)
					return pageOK(pg, err)
				})
				if len(ids) == 0 {
					continue
				}
				id := ids[rng.IntN(len(ids))]
				_ = t.timed("detail", func() error {
					pg, err := st.get(ctx, "/users/"+strconv.Itoa(id), false)
					return pageOK(pg, err)
				})
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	fmt.Printf("portal load: %d staff sessions for %s (ran %.1fs) against an in-process emulator (%d users) and portal, on loopback\n",
		cfg.sessions, cfg.duration, elapsed.Seconds(), panelsim.DefaultUsers)
	fmt.Printf("%d CPUs, load average %s at the end\n\n", runtime.NumCPU(), loadAverage())
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "KIND\tREQUESTS\tERRORS\tP50\tP90\tP99\tMAX\t")
	var n, errs int
	code := 0
	for _, k := range loadKinds {
		lat := total.lat[k]
		slices.Sort(lat)
		s := stats{N: len(lat), Errors: total.errors[k], lat: lat}
		n += s.N + s.Errors
		errs += s.Errors
		maxLat := time.Duration(0)
		if len(lat) > 0 {
			maxLat = lat[len(lat)-1]
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t\n", k, s.N+s.Errors, s.Errors, ms(s.P(0.5)), ms(s.P(0.9)), ms(s.P(0.99)), ms(maxLat))
		if s.N == 0 {
			code = 1
		}
	}
	_ = tw.Flush()
	fmt.Printf("\ntotal: %d requests, %d errors, %.0f req/s\n", n, errs, float64(n)/elapsed.Seconds())
	for _, k := range loadKinds {
		if msg := total.sample[k]; msg != "" {
			fmt.Printf("first %s error: %s\n", k, msg)
		}
	}
	if errs > 0 {
		code = 1
	}
	if code != 0 {
		fmt.Printf("\nFAIL: %d of %d requests failed (must be 0), or a kind of request never succeeded.\n", errs, n)
		return code, nil
	}
	fmt.Println("\nPASS: no errors.")
	return 0, nil
}

// pageOK is nil for a page that answered 200.
func pageOK(pg *page, err error) error {
	switch {
	case err != nil:
		return err
	case pg.Status == http.StatusNotFound:
		return fmt.Errorf("HTTP 404 (route missing?)")
	case pg.Status != http.StatusOK:
		return fmt.Errorf("HTTP %d", pg.Status)
	}
	return nil
}
