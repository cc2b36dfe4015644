package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"time"

	"github.com/navixy-portal/portal/panelclient/panelsim"
)

// The budgets of issue 6.
const (
	budgetP50Overhead   = time.Millisecond // portal page p50 above the direct call
	budgetThroughput    = 0.5              // portal req/s as a share of direct, 32 clients
	budgetParallel      = 1.3              // page latency over its slowest Panel call
	budgetFirstLoad     = 60_000           // bytes, gzip: HTML + CSS + JS of /users
	budgetPartial       = 12_000           // bytes, gzip: the 50-row htmx partial
	budgetRSS           = 64 << 20         // bytes resident with 500 sessions browsing
	budgetScale         = 2.0              // 100k-user list latency over the small data set
	budgetExportGrowth  = 2.0              // RSS during the 100k-row export over idle
	upstreamLatency     = 50 * time.Millisecond
	throughputClientsHi = 32
	scaleWarmup         = 20  // untimed rounds before the scale comparisons
	scaleSamples        = 200 // timed rounds of each scale comparison
	listPath            = "/users?per_page=50"
)

// bench is one run of `make bench`: the emulator with the default data
// set, the portal in front of it, and the rows found so far.
type bench struct {
	cfg   config
	log   progress
	tmp   string
	bin   string // the portal binary, "" until built
	tr    *http.Transport
	small *upstream
	api   *panelAPI // straight to the small emulator
	main  *portal   // the portal measured against the small emulator
	rows  []row
}

func runBench(ctx context.Context, cfg config) (int, error) {
	if cfg.compare != "" && cfg.inProcess {
		return 2, fmt.Errorf("-compare measures both builds as child processes: drop -inprocess")
	}
	b := &bench{cfg: cfg, log: progress(cfg.verbose), tr: newTransport(cfg.browsers500)}
	defer b.tr.CloseIdleConnections()
	var err error
	if b.tmp, err = os.MkdirTemp("", "portalbench-"); err != nil {
		return 2, err
	}
	defer os.RemoveAll(b.tmp)

	if b.needChild() {
		if b.bin = cfg.portalBin; b.bin == "" {
			b.log.printf("building ./cmd/portal")
			if b.bin, err = buildPortal(ctx, b.tmp); err != nil {
				return 2, err
			}
		}
	}
	b.log.printf("starting the emulator (default data set)")
	if b.small, err = startUpstream(panelsim.SeedConfig{}); err != nil {
		return 2, err
	}
	defer b.small.Close()
	b.api = newPanelAPI(b.small.URL, b.tr)
	if b.needMain() {
		if b.main, err = b.startPortal(ctx, b.small); err != nil {
			return 2, err
		}
		defer b.main.Close()
	}

	steps := map[string]func(context.Context){
		"throughput": b.throughput,
		"parallel":   b.parallel,
		"bytes":      b.bytesOnTheWire,
		"allocs":     b.allocations,
		"memory":     b.sessionsMemory,
		"scale":      b.scale,
	}
	started, load := time.Now(), loadAverage()
	for _, name := range sections {
		if b.cfg.compare != "" || !b.runs(name) { // a comparison replaces the sections
			continue
		}
		if ctx.Err() != nil {
			b.add(row{Figure: name, Value: "n/a (run stopped: " + ctx.Err().Error() + ")", Budget: "-", Verdict: fail})
			continue
		}
		b.log.printf("section %s", name)
		steps[name](ctx)
	}
	if b.cfg.compare != "" {
		b.compareBuilds(ctx)
	}

	fmt.Printf("portal bench: %s, portal %s, emulator in-process, all on loopback\n",
		time.Now().Format("2006-01-02 15:04"), b.portalKind())
	fmt.Printf("measured in %.0fs on %d CPUs, load average %s at the start and %s at the end\n\n",
		time.Since(started).Seconds(), runtime.NumCPU(), load, loadAverage())
	printTable(os.Stdout, b.rows)
	failed := 0
	for _, r := range b.rows {
		if r.Verdict == fail {
			failed++
		}
	}
	if failed > 0 {
		fmt.Printf("\n%d budget(s) missed.\n", failed)
		return 1, nil
	}
	fmt.Println("\nEvery budget met.")
	return 0, nil
}

