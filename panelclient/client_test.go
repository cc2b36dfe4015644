package panelclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestNewValidatesBaseURL(t *testing.T) {
	cases := []struct {
		base    string
		wantErr bool
	}{
		{"http://127.0.0.1:8081/v2/panel", false},
		{"https://api.eu.navixy.com/v2/panel/", false},
		{"https://api.your_domain/panel", false},
		{"", true},
		{"/v2/panel", true},
		{"127.0.0.1:8081/v2/panel", true},
		{"ftp://example.com/v2/panel", true},
		{"http://", true},
		{"http://admin:secret@example.com/v2/panel", true},
		{"http://example.com/v2/panel?hash=x", true},
		{"http://example.com/v2/panel#frag", true},
		{"http://exa mple.com/", true},
	}
	for _, tc := range cases {
		_, err := New(tc.base)
		if (err != nil) != tc.wantErr {
			t.Errorf("New(%q): err=%v, wantErr=%v", tc.base, err, tc.wantErr)
		}
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for name, opt := range map[string]Option{
		"nil http client": WithHTTPClient(nil),
		"zero timeout":    WithTimeout(0),
		"negative":        WithTimeout(-time.Second),
		"empty UA":        WithUserAgent(""),
		"multi-line UA":   WithUserAgent("a\r\nX-Evil: 1"),
	} {
		if _, err := New("http://example.com/v2/panel", opt); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestEndpointJoinsBaseAndAction(t *testing.T) {
	for base, want := range map[string]string{
		"http://h/v2/panel":    "http://h/v2/panel/user/list",
		"http://h/v2/panel/":   "http://h/v2/panel/user/list",
		"http://h/v2/panel///": "http://h/v2/panel/user/list",
		"http://h":             "http://h/user/list",
		"https://h:8443/panel": "https://h:8443/panel/user/list",
	} {
		c, err := New(base)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // joined, then remembered
			if got := c.endpoint("user/list"); got != want {
				t.Errorf("%s: endpoint %s, want %s", base, got, want)
			}
		}
		if got, want := c.endpoint("tracker/read"), strings.TrimSuffix(want, "user/list")+"tracker/read"; got != want {
			t.Errorf("%s: a second action's endpoint %s, want %s", base, got, want)
		}
	}
}

func TestDefaultTransportPoolsConnections(t *testing.T) {
	c, err := New("http://h/v2/panel")
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := c.hc.Transport.(*keepAlive)
	if !ok || tr.maxIdle < 32 || tr.fallback.MaxIdleConnsPerHost < 32 || tr.fallback.DisableKeepAlives {
		t.Fatalf("transport: %#v", c.hc.Transport)
	}
	if c.hc.Timeout != 0 || c.timeout != DefaultTimeout {
		t.Errorf("timeouts: client %s, call %s", c.hc.Timeout, c.timeout)
	}
}

func TestUserAgentSent(t *testing.T) {
	f := newFakePanel(t, 200, exOK)
	if err := f.client(t, WithUserAgent("portal-test/9")).Logout(context.Background(), testHash); err != nil {
		t.Fatal(err)
	}
	if ua := f.requests()[0].Header.Get("User-Agent"); ua != "portal-test/9" {
		t.Errorf("User-Agent %q", ua)
	}
}

func TestAPIErrorFamilies(t *testing.T) {
	cases := []struct {
		name       string
		status     int
		body       string
		call       func(context.Context, *Client) error
		wantCode   int
		sessionEnd bool
		forbidden  bool
		notFound   bool
		check      func(*testing.T, *APIError)
	}{
		{
			name: "7 with errors[]", status: 400, body: exErr7Command, wantCode: 7,
			call: func(ctx context.Context, c *Client) error {
				return c.SendRawCommand(ctx, testHash, RawCommandParams{DeviceID: "1", Command: "zz", Type: RawCommandHex})
			},
			check: func(t *testing.T, ae *APIError) {
				if !reflect.DeepEqual(ae.Errors, []FieldError{{"command", "Non-hex string"}}) {
					t.Errorf("field errors %+v", ae.Errors)
				}
				if ae.FieldMessages()["command"] != "Non-hex string" {
					t.Errorf("field messages %v", ae.FieldMessages())
				}
				if !strings.Contains(ae.Error(), "command: Non-hex string") {
					t.Errorf("Error() = %q", ae.Error())
				}
			},
		},
		{
			name: "4 session ended", status: 400, body: exErr4, wantCode: 4, sessionEnd: true,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.ListUsers(ctx, testHash, UserListParams{})
				return err
			},
		},
		{
			name: "3 wrong hash", status: 400, body: `{"success":false,"status":{"code":3,"description":"Wrong hash"}}`,
			wantCode: 3, sessionEnd: true,
			call: func(ctx context.Context, c *Client) error { _, err := c.DealerInfo(ctx, testHash); return err },
		},
		{
			name: "13 forbidden", status: 403, body: exErr13, wantCode: 13, forbidden: true,
			call: func(ctx context.Context, c *Client) error {
				return c.CorruptUser(ctx, testHash, UserCorruptParams{UserID: 1, Login: "a@b.c"})
			},
			check: func(t *testing.T, ae *APIError) {
				if ae.HTTPStatus != 403 || ae.Action != "user/corrupt" {
					t.Errorf("status %d action %q", ae.HTTPStatus, ae.Action)
				}
			},
		},
		{
			name: "11 access denied", status: 403, body: `{"success":false,"status":{"code":11,"description":"Access denied"}}`,
			wantCode: 11, forbidden: true,
			call: func(ctx context.Context, c *Client) error { _, err := c.Auth(ctx, "x", "y"); return err },
		},
		{
			name: "201 not found", status: 400, body: exErr201, wantCode: 201, notFound: true,
			call: func(ctx context.Context, c *Client) error { _, err := c.ReadUser(ctx, testHash, 42); return err },
		},
		{
			name: "204 entity not found", status: 404, body: `{"success":false,"status":{"code":204,"description":"Entity not found"}}`,
			wantCode: 204, notFound: true,
			call: func(ctx context.Context, c *Client) error { _, err := c.ReadTariff(ctx, testHash, 42); return err },
		},
		{
			name: "253 names the clones", status: 400, body: exErr253, wantCode: 253,
			call: func(ctx context.Context, c *Client) error {
				return c.CorruptTracker(ctx, testHash, TrackerCorruptParams{TrackerID: 1, CorruptClones: Ptr(false)})
			},
			check: func(t *testing.T, ae *APIError) {
				if !reflect.DeepEqual(ae.List, []int{234651}) {
					t.Errorf("list %v", ae.List)
				}
			},
		},
		{
			name: "247 batch clone conflicts", status: 409, body: exErr247Batch, wantCode: 247,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.BatchCloneTrackers(ctx, testHash, BatchCloneParams{UserID: 1, TrackerIDs: []int{1}})
				return err
			},
			check: func(t *testing.T, ae *APIError) {
				if !reflect.DeepEqual(ae.List, []int{10191656, 10191657}) {
					t.Errorf("list %v", ae.List)
				}
			},
		},
		{
			name: "203 names the rules", status: 400, body: exErr203Rules, wantCode: 203,
			call: func(ctx context.Context, c *Client) error { return c.DeleteClone(ctx, testHash, 1) },
			check: func(t *testing.T, ae *APIError) {
				if !reflect.DeepEqual(ae.Rules, []int{10}) {
					t.Errorf("rules %v", ae.Rules)
				}
			},
		},
		{
			name: "upload 7 with row and columns", status: 400, body: exErrUpload7, wantCode: 7,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UploadUsers(ctx, testHash, "users.csv", strings.NewReader("x"))
				return err
			},
			check: func(t *testing.T, ae *APIError) {
				if ae.RowNumber != 1 || len(ae.Errors) != 2 || ae.Errors[1].Parameter != "users_import.email" {
					t.Errorf("upload error %+v", ae)
				}
			},
		},
		{
			name: "upload 206 with row", status: 400, body: exErrUpload206, wantCode: 206,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UploadUsers(ctx, testHash, "users.csv", strings.NewReader("x"))
				return err
			},
			check: func(t *testing.T, ae *APIError) {
				if ae.RowNumber != 2 || !strings.Contains(ae.Error(), "at row 2") {
					t.Errorf("upload error %+v", ae)
				}
			},
		},
		{
			name: "failure answered with HTTP 200", status: 200, body: exErr201, wantCode: 201, notFound: true,
			call: func(ctx context.Context, c *Client) error { _, err := c.ReadTracker(ctx, testHash, 1); return err },
		},
		{
			name: "description echoing the hash is redacted", status: 400, wantCode: 3, sessionEnd: true,
			body: `{"success":false,"status":{"code":3,"description":"Wrong hash ` + testHash + `"},
				"errors":[{"parameter":"hash","error":"unknown ` + testHash + `"}]}`,
			call: func(ctx context.Context, c *Client) error { return c.Logout(ctx, testHash) },
			check: func(t *testing.T, ae *APIError) {
				if strings.Contains(ae.Error(), testHash) || strings.Contains(fmt.Sprintf("%+v", *ae), testHash) {
					t.Errorf("hash leaked: %s", ae.Error())
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakePanel(t, tc.status, tc.body)
			err := tc.call(context.Background(), f.client(t))
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("want *APIError, got %T %v", err, err)
			}
			if Code(err) != tc.wantCode || ae.HTTPStatus != tc.status {
				t.Errorf("code %d http %d, want %d %d", Code(err), ae.HTTPStatus, tc.wantCode, tc.status)
			}
			if IsSessionEnded(err) != tc.sessionEnd || IsForbidden(err) != tc.forbidden || IsNotFound(err) != tc.notFound {
				t.Errorf("helpers: ended=%v forbidden=%v notfound=%v", IsSessionEnded(err), IsForbidden(err), IsNotFound(err))
			}
			if !errors.Is(err, &APIError{Code: tc.wantCode}) || errors.Is(err, &APIError{Code: tc.wantCode + 1000}) {
				t.Error("errors.Is by code")
			}
			if IsRetryableRead(err) || errors.Is(err, ErrBadResponse) {
				t.Error("an API error is neither retryable nor a bad response")
			}
			if strings.Contains(err.Error(), testHash) {
				t.Errorf("hash in error: %s", err)
			}
			if len(f.requests()) != 1 {
				t.Errorf("%d requests, want 1", len(f.requests()))
			}
			if tc.check != nil {
				tc.check(t, ae)
			}
		})
	}
}

