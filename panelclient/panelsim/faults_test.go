package panelsim

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// post sends a real HTTP request to a served emulator.
func post(t *testing.T, ctx context.Context, base, action, body string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v2/panel/"+action, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestFaults(t *testing.T) {
	s := New(smallSeed)
	ts := httptest.NewServer(s)
	defer ts.Close()
	const action, body = "timezone/list", `{"locale":"en"}`

	t.Run("code", func(t *testing.T) {
		defer s.ClearFaults()
		s.SetFault(action, Fault{Code: 8})
		resp, b, err := post(t, context.Background(), ts.URL, action, body)
		if err != nil {
			t.Fatal(err)
		}
		want := `{"success":false,"status":{"code":8,"description":"Queue service error, try again later"}}`
		if resp.StatusCode != http.StatusServiceUnavailable || string(b) != want {
			t.Fatalf("HTTP %d %s", resp.StatusCode, b)
		}
	})
	t.Run("raw body", func(t *testing.T) {
		defer s.ClearFaults()
		s.SetFault(action, Fault{Status: http.StatusBadGateway, Body: "<html><body><h1>502 Bad Gateway</h1></body></html>"})
		resp, b, err := post(t, context.Background(), ts.URL, action, body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusBadGateway || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(b), "502") {
			t.Fatalf("HTTP %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
	})
	t.Run("garbage with 200", func(t *testing.T) {
		defer s.ClearFaults()
		s.SetFault(action, Fault{Body: "not json"})
		resp, b, err := post(t, context.Background(), ts.URL, action, body)
		if err != nil || resp.StatusCode != 200 || string(b) != "not json" {
			t.Fatalf("HTTP %v %s %v", resp, b, err)
		}
	})
	t.Run("truncate", func(t *testing.T) {
		defer s.ClearFaults()
		s.SetFault(action, Fault{Truncate: true})
		resp, b, err := post(t, context.Background(), ts.URL, action, body)
		if err != nil || resp.StatusCode != 200 {
			t.Fatal(resp, err)
		}
		if json.Valid(b) || !strings.HasPrefix(string(b), `{"success":true,"list":[`) {
			t.Fatalf("want a cut JSON reply, got %d bytes: %.80s", len(b), b)
		}
	})
	t.Run("drop", func(t *testing.T) {
		defer s.ClearFaults()
		s.SetFault(action, Fault{Drop: true})
		_, _, err := post(t, context.Background(), ts.URL, action, body)
		if err == nil {
			t.Fatal("want a transport error from a dropped connection")
		}
	})
	t.Run("latency", func(t *testing.T) {
		defer s.ClearFaults()
		s.SetFault(action, Fault{Latency: 80 * time.Millisecond})
		start := time.Now()
		if _, _, err := post(t, context.Background(), ts.URL, action, body); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 80*time.Millisecond {
			t.Fatalf("answered after %s", d)
		}
	})
	t.Run("latency respects the caller's deadline", func(t *testing.T) {
		defer s.ClearFaults()
		s.SetFault(action, Fault{Latency: 10 * time.Second})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, _, err := post(t, ctx, ts.URL, action, body)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("want deadline exceeded, got %v", err)
		}
	})
	t.Run("every action", func(t *testing.T) {
		defer s.ClearFaults()
		s.SetFault(AnyAction, Fault{Code: 14})
		s.SetFault("account/auth", Fault{Code: 15})
		wantError(t, do(t, s, request{path: action, json: body}), 14, http.StatusServiceUnavailable)
		wantError(t, do(t, s, request{path: "account/auth", json: `{}`}), 15, http.StatusTooManyRequests)
		s.SetFault("account/auth", Fault{}) // zero removes just this one
		wantError(t, do(t, s, request{path: "account/auth", json: `{}`}), 14, http.StatusServiceUnavailable)
	})
	t.Run("global latency", func(t *testing.T) {
		s.SetLatency(30 * time.Millisecond)
		defer s.SetLatency(0)
		start := time.Now()
		if res := do(t, s, request{path: action, json: body}); !res.success() {
			t.Fatal(string(res.body))
		}
		if d := time.Since(start); d < 30*time.Millisecond {
			t.Fatalf("answered after %s", d)
		}
	})
	t.Run("cleared", func(t *testing.T) {
		if res := do(t, s, request{path: action, json: body}); !res.success() {
			t.Fatalf("fault left behind: %s", res.body)
		}
	})
	t.Run("faulted calls are attempts, not runs", func(t *testing.T) {
		s.ResetCalls()
		defer s.ClearFaults()
		s.SetFault(action, Fault{Code: 1})
		do(t, s, request{path: action, json: body})
		if s.Attempts(action) != 1 || s.CallCount(action) != 0 {
			t.Fatalf("attempts %d, calls %d", s.Attempts(action), s.CallCount(action))
		}
	})
}
