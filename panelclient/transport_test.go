package panelclient

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// connCounter counts the connections a test server accepts.
type connCounter struct{ n atomic.Int32 }

func (c *connCounter) hook(_ net.Conn, s http.ConnState) {
	if s == http.StateNew {
		c.n.Add(1)
	}
}

func countedServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *connCounter) {
	t.Helper()
	cc := &connCounter{}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = cc.hook
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, cc
}

func post(t *testing.T, hc *http.Client, url, body string) (int, string, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestKeepAliveReusesOneConnection: calls one after another share one
// connection, whatever framing the answer has (a length, chunks, gzip),
// and each gets its own answer whole.
func TestKeepAliveReusesOneConnection(t *testing.T) {
	big := strings.Repeat("0123456789", 5000)
	srv, cc := countedServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch string(body) {
		case "length":
			w.Header().Set("Content-Length", fmt.Sprint(len(big)))
			io.WriteString(w, big)
		case "chunks":
			for i := 0; i < 5; i++ {
				io.WriteString(w, big[i*10000:(i+1)*10000])
				w.(http.Flusher).Flush()
			}
		case "gzip":
			if r.Header.Get("Accept-Encoding") != "gzip" {
				http.Error(w, "no gzip asked", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			io.WriteString(zw, big)
			zw.Close()
		default:
			fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.RequestURI(), body)
		}
	})
	hc := &http.Client{Transport: newKeepAlive()}
	for i := range 12 {
		kind := []string{"length", "chunks", "gzip", "echo"}[i%4]
		status, got, err := post(t, hc, srv.URL+"/v2/panel/user/list?x=1", kind)
		if err != nil || status != 200 {
			t.Fatalf("%s: %d %v", kind, status, err)
		}
		want := big
		if kind == "echo" {
			want = "POST /v2/panel/user/list?x=1 echo"
		}
		if got != want {
			t.Fatalf("%s: answer of %d bytes, want %d", kind, len(got), len(want))
		}
	}
	if n := cc.n.Load(); n != 1 {
		t.Errorf("%d connections for 12 calls one after another, want 1", n)
	}
}

// TestKeepAliveSendsHeadersAsGiven: the request head carries the caller's
// fields and the body's length, and a value that would start a header line
// of its own is refused before anything is sent.
func TestKeepAliveSendsHeadersAsGiven(t *testing.T) {
	var got http.Header
	var length int64
	srv, cc := countedServer(t, func(w http.ResponseWriter, r *http.Request) {
		got, length = r.Header.Clone(), r.ContentLength
	})
	hc := &http.Client{Transport: newKeepAlive()}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/a", strings.NewReader(`{"limit":50}`))
	req.Header.Set("Authorization", "NVX abc")
	req.Header.Set("User-Agent", "portal-test/1")
	req.Header.Add("X-Two", "1")
	req.Header.Add("X-Two", "2")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.Get("Authorization") != "NVX abc" || got.Get("User-Agent") != "portal-test/1" ||
		strings.Join(got.Values("X-Two"), ",") != "1,2" || length != 12 {
		t.Errorf("server saw %v, length %d", got, length)
	}

	for _, bad := range []string{"a\r\nX-Evil: 1", "a\nb", "a\x00b"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/a", strings.NewReader("{}"))
		req.Header.Set("X-Note", bad)
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
			t.Errorf("value %q was sent", bad)
		}
	}
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/a", strings.NewReader("{}"))
	req.Header["Bad Name"] = []string{"1"}
	if resp, err := hc.Do(req); err == nil {
		resp.Body.Close()
		t.Error("a field name with a space was sent")
	}
	if n := cc.n.Load(); n != 1 {
		t.Errorf("%d connections, want 1: a refused request leaves the connection as it was", n)
	}
}