func TestUnreadableAnswers(t *testing.T) {
	html := "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
	cases := []struct {
		name     string
		status   int
		ctype    string
		body     string
		wantKind Kind
	}{
		{"garbage", 200, "application/json", "this is not json at all", KindNotJSON},
		{"html 502 from proxy", 502, "text/html", html, KindNotJSON},
		{"empty body", 200, "application/json", "", KindNotJSON},
		{"json array", 200, "application/json", "[1,2]", KindNotJSON},
		{"truncated json", 200, "application/json", `{"success": true, "list": [{"id": 1, "lab`, KindMalformed},
		{"invalid json", 500, "application/json", `{"success": fals}`, KindMalformed},
		{"no success nor status", 500, "application/json", `{"message": "internal"}`, KindMalformed},
		{"wrong field type", 200, "application/json", `{"success": true, "list": "nope", "count": 1}`, KindMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakePanel(t, tc.status, tc.body)
			f.ctype = tc.ctype
			_, err := f.client(t).ListUsers(context.Background(), testHash, UserListParams{})
			var te *TransportError
			if !errors.As(err, &te) {
				t.Fatalf("want *TransportError, got %T %v", err, err)
			}
			if te.Kind != tc.wantKind || te.HTTPStatus != tc.status || !te.AfterResponse || te.Action != "user/list" {
				t.Errorf("transport error %+v", te)
			}
			if !errors.Is(err, ErrBadResponse) || errors.Is(err, ErrTimeout) || Code(err) != 0 || IsRetryableRead(err) {
				t.Errorf("classification of %v", err)
			}
			if strings.Contains(err.Error(), "nginx") || strings.Contains(err.Error(), "lab") {
				t.Errorf("body echoed in error: %s", err)
			}
			if len(f.requests()) != 1 {
				t.Errorf("%d requests, want 1 (bad answers are not retried)", len(f.requests()))
			}
		})
	}
}

