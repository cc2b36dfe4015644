package panelsim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
)

// stockOpenAPIProblems validates one reply against the OpenAPI operation of
// its action and returns the objections, one line each.
func stockOpenAPIProblems(t *testing.T, action string, status int, body []byte) []string {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "https://api.eu.navixy.com/v2/panel/"+action, strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	resp := &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {jsonContentType}},
		Body: io.NopCloser(bytes.NewReader(body)), Request: req}
	ok, errs := openAPIValidator(t).ValidateHttpResponse(req, resp)
	if ok {
		return nil
	}
	var out []string
	for _, e := range errs {
		if len(e.SchemaValidationErrors) == 0 {
			out = append(out, e.Message+": "+e.Reason)
		}
		for _, se := range e.SchemaValidationErrors {
			out = append(out, se.Reason+" at "+se.FieldPath)
		}
	}
	return out
}

// TestStockRepliesMatchOpenAPI is the OpenAPI table of the activation code
// and order actions, the ones the OpenAPI file documents: every reply,
// successes and documented failures alike, validates against
// testdata/Admin_Panel.json. (tracker/bundle/* and equipment/list are
// markdown-only; TestBundleShapesFollowMarkdown checks them.)
func TestStockRepliesMatchOpenAPI(t *testing.T) {
	f := newStockFixture(t)
	free := f.code(t, "unactivated tracker", func(c ActivationCode) bool { return !c.Activated && c.DeviceType == "tracker" })
	used := f.code(t, "activated", func(c ActivationCode) bool { return c.Activated })
	rows := []struct {
		name, action, hash, body string
		wantCode                 int // 0: success
	}{
		{"list", "dealer/activation_code/list", f.viewer, `{}`, 0},
		{"list page", "dealer/activation_code/list", f.tech, `{"order_by":"tariff_name","ascending":false,"offset":5,"limit":50}`, 0},
		{"list filter activated", "dealer/activation_code/list", f.viewer, `{"filter":"` + used.Code + `"}`, 0},
		{"list filter nothing", "dealer/activation_code/list", f.viewer, `{"filter":"none"}`, 0},
		{"list bad order", "dealer/activation_code/list", f.viewer, `{"order_by":"device_id"}`, codeInvalidParameters},
		{"create", "dealer/activation_code/create", f.admin, `{"count":3,"tariff_id":1,"bonus_amount":3,"free_days":5}`, 0},
		{"create unknown plan", "dealer/activation_code/create", f.admin, `{"count":3,"tariff_id":999,"bonus_amount":3,"free_days":5}`, codeNotFound},
		{"create count 0", "dealer/activation_code/create", f.admin, `{"count":0,"tariff_id":1,"bonus_amount":3,"free_days":5}`, codeInvalidParameters},
		{"create tech", "dealer/activation_code/create", f.tech, `{"count":1,"tariff_id":1,"bonus_amount":0,"free_days":0}`, codeNotPermitted},
		{"create viewer", "dealer/activation_code/create", f.viewer, `{"count":1,"tariff_id":1,"bonus_amount":0,"free_days":0}`, codeNotPermitted},
		{"update", "dealer/activation_code/update", f.admin, `{"codes":["` + free.Code + `","` + used.Code + `"],"tariff_id":2,"bonus_amount":3,"free_days":5}`, 0},
		{"update unknown plan", "dealer/activation_code/update", f.admin, `{"codes":["` + free.Code + `"],"tariff_id":999,"bonus_amount":3,"free_days":5}`, codeNotFound},
		{"update no codes", "dealer/activation_code/update", f.admin, `{"codes":[],"tariff_id":2,"bonus_amount":3,"free_days":5}`, codeInvalidParameters},
		{"update tech", "dealer/activation_code/update", f.tech, `{"codes":["1"],"tariff_id":2,"bonus_amount":3,"free_days":5}`, codeNotPermitted},
		{"order", "order/read", f.viewer, `{"order_id":1}`, 0},
		{"order with remark", "order/read", f.tech, `{"order_id":3}`, 0},
		{"order of another dealer", "order/read", f.admin, `{"order_id":9}`, codeNotFound},
		{"order unknown", "order/read", f.admin, `{"order_id":999}`, codeNotFound},
		{"order id 0", "order/read", f.admin, `{"order_id":0}`, codeInvalidParameters},
	}
	covered := map[string]bool{}
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			res := f.call(t, tt.hash, tt.action, tt.body)
			covered[tt.action] = true
			if tt.wantCode == 0 && (!res.success() || res.status != 200) {
				t.Fatalf("want success: HTTP %d %s", res.status, res.body)
			}
			if tt.wantCode != 0 && res.code() != tt.wantCode {
				t.Fatalf("want code %d: HTTP %d %s", tt.wantCode, res.status, res.body)
			}
			for _, p := range stockOpenAPIProblems(t, tt.action, res.status, res.body) {
				t.Errorf("%s: %s", tt.action, p)
			}
		})
	}
	for _, name := range f.s.Actions() {
		if (strings.HasPrefix(name, "dealer/activation_code/") || strings.HasPrefix(name, "order/")) && !covered[name] {
			t.Errorf("%s has no row in the OpenAPI table", name)
		}
	}
}

