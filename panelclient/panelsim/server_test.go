package panelsim

import (
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestActionsRegistered(t *testing.T) {
	want := []string{"account/auth", "account/get_permissions", "account/logout", "dealer/get_info", "timezone/list"}
	got := New(smallSeed).Actions()
	for _, name := range want {
		if !slices.Contains(got, name) {
			t.Errorf("action %q not registered; have %v", name, got)
		}
	}
	if !slices.IsSorted(got) {
		t.Errorf("Actions() not sorted: %v", got)
	}
}

func TestHashForms(t *testing.T) {
	s := New(smallSeed)
	hash := login(t, s, "admin", "admin")
	other := "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name   string
		rq     request
		code   int // 0: success
		status int
	}{
		{"header", request{header: bearer(hash)}, 0, 200},
		{"header scheme is case-insensitive", request{header: map[string]string{"Authorization": "nvx " + hash}}, 0, 200},
		{"JSON body", request{json: `{"hash":"` + hash + `"}`}, 0, 200},
		{"urlencoded form", request{form: url.Values{"hash": {hash}}}, 0, 200},
		{"multipart form", request{multi: map[string]string{"hash": hash}}, 0, 200},
		{"query string", request{method: http.MethodGet, query: url.Values{"hash": {hash}}}, 0, 200},
		{"query with a JSON body", request{json: `{}`, query: url.Values{"hash": {hash}}}, 0, 200},
		{"header wins over parameter", request{header: bearer(hash), json: `{"hash":"` + other + `"}`}, 0, 200},
		{"missing", request{json: `{}`}, codeWrongHash, 400},
		{"malformed", request{json: `{"hash":"not-a-hash"}`}, codeWrongHash, 400},
		{"upper case", request{header: bearer("0123456789ABCDEF0123456789ABCDEF")}, codeWrongHash, 400},
		{"too short", request{query: url.Values{"hash": {hash[:31]}}}, codeWrongHash, 400},
		{"other scheme", request{header: map[string]string{"Authorization": "Bearer " + hash}}, codeWrongHash, 400},
		{"header without value", request{header: map[string]string{"Authorization": "NVX"}}, codeWrongHash, 400},
		{"unknown session", request{header: bearer(other)}, codeSessionEnded, 400},
		{"unknown session in form", request{form: url.Values{"hash": {other}}}, codeSessionEnded, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.rq.path = "dealer/get_info"
			res := do(t, s, tt.rq)
			if tt.code == 0 {
				if !res.success() || res.status != 200 || res.obj["id"] != float64(dealerID) {
					t.Fatalf("want the dealer card, got HTTP %d: %s", res.status, res.body)
				}
				return
			}
			wantError(t, res, tt.code, tt.status)
		})
	}
}