// slowPanel answers after delay, or gives up when the client leaves.
func slowPanel(t *testing.T, delay time.Duration, hits *atomic.Int32) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.ReadAll(r.Body) // lets the server notice the client leaving
		select {
		case <-time.After(delay):
			io.WriteString(w, exUserList)
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTimeouts(t *testing.T) {
	t.Run("client timeout", func(t *testing.T) {
		var hits atomic.Int32
		srv := slowPanel(t, 3*time.Second, &hits)
		c, _ := New(srv.URL+"/v2/panel", WithTimeout(60*time.Millisecond))
		start := time.Now()
		_, err := c.ListUsers(context.Background(), testHash, UserListParams{})
		if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("want timeout, got %v", err)
		}
		if IsRetryableRead(err) || hits.Load() != 1 {
			t.Errorf("timeouts must not be retried: hits=%d", hits.Load())
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("took %s", d)
		}
	})
	t.Run("caller deadline", func(t *testing.T) {
		var hits atomic.Int32
		srv := slowPanel(t, 3*time.Second, &hits)
		c, _ := New(srv.URL + "/v2/panel")
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Millisecond)
		defer cancel()
		_, err := c.ListUsers(ctx, testHash, UserListParams{})
		var te *TransportError
		if !errors.As(err, &te) || te.Kind != KindTimeout || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("want timeout, got %v", err)
		}
	})
	t.Run("caller cancels", func(t *testing.T) {
		var hits atomic.Int32
		srv := slowPanel(t, 3*time.Second, &hits)
		c, _ := New(srv.URL + "/v2/panel")
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(40*time.Millisecond, cancel)
		_, err := c.ListUsers(ctx, testHash, UserListParams{})
		var te *TransportError
		if !errors.As(err, &te) || te.Kind != KindCanceled || !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
			t.Fatalf("want canceled, got %v", err)
		}
		if hits.Load() != 1 {
			t.Errorf("hits %d", hits.Load())
		}
	})
	t.Run("http.Client timeout of a supplied client", func(t *testing.T) {
		var hits atomic.Int32
		srv := slowPanel(t, 3*time.Second, &hits)
		c, _ := New(srv.URL+"/v2/panel", WithHTTPClient(&http.Client{Timeout: 60 * time.Millisecond}))
		_, err := c.DealerInfo(context.Background(), testHash)
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("want timeout, got %v", err)
		}
	})
}

