package panelclient

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// keepAlive is the Client's default round tripper: HTTP/1.1 over a pool of
// kept connections to the Panel host, each carrying one call at a time,
// written and read on the goroutine that makes the call.
//
// Every page of the portal is one to a few small Panel calls, so what a
// call costs besides the network is worth cutting. net/http's Transport
// hands each request to a writing goroutine and each answer back from a
// reading one, and keeps a queue of callers waiting for a connection;
// doing without it takes about 6% off the portal's CPU per users page
// (portalbench -compare). Here a call takes an idle connection (or
// dials one), writes the request, reads the answer's head and hands back a
// body that returns the connection to the pool once read to the end.
//
// What it keeps of net/http's Transport, so that nothing changes for the
// Panel: connections are reused (the most recently used first) and closed
// after idleTimeout unused; one the server has closed while it sat idle is
// noticed before a request is written on it (see connAlive) and left; an
// idempotent request (GET, HEAD, OPTIONS, TRACE, or one with an
// Idempotency-Key) that still meets a closed connection before any byte
// of an answer is sent again on a new one, and any other request never is,
// as net/http does; answers compressed with gzip are asked for and
// decompressed; a cancelled or timed-out call aborts its connection at
// once. What it leaves to net/http's Transport (the fallback): requests
// through a proxy (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), and requests whose
// body cannot be sent twice (file uploads, streamed as they are read).
// It speaks HTTP/1.1 only: over TLS it offers no HTTP/2, which a pool of
// kept connections makes up for with calls this small.
type keepAlive struct {
	dialer      net.Dialer
	tlsConfig   *tls.Config // cloned per host, ServerName set
	maxIdle     int         // idle connections kept per host
	idleTimeout time.Duration
	proxy       func(*http.Request) (*url.URL, error)
	fallback    *http.Transport

	mu      sync.Mutex
	hosts   map[string]*hostConns
	sweeper *time.Timer // closes connections idle too long; nil when none are
}

// hostConns is the pool of one scheme and host.
type hostConns struct {
	viaProxy bool // decided on the first request, as the environment is read once
	tls      *tls.Config
	idle     []*keptConn // the most recently used last
}

// keptConn is one connection of the pool.
type keptConn struct {
	conn   net.Conn
	r      countingReader
	br     *bufio.Reader
	bw     *bufio.Writer
	reused bool      // it has carried a call before this one
	idleAt time.Time // when it went back to the pool
}

// countingReader counts what a connection has read since the request, so a
// failure can tell "the server closed it before answering" from "it broke
// in the middle of an answer".
type countingReader struct {
	conn net.Conn
	n    int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.conn.Read(p)
	c.n += int64(n)
	return n, err
}

func newKeepAlive() *keepAlive {
	fallback, ok := http.DefaultTransport.(*http.Transport)
	if ok {
		fallback = fallback.Clone()
	} else {
		fallback = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	t := &keepAlive{
		dialer:      net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second},
		tlsConfig:   &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}, ClientSessionCache: tls.NewLRUClientSessionCache(64)},
		maxIdle:     64,
		idleTimeout: 90 * time.Second,
		proxy:       http.ProxyFromEnvironment,
		fallback:    fallback,
		hosts:       map[string]*hostConns{},
	}
	fallback.DialContext = t.dialer.DialContext
	fallback.MaxIdleConns = 256
	fallback.MaxIdleConnsPerHost = t.maxIdle
	fallback.IdleConnTimeout = t.idleTimeout
	fallback.TLSHandshakeTimeout = 10 * time.Second
	fallback.ExpectContinueTimeout = time.Second
	return t
}

// aLongTimeAgo is a deadline in the past: setting it makes a blocked read
// or write on the connection return at once.
var aLongTimeAgo = time.Unix(1, 0)