func (b *bench) runs(section string) bool { return b.cfg.only == nil || b.cfg.only[section] }

// needMain says whether any section to run measures the portal against
// the small data set (the allocation and memory sections start their own).
func (b *bench) needMain() bool {
	return b.cfg.compare != "" || b.runs("throughput") || b.runs("parallel") || b.runs("bytes") || b.runs("scale")
}

// needChild says whether any section to run needs the portal binary.
func (b *bench) needChild() bool {
	if b.cfg.compare != "" {
		return true
	}
	if b.runs("memory") || b.runs("scale") {
		return true
	}
	return !b.cfg.inProcess && (b.runs("throughput") || b.runs("parallel") || b.runs("bytes"))
}

func (b *bench) portalKind() string {
	switch {
	case b.cfg.inProcess:
		return "in-process (-inprocess)"
	case b.cfg.portalBin != "":
		return "child process " + b.cfg.portalBin
	}
	return "child process built from ./cmd/portal"
}

func (b *bench) add(r row) { b.rows = append(b.rows, r) }

// startPortal runs the measured portal against an emulator: the deployed
// binary as a child process, or in-process with -inprocess.
func (b *bench) startPortal(ctx context.Context, up *upstream) (*portal, error) {
	if b.cfg.inProcess {
		return startPortalInProcess(up.URL)
	}
	return b.startChild(ctx, up)
}

// startChild always runs the portal binary: memory is only measured there.
func (b *bench) startChild(ctx context.Context, up *upstream) (*portal, error) {
	if b.bin == "" {
		return nil, fmt.Errorf("no portal binary")
	}
	return startPortalChild(ctx, b.bin, b.tmp, up.URL)
}

// signIn opens n staff sessions on the portal, a few at a time.
func (b *bench) signIn(ctx context.Context, p *portal, n int) ([]*staff, error) {
	out := make([]*staff, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, 16)
	for i := range out {
		out[i] = newStaff(p.URL, b.tr)
		sem <- struct{}{}
		go func(s *staff) {
			defer func() { <-sem }()
			errs <- s.login(ctx, b.cfg.login, b.cfg.password)
		}(out[i])
	}
	var first error
	for range n {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		return nil, fmt.Errorf("staff login: %w", first)
	}
	return out, nil
}

// problem explains why a page cannot be measured, "" when it answered
// 200. A 404 is a route the portal does not have yet.
func (b *bench) problem(p *portal, pg *page, err error) string {
	if err != nil {
		return "n/a (" + shortErr(err) + ")"
	}
	switch {
	case pg.Status == http.StatusOK:
		return ""
	case pg.Status == http.StatusNotFound:
		return "n/a (route missing)"
	case pg.Status >= 300 && pg.Status < 400:
		return fmt.Sprintf("n/a (HTTP %d to %s)", pg.Status, pg.Header.Get("Location"))
	}
	why := ""
	if reason := logReason(p, pg.Header.Get("X-Request-Id")); reason != "" {
		why = ": " + reason
	}
	return fmt.Sprintf("n/a (HTTP %d%s)", pg.Status, why)
}

// logReason finds what the portal logged about a failed request: the
// Panel action and code, or the error. Only a child's log file is read.
func logReason(p *portal, requestID string) string {
	if p == nil || p.logs == "" || requestID == "" {
		return ""
	}
	f, err := os.Open(p.logs)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	reason := ""
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.Contains(line, []byte(requestID)) {
			continue
		}
		var rec map[string]any
		if json.Unmarshal(line, &rec) != nil || rec["msg"] == "request" {
			continue
		}
		switch {
		case rec["action"] != nil && rec["code"] != nil:
			reason = fmt.Sprintf("%v answered Panel code %v", rec["action"], rec["code"])
		case rec["error"] != nil:
			reason = fmt.Sprint(rec["error"])
		default:
			reason = fmt.Sprint(rec["msg"])
		}
	}
	return reason
}

// na is a row that could not be measured: it fails with its reason.
func na(figure, reason, budget string) row {
	return row{Figure: figure, Value: reason, Budget: budget, Verdict: fail}
}