func TestParameterForms(t *testing.T) {
	s := New(smallSeed)
	tests := []struct {
		name string
		rq   request
	}{
		{"JSON", request{json: `{"login":"admin","password":"admin"}`}},
		{"JSON with charset", request{json: `{"login":"admin","password":"admin"}`, header: map[string]string{"Content-Type": "application/json; charset=utf-8"}}},
		{"JSON without content type", request{json: `{"login":"admin","password":"admin"}`, header: map[string]string{"Content-Type": ""}}},
		{"urlencoded", request{form: url.Values{"login": {"admin"}, "password": {"admin"}}}},
		{"multipart", request{multi: map[string]string{"login": "admin", "password": "admin"}}},
		{"query GET", request{method: http.MethodGet, query: url.Values{"login": {"admin"}, "password": {"admin"}}}},
		{"query POST", request{query: url.Values{"login": {"admin"}, "password": {"admin"}}}},
		{"split between body and query", request{form: url.Values{"password": {"admin"}}, query: url.Values{"login": {"admin"}}}},
		{"body wins over query", request{json: `{"login":"admin","password":"admin"}`, query: url.Values{"password": {"wrong"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.rq.path = "account/auth"
			res := do(t, s, tt.rq)
			if !res.success() || !wellFormedHash(res.obj["hash"].(string)) {
				t.Fatalf("auth failed: HTTP %d %s", res.status, res.body)
			}
		})
	}
}

func TestRouting(t *testing.T) {
	s := New(smallSeed)
	tests := []struct {
		name   string
		method string
		path   string
		code   int
	}{
		{"trailing slash", http.MethodPost, "/v2/panel/timezone/list/?locale=en", 0},
		{"no trailing slash", http.MethodPost, "/v2/panel/timezone/list?locale=en", 0},
		{"GET", http.MethodGet, "/v2/panel/timezone/list?locale=en", 0},
		{"unknown action", http.MethodPost, "/v2/panel/timezone/delete", codeWrongHandler},
		{"unknown resource", http.MethodPost, "/v2/panel/nothing/list", codeWrongHandler},
		{"bare prefix", http.MethodPost, "/v2/panel/", codeWrongHandler},
		{"outside the API", http.MethodPost, "/panel/timezone/list", codeWrongHandler},
		{"double slash", http.MethodPost, "/v2/panel/timezone//list", codeWrongHandler},
		{"PUT", http.MethodPut, "/v2/panel/timezone/list?locale=en", codeWrongMethod},
		{"DELETE", http.MethodDelete, "/v2/panel/timezone/list?locale=en", codeWrongMethod},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse(tt.path)
			rq := request{method: tt.method, query: u.Query()}
			req := rq.build(t)
			req.URL.Path = u.Path
			rec := httptestRecorder(s, req)
			res := decode(t, rec)
			if tt.code == 0 {
				if !res.success() {
					t.Fatalf("want success, got %s", res.body)
				}
				return
			}
			wantError(t, res, tt.code, 400)
		})
	}
}

func TestMalformedBody(t *testing.T) {
	s := New(smallSeed)
	for _, body := range []string{`{"login":`, `[1,2]`, `"text"`, `{"a":1} {"b":2}`, `null`} {
		res := do(t, s, request{path: "account/auth", json: body})
		wantError(t, res, codeWrongRequestFormat, 400)
	}
}

func TestAuth(t *testing.T) {
	s := New(smallSeed)
	tests := []struct {
		name     string
		body     string
		code     int
		status   int
		errParam []string
	}{
		{"admin", `{"login":"admin","password":"admin"}`, 0, 200, nil},
		{"tech", `{"login":"tech","password":"tech"}`, 0, 200, nil},
		{"viewer", `{"login":"viewer","password":"viewer"}`, 0, 200, nil},
		{"wrong password", `{"login":"admin","password":"nimda"}`, codeDealerNotFound, 400, nil},
		{"unknown login", `{"login":"20410","password":"admin"}`, codeDealerNotFound, 400, nil},
		{"login case matters", `{"login":"Admin","password":"admin"}`, codeDealerNotFound, 400, nil},
		{"missing password", `{"login":"admin"}`, codeInvalidParameters, 400, []string{"password"}},
		{"missing both", `{}`, codeInvalidParameters, 400, []string{"login", "password"}},
		{"null login", `{"login":null,"password":"x"}`, codeInvalidParameters, 400, []string{"login"}},
		{"object as login", `{"login":{"a":1},"password":"x"}`, codeInvalidParameters, 400, []string{"login"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, s, request{path: "account/auth", json: tt.body})
			if tt.code == 0 {
				if !res.success() || res.obj["permissions"] == nil {
					t.Fatalf("auth failed: %s", res.body)
				}
				return
			}
			wantError(t, res, tt.code, tt.status)
			var params []string
			errs, _ := res.obj["errors"].([]any)
			for _, e := range errs {
				params = append(params, e.(map[string]any)["parameter"].(string))
			}
			slices.Sort(params)
			if !slices.Equal(params, tt.errParam) {
				t.Fatalf("errors name %v, want %v: %s", params, tt.errParam, res.body)
			}
		})
	}
	if n := s.sessions.count(); n != 3 {
		t.Errorf("%d sessions open, want 3 (one per successful login)", n)
	}
}