func (t *keepAlive) RoundTrip(req *http.Request) (*http.Response, error) {
	u := req.URL
	if u == nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(hasBody(req) && (req.GetBody == nil || req.ContentLength <= 0)) {
		return t.fallback.RoundTrip(req)
	}
	if err := checkHeader(req.Header); err != nil {
		closeBody(req)
		return nil, err
	}
	key := u.Scheme + "://" + u.Host
	hc, kc := t.take(req, key)
	if hc.viaProxy {
		return t.fallback.RoundTrip(req)
	}
	for {
		if kc == nil {
			var err error
			if kc, err = t.dial(req.Context(), u, hc); err != nil {
				closeBody(req)
				return nil, err
			}
		}
		resp, err := t.exchange(hc, kc, req)
		if err == nil {
			return resp, nil
		}
		kc.conn.Close()
		// A kept connection the server closed just as it was taken fails
		// before any byte of an answer. Only a request that may be sent
		// twice is sent again, on a new connection: the server might have
		// read and acted on it before closing.
		if !kc.reused || kc.r.n > 0 || req.Context().Err() != nil || !serverClosedIdle(err) || !idempotent(req) {
			return nil, err
		}
		if hasBody(req) {
			body, gerr := req.GetBody()
			if gerr != nil {
				return nil, err
			}
			again := *req
			again.Body = body
			req = &again
		}
		kc = nil
	}
}

// serverClosedIdle reports whether err is what a connection closed by the
// server gives: end of file, or a reset or broken pipe.
func serverClosedIdle(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// idempotent reports whether req may be sent twice, by net/http's rule.
func idempotent(req *http.Request) bool {
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	_, key := req.Header["Idempotency-Key"]
	_, xkey := req.Header["X-Idempotency-Key"]
	return key || xkey
}

// hasBody reports whether req sends a body.
func hasBody(req *http.Request) bool { return req.Body != nil && req.Body != http.NoBody }

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// take finds the pool of key and an idle connection in it that is fresh
// enough and still open. Connections found idle too long or closed by the
// server are closed. The check for the server's close (a system call) runs
// outside the lock, so concurrent calls do not queue behind it.
func (t *keepAlive) take(req *http.Request, key string) (*hostConns, *keptConn) {
	for {
		hc, kc := t.pop(req, key)
		if kc == nil || connAlive(kc.conn) {
			return hc, kc
		}
		kc.conn.Close()
	}
}

// pop finds (or makes) the pool of key and takes its most recently used
// connection that has not been idle too long.
func (t *keepAlive) pop(req *http.Request, key string) (*hostConns, *keptConn) {
	t.mu.Lock()
	hc := t.hosts[key]
	if hc == nil {
		hc = &hostConns{}
		if p, err := t.proxy(req); err != nil || p != nil {
			// A proxy, or an environment the fallback will report on.
			hc.viaProxy = true
		}
		if req.URL.Scheme == "https" {
			hc.tls = t.tlsConfig.Clone()
			hc.tls.ServerName = req.URL.Hostname()
		}
		t.hosts[key] = hc
	}
	var stale []*keptConn
	var kc *keptConn
	for n := len(hc.idle); n > 0 && kc == nil; n = len(hc.idle) {
		c := hc.idle[n-1]
		hc.idle[n-1] = nil
		hc.idle = hc.idle[:n-1]
		if time.Since(c.idleAt) > t.idleTimeout {
			stale = append(stale, c)
			continue
		}
		kc = c
	}
	t.mu.Unlock()
	for _, c := range stale {
		c.conn.Close()
	}
	return hc, kc
}

// put returns a connection whose answer was read to the end to the pool.
func (t *keepAlive) put(hc *hostConns, kc *keptConn) {
	if kc.br.Buffered() > 0 { // bytes nobody asked for: not safe to reuse
		kc.conn.Close()
		return
	}
	kc.reused, kc.idleAt = true, time.Now()
	t.mu.Lock()
	if len(hc.idle) >= t.maxIdle {
		t.mu.Unlock()
		kc.conn.Close()
		return
	}
	hc.idle = append(hc.idle, kc)
	if t.sweeper == nil {
		t.sweeper = time.AfterFunc(t.idleTimeout, t.sweep)
	}
	t.mu.Unlock()
}

// sweep closes the connections idle longer than idleTimeout, and looks
// again later while any stay.
func (t *keepAlive) sweep() {
	var stale []*keptConn
	t.mu.Lock()
	left := 0
	for _, hc := range t.hosts {
		kept := hc.idle[:0]
		for _, c := range hc.idle {
			if time.Since(c.idleAt) > t.idleTimeout {
				stale = append(stale, c)
			} else {
				kept = append(kept, c)
			}
		}
		clear(hc.idle[len(kept):])
		hc.idle = kept
		left += len(kept)
	}
	if left > 0 {
		t.sweeper.Reset(t.idleTimeout / 2)
	} else {
		t.sweeper = nil
	}
	t.mu.Unlock()
	for _, c := range stale {
		c.conn.Close()
	}
}

// CloseIdleConnections closes the connections not carrying a call.
func (t *keepAlive) CloseIdleConnections() {
	var idle []*keptConn
	t.mu.Lock()
	for _, hc := range t.hosts {
		idle = append(idle, hc.idle...)
		clear(hc.idle)
		hc.idle = hc.idle[:0]
	}
	t.mu.Unlock()
	for _, c := range idle {
		c.conn.Close()
	}
	t.fallback.CloseIdleConnections()
}

// dial opens a connection to u's host, with TLS for https.
func (t *keepAlive) dial(ctx context.Context, u *url.URL, hc *hostConns) (*keptConn, error) {
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), map[string]string{"http": "80", "https": "443"}[u.Scheme])
	}
	var conn net.Conn
	var err error
	if hc.tls != nil {
		d := tls.Dialer{NetDialer: &t.dialer, Config: hc.tls}
		conn, err = d.DialContext(ctx, "tcp", addr)
	} else {
		conn, err = t.dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, err
	}
	kc := &keptConn{conn: conn, r: countingReader{conn: conn}}
	kc.br = bufio.NewReaderSize(&kc.r, 16<<10)
	kc.bw = bufio.NewWriterSize(conn, 4<<10)
	return kc, nil
}

