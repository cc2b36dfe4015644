package panelsim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// userCall sends one user API request (path below /v2/) with a JSON body
// and the hash in the Authorization header (none when hash is "").
func uapiCall(t *testing.T, s *Server, path, hash, body string) result {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/v2/"+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if hash != "" {
		req.Header.Set("Authorization", "NVX "+hash)
	}
	return decode(t, httptestRecorder(s, req))
}

// userSessionFor opens a user session for userID through the Panel's
// user/session/create, as the portal does.
func uapiSession(t *testing.T, s *Server, userID int) string {
	t.Helper()
	admin := login(t, s, "admin", "admin")
	res := do(t, s, request{path: "user/session/create", json: `{"user_id":` + strconv.Itoa(userID) + `}`, header: bearer(admin)})
	hash, _ := res.obj["hash"].(string)
	if !res.success() || hash == "" {
		t.Fatalf("user/session/create: %s", res.body)
	}
	return hash
}

// freeIMEI is a Luhn-valid IMEI no seeded device uses.
func uapiIMEI(serial int) string { return imei("35999999", serial) }

// registerBody is a good tracker/register body for a Teltonika FMB120.
func uapiRegisterBody(deviceID, phone string, extra ...string) string {
	parts := []string{`"label":"Bulk 1"`, `"group_id":0`, `"plugin_id":44`, `"model":"telfmb120"`,
		`"device_id":"` + deviceID + `"`, `"phone":"` + phone + `"`, `"apn_name":"internet"`, `"apn_user":"user"`, `"apn_password":"pass"`}
	parts = append(parts, extra...)
	return "{" + strings.Join(parts, ",") + "}"
}

func TestUserAPIPathsSitBesideThePanel(t *testing.T) {
	cases := []struct {
		path string
		name string
		ok   bool
	}{
		{"/v2/tracker/register", "tracker/register", true},
		{"/v2/tracker/register/", "tracker/register", true},
		{"/v2/plugin/list", "plugin/list", true},
		{"/v2/panel/tracker/list", "", false},
		{"/v2/panel", "", false},
		{"/v2/panel/", "", false},
		{"/v2/", "", false},
		{"/v2//x", "", false},
		{"/console", "", false},
		{"/v3/tracker/register", "", false},
	}
	for _, c := range cases {
		name, ok := userAPIActionName(c.path)
		if ok != c.ok || name != c.name {
			t.Errorf("%s: %q %v, want %q %v", c.path, name, ok, c.name, c.ok)
		}
	}

	s := New(smallSeed)
	admin := login(t, s, "admin", "admin")
	user := uapiSession(t, s, 20)
	// The Panel still answers under /v2/panel/, and only Panel sessions.
	if res := do(t, s, request{path: "tracker/list", json: `{"limit":1}`, header: bearer(admin)}); !res.success() {
		t.Fatalf("panel tracker/list: %s", res.body)
	}
	wantError(t, do(t, s, request{path: "tracker/list", json: `{"limit":1}`, header: bearer(user)}), codeSessionEnded, http.StatusBadRequest)
	// The user API does not take a Panel session, nor answer Panel actions.
	wantError(t, uapiCall(t, s, "tracker/list_models", admin, `{}`), codeSessionEnded, http.StatusBadRequest)
	wantError(t, uapiCall(t, s, "tracker/clone", user, `{}`), codeWrongHandler, http.StatusBadRequest)
	wantError(t, do(t, s, request{path: "tracker/list_models", json: `{}`, header: bearer(admin)}), codeWrongHandler, http.StatusBadRequest)
	if res := uapiCall(t, s, "tracker/list_models", user, `{}`); !res.success() {
		t.Fatalf("user tracker/list_models: %s", res.body)
	}
}

func TestUserAPIHash(t *testing.T) {
	clock := newFakeClock()
	s := New(smallSeed, WithClock(clock.Now))
	user := uapiSession(t, s, 21)
	wantError(t, uapiCall(t, s, "plugin/list", "", `{}`), codeWrongHash, http.StatusBadRequest)
	wantError(t, uapiCall(t, s, "plugin/list", "not-a-hash", `{}`), codeWrongHash, http.StatusBadRequest)
	wantError(t, uapiCall(t, s, "plugin/list", strings.Repeat("ab", 16), `{}`), codeSessionEnded, http.StatusBadRequest)
	// The hash as a body parameter and in the query string, as documented.
	if res := uapiCall(t, s, "plugin/list", "", `{"hash":"`+user+`"}`); !res.success() {
		t.Fatalf("hash in the body: %s", res.body)
	}
	req := httptest.NewRequest(http.MethodGet, "/v2/plugin/list?hash="+user, nil)
	if res := decode(t, httptestRecorder(s, req)); !res.success() {
		t.Fatalf("hash in the query: %s", res.body)
	}
	// A user session lasts 24 hours.
	clock.Advance(24*time.Hour - time.Second)
	if res := uapiCall(t, s, "plugin/list", user, `{}`); !res.success() {
		t.Fatalf("just before 24 h: %s", res.body)
	}
	clock.Advance(time.Second)
	wantError(t, uapiCall(t, s, "plugin/list", user, `{}`), codeSessionEnded, http.StatusBadRequest)
}