// countingTransport counts round trips, including failed ones.
type countingTransport struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

func TestRefusedConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	for _, tc := range []struct {
		name      string
		call      func(context.Context, *Client) error
		wantTries int32
	}{
		{"read retried once", func(ctx context.Context, c *Client) error {
			_, err := c.ListUsers(ctx, testHash, UserListParams{})
			return err
		}, 2},
		{"mutation not retried", func(ctx context.Context, c *Client) error {
			return c.ChangeUserBalance(ctx, testHash, BalanceChangeParams{UserID: 1, Amount: 5, Type: BalanceMoney, Text: "top up"})
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ct := &countingTransport{next: newKeepAlive()}
			c, _ := New("http://"+addr+"/v2/panel", WithHTTPClient(&http.Client{Transport: ct}))
			err := tc.call(context.Background(), c)
			var te *TransportError
			if !errors.As(err, &te) || te.Kind != KindUnreachable || !errors.Is(err, ErrUnreachable) ||
				!errors.Is(err, syscall.ECONNREFUSED) || te.AfterResponse {
				t.Fatalf("want refused, got %T %v", err, err)
			}
			if !IsRetryableRead(err) {
				t.Error("a refused connection is retryable for reads")
			}
			if got := ct.n.Load(); got != tc.wantTries {
				t.Errorf("%d attempts, want %d", got, tc.wantTries)
			}
		})
	}
}