// TestKeepAliveLeavesConnectionsTheServerClosed: after the server closed
// the idle connection, the next call (a POST, never sent twice) goes out
// on a new connection and reaches the server exactly once.
func TestKeepAliveLeavesConnectionsTheServerClosed(t *testing.T) {
	var hits atomic.Int32
	srv, cc := countedServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		w.Write(body)
	})
	hc := &http.Client{Transport: newKeepAlive()}
	if _, got, err := post(t, hc, srv.URL, "one"); err != nil || got != "one" {
		t.Fatalf("first call: %q %v", got, err)
	}
	srv.CloseClientConnections()
	// The close reaches the client's socket a moment later.
	time.Sleep(50 * time.Millisecond)
	if _, got, err := post(t, hc, srv.URL, "two"); err != nil || got != "two" {
		t.Fatalf("call after the server closed the idle connection: %q %v", got, err)
	}
	if h, n := hits.Load(), cc.n.Load(); h != 2 || n != 2 {
		t.Errorf("%d requests on %d connections, want 2 on 2", h, n)
	}
}

// hijackAfter serves normally until the request number `at`, which it reads
// and then answers with raw (nothing when empty) before closing.
func hijackAfter(t *testing.T, at int32, raw string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv, _ := countedServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		if hits.Add(1) != at {
			io.WriteString(w, "ok")
			return
		}
		conn, bw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		bw.WriteString(raw)
		bw.Flush()
		conn.Close()
	})
	return srv, &hits
}

// TestKeepAliveNeverResendsAPost: a POST whose kept connection is closed
// after the server read it fails, and is not sent a second time; a GET in
// the same spot is sent again on a new connection, as net/http does.
func TestKeepAliveNeverResendsAPost(t *testing.T) {
	t.Run("POST", func(t *testing.T) {
		srv, hits := hijackAfter(t, 2, "")
		hc := &http.Client{Transport: newKeepAlive()}
		if _, _, err := post(t, hc, srv.URL, "1"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := post(t, hc, srv.URL, "2"); err == nil || !serverClosedIdle(err) {
			t.Errorf("want a lost connection, got %v", err)
		}
		if n := hits.Load(); n != 2 {
			t.Errorf("server saw %d requests, want 2", n)
		}
	})
	t.Run("GET", func(t *testing.T) {
		srv, hits := hijackAfter(t, 2, "")
		hc := &http.Client{Transport: newKeepAlive()}
		for i := range 2 {
			resp, err := hc.Get(srv.URL)
			if err != nil {
				t.Fatalf("GET %d: %v", i+1, err)
			}
			io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		if n := hits.Load(); n != 3 {
			t.Errorf("server saw %d requests, want 3", n)
		}
	})
}

// TestKeepAliveCutAnswer: an answer cut short reads as an error, and its
// connection is not used again.
func TestKeepAliveCutAnswer(t *testing.T) {
	srv, hits := hijackAfter(t, 1, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
	hc := &http.Client{Transport: newKeepAlive()}
	if _, got, err := post(t, hc, srv.URL, "1"); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("cut answer: %q, %v", got, err)
	}
	if _, got, err := post(t, hc, srv.URL, "2"); err != nil || got != "ok" {
		t.Errorf("next call: %q %v", got, err)
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("server saw %d requests", n)
	}
}

// TestKeepAliveCancel: cancelling a call that waits for its answer ends it
// at once with the cancellation's cause, and the connection is dropped.
func TestKeepAliveCancel(t *testing.T) {
	release := make(chan struct{})
	srv, cc := countedServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-release
		}
		io.WriteString(w, "ok")
	})
	defer close(release)
	hc := &http.Client{Transport: newKeepAlive()}
	if _, _, err := post(t, hc, srv.URL+"/fast", ""); err != nil {
		t.Fatal(err)
	}
	cause := errors.New("staff member left the page")
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(50*time.Millisecond, func() { cancel(cause) })
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/slow", strings.NewReader("x"))
	start := time.Now()
	_, err := hc.Do(req)
	if !errors.Is(err, cause) {
		t.Errorf("want the cause, got %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancel took %s", d)
	}
	if _, got, err := post(t, hc, srv.URL+"/fast", ""); err != nil || got != "ok" {
		t.Errorf("call after a cancel: %q %v", got, err)
	}
	if n := cc.n.Load(); n != 2 {
		t.Errorf("%d connections, want 2 (the cancelled one is not reused)", n)
	}
}

