// Command portalbench measures the portal against the Panel API it fronts,
// on loopback only, so a staff member's experience has numbers and budgets.
//
//	portalbench          every performance budget in one table (make bench)
//	portalbench -load    N staff sessions browsing for T seconds (make load)
//
// The bench starts the Panel API emulator (panelsim) inside this process
// and the portal as a child process built from ./cmd/portal, exactly as it
// is deployed, pointed at the emulator. It then measures, in the same run:
// the portal's user list against the bare user/list call it wraps; that
// pages with several Panel calls make them in parallel; the bytes a first
// visit and an htmx update cost; the portal's allocations per page and its
// memory under 500 sessions; and how the lists and the CSV export behave
// with 100,000 users. It prints one table and exits non-zero when a budget
// is missed.
//
// The load run signs N staff members in and has each of them list, search
// and open users for T seconds against an in-process emulator and portal;
// any failed request makes it exit non-zero.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
)

// config is what the command line chooses.
type config struct {
	load     bool
	sessions int
	duration time.Duration
	login    string
	password string
	query    string

	step        time.Duration
	search      string
	bigUsers    int
	bigTrackers int
	only        map[string]bool
	inProcess   bool
	timeout     time.Duration
	cpuProfile  string
	memProfile  string
	verbose     bool
	portalBin   string
	compare     string
	browsers500 int
}

// sections are the parts of the bench, in the order they run; -only picks
// some of them.
var sections = []string{"throughput", "parallel", "bytes", "allocs", "memory", "scale"}

func main() {
	var cfg config
	var only string
	flag.BoolVar(&cfg.load, "load", false, "run the load test (make load) instead of the bench")
	flag.IntVar(&cfg.sessions, "sessions", 20, "load: concurrent staff sessions")
	flag.DurationVar(&cfg.duration, "duration", 15*time.Second, "load: how long the sessions browse")
	flag.StringVar(&cfg.query, "q", "a", "load: the search term")
	flag.StringVar(&cfg.login, "login", "admin", "the staff login every session signs in with (an emulator account)")
	flag.StringVar(&cfg.password, "password", "admin", "its password")
	flag.DurationVar(&cfg.step, "step", 5*time.Second, "bench: how long each throughput measurement runs")
	flag.StringVar(&cfg.search, "search", "smith", "bench: the search term of the scale section")
	flag.IntVar(&cfg.bigUsers, "users", 100_000, "bench: users of the large data set")
	flag.IntVar(&cfg.bigTrackers, "trackers", 300_000, "bench: trackers of the large data set")
	flag.IntVar(&cfg.browsers500, "browsing-sessions", 500, "bench: concurrent sessions of the memory section")
	flag.StringVar(&only, "only", "", "bench: run only these sections, comma-separated ("+strings.Join(sections, ",")+")")
	flag.BoolVar(&cfg.inProcess, "inprocess", false, "bench: serve the measured portal inside this process (so -cpuprofile sees it); the memory figures always use a child process")
	flag.StringVar(&cfg.portalBin, "portal-bin", "", "bench: a portal binary to run instead of building ./cmd/portal")
	flag.StringVar(&cfg.compare, "compare", "", "bench: measure this portal binary side by side with the one under test (A/B) instead of the sections")
	flag.DurationVar(&cfg.timeout, "timeout", 170*time.Second, "give up on whatever still runs after this long")
	flag.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of this process to the file")
	flag.StringVar(&cfg.memProfile, "memprofile", "", "write a heap profile of this process to the file at the end")
	flag.BoolVar(&cfg.verbose, "v", false, "log progress to stderr")
	flag.Parse()
	timeoutSet := false
	flag.Visit(func(f *flag.Flag) { timeoutSet = timeoutSet || f.Name == "timeout" })
	if cfg.load && !timeoutSet {
		// The load run is as long as asked, plus time to sign in and stop.
		cfg.timeout = cfg.duration + time.Minute
	}
	if only != "" {
		cfg.only = map[string]bool{}
		for s := range strings.SplitSeq(only, ",") {
			cfg.only[strings.TrimSpace(s)] = true
		}
	}
	os.Exit(run(cfg))
}

func run(cfg config) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()

	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "portalbench:", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "portalbench:", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	if cfg.memProfile != "" {
		defer writeHeapProfile(cfg.memProfile)
	}

	var code int
	var err error
	if cfg.load {
		code, err = runLoad(ctx, cfg)
	} else {
		code, err = runBench(ctx, cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "portalbench:", err)
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			fmt.Fprintf(os.Stderr, "portalbench: stopped after -timeout %s\n", cfg.timeout)
		}
		return 2
	}
	return code
}

func writeHeapProfile(path string) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "portalbench:", err)
		return
	}
	defer f.Close()
	_ = pprof.Lookup("heap").WriteTo(f, 0)
}

// progress logs what the bench is doing when -v is set, so a slow step is
// easy to spot.
type progress bool

func (p progress) printf(format string, args ...any) {
	if p {
		fmt.Fprintf(os.Stderr, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05.000")}, args...)...)
	}
}