func TestUserAPIListModels(t *testing.T) {
	s := New(smallSeed)
	user := uapiSession(t, s, 20)
	res := uapiCall(t, s, "tracker/list_models", user, `{}`)
	var all struct {
		List []map[string]any `json:"list"`
	}
	if err := json.Unmarshal(res.body, &all); err != nil || len(all.List) < len(hardwareModels)+4 {
		t.Fatalf("list_models: %v %s", err, res.body)
	}
	byCode := map[string]map[string]any{}
	for _, m := range all.List {
		byCode[m["code"].(string)] = m
		for _, k := range []string{"id", "vendor", "code", "parent_code", "type", "name", "id_type", "has_phone", "has_apn_settings", "register"} {
			if _, ok := m[k]; !ok {
				t.Errorf("model %v lacks %s", m["code"], k)
			}
		}
	}
	for code, idType := range map[string]string{"telfmb120": "imei", "navixy_ngp": "ascii,6,64", "xirgo_xt4750": "meid", "dm_oyster3": "id,7", "mobile_unknown_xgps": "12,1"} {
		if byCode[code]["id_type"] != idType {
			t.Errorf("%s: id_type %v, want %s", code, byCode[code]["id_type"], idType)
		}
	}
	if byCode["concox_gt02"]["register"] != false {
		t.Error("the discontinued model can be registered")
	}
	// codes narrows the list; an unknown code is left out.
	res = uapiCall(t, s, "tracker/list_models", user, `{"codes":["telfmb920","nosuchmodel"]}`)
	var some struct {
		List []UserAPIModel `json:"list"`
	}
	_ = json.Unmarshal(res.body, &some)
	if len(some.List) != 1 || some.List[0].Code != "telfmb920" {
		t.Fatalf("codes filter: %s", res.body)
	}
	wantError(t, uapiCall(t, s, "tracker/list_models", user, `{"codes":"telfmb920"}`), codeInvalidParameters, http.StatusBadRequest)
}

func TestUserAPIPluginList(t *testing.T) {
	s := New(smallSeed)
	ids := func(userID int) []int {
		res := uapiCall(t, s, "plugin/list", uapiSession(t, s, userID), `{}`)
		var out struct {
			List []struct {
				ID     int    `json:"id"`
				Type   string `json:"type"`
				Filter struct {
					Exclusion *bool    `json:"exclusion"`
					Values    []string `json:"values"`
				} `json:"filter"`
			} `json:"list"`
		}
		if err := json.Unmarshal(res.body, &out); err != nil || !res.success() {
			t.Fatalf("plugin/list: %s", res.body)
		}
		var got []int
		for _, p := range out.List {
			if p.Filter.Exclusion == nil || p.Filter.Values == nil {
				t.Errorf("plugin %d without a filter: %s", p.ID, res.body)
			}
			got = append(got, p.ID)
		}
		return got
	}
	if got := ids(20); !containsInt(got, 44) || !containsInt(got, 35) || containsInt(got, 37) {
		t.Errorf("an ordinary user's plugins: %v", got)
	}
	if got := ids(ActivationCodeUserID); !containsInt(got, 37) || !containsInt(got, 68) || containsInt(got, 44) {
		t.Errorf("the activation-code user's plugins: %v", got)
	}
}