// exchange writes req on kc and reads the answer's head. The body it hands
// back puts kc back into the pool when read to the end and closed.
func (t *keepAlive) exchange(hc *hostConns, kc *keptConn, req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	stop := context.AfterFunc(ctx, func() { _ = kc.conn.SetDeadline(aLongTimeAgo) })
	kc.r.n = 0
	gz, err := writeRequest(kc.bw, req)
	if err == nil {
		err = kc.bw.Flush()
	}
	var resp *http.Response
	if err == nil {
		resp, err = http.ReadResponse(kc.br, req)
		// Informational answers (but a protocol switch) precede the real one.
		for err == nil && resp.StatusCode >= 100 && resp.StatusCode < 200 && resp.StatusCode != http.StatusSwitchingProtocols {
			resp, err = http.ReadResponse(kc.br, req)
		}
	}
	if err != nil {
		stop()
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, err
	}
	body := &keptBody{t: t, hc: hc, kc: kc, rc: resp.Body, ctx: ctx, stop: stop, keep: !resp.Close && !req.Close}
	resp.Body = body
	if gz && resp.Header.Get("Content-Encoding") == "gzip" {
		body.gzip = true
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
		resp.Uncompressed = true
	}
	return resp, nil
}

// writeRequest writes req's head and body to w and reports whether it asked
// for a gzip answer (it does unless the request chose its own encoding).
func writeRequest(w *bufio.Writer, req *http.Request) (bool, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	w.WriteString(method)
	w.WriteByte(' ')
	w.WriteString(req.URL.RequestURI())
	w.WriteString(" HTTP/1.1\r\nHost: ")
	w.WriteString(host)
	w.WriteString("\r\n")
	if req.Header.Get("User-Agent") == "" {
		w.WriteString("User-Agent: " + defaultUserAgent + "\r\n")
	}
	gz := req.Header.Get("Accept-Encoding") == "" && req.Method != http.MethodHead
	if gz {
		w.WriteString("Accept-Encoding: gzip\r\n")
	}
	if req.Close {
		w.WriteString("Connection: close\r\n")
	}
	withBody := hasBody(req)
	if withBody {
		w.WriteString("Content-Length: ")
		w.WriteString(strconv.FormatInt(req.ContentLength, 10))
		w.WriteString("\r\n")
	}
	for k, vs := range req.Header {
		if skipInHeader[k] {
			continue
		}
		for _, v := range vs {
			w.WriteString(k)
			w.WriteString(": ")
			w.WriteString(v)
			w.WriteString("\r\n")
		}
	}
	w.WriteString("\r\n")
	if withBody {
		n, err := io.Copy(w, io.LimitReader(req.Body, req.ContentLength))
		if err != nil {
			return gz, err
		}
		if n != req.ContentLength {
			return gz, fmt.Errorf("request body: %d bytes, want %d", n, req.ContentLength)
		}
	}
	return gz, nil
}

