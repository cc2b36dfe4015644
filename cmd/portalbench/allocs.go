package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/navixy-portal/portal/handlers"
	"github.com/navixy-portal/portal/panelclient"
)

// allocations runs Go benchmarks of the portal's own work for the 50-row
// user list: the request goes through every middleware (session cookie
// decrypted and checked, CSRF, gzip), the handler decodes user/list's
// answer, builds the view and renders it. The Panel client answers from
// memory with what the emulator answered once, so the emulator's and the
// network's allocations are not counted; the request and response writer
// of the benchmark loop are (a few allocations, as net/http has them too).
func (b *bench) allocations(ctx context.Context) {
	figures := []struct {
		name string
		htmx bool
	}{{listPath + " full page: allocs and bytes per request", false}, {listPath + " htmx partial: allocs and bytes per request", true}}
	failAll := func(reason string) {
		for _, f := range figures {
			b.add(row{Figure: f.name, Value: reason, Budget: "report", Verdict: fail})
		}
	}

	canned := &cannedTransport{live: newTransport(4), answers: map[string]cannedAnswer{}}
	defer canned.live.(*http.Transport).CloseIdleConnections()
	client, err := panelclient.New(b.small.URL, panelclient.WithHTTPClient(&http.Client{
		Transport:     canned,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}))
	if err != nil {
		failAll("n/a (" + shortErr(err) + ")")
		return
	}
	h := newEcho(client, handlers.NewMetrics(nil))

	// Sign in and load the list once over loopback, live, to get a
	// session cookie and the Panel's answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		failAll("n/a (" + shortErr(err) + ")")
		return
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	st := newStaff(base, b.tr)
	err = st.login(ctx, b.cfg.login, b.cfg.password)
	var pg *page
	if err == nil {
		pg, err = st.get(ctx, listPath, false)
	}
	_ = srv.Close()
	inproc := &portal{URL: base}
	if why := b.problem(inproc, pg, err); why != "" {
		failAll(why)
		return
	}
	u, _ := url.Parse(base)
	var cookies []string
	for _, c := range st.hc.Jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	cookie := strings.Join(cookies, "; ")
	canned.replay.Store(true)

	for _, f := range figures {
		b.log.printf("allocs: %s", f.name)
		w := &discardWriter{h: http.Header{}}
		serve := func() {
			req, _ := http.NewRequest(http.MethodGet, base+listPath, nil)
			req.RemoteAddr = "127.0.0.1:50000"
			req.Header.Set("Cookie", cookie)
			req.Header.Set("Accept-Encoding", "gzip")
			if f.htmx {
				req.Header.Set("HX-Request", "true")
			}
			w.reset()
			h.ServeHTTP(w, req)
		}
		serve()
		if w.status != http.StatusOK {
			failAll(fmt.Sprintf("n/a (HTTP %d from the in-process portal)", w.status))
			return
		}
		res := testing.Benchmark(func(tb *testing.B) {
			tb.ReportAllocs()
			for tb.Loop() {
				serve()
			}
		})
		if w.status != http.StatusOK || res.N == 0 {
			failAll(fmt.Sprintf("n/a (HTTP %d during the benchmark)", w.status))
			return
		}
		value := fmt.Sprintf("%d allocs/op, %s/op, %s/op (%d runs)", res.AllocsPerOp(), kb(res.AllocedBytesPerOp()), ms(time.Duration(res.NsPerOp())), res.N)
		b.add(row{Figure: f.name, Value: value, Budget: "report", Verdict: info})
	}
}

// cannedAnswer is one recorded Panel answer.
type cannedAnswer struct {
	status int
	header http.Header
	body   []byte
}

// cannedTransport forwards Panel calls to the emulator and remembers each
// answer by action; once replay is set it answers from memory instead.
type cannedTransport struct {
	live    http.RoundTripper
	replay  atomic.Bool
	mu      sync.Mutex
	answers map[string]cannedAnswer
}

func (t *cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.replay.Load() {
		if req.Body != nil {
			_, _ = io.Copy(io.Discard, req.Body)
			_ = req.Body.Close()
		}
		t.mu.Lock()
		a, ok := t.answers[req.URL.Path]
		t.mu.Unlock()
		if !ok {
			return nil, errors.New("portalbench: no recorded answer for " + req.URL.Path)
		}
		return &http.Response{
			Status: http.StatusText(a.status), StatusCode: a.status,
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: a.header, Body: io.NopCloser(bytes.NewReader(a.body)),
			ContentLength: int64(len(a.body)), Request: req,
		}, nil
	}
	resp, err := t.live.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	t.answers[req.URL.Path] = cannedAnswer{status: resp.StatusCode, header: resp.Header.Clone(), body: body}
	t.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// discardWriter is a ResponseWriter that keeps only the status and the
// size, so the benchmark counts the portal's allocations, not a buffer's.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) reset()              { clear(w.h); w.status, w.n = 0, 0 }
func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(p)
	return len(p), nil
}
func (w *discardWriter) Flush() {}