func TestUserAPIRegisterAddsATrackerThePanelLists(t *testing.T) {
	clock := newFakeClock()
	s := New(smallSeed, WithClock(clock.Now))
	admin := login(t, s, "admin", "admin")
	before := s.Store().TrackerCount()
	user := uapiSession(t, s, 22)
	dev := uapiIMEI(1)
	res := uapiCall(t, s, "tracker/register", user, uapiRegisterBody(dev, "4915112345678"))
	if !res.success() || res.status != http.StatusOK {
		t.Fatalf("register: %s", res.body)
	}
	var out struct {
		Value struct {
			ID      int   `json:"id"`
			GroupID *int  `json:"group_id"`
			Clone   *bool `json:"clone"`
			Source  struct {
				ID            int     `json:"id"`
				DeviceID      string  `json:"device_id"`
				Model         string  `json:"model"`
				TariffID      int     `json:"tariff_id"`
				Phone         string  `json:"phone"`
				CreationDate  string  `json:"creation_date"`
				TariffEndDate *string `json:"tariff_end_date"`
			} `json:"source"`
		} `json:"value"`
	}
	if err := json.Unmarshal(res.body, &out); err != nil {
		t.Fatal(err)
	}
	v := out.Value
	if v.ID == 0 || v.GroupID == nil || v.Clone == nil || *v.Clone || v.Source.DeviceID != dev || v.Source.Model != "telfmb120" || v.Source.Phone != "4915112345678" || v.Source.CreationDate != "2026-11-27" {
		t.Fatalf("reply: %s", res.body)
	}
	if s.Store().TrackerCount() != before+1 {
		t.Fatal("no tracker stored")
	}
	// The Panel's tracker/list shows it for its owner at once.
	list := do(t, s, request{path: "tracker/list", json: `{"filter":"` + dev + `"}`, header: bearer(admin)})
	items, _ := list.obj["list"].([]any)
	if len(items) != 1 {
		t.Fatalf("panel tracker/list by device id: %s", list.body)
	}
	tr := items[0].(map[string]any)
	if int(tr["id"].(float64)) != v.ID || int(tr["user_id"].(float64)) != 22 || tr["label"] != "Bulk 1" || tr["model_name"] != "Teltonika FMB120" {
		t.Errorf("panel view: %v", tr)
	}
	src := tr["source"].(map[string]any)
	if src["connection_status"] != "just_registered" || int(src["tariff_id"].(float64)) != v.Source.TariffID {
		t.Errorf("panel source: %v", src)
	}
	// The plan: the user's default plan when set, else the dealer's.
	u, _ := s.Store().User(22)
	want := s.store.trackerDefault.TariffID
	if u.DefaultTariffID != nil {
		if p, ok := s.Store().Tariff(*u.DefaultTariffID); ok && p.DeviceType == "tracker" {
			want = p.ID
		}
	}
	if v.Source.TariffID != want {
		t.Errorf("plan %d, want %d", v.Source.TariffID, want)
	}
	// The same device a second time: 224, nothing added.
	wantError(t, uapiCall(t, s, "tracker/register", user, uapiRegisterBody(dev, "4915100000000")), codeDeviceIDInUse, http.StatusBadRequest)
	if s.Store().TrackerCount() != before+1 {
		t.Fatal("the refused registration stored a tracker")
	}
}