func TestBlockedDealer(t *testing.T) {
	s := New(smallSeed)
	before := login(t, s, "tech", "tech")
	s.SetDealerBlocked(true)

	res := do(t, s, request{path: "account/auth", json: `{"login":"admin","password":"admin"}`})
	wantError(t, res, codeAccessDenied, http.StatusForbidden)
	// Wrong credentials do not reveal the block.
	res = do(t, s, request{path: "account/auth", json: `{"login":"admin","password":"x"}`})
	wantError(t, res, codeDealerNotFound, 400)

	res = do(t, s, request{path: "dealer/get_info", header: bearer(before)})
	if !res.success() || res.obj["block_status"] != "BLOCK_LOGIN" {
		t.Fatalf("open session should still read the dealer, blocked: %s", res.body)
	}

	s.SetDealerBlocked(false)
	login(t, s, "admin", "admin")
	if got := s.Store().Dealer().BlockStatus; got != "NOT_BLOCKED" {
		t.Fatalf("block_status %q after unblocking", got)
	}
}

func TestSessionLifetime(t *testing.T) {
	clock := newFakeClock()
	s := New(smallSeed, WithClock(clock.Now))
	hash := login(t, s, "viewer", "viewer")
	getPerms := func() result {
		return do(t, s, request{path: "account/get_permissions", header: bearer(hash)})
	}

	clock.Advance(24*time.Hour - time.Second)
	if res := getPerms(); !res.success() {
		t.Fatalf("session ended before 24 hours: %s", res.body)
	}
	clock.Advance(2 * time.Second) // 24h + 1s after login
	wantError(t, getPerms(), codeSessionEnded, 400)
	// Activity does not extend a session, and an expired one stays ended.
	clock.Advance(-time.Hour)
	wantError(t, getPerms(), codeSessionEnded, 400)
}

func TestLogout(t *testing.T) {
	s := New(smallSeed)
	hash := login(t, s, "admin", "admin")
	keep := login(t, s, "admin", "admin")

	res := do(t, s, request{path: "account/logout", json: `{"hash":"` + hash + `"}`})
	if !res.success() || len(res.obj) != 1 {
		t.Fatalf(`logout should answer {"success":true}: %s`, res.body)
	}
	wantError(t, do(t, s, request{path: "dealer/get_info", header: bearer(hash)}), codeSessionEnded, 400)
	wantError(t, do(t, s, request{path: "account/logout", header: bearer(hash)}), codeSessionEnded, 400)
	if res := do(t, s, request{path: "dealer/get_info", header: bearer(keep)}); !res.success() {
		t.Fatalf("logout ended another session: %s", res.body)
	}

	s.EndAllSessions()
	wantError(t, do(t, s, request{path: "dealer/get_info", header: bearer(keep)}), codeSessionEnded, 400)
}

func TestPermissionSets(t *testing.T) {
	s := New(smallSeed)
	perms := func(user string) map[string][]string {
		hash := login(t, s, user, user)
		res := do(t, s, request{path: "account/get_permissions", header: bearer(hash)})
		out := map[string][]string{}
		for cat, ops := range res.obj["permissions"].(map[string]any) {
			for _, op := range ops.([]any) {
				out[cat] = append(out[cat], op.(string))
			}
		}
		return out
	}
	admin, tech, viewer := perms("admin"), perms("tech"), perms("viewer")

	// Everything named in the docs, including the operations only an
	// action's "required permissions" line mentions.
	for cat, ops := range map[string][]string{
		"tracker_bundles": {"create"}, "users": {"corrupt", "delete", "global"}, "user_sessions": {"global"},
		"trackers": {"corrupt", "global", "report"}, "accounting": {"generate"}, "sms": {"create"},
		"password": {"update"}, "email_gateways": {"send_email"}, "subpaas": {"delete"},
	} {
		for _, op := range ops {
			if !slices.Contains(admin[cat], op) {
				t.Errorf("admin lacks %s: %s", cat, op)
			}
		}
	}
	if !reflect.DeepEqual(tech, map[string][]string(newPermSet(techPermissions()))) {
		t.Errorf("tech permissions %v", tech)
	}
	// tech may not delete users, corrupt anything, touch plans or settings.
	for _, p := range []perm{{"users", "delete"}, {"users", "corrupt"}, {"trackers", "corrupt"}, {"tariffs", "update"},
		{"tariffs", "create"}, {"service_settings", "update"}, {"password", "update"}} {
		if slices.Contains(tech[p.category], p.operation) {
			t.Errorf("tech may %s: %s", p.category, p.operation)
		}
	}
	// viewer has exactly the read operations of tech (get_dealer_info counts as one).
	for cat, ops := range viewer {
		for _, op := range ops {
			if !slices.Contains(tech[cat], op) || (op != "read" && op != "get_dealer_info") {
				t.Errorf("viewer has %s: %s", cat, op)
			}
		}
	}
	for cat, ops := range tech {
		if slices.Contains(ops, "read") && !slices.Contains(viewer[cat], "read") {
			t.Errorf("viewer lacks %s: read", cat)
		}
	}
}