// TestKeepAliveUnreadBodyDropsTheConnection: a body closed before its end
// cannot leave the rest of it in the way of the next answer.
func TestKeepAliveUnreadBodyDropsTheConnection(t *testing.T) {
	srv, cc := countedServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", 100000))
	})
	hc := &http.Client{Transport: newKeepAlive()}
	resp, err := hc.Post(srv.URL, "text/plain", strings.NewReader("1"))
	if err != nil {
		t.Fatal(err)
	}
	var b [10]byte
	io.ReadFull(resp.Body, b[:])
	resp.Body.Close()
	if _, got, err := post(t, hc, srv.URL, "2"); err != nil || len(got) != 100000 {
		t.Fatalf("next call: %d bytes, %v", len(got), err)
	}
	if n := cc.n.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

// TestKeepAliveServerAsksToClose: "Connection: close" in an answer ends
// that connection, even when the server leaves it open; the next call opens
// another.
func TestKeepAliveServerAsksToClose(t *testing.T) {
	addr, conns := rawServer(t, func(conn net.Conn) {
		br := bufio.NewReader(conn)
		for answer := "ok"; ; answer = "reused" {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			io.ReadAll(req.Body)
			fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s", len(answer), answer)
		}
	})
	hc := &http.Client{Transport: newKeepAlive()}
	for range 3 {
		if _, got, err := post(t, hc, addr, ""); err != nil || got != "ok" {
			t.Fatalf("%q %v", got, err)
		}
	}
	if n := conns.Load(); n != 3 {
		t.Errorf("%d connections, want 3", n)
	}
}

// rawServer serves each connection made to it with serve, which speaks
// whatever it likes, and closes it afterwards. It gives its URL and the
// number of connections made so far.
func rawServer(t *testing.T, serve func(net.Conn)) (string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	conns := new(atomic.Int32)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer conn.Close()
				serve(conn)
			}()
		}
	}()
	return "http://" + ln.Addr().String(), conns
}

// TestKeepAliveBodyClosedEarly: a body closed before its end drops its
// connection, even when the rest has not arrived yet, so it can never be
// read as the next call's answer.
func TestKeepAliveBodyClosedEarly(t *testing.T) {
	srv, cc := countedServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/whole" {
			io.WriteString(w, "whole")
			return
		}
		w.Header().Set("Content-Length", "20")
		io.WriteString(w, "0123456789")
		w.(http.Flusher).Flush()
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "HTTP/1.1 2")
	})
	hc := &http.Client{Transport: newKeepAlive()}
	resp, err := hc.Post(srv.URL+"/half", "text/plain", strings.NewReader("1"))
	if err != nil {
		t.Fatal(err)
	}
	var b [10]byte
	if _, err := io.ReadFull(resp.Body, b[:]); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, got, err := post(t, hc, srv.URL+"/whole", "2"); err != nil || got != "whole" {
		t.Fatalf("next call: %q, %v", got, err)
	}
	if n := cc.n.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

// TestKeepAliveIdleTimeout: a connection idle longer than the timeout is
// closed rather than used, by the next call or by the sweep.
func TestKeepAliveIdleTimeout(t *testing.T) {
	srv, cc := countedServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	ka := newKeepAlive()
	ka.idleTimeout = 100 * time.Millisecond
	hc := &http.Client{Transport: ka}
	post(t, hc, srv.URL, "")
	// The sweep runs 100 ms after the connection went idle, then every
	// 50 ms while any is left; a busy machine may delay it.
	idle, swept := -1, false
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline) && (idle != 0 || !swept); {
		time.Sleep(50 * time.Millisecond)
		ka.mu.Lock()
		idle = 0
		for _, h := range ka.hosts {
			idle += len(h.idle)
		}
		swept = ka.sweeper == nil
		ka.mu.Unlock()
	}
	if idle != 0 || !swept {
		t.Errorf("%d idle connections left, sweeper stopped %v", idle, swept)
	}
	post(t, hc, srv.URL, "")
	if n := cc.n.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