func TestUserAPIRegisterRefusals(t *testing.T) {
	s := New(smallSeed)
	user := uapiSession(t, s, 23)
	st := s.Store()
	var seeded, corrupted Tracker
	for _, tr := range st.Trackers(0, st.TrackerCount()) {
		if tr.Clone || tr.Source.Phone == nil || *tr.Source.Phone == "" {
			continue
		}
		if tr.Source.Corrupted && corrupted.ID == 0 {
			corrupted = tr
		}
		if !tr.Source.Corrupted && !tr.Deleted && seeded.ID == 0 && strings.HasPrefix(tr.Source.Model, "tel") {
			seeded = tr
		}
	}
	if seeded.ID == 0 {
		t.Fatal("no seeded device with a phone")
	}
	bad := func(name, body string, code, status int, params ...string) {
		t.Helper()
		res := uapiCall(t, s, "tracker/register", user, body)
		if res.success() || res.code() != code || res.status != status {
			t.Errorf("%s: HTTP %d %s, want code %d", name, res.status, res.body, code)
			return
		}
		for _, p := range params {
			if !strings.Contains(string(res.body), `"parameter":"`+p+`"`) {
				t.Errorf("%s: %s not named: %s", name, p, res.body)
			}
		}
	}
	dev := uapiIMEI(2)
	bad("no label", strings.Replace(uapiRegisterBody(dev, "4915100000001"), `"label":"Bulk 1",`, "", 1), codeInvalidParameters, http.StatusBadRequest, "label")
	bad("long label", strings.Replace(uapiRegisterBody(dev, "4915100000001"), `"Bulk 1"`, `"`+strings.Repeat("x", 61)+`"`, 1), codeInvalidParameters, http.StatusBadRequest, "label")
	bad("long APN", strings.Replace(uapiRegisterBody(dev, "4915100000001"), `"internet"`, `"`+strings.Repeat("a", 41)+`"`, 1), codeInvalidParameters, http.StatusBadRequest, "apn_name")
	bad("no APN", strings.Replace(uapiRegisterBody(dev, "4915100000001"), `"internet"`, `""`, 1), codeInvalidParameters, http.StatusBadRequest, "apn_name")
	bad("plus in phone", uapiRegisterBody(dev, "+4915100000001"), codeInvalidParameters, http.StatusBadRequest, "phone")
	bad("no phone", uapiRegisterBody(dev, ""), codeInvalidParameters, http.StatusBadRequest, "phone")
	bad("short IMEI", uapiRegisterBody("35209310000", "4915100000001"), codeInvalidParameters, http.StatusBadRequest, "device_id")
	bad("no device id", strings.Replace(uapiRegisterBody(dev, "4915100000001"), `"device_id":"`+dev+`",`, "", 1), codeInvalidParameters, http.StatusBadRequest, "device_id")
	bad("unknown model", strings.Replace(uapiRegisterBody(dev, "4915100000001"), "telfmb120", "nosuch", 1), codeUnknownModel, http.StatusBadRequest)
	bad("model not for registration", strings.Replace(uapiRegisterBody(dev, "4915100000001"), "telfmb120", "concox_gt02", 1), codeUnknownModel, http.StatusBadRequest)
	bad("app plugin for a device", strings.Replace(uapiRegisterBody(dev, "4915100000001"), `"plugin_id":44`, `"plugin_id":35`, 1), codePluginNotFound, http.StatusBadRequest)
	bad("plugin the user lacks", strings.Replace(uapiRegisterBody(dev, "4915100000001", `"activation_code":"x"`), `"plugin_id":44`, `"plugin_id":37`, 1), codePluginNotFound, http.StatusBadRequest)
	bad("not a registration plugin", strings.Replace(uapiRegisterBody(dev, "4915100000001"), `"plugin_id":44`, `"plugin_id":4`, 1), codePluginNotFound, http.StatusBadRequest)
	bad("a group", strings.Replace(uapiRegisterBody(dev, "4915100000001"), `"group_id":0`, `"group_id":5`, 1), codeEntityNotFound, http.StatusNotFound)
	bad("device in use", uapiRegisterBody(seeded.Source.DeviceID, "4915100000001"), codeDeviceIDInUse, http.StatusBadRequest)
	bad("phone in use", uapiRegisterBody(dev, *seeded.Source.Phone), codePhoneInUse, http.StatusBadRequest)
	bad("unknown activation code", uapiRegisterBody(dev, "4915100000001", `"activation_code":"nosuchcode"`), codeWrongActivation, http.StatusBadRequest)
	// A device whose registration was cancelled can be registered again.
	if corrupted.ID != 0 {
		if res := uapiCall(t, s, "tracker/register", user, uapiRegisterBody(corrupted.Source.DeviceID, "4915100000009")); !res.success() {
			t.Errorf("re-registering a cancelled device: %s", res.body)
		}
	}
	// The user API's device ID comparison ignores the case of MEIDs.
	meid := `{"label":"CDMA","group_id":0,"plugin_id":44,"model":"xirgo_xt4750","device_id":"A10000009296F2","phone":"4915100000002"}`
	if res := uapiCall(t, s, "tracker/register", user, meid); !res.success() {
		t.Fatalf("meid: %s", res.body)
	}
	bad("meid in other case", strings.Replace(strings.Replace(meid, "A10000009296F2", "a10000009296f2", 1), "4915100000002", "4915100000003", 1), codeDeviceIDInUse, http.StatusBadRequest)
	bad("id,7 of 6 digits", `{"label":"x","group_id":0,"plugin_id":44,"model":"dm_oyster3","device_id":"123456","phone":"4915100000004","apn_name":"i"}`, codeInvalidParameters, http.StatusBadRequest, "device_id")
	if res := uapiCall(t, s, "tracker/register", user, `{"label":"NGP","group_id":0,"plugin_id":44,"model":"navixy_ngp","device_id":"ngp-device-01"}`); !res.success() {
		t.Errorf("ascii id without phone or APN: %s", res.body)
	}
}