// droppingPanel hijacks and closes the connection for the first `drops`
// requests, then answers with body.
func droppingPanel(t *testing.T, drops int32, body string, hits *atomic.Int32) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := hits.Add(1); n <= drops {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			conn.Close()
			return
		}
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestDroppedConnection(t *testing.T) {
	ctx := context.Background()
	t.Run("read retried once then fails", func(t *testing.T) {
		var hits atomic.Int32
		srv := droppingPanel(t, 100, exUserList, &hits)
		c, _ := New(srv.URL + "/v2/panel")
		_, err := c.ListUsers(ctx, testHash, UserListParams{})
		var te *TransportError
		if !errors.As(err, &te) || te.Kind != KindConnectionLost || !errors.Is(err, ErrConnectionLost) || !IsRetryableRead(err) {
			t.Fatalf("want connection lost, got %T %v", err, err)
		}
		if hits.Load() != 2 {
			t.Errorf("%d hits, want 2", hits.Load())
		}
	})
	t.Run("read succeeds on the retry", func(t *testing.T) {
		var hits atomic.Int32
		srv := droppingPanel(t, 1, exUserList, &hits)
		c, _ := New(srv.URL + "/v2/panel")
		l, err := c.ListUsers(ctx, testHash, UserListParams{})
		if err != nil || l.Count != 1 {
			t.Fatalf("got %v, %v", l, err)
		}
		if hits.Load() != 2 {
			t.Errorf("%d hits, want 2", hits.Load())
		}
	})
	t.Run("download retried once", func(t *testing.T) {
		var hits atomic.Int32
		srv := droppingPanel(t, 1, "id;login\n", &hits)
		c, _ := New(srv.URL + "/v2/panel")
		d, err := c.ExportUsers(ctx, testHash, UserExportParams{Format: ExportCSV})
		if err != nil {
			t.Fatal(err)
		}
		d.Body.Close()
		if hits.Load() != 2 {
			t.Errorf("%d hits, want 2", hits.Load())
		}
	})
	mutations := map[string]func(*Client) error{
		"change_balance": func(c *Client) error {
			return c.ChangeUserBalance(ctx, testHash, BalanceChangeParams{UserID: 1, Amount: 5, Type: BalanceMoney, Text: "top up"})
		},
		"tracker/move": func(c *Client) error {
			_, err := c.MoveTracker(ctx, testHash, TrackerMoveParams{TrackerID: 1, UserID: 2})
			return err
		},
		"user/upload": func(c *Client) error {
			_, err := c.UploadUsers(ctx, testHash, "u.csv", strings.NewReader("a;b\n"))
			return err
		},
		"account/auth": func(c *Client) error { _, err := c.Auth(ctx, "admin", "admin"); return err },
	}
	for name, call := range mutations {
		t.Run("mutation not retried: "+name, func(t *testing.T) {
			var hits atomic.Int32
			srv := droppingPanel(t, 1, exOK, &hits)
			c, _ := New(srv.URL + "/v2/panel")
			err := call(c)
			if !errors.Is(err, ErrConnectionLost) {
				t.Fatalf("want connection lost, got %T %v", err, err)
			}
			if hits.Load() != 1 {
				t.Errorf("%d hits, want 1", hits.Load())
			}
		})
	}
}