// openAPISchema returns a component schema of the OpenAPI file as a map.
func openAPISchema(t *testing.T, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("../../testdata/Admin_Panel.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if name == "" {
		return doc.Paths
	}
	return doc.Components.Schemas[name]
}

// TestOrderShapeDiffersFromOpenAPI names the disagreement of the references
// on order/read: the markdown's order carries the attached `bundles` and no
// line items; the OpenAPI Order has `positions` (and with_vat, remark,
// link) and no `bundles`. The emulator answers both bundles and positions
// (the OpenAPI Order allows extra fields); a client must accept either
// shape, and both validate.
func TestOrderShapeDiffersFromOpenAPI(t *testing.T) {
	props, _ := openAPISchema(t, "Order")["properties"].(map[string]any)
	if _, ok := props["bundles"]; ok {
		t.Fatal("the OpenAPI Order now documents bundles: drop this known difference")
	}
	if _, ok := props["positions"]; !ok {
		t.Fatal("the OpenAPI Order no longer documents positions")
	}
	f := newStockFixture(t)
	res := f.call(t, f.viewer, "order/read", `{"order_id":1}`)
	value := res.obj["value"].(map[string]any)
	if _, ok := value["bundles"].([]any); !ok {
		t.Fatalf("no markdown bundles: %s", res.body)
	}
	if _, ok := value["positions"].([]any); !ok {
		t.Fatalf("no OpenAPI positions: %s", res.body)
	}
	if p := stockOpenAPIProblems(t, "order/read", 200, res.body); len(p) != 0 {
		t.Errorf("the emulator's order fails the OpenAPI file: %v", p)
	}
	// order.md's own example (bundles, no positions) validates too.
	example := `{"success":true,"value":{"id":3,"user_id":11346,"seller_id":1,"amount":1,"sum":34300.00,"type":"equip",
		"payer":"Leonard Bernstein","recipient":"Leonard Bernstein","contacts":"","place":"111111 Leipzig, Leipzig Tieckstrasse, 2",
		"comment":"","creation_time":"2009-12-10 01:00:36","status":"created","bundles":[{"id":2,"equip_id":117,
		"equip_vendor":"Trackers of different manufacturers","equip_name":"GPS/GSM terminal Teltonika FM1100","equip_model":"FM1200",
		"model_code":"gv500","imei":"355085050027285","iccid":"89701010064407635201","assign_time":"2014-12-15 13:42:54","order_id":3}]}}`
	if p := stockOpenAPIProblems(t, "order/read", 200, []byte(example)); len(p) != 0 {
		t.Errorf("order.md's example fails the OpenAPI file: %v", p)
	}
	// The check has teeth: a wrong status or type is caught.
	bad := strings.Replace(string(res.body), `"status":"created"`, `"status":"lost"`, 1)
	if p := stockOpenAPIProblems(t, "order/read", 200, []byte(bad)); len(p) == 0 {
		t.Error("an undocumented order status passed the OpenAPI check")
	}
}

// TestEquipmentCatalogueDocsDisagree names another difference: the OpenAPI
// file says of an order position's equip_id that "the equipment catalogue
// is not exposed by this API", while equipment.md documents equipment/list.
// The emulator follows the markdown (the more specific page, and the
// official console calls it): every position's equip_id is in the
// catalogue equipment/list answers.
func TestEquipmentCatalogueDocsDisagree(t *testing.T) {
	pos, _ := openAPISchema(t, "OrderPosition")["properties"].(map[string]any)
	equip, _ := pos["equip_id"].(map[string]any)
	if d, _ := equip["description"].(string); !strings.Contains(d, "not exposed") {
		t.Fatalf("the OpenAPI file no longer says the catalogue is hidden: %q", d)
	}
	if _, ok := openAPISchema(t, "")["/panel/equipment/list"]; ok {
		t.Fatal("the OpenAPI file now documents equipment/list: validate it in the OpenAPI table")
	}
	f := newStockFixture(t)
	res := f.call(t, f.viewer, "equipment/list", `{}`)
	var out equipmentListReply
	if err := json.Unmarshal(res.body, &out); err != nil || !res.success() {
		t.Fatalf("%v %s", err, res.body)
	}
	known := map[int]bool{}
	for _, e := range out.List {
		known[e.EquipID] = true
	}
	for _, id := range f.s.Store().OrderIDs() {
		for _, p := range f.order(t, id).Positions {
			if !known[p.EquipID] {
				t.Errorf("order %d position %d: equip_id %d not in the catalogue", id, p.ID, p.EquipID)
			}
		}
	}
}

