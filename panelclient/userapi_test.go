package panelclient

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testUserHash = "0123456789abcdef0123456789abcdef"

func TestDefaultUserAPIURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.eu.navixy.com/v2/panel":  "https://api.eu.navixy.com/v2",
		"https://api.us.navixy.com/v2/panel/": "https://api.us.navixy.com/v2",
		"http://127.0.0.1:8081/v2/panel":      "http://127.0.0.1:8081/v2",
		"https://api.your_domain/panel":       "https://api.your_domain",
		"https://api.example.com/v2/panelx":   "",
		"https://api.example.com/v2":          "",
		"not a url":                           "",
	} {
		if got := DefaultUserAPIURL(in); got != want {
			t.Errorf("DefaultUserAPIURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func fakeUserAPI(t *testing.T, f *fakePanel, opts ...Option) (*Client, *UserAPI) {
	t.Helper()
	c := f.client(t, opts...)
	u, err := c.UserAPI(f.URL + "/v2")
	if err != nil {
		t.Fatal(err)
	}
	return c, u
}

func TestUserAPISharesTheClientsTransportAndObserver(t *testing.T) {
	f := newFakePanel(t, http.StatusOK, `{"success":true,"list":[{"id":44,"type":"tracker_register","module":"m","ui_module":"u","filter":{"exclusion":true,"values":["mobile_unknown.*"]}}]}`)
	var mu sync.Mutex
	var seen []string
	c, u := fakeUserAPI(t, f, WithUserAgent("portal-test/1"), WithObserver(func(action string, code int, _ time.Duration) {
		mu.Lock()
		seen = append(seen, action)
		mu.Unlock()
	}))
	if _, err := c.UserAPI("ftp://x"); err == nil {
		t.Error("a bad user API URL was accepted")
	}
	if u.BaseURL() != f.URL+"/v2" || c.BaseURL() != f.URL+"/v2/panel" {
		t.Errorf("base URLs %q %q", u.BaseURL(), c.BaseURL())
	}
	list, err := u.ListPlugins(context.Background(), testUserHash)
	if err != nil || len(list) != 1 || list[0].ID != PluginDeviceCodeOptional || list[0].Supports("mobile_unknown_xgps") || !list[0].Supports("telfmb120") {
		t.Fatalf("plugins %+v, %v", list, err)
	}
	req := f.requests()[0]
	if req.Path != "/v2/plugin/list" || req.Header.Get("Authorization") != "NVX "+testUserHash || req.Header.Get("User-Agent") != "portal-test/1" {
		t.Errorf("request %s %v", req.Path, req.Header)
	}
	if strings.Contains(string(req.Body), testUserHash) || strings.Contains(req.RawQuery, testUserHash) {
		t.Error("the user hash travelled outside the header")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0] != "userapi/plugin/list" {
		t.Errorf("observed %v", seen)
	}
}

func TestRegisterTrackerRequestAndAnswer(t *testing.T) {
	// The tracker object as tracker.md's structure shows it: device_id as a
	// number.
	f := newFakePanel(t, http.StatusOK, `{"success":true,"value":{"id":833389,"label":"Courier","group_id":0,"source":{"id":526383,"device_id":123451234512346,"model":"qlgv55lite","blocked":false,"tariff_id":12163,"phone":"79123122312","status_listing_id":null,"creation_date":"2021-06-03","tariff_end_date":"2021-06-17"},"clone":false}}`)
	_, u := fakeUserAPI(t, f)
	got, err := u.RegisterTracker(context.Background(), testUserHash, TrackerRegisterParams{
		Label: "Courier", PluginID: PluginDeviceCodeOptional, Model: "qlgv55lite", DeviceID: "123451234512346",
		Phone: "79123122312", APNName: "fast.tmobile.com",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != 833389 || got.Source.DeviceID != "123451234512346" || got.Source.TariffID != 12163 || got.Source.TariffEndDate != "2021-06-17" {
		t.Errorf("tracker %+v", got)
	}
	req := f.requests()[0]
	if req.Path != "/v2/tracker/register" {
		t.Errorf("path %s", req.Path)
	}
	jsonEqual(t, req.Body, `{"label":"Courier","group_id":0,"model":"qlgv55lite","plugin_id":44,"device_id":"123451234512346","phone":"79123122312","apn_name":"fast.tmobile.com"}`)
}

func TestListModelsReadsBothShapes(t *testing.T) {
	// The call answers a list; the markdown's example shows one bare
	// model. Both are read.
	for name, body := range map[string]string{
		"list":     `{"success":true,"list":[{"id":2450,"vendor":"Navixy","code":"navixy_ngp","parent_code":null,"type":"vehicle","name":"Navixy Generic Protocol","id_type":"ascii,6,64","has_phone":false,"has_apn_settings":false,"register":true}]}`,
		"markdown": `{"success":true,"id":2450,"vendor":"Navixy","code":"navixy_ngp","parent_code":null,"type":"vehicle","name":"Navixy Generic Protocol","id_type":"ascii,6,64","has_phone":false,"has_apn_settings":false,"register":true}`,
	} {
		f := newFakePanel(t, http.StatusOK, body)
		_, u := fakeUserAPI(t, f)
		got, err := u.ListModels(context.Background(), testUserHash, []string{"navixy_ngp"})
		if err != nil || len(got) != 1 || got[0].Code != "navixy_ngp" || got[0].IDType != "ascii,6,64" || !got[0].Register {
			t.Errorf("%s: %+v %v", name, got, err)
		}
		jsonEqual(t, f.requests()[0].Body, `{"codes":["navixy_ngp"]}`)
	}
	f := newFakePanel(t, http.StatusOK, `{"success":true}`)
	_, u := fakeUserAPI(t, f)
	if _, err := u.ListModels(context.Background(), testUserHash, nil); !errors.Is(err, ErrBadResponse) {
		t.Errorf("no models: %v", err)
	}
	jsonEqual(t, f.requests()[0].Body, `{}`)
}

func TestUserAPIRefusalsAreAPIErrors(t *testing.T) {
	f := newFakePanel(t, http.StatusBadRequest, `{"success":false,"status":{"code":224,"description":"Device ID already in use `+testUserHash+`"}}`)
	_, u := fakeUserAPI(t, f)
	_, err := u.RegisterTracker(context.Background(), testUserHash, TrackerRegisterParams{Label: "x", Model: "m", PluginID: 44})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != 224 || ae.HTTPStatus != http.StatusBadRequest || ae.Action != "tracker/register" {
		t.Fatalf("error %v", err)
	}
	if strings.Contains(err.Error(), testUserHash) {
		t.Error("the user hash is in the error")
	}
	if _, err := u.ListPlugins(context.Background(), "bad hash"); Code(err) != 3 || len(f.requests()) != 1 {
		t.Errorf("a malformed hash: %v, %d requests", err, len(f.requests()))
	}
}

func TestRegisterTrackerIsNeverResent(t *testing.T) {
	var hits atomic.Int32
	srv := droppingPanel(t, 1, `{"success":true,"list":[]}`, &hits)
	c, err := New(srv.URL + "/v2/panel")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := c.UserAPI(srv.URL + "/v2")
	if _, err := u.RegisterTracker(context.Background(), testUserHash, TrackerRegisterParams{Label: "x"}); !errors.Is(err, ErrConnectionLost) || hits.Load() != 1 {
		t.Errorf("register after a drop: %v, %d attempts", err, hits.Load())
	}
	hits.Store(0)
	if _, err := u.ListPlugins(context.Background(), testUserHash); err != nil || hits.Load() != 2 {
		t.Errorf("a read is resent once: %v, %d attempts", err, hits.Load())
	}
}

func TestDeviceIDTypes(t *testing.T) {
	cases := []struct {
		idType string
		kind   string
		fits   []string
		misfit []string
	}{
		{"imei", IDKindIMEI, []string{"356938035643809"}, []string{"", "35693803564380", "3569380356438090", "35693803564380a"}},
		{"meid", IDKindMEID, []string{"A10000009296F2", "a10000009296f2"}, []string{"A10000009296F", "G10000009296F2"}},
		{"id,7", IDKindDigits, []string{"1234567"}, []string{"123456", "12345678", "123456a"}},
		{"ascii,6,64", IDKindASCII, []string{"ngp-01", strings.Repeat("x", 64)}, []string{"ngp01", strings.Repeat("x", 65), "with space", "ключ01"}},
		{"12,1", IDKindGenerated, []string{""}, []string{"100000000001"}},
		{"something new", IDKindUnknown, []string{"abc"}, []string{"", strings.Repeat("x", 65)}},
	}
	for _, c := range cases {
		tp := ParseDeviceIDType(c.idType)
		if tp.Kind != c.kind || tp.Raw != c.idType {
			t.Errorf("%q: kind %s", c.idType, tp.Kind)
		}
		for _, id := range c.fits {
			if !tp.Fits(id) {
				t.Errorf("%q should take %q", c.idType, id)
			}
		}
		for _, id := range c.misfit {
			if tp.Fits(id) {
				t.Errorf("%q should refuse %q", c.idType, id)
			}
		}
	}
	if tp := ParseDeviceIDType("12,1"); !tp.Generated() || tp.Length != 12 || tp.Prefix != "1" {
		t.Errorf("generated: %+v", tp)
	}
	if !LuhnValid("356938035643809") || LuhnValid("356938035643808") || LuhnValid("3569380356438") {
		t.Error("Luhn check")
	}
}

func TestPluginFilter(t *testing.T) {
	device := Plugin{ID: 44, Filter: PluginFilter{Exclusion: true, Values: []string{"navixymobile", "mobile_unknown.*"}}}
	app := Plugin{ID: 35, Filter: PluginFilter{Values: []string{"mobile_unknown.*"}}}
	all := Plugin{ID: 4, Filter: PluginFilter{Exclusion: true}}
	odd := Plugin{ID: 9, Filter: PluginFilter{Values: []string{"a(b"}}}
	for _, c := range []struct {
		p     Plugin
		model string
		want  bool
	}{
		{device, "telfmb120", true},
		{device, "navixymobile", false},
		{device, "navixymobile_xgps", true}, // a value matches the whole code
		{device, "mobile_unknown_xgps", false},
		{app, "mobile_unknown_xgps", true},
		{app, "telfmb120", false},
		{all, "anything", true},
		{odd, "a(b", true},
		{odd, "ab", false},
	} {
		if got := c.p.Supports(c.model); got != c.want {
			t.Errorf("plugin %d, %s: %v", c.p.ID, c.model, got)
		}
	}
}