// TestKeepAlivePoolSize: after a burst, at most maxIdle connections stay.
func TestKeepAlivePoolSize(t *testing.T) {
	gate := make(chan struct{})
	var arrived sync.WaitGroup
	srv, _ := countedServer(t, func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		<-gate
		io.WriteString(w, "ok")
	})
	ka := newKeepAlive()
	ka.maxIdle = 3
	hc := &http.Client{Transport: ka}
	const n = 8
	arrived.Add(n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { post(t, hc, srv.URL, "") })
	}
	arrived.Wait() // eight connections at once
	close(gate)
	wg.Wait()
	ka.mu.Lock()
	defer ka.mu.Unlock()
	for _, h := range ka.hosts {
		if len(h.idle) != 3 {
			t.Errorf("%d idle connections kept, want 3", len(h.idle))
		}
	}
}

// TestKeepAliveTLS: an https Panel is reached over TLS, on one connection.
func TestKeepAliveTLS(t *testing.T) {
	cc := &connCounter{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil {
			http.Error(w, "plain", 400)
			return
		}
		io.WriteString(w, "secure")
	}))
	srv.Config.ConnState = cc.hook
	srv.StartTLS()
	defer srv.Close()
	ka := newKeepAlive()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	ka.tlsConfig.RootCAs = pool
	hc := &http.Client{Transport: ka}
	for range 3 {
		if _, got, err := post(t, hc, srv.URL, ""); err != nil || got != "secure" {
			t.Fatalf("%q %v", got, err)
		}
	}
	if n := cc.n.Load(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}

	// A certificate nobody vouches for is refused.
	if _, _, err := post(t, &http.Client{Transport: newKeepAlive()}, srv.URL, ""); err == nil {
		t.Error("an unknown certificate was accepted")
	} else if ce := (*tls.CertificateVerificationError)(nil); !errors.As(err, &ce) {
		t.Errorf("want a verification error, got %v", err)
	}
}

// TestKeepAliveLeavesProxiesAndStreamsToNetHTTP: a request through a proxy
// and one whose body cannot be read twice take net/http's Transport.
func TestKeepAliveLeavesProxiesAndStreamsToNetHTTP(t *testing.T) {
	var proxied atomic.Value
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.Store(r.URL.String()) // a proxy sees the absolute URL
		io.WriteString(w, "via proxy")
	}))
	defer proxy.Close()
	pu, _ := url.Parse(proxy.URL)
	ka := newKeepAlive()
	ka.proxy = func(*http.Request) (*url.URL, error) { return pu, nil }
	ka.fallback.Proxy = http.ProxyURL(pu)
	if _, got, err := post(t, &http.Client{Transport: ka}, "http://panel.invalid/v2/panel/user/list", ""); err != nil || got != "via proxy" {
		t.Fatalf("%q %v", got, err)
	}
	if u, _ := proxied.Load().(string); u != "http://panel.invalid/v2/panel/user/list" {
		t.Errorf("proxy saw %q", u)
	}

	srv, _ := countedServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%d %v", len(b), r.TransferEncoding)
	})
	pr, pw := io.Pipe()
	go func() { pw.Write(bytes.Repeat([]byte("y"), 5000)); pw.Close() }()
	req, _ := http.NewRequest(http.MethodPost, srv.URL, pr)
	resp, err := (&http.Client{Transport: newKeepAlive()}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(resp.Body); string(b) != "5000 [chunked]" {
		t.Errorf("streamed upload: %q", b)
	}
}

// TestKeepAliveBadAnswerHead: a head that is not HTTP is an error, not a
// hang or a panic.
func TestKeepAliveBadAnswerHead(t *testing.T) {
	addr, _ := rawServer(t, func(conn net.Conn) {
		http.ReadRequest(bufio.NewReader(conn))
		io.WriteString(conn, "SSH-2.0-OpenSSH\r\n\r\n")
	})
	if _, _, err := post(t, &http.Client{Transport: newKeepAlive()}, addr, "x"); err == nil {
		t.Error("a non-HTTP answer was accepted")
	}
}