func TestBodyCutOffAfterHeaders(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Length", "5000")
		w.WriteHeader(200)
		io.WriteString(w, `{"success": true, "list": [`)
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}))
	defer srv.Close()
	c, _ := New(srv.URL + "/v2/panel")
	_, err := c.ListUsers(context.Background(), testHash, UserListParams{})
	var te *TransportError
	if !errors.As(err, &te) || te.Kind != KindConnectionLost || !te.AfterResponse || te.HTTPStatus != 200 {
		t.Fatalf("got %T %v", err, err)
	}
	if IsRetryableRead(err) || hits.Load() != 1 {
		t.Errorf("an answer cut off is not retried: hits=%d", hits.Load())
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	f := newFakePanel(t, http.StatusFound, "")
	f.ctype = "text/html"
	srvURL := f.URL
	f.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere" {
			t.Error("redirect followed")
		}
		http.Redirect(w, r, srvURL+"/elsewhere", http.StatusFound)
	})
	err := f.client(t).Logout(context.Background(), testHash)
	var te *TransportError
	if !errors.As(err, &te) || te.HTTPStatus != http.StatusFound || !errors.Is(err, ErrBadResponse) {
		t.Fatalf("got %v", err)
	}
}

func TestBadHashRejectedBeforeSending(t *testing.T) {
	f := newFakePanel(t, 200, exUserList)
	c := f.client(t)
	for _, h := range []string{"abc\r\nX-Evil: 1", "abc def", "ключ"} {
		_, err := c.ListUsers(context.Background(), h, UserListParams{})
		if !IsSessionEnded(err) || strings.Contains(err.Error(), h) {
			t.Errorf("hash %q: %v", h, err)
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestObserverCalledOncePerCall(t *testing.T) {
	type obs struct {
		action string
		code   int
	}
	var mu sync.Mutex
	var got []obs
	observer := WithObserver(func(action string, code int, d time.Duration) {
		if d <= 0 {
			t.Errorf("latency %s", d)
		}
		mu.Lock()
		got = append(got, obs{action, code})
		mu.Unlock()
	})
	ctx := context.Background()

	ok := newFakePanel(t, 200, exOK)
	_ = ok.client(t, observer).Logout(ctx, testHash)
	denied := newFakePanel(t, 403, exErr13)
	_, _ = denied.client(t, observer).ListTrackers(ctx, testHash, TrackerListParams{})
	html := newFakePanel(t, 502, "<html>bad gateway</html>")
	_, _ = html.client(t, observer).ReadTariff(ctx, testHash, 1)
	var hits atomic.Int32
	drop := droppingPanel(t, 100, exOK, &hits)
	c, _ := New(drop.URL+"/v2/panel", observer)
	_, _ = c.DealerInfo(ctx, testHash)
	_, _ = c.UploadUsers(ctx, testHash, "u.csv", strings.NewReader("x"))

	want := []obs{
		{"account/logout", 0},
		{"tracker/list", 13},
		{"tariff/read", ObservedTransportFailure},
		{"dealer/get_info", ObservedTransportFailure}, // two attempts, one observation
		{"user/upload", ObservedTransportFailure},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("observations\n got %v\nwant %v", got, want)
	}
}

// recordingTransport keeps the raw exchange, as the contract test will.
type recordingTransport struct {
	mu        sync.Mutex
	reqBodies [][]byte
	respBody  [][]byte
}

func (rt *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(b))
	resp, err := http.DefaultTransport.RoundTrip(r2)
	if err != nil {
		return nil, err
	}
	rb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(rb))
	rt.mu.Lock()
	rt.reqBodies = append(rt.reqBodies, b)
	rt.respBody = append(rt.respBody, rb)
	rt.mu.Unlock()
	return resp, nil
}

func TestRecordingRoundTripper(t *testing.T) {
	f := newFakePanel(t, 200, exTrackerRead)
	rt := &recordingTransport{}
	c := f.client(t, WithHTTPClient(&http.Client{Transport: rt}))
	tr, err := c.ReadTracker(context.Background(), testHash, 1245678)
	if err != nil || tr.ID != 111231 {
		t.Fatalf("%v %v", tr, err)
	}
	if len(rt.reqBodies) != 1 || string(rt.reqBodies[0]) != `{"tracker_id":1245678}` || string(rt.respBody[0]) != exTrackerRead {
		t.Errorf("recorded %q / %d bytes", rt.reqBodies, len(rt.respBody))
	}
}

func TestExportStreamsTheFile(t *testing.T) {
	release := make(chan struct{})
	var seen seenRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen = seenRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), b}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="../../etc/users_2024.csv"`)
		io.WriteString(w, "id;login\n")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "1;a@b.c\n")
	}))
	defer srv.Close()
	// The timeout covers the headers only: the file keeps streaming after it.
	c, _ := New(srv.URL+"/v2/panel", WithTimeout(80*time.Millisecond))
	d, err := c.ExportUsers(context.Background(), testHash, UserExportParams{
		Format: ExportCSV, Columns: []string{"id", "login"}, Filter: "a", HideInactive: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Body.Close()
	first := make([]byte, len("id;login\n"))
	if _, err := io.ReadFull(d.Body, first); err != nil || string(first) != "id;login\n" {
		t.Fatalf("first chunk %q %v", first, err)
	}
	time.Sleep(150 * time.Millisecond)
	close(release)
	rest, err := io.ReadAll(d.Body)
	if err != nil || string(rest) != "1;a@b.c\n" {
		t.Fatalf("rest %q %v", rest, err)
	}
	if d.FileName != "users_2024.csv" || !strings.HasPrefix(d.ContentType, "text/csv") {
		t.Errorf("file %q type %q", d.FileName, d.ContentType)
	}
	if seen.Path != "/v2/panel/user/export" || seen.Header.Get("Authorization") != "NVX "+testHash || seen.Header.Get("Accept") != "*/*" ||
		seen.RawQuery != "" || bytes.Contains(seen.Body, []byte(testHash)) {
		t.Errorf("request %+v", seen)
	}
	jsonEqual(t, seen.Body, `{"filter":"a","hide_inactive":true,"format":"csv","columns":["id","login"]}`)
}

func TestExportFailures(t *testing.T) {
	ctx := context.Background()
	t.Run("API error", func(t *testing.T) {
		c := newFakePanel(t, 403, exErr13).client(t)
		d, err := c.ExportUsers(ctx, testHash, UserExportParams{})
		if d != nil || !IsForbidden(err) {
			t.Fatalf("got %v %v", d, err)
		}
	})
	t.Run("JSON success instead of a file", func(t *testing.T) {
		c := newFakePanel(t, 200, exOK).client(t)
		_, err := c.ExportUsers(ctx, testHash, UserExportParams{})
		if !errors.Is(err, ErrBadResponse) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("proxy error page", func(t *testing.T) {
		f := newFakePanel(t, 504, "<html>gateway timeout</html>")
		f.ctype = "text/html"
		_, err := f.client(t).ExportUsers(ctx, testHash, UserExportParams{})
		var te *TransportError
		if !errors.As(err, &te) || te.Kind != KindNotJSON || te.HTTPStatus != 504 {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("JSON error labelled as a file", func(t *testing.T) {
		f := newFakePanel(t, 200, exErr13)
		f.ctype = "application/octet-stream"
		_, err := f.client(t).ExportUsers(ctx, testHash, UserExportParams{})
		if !IsForbidden(err) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("empty file", func(t *testing.T) {
		f := newFakePanel(t, 200, "")
		f.ctype = "text/csv"
		d, err := f.client(t).ExportUsers(ctx, testHash, UserExportParams{Format: ExportCSV})
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(d.Body)
		d.Body.Close()
		if err != nil || len(b) != 0 || d.FileName != "users.csv" {
			t.Errorf("%q %v %q", b, err, d.FileName)
		}
	})
	t.Run("default file name", func(t *testing.T) {
		f := newFakePanel(t, 200, "PK\x03\x04")
		f.ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		d, err := f.client(t).ExportUsers(ctx, testHash, UserExportParams{})
		if err != nil {
			t.Fatal(err)
		}
		d.Body.Close()
		if d.FileName != "users.xlsx" {
			t.Errorf("file name %q", d.FileName)
		}
	})
}

func TestUploadSendsMultipart(t *testing.T) {
	const csv = "Email address*;Password*;Status*;Legal status*;Surname*;Name*\nuser@test.com;Hh6FXTt%E!Rx*%f3;1;1;Smith;John\n"
	type upload struct {
		auth, query, fileName, fileType, content string
		values                                   map[string][]string
		raw                                      []byte
	}
	var got upload
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		got.raw, got.auth, got.query = raw, r.Header.Get("Authorization"), r.URL.RawQuery
		_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil {
			t.Error(err)
			return
		}
		form, err := multipart.NewReader(bytes.NewReader(raw), params["boundary"]).ReadForm(1 << 20)
		if err != nil {
			t.Error(err)
			return
		}
		got.values = form.Value
		if fh := form.File["file"]; len(fh) == 1 {
			got.fileName, got.fileType = fh[0].Filename, fh[0].Header.Get("Content-Type")
			f, _ := fh[0].Open()
			b, _ := io.ReadAll(f)
			got.content = string(b)
		}
		io.WriteString(w, exUpload)
	}))
	defer srv.Close()
	c, _ := New(srv.URL + "/v2/panel")
	res, err := c.UploadUsers(context.Background(), testHash, "new users.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if *res != (UploadResult{Total: 1, Errors: 0}) {
		t.Errorf("result %+v", res)
	}
	if got.auth != "NVX "+testHash || got.query != "" || bytes.Contains(got.raw, []byte(testHash)) {
		t.Errorf("hash placement: auth %q query %q", got.auth, got.query)
	}
	if got.fileName != "new users.csv" || got.fileType != "text/csv" || got.content != csv || len(got.values) != 0 {
		t.Errorf("upload %+v", got)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestUploadReportsAnUnreadableFile(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		io.WriteString(w, exUpload)
	}))
	defer srv.Close()
	c, _ := New(srv.URL + "/v2/panel")
	_, err := c.UploadUsers(context.Background(), testHash, "u.csv", failingReader{})
	var te *TransportError
	if err == nil || errors.As(err, &te) || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("got %T %v", err, err)
	}
}

func TestConcurrentUse(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("Authorization") == "" {
			t.Error("missing Authorization")
		}
		io.WriteString(w, exUserList)
	}))
	defer srv.Close()
	var observed atomic.Int32
	c, _ := New(srv.URL+"/v2/panel", WithObserver(func(string, int, time.Duration) { observed.Add(1) }))
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 8 {
				hash := fmt.Sprintf("%032x", i*100+j)
				if l, err := c.ListUsers(context.Background(), hash, UserListParams{Limit: j + 1}); err != nil || l.Count != 1 {
					t.Errorf("call: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	if hits.Load() != 256 || observed.Load() != 256 {
		t.Errorf("hits %d observed %d", hits.Load(), observed.Load())
	}
}

func TestLocalValidation(t *testing.T) {
	f := newFakePanel(t, 200, exOK)
	c := f.client(t)
	ctx := context.Background()
	if err := c.UpdateUser(ctx, testHash, UserUpdateParams{}); err == nil {
		t.Error("UpdateUser without ID accepted")
	}
	if err := c.UpdateTariff(ctx, testHash, Plan{}); err == nil {
		t.Error("UpdateTariff without ID accepted")
	}
	if err := c.UpdateTariffDefaults(ctx, testHash, TariffDefaultsSet{}); err == nil {
		t.Error("UpdateTariffDefaults without tracker accepted")
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
