package panelsim

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestDealerGetInfo(t *testing.T) {
	s := New(smallSeed)
	hash := login(t, s, "viewer", "viewer")
	res := do(t, s, request{path: "dealer/get_info", header: bearer(hash)})
	if !res.success() {
		t.Fatal(string(res.body))
	}
	// The dealer's fields sit at the top level, next to success.
	for _, key := range []string{"id", "seller_id", "parent_dealer_id", "contract_type", "tariff_id", "tariff",
		"demo_tariff", "tracker_tariff_end_date", "store_period", "demo_ends", "title", "block_status", "legal_name",
		"active_amount", "active_amount_own", "active_amount_subpaas", "active_limit", "locale", "domain", "favicon",
		"logo", "enable_trackers", "enable_cameras", "paas_activation_date", "license_balance", "seller_currency",
		"features", "default_user_time_zone"} {
		if _, ok := res.obj[key]; !ok {
			t.Errorf("dealer/get_info lacks %q", key)
		}
	}
	if res.obj["demo_ends"] != nil || res.obj["domain"] != "demo.navixy.com" {
		t.Errorf("demo_ends %v, domain %v", res.obj["demo_ends"], res.obj["domain"])
	}
	tariff := res.obj["tariff"].(map[string]any)
	if _, ok := tariff["service_prices"].(map[string]any); !ok || tariff["store_period"] != "P3Y" {
		t.Errorf("tariff %v", tariff)
	}
	if !strings.HasPrefix(string(res.body), `{"success":true,"id":`) {
		t.Errorf("reply should start with success: %.40s", res.body)
	}
}

func TestTimezoneList(t *testing.T) {
	s := New(smallSeed)
	list := func(locale string) []TimeZone {
		res := do(t, s, request{path: "timezone/list", json: `{"locale":"` + locale + `"}`})
		var reply struct {
			List []TimeZone `json:"list"`
		}
		if err := json.Unmarshal(res.body, &reply); err != nil || !res.success() {
			t.Fatalf("%s: %v %s", locale, err, res.body)
		}
		return reply.List
	}
	en, ru := list("en"), list("ru_RU")
	if len(en) < 40 || len(en) != len(ru) {
		t.Fatalf("%d English and %d Russian zones", len(en), len(ru))
	}
	if !slices.IsSortedFunc(en, func(a, b TimeZone) int { return strings.Compare(a.ZoneID, b.ZoneID) }) {
		t.Error("zones not ordered by zone_id")
	}
	byID := map[string][2]TimeZone{}
	for i := range en {
		byID[en[i].ZoneID] = [2]TimeZone{en[i], ru[i]}
	}
	tij := byID["America/Tijuana"]
	if tij[0].Description != "Tijuana" || tij[1].Description != "Тихуана" || tij[0].BaseOffset != -8 ||
		tij[0].DstOffset != 1 || tij[0].CountryCode != "MX" || len(tij[0].AltIDs) != 2 {
		t.Errorf("America/Tijuana: %+v / %+v", tij[0], tij[1])
	}
	if byID["Asia/Kolkata"][0].BaseOffset != 5.5 {
		t.Error("fractional offsets lost")
	}
	prefixes := []string{"Africa/", "America/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/"}
	for _, z := range en {
		if !slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(z.ZoneID, p) }) {
			t.Errorf("zone %s outside the documented prefixes", z.ZoneID)
		}
	}
	// alt_ids is omitted, not empty, when a zone has none.
	res := do(t, s, request{method: http.MethodGet, path: "timezone/list", query: map[string][]string{"locale": {"de"}}})
	if !strings.Contains(string(res.body), `{"zone_id":"Africa/Johannesburg","description":"Johannesburg","base_offset":2,"dst_offset":0,"country_code":"ZA"}`) {
		t.Errorf("unexpected zone encoding: %.300s", res.body)
	}
	wantError(t, do(t, s, request{path: "timezone/list", json: `{}`}), codeInvalidParameters, 400)
}

func TestStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sim, err := Start(ctx, "", smallSeed)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sim.URL, "http://127.0.0.1:") || !strings.HasSuffix(sim.URL, "/v2/panel") {
		t.Fatalf("URL %q", sim.URL)
	}
	resp, err := http.Post(sim.URL+"/account/auth/", "application/json", strings.NewReader(`{"login":"admin","password":"admin"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || sim.Server.CallCount("account/auth") != 1 {
		t.Fatalf("HTTP %d, calls %d", resp.StatusCode, sim.Server.CallCount("account/auth"))
	}
	if err := sim.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sim.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if _, err := http.Post(sim.URL+"/timezone/list", "application/json", strings.NewReader(`{"locale":"en"}`)); err == nil {
		t.Fatal("emulator still serving after Close")
	}

	// Ending the context stops it too.
	ctx2, cancel2 := context.WithCancel(context.Background())
	sim2, err := Start(ctx2, "127.0.0.1:0", smallSeed)
	if err != nil {
		t.Fatal(err)
	}
	cancel2()
	<-sim2.done
	if _, err := Start(context.Background(), sim.Addr+"x"); err == nil {
		t.Fatal("bad address accepted")
	}
}