func TestUserAPIRegisterDeviceLimit(t *testing.T) {
	s := New(smallSeed)
	st := s.Store()
	// A user with trackers, put on the free trial plan (device_limit 3).
	owner := 0
	for _, u := range st.Users(0, st.UserCount()) {
		if u.TrackersCount >= 3 {
			owner = u.ID
			break
		}
	}
	if owner == 0 {
		t.Fatal("no user with three trackers")
	}
	trial := 0
	for _, p := range st.Tariffs() {
		if p.DeviceType == "tracker" && p.DeviceLimit == 3 {
			trial = p.ID
		}
	}
	st.mu.Lock()
	st.userLocked(owner).DefaultTariffID = &trial
	st.mu.Unlock()
	user := uapiSession(t, s, owner)
	wantError(t, uapiCall(t, s, "tracker/register", user, uapiRegisterBody(uapiIMEI(3), "4915100000005")), codeTrackerLimitExceeded, http.StatusForbidden)
}

func TestUserAPIRegisterWithActivationCodes(t *testing.T) {
	s := New(smallSeed)
	user := uapiSession(t, s, ActivationCodeUserID)
	body := uapiRegisterBody(uapiIMEI(4), "4915100000006")
	// Plugin 44 is not this user's; 37 needs a code.
	wantError(t, uapiCall(t, s, "tracker/register", user, body), codePluginNotFound, http.StatusBadRequest)
	body37 := strings.Replace(body, `"plugin_id":44`, `"plugin_id":37`, 1)
	wantError(t, uapiCall(t, s, "tracker/register", user, body37), codeInvalidParameters, http.StatusBadRequest)
	var free *ActivationCode
	for _, c := range s.Store().ActivationCodes() {
		if !c.Activated && c.DeviceType == "tracker" {
			free = &c
			break
		}
	}
	if free == nil {
		t.Skip("no unused tracker activation code in the seed")
	}
	withCode := strings.TrimSuffix(body37, "}") + `,"activation_code":"` + free.Code + `"}`
	res := uapiCall(t, s, "tracker/register", user, withCode)
	if !res.success() {
		t.Fatalf("with a code: %s", res.body)
	}
	for _, c := range s.Store().ActivationCodes() {
		if c.Code == free.Code && !c.Activated {
			t.Error("the code was not used up")
		}
	}
	again := strings.Replace(strings.Replace(withCode, uapiIMEI(4), uapiIMEI(5), 1), "4915100000006", "4915100000007", 1)
	wantError(t, uapiCall(t, s, "tracker/register", user, again), codeWrongActivation, http.StatusBadRequest)
}

func TestUserAPIRegisterGeneratesAppIDs(t *testing.T) {
	s := New(smallSeed)
	user := uapiSession(t, s, 24)
	res := uapiCall(t, s, "tracker/register", user, `{"label":"Courier","group_id":0,"plugin_id":35,"model":"mobile_unknown_xgps"}`)
	if !res.success() {
		t.Fatalf("app: %s", res.body)
	}
	src := res.obj["value"].(map[string]any)["source"].(map[string]any)
	id, _ := src["device_id"].(string)
	if len(id) != 12 || id[0] != '1' || !allDigits(id) {
		t.Errorf("generated device id %q", id)
	}
}

func TestUserAPIFaultsAndCounts(t *testing.T) {
	s := New(smallSeed)
	user := uapiSession(t, s, 25)
	s.SetFault(UserAPIActionPrefix+"tracker/register", Fault{Code: codeDeviceIDInUse})
	before := s.Store().TrackerCount()
	wantError(t, uapiCall(t, s, "tracker/register", user, uapiRegisterBody(uapiIMEI(6), "4915100000008")), codeDeviceIDInUse, http.StatusBadRequest)
	if s.Store().TrackerCount() != before {
		t.Fatal("a faulted call stored a tracker")
	}
	if s.Attempts("userapi/tracker/register") != 1 || s.CallCount("userapi/tracker/register") != 0 {
		t.Errorf("attempts %d, runs %d", s.Attempts("userapi/tracker/register"), s.CallCount("userapi/tracker/register"))
	}
	// The Panel's counters are untouched: the names never collide.
	if s.Attempts("tracker/register") != 0 {
		t.Error("counted under the Panel's name")
	}
	s.ClearFaults()
	if res := uapiCall(t, s, "tracker/register", user, uapiRegisterBody(uapiIMEI(6), "4915100000008")); !res.success() {
		t.Fatalf("after the fault: %s", res.body)
	}
	if s.CallCount("userapi/tracker/register") != 1 {
		t.Error("the run was not counted")
	}
	if got := s.UserAPIActions(); len(got) != 3 {
		t.Errorf("actions %v", got)
	}
}