// skipInHeader are the header fields writeRequest writes itself.
var skipInHeader = map[string]bool{"Host": true, "Content-Length": true, "Connection": true, "Transfer-Encoding": true}

// checkHeader refuses a header that would not go out as written: a field
// name that is not a token, or a value with a line break or NUL in it,
// which would end the line early and start another. net/http refuses the
// same, before anything is sent.
func checkHeader(h http.Header) error {
	for k, vs := range h {
		if !validFieldName(k) {
			return fmt.Errorf("panelclient: invalid header field name %q", k)
		}
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n\x00") {
				return fmt.Errorf("panelclient: invalid header field value for %q", k)
			}
		}
	}
	return nil
}

// validFieldName reports whether name is a header field name: one or more
// token characters (RFC 9110, section 5.6.2).
func validFieldName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 0x80 || !tokenChar[c] {
			return false
		}
	}
	return true
}

// tokenChar marks the ASCII characters allowed in a token.
var tokenChar = func() (t [128]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// keptBody is an answer's body on a kept connection.
type keptBody struct {
	t    *keepAlive
	hc   *hostConns
	kc   *keptConn
	rc   io.ReadCloser // the body as read off the connection
	zr   *gzip.Reader
	gzip bool
	ctx  context.Context
	stop func() bool
	keep bool // the connection may carry another call
	eof  bool // the body was read to its end
	done bool
}

func (b *keptBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, errors.New("panelclient: read on a closed answer body")
	}
	var n int
	var err error
	if b.gzip {
		if b.zr == nil {
			if b.zr, err = gzip.NewReader(b.rc); err != nil {
				return 0, b.readErr(err)
			}
		}
		n, err = b.zr.Read(p)
		if err == io.EOF {
			// The gzip stream ended: the body must end with it.
			var one [1]byte
			if m, rerr := b.rc.Read(one[:]); m > 0 || rerr != io.EOF {
				b.keep = false
			} else {
				b.eof = true
			}
		}
	} else {
		n, err = b.rc.Read(p)
		if err == io.EOF {
			b.eof = true
		}
	}
	if err != nil && err != io.EOF {
		err = b.readErr(err)
	}
	return n, err
}

// readErr says why a read failed: the call's own cancellation or timeout
// rather than the deadline that carried it out.
func (b *keptBody) readErr(err error) error {
	b.keep = false
	if b.ctx.Err() != nil {
		return context.Cause(b.ctx)
	}
	return err
}

func (b *keptBody) Close() error {
	if b.done {
		return nil
	}
	b.done = true
	// stop is false when the cancellation already fired: the connection
	// then has a deadline in the past and cannot be reused.
	if b.stop() && b.eof && b.keep {
		b.t.put(b.hc, b.kc)
	} else {
		b.kc.conn.Close()
	}
	return nil
}
