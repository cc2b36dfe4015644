package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/navixy-portal/portal/panelclient/panelsim"
)

// TestShutdownFinishesInFlightRequests: on SIGTERM (here: the context
// ending) a request already being served completes, and new connections
// are refused.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	sim := panelsim.New(panelsim.WithSeed(panelsim.SeedConfig{Users: 5, Trackers: 5}))
	sim.SetFault("timezone/list", panelsim.Fault{Latency: 700 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	url, done := startPortal(t, ctx, sim)
	type result struct {
		status int
		body   string
		err    error
	}
	slow := make(chan result, 1)
	go func() {
		resp, err := http.Get(url + "/readyz")
		if err != nil {
			slow <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		slow <- result{status: resp.StatusCode, body: string(b)}
	}()
	time.Sleep(200 * time.Millisecond)
	cancel()
	r := <-slow
	if r.err != nil || r.status != http.StatusOK || r.body != "ready\n" {
		t.Fatalf("in-flight request: %+v", r)
	}
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Fatal("a new request was served after shutdown")
	}
}

// TestSlowHeadersAreCutOff: a client that sends part of a request's
// headers and then nothing is disconnected, instead of holding its
// connection forever; a normal request still works.
func TestSlowHeadersAreCutOff(t *testing.T) {
	old := readHeaderTimeout
	readHeaderTimeout = 300 * time.Millisecond
	t.Cleanup(func() { readHeaderTimeout = old })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _ := startPortal(t, ctx, panelsim.New(panelsim.WithSeed(panelsim.SeedConfig{Users: 5, Trackers: 5})))
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: portal\r\nX-Slow: "); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	_, err = io.ReadAll(conn) // the server answers (408 or nothing) and closes
	if err != nil {
		t.Fatalf("the connection stayed open: %v", err)
	}
	if waited := time.Since(start); waited > 3*time.Second {
		t.Fatalf("cut off after %v", waited)
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("a normal request after it: %v %v", resp, err)
	}
	resp.Body.Close()
}

// startPortal runs the portal against sim until ctx ends and returns its
// address and the channel run's result arrives on.
func startPortal(t *testing.T, ctx context.Context, sim *panelsim.Server) (string, <-chan error) {
	t.Helper()
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	vars := map[string]string{
		"PANEL_API_URL": ts.URL + "/v2/panel",
		"SESSION_KEYS":  testKeys,
		"LISTEN_ADDR":   "127.0.0.1:0",
		"LOG_LEVEL":     "error",
	}
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, env(vars), false, panelsim.SeedConfig{}, func(u string) { urls <- u }) }()
	select {
	case u := <-urls:
		return u, done
	case err := <-done:
		t.Fatalf("portal did not start: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("portal did not start")
	}
	return "", nil
}