// TestActivationCodeExamplesMatchOpenAPI: the markdown's examples of the
// three activation code replies validate against the OpenAPI file, and
// both say create answers a count, not the codes made.
func TestActivationCodeExamplesMatchOpenAPI(t *testing.T) {
	for _, tt := range []struct{ action, body string }{
		{"dealer/activation_code/list", `{"success":true,"list":[{"tariff_id":12163,"bonus_amount":0,"free_days":14,"money_amount":0,"device_type":"tracker","code":"1201245293","activated":true,"activation_date":"2020-11-12 20:00:08","device_id":464606,"tariff_name":"Tracker demo tariff"}],"count":1}`},
		{"dealer/activation_code/list", `{"success":true,"list":[{"tariff_id":12163,"bonus_amount":0,"free_days":14,"money_amount":0,"device_type":"tracker","code":"5248654776","activated":false,"activation_date":null,"device_id":0,"tariff_name":"Tracker demo plan"}],"count":1}`},
		{"dealer/activation_code/create", `{"success":true,"count":10}`},
		{"dealer/activation_code/update", `{"success":true,"count":5}`},
	} {
		if p := stockOpenAPIProblems(t, tt.action, 200, []byte(tt.body)); len(p) != 0 {
			t.Errorf("%s example: %v", tt.action, p)
		}
	}
	f := newStockFixture(t)
	res := f.call(t, f.admin, "dealer/activation_code/create", `{"count":2,"tariff_id":1,"bonus_amount":0,"free_days":0}`)
	if string(res.body) != `{"success":true,"count":2}` {
		t.Fatalf("create answers more than the count: %s", res.body)
	}
}

// TestBundleShapesFollowMarkdown checks the markdown-only replies key for
// key: a bundle has exactly the fields of order.md's bundle example, in
// that order, and an equipment entry those of equipment.md.
func TestBundleShapesFollowMarkdown(t *testing.T) {
	f := newStockFixture(t)
	// keysOf lists a JSON object's keys in the order sent.
	keysOf := func(raw []byte) []string {
		dec := json.NewDecoder(bytes.NewReader(raw))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return nil
		}
		var keys []string
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return keys
			}
			keys = append(keys, tok.(string))
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return keys
			}
		}
		return keys
	}
	bundleKeys := []string{"id", "equip_id", "equip_vendor", "equip_name", "equip_model", "model_code", "imei", "iccid", "assign_time", "order_id"}
	res := f.call(t, f.viewer, "tracker/bundle/read", `{"imei":%q}`, f.seededBundle(t, 1004).IMEI)
	var raw struct {
		Value json.RawMessage `json:"value"`
	}
	_ = json.Unmarshal(res.body, &raw)
	if got := keysOf(raw.Value); !slices.Equal(got, bundleKeys) {
		t.Errorf("bundle keys %v, want %v (%s)", got, bundleKeys, raw.Value)
	}
	eq := f.call(t, f.viewer, "equipment/list", `{}`)
	var list struct {
		List []json.RawMessage `json:"list"`
	}
	_ = json.Unmarshal(eq.body, &list)
	if got := keysOf(list.List[0]); !slices.Equal(got, []string{"equip_id", "model_name", "model_code", "vendor", "name"}) {
		t.Errorf("equipment keys %v", got)
	}
	// bundle/list answers list and count, like every list.
	bl := f.call(t, f.viewer, "tracker/bundle/list", `{"limit":1}`)
	if _, ok := bl.obj["count"].(float64); !ok || len(bl.obj) != 3 {
		t.Errorf("bundle/list reply: %s", bl.body)
	}
}

// TestBundleNotFoundIs201: every bundle action's error list says 201 "Not
// found in the database" for an unknown bundle; errors.md's 258 "Bundle
// not found" (HTTP 404) is named by no action and never answered.
func TestBundleNotFoundIs201(t *testing.T) {
	f := newStockFixture(t)
	for action, body := range map[string]string{
		"tracker/bundle/read":         `{"imei":"1"}`,
		"tracker/bundle/assign":       `{"bundle_id":1,"iccid":"123"}`,
		"tracker/bundle/order/assign": `{"bundle_id":1,"order_id":1}`,
		"tracker/bundle/update":       `{"bundle_id":1,"equip_id":33}`,
	} {
		res := f.call(t, f.admin, action, body)
		if res.code() == 258 {
			t.Errorf("%s answered 258", action)
		}
		wantError(t, res, codeNotFound, 400)
	}
}
