package panelsim

import (
	"encoding/json"
	"fmt"
	"testing"
)

// stockFixture is an emulator with a fake clock and a session of each demo
// account, for the activation code, bundle, equipment and order tests.
type stockFixture struct {
	s                   *Server
	clock               *fakeClock
	admin, tech, viewer string
}

func newStockFixture(t *testing.T) *stockFixture {
	t.Helper()
	clock := newFakeClock()
	s := New(smallSeed, WithClock(clock.Now))
	return &stockFixture{
		s: s, clock: clock,
		admin:  login(t, s, "admin", "admin"),
		tech:   login(t, s, "tech", "tech"),
		viewer: login(t, s, "viewer", "viewer"),
	}
}

// call runs an action with a session and a JSON body (fmt arguments allowed).
func (f *stockFixture) call(t *testing.T, hash, action, body string, args ...any) result {
	t.Helper()
	if len(args) > 0 {
		body = fmt.Sprintf(body, args...)
	}
	if body == "" {
		body = "{}"
	}
	return do(t, f.s, request{path: action, json: body, header: bearer(hash)})
}

// ok runs an action as admin, fails the test unless it succeeds, and
// decodes the reply into out when out is not nil.
func (f *stockFixture) ok(t *testing.T, out any, action, body string, args ...any) result {
	t.Helper()
	res := f.call(t, f.admin, action, body, args...)
	if !res.success() || res.status != 200 {
		t.Fatalf("%s %s: HTTP %d %s", action, fmt.Sprintf(body, args...), res.status, res.body)
	}
	if out != nil {
		if err := json.Unmarshal(res.body, out); err != nil {
			t.Fatalf("%s: %v\n%s", action, err, res.body)
		}
	}
	return res
}

// codes lists activation codes as admin.
func (f *stockFixture) codes(t *testing.T, body string, args ...any) ([]ActivationCode, int) {
	t.Helper()
	var out struct {
		List  []ActivationCode `json:"list"`
		Count int              `json:"count"`
	}
	f.ok(t, &out, "dealer/activation_code/list", body, args...)
	return out.List, out.Count
}

// bundles lists bundles as admin.
func (f *stockFixture) bundles(t *testing.T, body string, args ...any) ([]Bundle, int) {
	t.Helper()
	var out struct {
		List  []Bundle `json:"list"`
		Count int      `json:"count"`
	}
	f.ok(t, &out, "tracker/bundle/list", body, args...)
	return out.List, out.Count
}

// bundle reads a bundle by IMEI as admin.
func (f *stockFixture) bundle(t *testing.T, imei string) Bundle {
	t.Helper()
	var out struct {
		Value Bundle `json:"value"`
	}
	f.ok(t, &out, "tracker/bundle/read", `{"imei":%q}`, imei)
	return out.Value
}

// order reads an order as viewer.
func (f *stockFixture) order(t *testing.T, id int) Order {
	t.Helper()
	res := f.call(t, f.viewer, "order/read", `{"order_id":%d}`, id)
	var out struct {
		Value Order `json:"value"`
	}
	if err := json.Unmarshal(res.body, &out); err != nil || !res.success() {
		t.Fatalf("order/read %d: %v %s", id, err, res.body)
	}
	return out.Value
}

// seededBundle returns a seeded bundle by id.
func (f *stockFixture) seededBundle(t *testing.T, id int) Bundle {
	t.Helper()
	for _, b := range f.s.Store().Bundles() {
		if b.ID == id {
			return b
		}
	}
	t.Fatalf("no bundle %d", id)
	return Bundle{}
}

// sim returns the n-th (from 0) seeded SIM card matching pred.
func (f *stockFixture) sim(t *testing.T, n int, what string, pred func(SIMCard) bool) string {
	t.Helper()
	for _, c := range f.s.Store().SIMCards() {
		if pred(c) {
			if n == 0 {
				return c.ICCID
			}
			n--
		}
	}
	t.Fatalf("the seed has too few %s SIM cards", what)
	return ""
}

func freeSIM(c SIMCard) bool { return c.free() }

// code returns the first seeded activation code matching pred.
func (f *stockFixture) code(t *testing.T, what string, pred func(ActivationCode) bool) ActivationCode {
	t.Helper()
	for _, c := range f.s.Store().ActivationCodes() {
		if pred(c) {
			return c
		}
	}
	t.Fatalf("the seed has no %s activation code", what)
	return ActivationCode{}
}

// wantStockParamError checks a code 7 failure names a parameter.
func wantStockParamError(t *testing.T, res result, parameter string) {
	t.Helper()
	wantError(t, res, codeInvalidParameters, 400)
	errs, _ := res.obj["errors"].([]any)
	for _, e := range errs {
		if m, _ := e.(map[string]any); m["parameter"] == parameter {
			return
		}
	}
	t.Fatalf("code 7 without an entry for %q: %s", parameter, res.body)
}