func TestPermissionCheckComesFirst(t *testing.T) {
	s := New(smallSeed)
	ran := 0
	s.register("test/user_update", need("users", "update").and("transactions", "create"), func(c *call) (any, error) {
		ran++
		c.params.int("user_id") // a missing parameter must not mask the 403
		return nil, c.params.err()
	})
	viewer, tech := login(t, s, "viewer", "viewer"), login(t, s, "tech", "tech")

	res := do(t, s, request{path: "test/user_update", header: bearer(viewer), json: `{}`})
	wantError(t, res, codeNotPermitted, http.StatusForbidden)
	if s.Attempts("test/user_update") != 1 || s.CallCount("test/user_update") != 0 || ran != 0 {
		t.Fatalf("forbidden call reached the action: attempts %d, calls %d", s.Attempts("test/user_update"), s.CallCount("test/user_update"))
	}

	wantError(t, do(t, s, request{path: "test/user_update", header: bearer(tech), json: `{}`}), codeInvalidParameters, 400)
	if res := do(t, s, request{path: "test/user_update", header: bearer(tech), json: `{"user_id":3}`}); !res.success() {
		t.Fatalf("tech was refused: %s", res.body)
	}
	if s.Attempts("test/user_update") != 3 || s.CallCount("test/user_update") != 2 {
		t.Fatalf("attempts %d, calls %d; want 3 and 2", s.Attempts("test/user_update"), s.CallCount("test/user_update"))
	}
	s.ResetCalls()
	if s.Attempts("test/user_update") != 0 || s.CallCount("test/user_update") != 0 {
		t.Fatal("ResetCalls left counts")
	}
}

func TestAddAccount(t *testing.T) {
	s := New(smallSeed)
	s.AddAccount("20410", "12f@14Y$", map[string][]string{"trackers": {"read", "read"}, "users": nil})
	hash := login(t, s, "20410", "12f@14Y$")
	res := do(t, s, request{path: "account/get_permissions", header: bearer(hash)})
	want := map[string]any{"trackers": []any{"read"}, "users": []any{}}
	if !reflect.DeepEqual(res.obj["permissions"], want) {
		t.Fatalf("permissions %v, want %v", res.obj["permissions"], want)
	}
	wantError(t, do(t, s, request{path: "dealer/get_info", header: bearer(hash)}), codeNotPermitted, http.StatusForbidden)

	// Changing the account shows in sessions already open.
	s.AddAccount("20410", "12f@14Y$", map[string][]string{"base": {"get_dealer_info"}})
	if res := do(t, s, request{path: "dealer/get_info", header: bearer(hash)}); !res.success() {
		t.Fatalf("new permission not applied to the open session: %s", res.body)
	}
}

func TestErrorTable(t *testing.T) {
	tests := map[int]int{1: 500, 3: 400, 4: 400, 6: 500, 7: 400, 8: 503, 11: 403, 12: 400, 13: 403, 15: 429,
		102: 400, 111: 400, 112: 400, 201: 400, 204: 404, 219: 403, 236: 402, 247: 409, 251: 403, 271: 413, 999: 400}
	for code, status := range tests {
		if got := describe(code).status; got != status {
			t.Errorf("code %d: HTTP %d, want %d", code, got, status)
		}
	}
	res := newError(codeDeviceHasClones).with("list", []int{234651}).render()
	want := `{"success":false,"status":{"code":253,"description":"Device has clones"},"list":[234651]}`
	if string(res.body) != want {
		t.Errorf("got %s\nwant %s", res.body, want)
	}
}
