package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/handlers"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/static"
)

// upstream is the Panel API emulator serving on a loopback port inside this
// process, with a recorder in front that can note every call the portal
// makes while one page loads.
type upstream struct {
	Sim *panelsim.Server
	// URL is the Panel API base, e.g. http://127.0.0.1:41234/v2/panel.
	URL string
	rec *recorder
	srv *http.Server
}

// startUpstream seeds an emulator and serves it on 127.0.0.1.
func startUpstream(seed panelsim.SeedConfig) (*upstream, error) {
	sim := panelsim.New(panelsim.WithSeed(seed))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rec := &recorder{next: sim}
	srv := &http.Server{Handler: rec, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &upstream{Sim: sim, URL: "http://" + ln.Addr().String() + "/v2/panel", rec: rec, srv: srv}, nil
}

func (u *upstream) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := u.srv.Shutdown(ctx); err != nil {
		_ = u.srv.Close()
	}
}

// upstreamCall is one Panel API request as the emulator received it, kept
// so the bench can replay it alone and time it.
type upstreamCall struct {
	Action      string
	Path        string
	Auth        string // the staff member's Authorization header; never printed
	ContentType string
	Body        []byte
	Start, End  time.Time
}

// recorder passes every request to the emulator and, while switched on,
// remembers each one with its start and end time.
type recorder struct {
	next  http.Handler
	on    atomic.Bool
	mu    sync.Mutex
	calls []upstreamCall
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if !r.on.Load() {
		r.next.ServeHTTP(w, req)
		return
	}
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	start := time.Now()
	r.next.ServeHTTP(w, req)
	c := upstreamCall{
		Action:      strings.Trim(strings.TrimPrefix(req.URL.Path, "/v2/panel/"), "/"),
		Path:        req.URL.Path,
		Auth:        req.Header.Get("Authorization"),
		ContentType: req.Header.Get("Content-Type"),
		Body:        body,
		Start:       start,
		End:         time.Now(),
	}
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
}

// record runs fn and returns the Panel API calls made while it ran.
func (r *recorder) record(fn func() error) ([]upstreamCall, error) {
	r.mu.Lock()
	r.calls = nil
	r.mu.Unlock()
	r.on.Store(true)
	err := fn()
	r.on.Store(false)
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]upstreamCall(nil), r.calls...), err
}

// portal is one running portal: a child process (the deployed binary) or,
// for profiling, an Echo server inside this process.
type portal struct {
	URL string
	// PID is the child's process id, 0 when the portal runs in-process.
	PID  int
	logs string // the child's log file
	stop func()
}

func (p *portal) Close() {
	if p != nil && p.stop != nil {
		p.stop()
	}
}

// buildPortal compiles ./cmd/portal into dir. It uses the same build
// settings as `go run ./cmd/portalbench`, so the packages compiled for the
// bench are reused and only the command itself is compiled and linked.
func buildPortal(ctx context.Context, dir string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "portal")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/portal")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/portal: %v\n%s", err, out)
	}
	return bin, nil
}

// moduleRoot is the nearest directory upwards holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run from the repository")
		}
		dir = parent
	}
}

// startPortalChild runs the portal binary against the Panel API at apiURL
// with fresh session keys, on a free loopback port, and waits until it
// answers /healthz. Its logs go to a file in dir.
func startPortalChild(ctx context.Context, bin, dir, apiURL string) (*portal, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	_, keys := auth.GenerateKeys()
	logf, err := os.CreateTemp(dir, "portal-*.log")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"LISTEN_ADDR="+addr,
		"PANEL_API_URL="+apiURL,
		"SESSION_KEYS="+keys,
		"COOKIE_SECURE=false", // plain http on loopback
		"LOG_FORMAT=json",
		"LOG_LEVEL=info",
	)
	cmd.Stdout, cmd.Stderr = logf, logf
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited); logf.Close() }()
	p := &portal{URL: "http://" + addr, PID: cmd.Process.Pid, logs: logf.Name()}
	p.stop = func() {
		terminate(cmd.Process)
		select {
		case <-exited:
		case <-time.After(3 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	if err := waitHealthy(ctx, p.URL, exited); err != nil {
		p.stop()
		return nil, fmt.Errorf("portal did not start: %v\n%s", err, tail(p.logs, 2000))
	}
	return p, nil
}

// startPortalInProcess wires the portal as cmd/portal does and serves it
// from this process (for -inprocess and the load run).
func startPortalInProcess(apiURL string) (*portal, error) {
	metrics := handlers.NewMetrics(nil)
	client, err := panelclient.New(apiURL,
		panelclient.WithTimeout(30*time.Second),
		panelclient.WithUserAgent("navixy-portal/portalbench"),
		panelclient.WithObserver(metrics.ObserveUpstream))
	if err != nil {
		return nil, err
	}
	e := newEcho(client, metrics)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := e.Server
	srv.IdleTimeout = 2 * time.Minute
	go func() { _ = srv.Serve(ln) }()
	return &portal{URL: "http://" + ln.Addr().String(), stop: func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
		}
	}}, nil
}

// newEcho builds the portal's HTTP layer like cmd/portal: fresh session
// keys, cookies for plain-http loopback, JSON access logs (formatted, then
// discarded, so their cost is counted).
func newEcho(client *panelclient.Client, metrics *handlers.Metrics) *echo.Echo {
	kp, _ := auth.GenerateKeys()
	return handlers.New(handlers.Options{
		Client:   client,
		Sessions: auth.NewManager([]auth.KeyPair{kp}, auth.CookieOptions{Secure: false, Idle: 2 * time.Hour}, nil),
		Throttle: auth.NewThrottle(nil),
		Assets:   static.Load(),
		Logger:   slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo})),
		Metrics:  metrics,
		Ready:    func() error { return nil },
	})
}

func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

func waitHealthy(ctx context.Context, base string, exited <-chan struct{}) error {
	deadline := time.Now().Add(15 * time.Second)
	hc := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil}}
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("the process exited")
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if resp, err := hc.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("no answer on /healthz within 15s")
}

// tail returns the last n bytes of a file, for an error message.
func tail(path string, n int64) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if int64(len(b)) > n {
		b = b[int64(len(b))-n:]
	}
	return string(b)
}
