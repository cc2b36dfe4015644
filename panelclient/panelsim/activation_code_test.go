package panelsim

import (
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func codeValues(list []ActivationCode) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Code
	}
	return out
}

func TestActivationCodeList(t *testing.T) {
	f := newStockFixture(t)
	seeded := f.s.Store().ActivationCodes()
	all, count := f.codes(t, `{}`)
	if count != seedActivationCodes || len(all) != count || !slices.Equal(codeValues(all), codeValues(seeded)) {
		t.Fatalf("unfiltered list: count %d, %d codes, not in creation order", count, len(all))
	}
	activated := 0
	for _, c := range all {
		if len(c.Code) != 10 || c.Code[0] == '0' || strings.Trim(c.Code, "0123456789") != "" {
			t.Errorf("code %q is not 10 digits", c.Code)
		}
		if c.Activated != (c.ActivationDate != nil) || c.Activated != (c.DeviceID != 0) {
			t.Errorf("code %s: activated %v, date %v, device %d", c.Code, c.Activated, c.ActivationDate, c.DeviceID)
		}
		if tariff, ok := f.s.Store().Tariff(c.TariffID); !ok || tariff.Name != c.TariffName || tariff.DeviceType != c.DeviceType {
			t.Errorf("code %s: plan %d %q %s", c.Code, c.TariffID, c.TariffName, c.DeviceType)
		}
		if c.Activated {
			activated++
		}
	}
	if activated < 50 || activated > 200 {
		t.Errorf("%d of %d codes activated", activated, count)
	}
	// Unactivated codes answer activation_date null, not an omitted field.
	if res := f.call(t, f.viewer, "dealer/activation_code/list", `{"filter":%q}`, seeded[0].Code); !strings.Contains(string(res.body), `"activation_date":null,"device_id":0`) {
		t.Errorf("unactivated code: %s", res.body)
	}

	filters := []struct {
		filter string
		match  func(ActivationCode) bool
	}{
		{seeded[0].Code, func(c ActivationCode) bool { return c.Code == seeded[0].Code }},
		{seeded[0].Code[2:7], func(c ActivationCode) bool { return strings.Contains(c.Code, seeded[0].Code[2:7]) }},
		{"CAMERA", func(c ActivationCode) bool { return c.DeviceType == "camera" }},
		{"socket", func(c ActivationCode) bool { return c.DeviceType == "socket" }},
		{strconv.Itoa(seeded[2].DeviceID), func(c ActivationCode) bool {
			n := strconv.Itoa(seeded[2].DeviceID)
			return strings.Contains(c.Code, n) || strings.Contains(strconv.Itoa(c.TariffID), n) || strings.Contains(strconv.Itoa(c.DeviceID), n)
		}},
		{"no such thing", func(ActivationCode) bool { return false }},
	}
	for _, tt := range filters {
		t.Run("filter "+tt.filter, func(t *testing.T) {
			var want []string
			for _, c := range seeded {
				if tt.match(c) {
					want = append(want, c.Code)
				}
			}
			got, n := f.codes(t, `{"filter":%q}`, tt.filter)
			if n != len(want) || !slices.Equal(codeValues(got), want) {
				t.Fatalf("got %d %v, want %d %v", n, codeValues(got), len(want), want)
			}
		})
	}

	keys := map[string]func(a, b ActivationCode) int{
		"code":      func(a, b ActivationCode) int { return strings.Compare(a.Code, b.Code) },
		"activated": func(a, b ActivationCode) int { return boolCompare(a.Activated, b.Activated) },
		"tariff_id": func(a, b ActivationCode) int { return a.TariffID - b.TariffID },
		"tariff_name": func(a, b ActivationCode) int {
			return strings.Compare(strings.ToLower(a.TariffName), strings.ToLower(b.TariffName))
		},
		"device_type":  func(a, b ActivationCode) int { return strings.Compare(a.DeviceType, b.DeviceType) },
		"money_amount": func(a, b ActivationCode) int { return a.MoneyAmount - b.MoneyAmount },
		"bonus_amount": func(a, b ActivationCode) int { return a.BonusAmount - b.BonusAmount },
		"free_days":    func(a, b ActivationCode) int { return a.FreeDays - b.FreeDays },
	}
	if len(keys) != len(activationCodeOrderKeys) {
		t.Fatal("a documented order_by key has no row")
	}
	for key, cmp := range keys {
		t.Run("order_by "+key, func(t *testing.T) {
			asc, _ := f.codes(t, `{"order_by":%q}`, key)
			desc, _ := f.codes(t, `{"order_by":%q,"ascending":false}`, key)
			if !slices.IsSortedFunc(asc, cmp) || !slices.IsSortedFunc(desc, func(a, b ActivationCode) int { return cmp(b, a) }) {
				t.Fatalf("%s not ordered", key)
			}
			page, n := f.codes(t, `{"order_by":%q,"offset":10,"limit":7}`, key)
			if n != seedActivationCodes || !slices.Equal(codeValues(page), codeValues(asc[10:17])) {
				t.Fatalf("page of %s: %v, want %v", key, codeValues(page), codeValues(asc[10:17]))
			}
		})
	}
	// Past the end: an empty page, the full count.
	if page, n := f.codes(t, `{"offset":1000,"limit":5}`); len(page) != 0 || n != seedActivationCodes {
		t.Errorf("past the end: %d codes, count %d", len(page), n)
	}
	// The same list over a GET query string and a form.
	rec := httptestRecorder(f.s, request{method: http.MethodGet, path: "dealer/activation_code/list",
		query: url.Values{"hash": {f.viewer}, "order_by": {"free_days"}, "limit": {"3"}}}.build(t))
	if res := decode(t, rec); !res.success() || len(res.obj["list"].([]any)) != 3 {
		t.Errorf("GET: %s", res.body)
	}

	for _, tt := range []struct{ body, param string }{
		{`{"order_by":"device_id"}`, "order_by"},
		{`{"order_by":"code","ascending":"sometimes"}`, "ascending"},
		{`{"limit":-1}`, "limit"},
		{`{"offset":-1}`, "offset"},
		{`{"offset":"x"}`, "offset"},
	} {
		wantStockParamError(t, f.call(t, f.viewer, "dealer/activation_code/list", tt.body), tt.param)
	}
	// The OpenAPI file's own example of the order_by message.
	res := f.call(t, f.viewer, "dealer/activation_code/list", `{"order_by":"x"}`)
	if !strings.Contains(string(res.body), `"error":"Should be one of [code, activated, tariff_id, tariff_name, device_type, money_amount, bonus_amount, free_days]"`) {
		t.Errorf("order_by message: %s", res.body)
	}
}

func TestActivationCodeCreate(t *testing.T) {
	f := newStockFixture(t)
	var created countReply
	f.ok(t, &created, "dealer/activation_code/create", `{"count":5,"tariff_id":%d,"bonus_amount":7,"free_days":21}`, planPremium)
	if created.Count != 5 {
		t.Fatalf("created %d", created.Count)
	}
	all, n := f.codes(t, `{}`)
	if n != seedActivationCodes+5 {
		t.Fatalf("count after create: %d", n)
	}
	seen := map[string]bool{}
	for _, c := range all {
		if seen[c.Code] {
			t.Fatalf("code %s twice", c.Code)
		}
		seen[c.Code] = true
	}
	for _, c := range all[seedActivationCodes:] {
		want := ActivationCode{TariffID: planPremium, BonusAmount: 7, FreeDays: 21, DeviceType: "tracker", Code: c.Code, TariffName: "Premium"}
		if !reflect.DeepEqual(c, want) {
			t.Errorf("new code %+v, want %+v", c, want)
		}
	}
	// The new codes are found by the plan filter and by their own code.
	if got, _ := f.codes(t, `{"filter":%q}`, all[seedActivationCodes+4].Code); len(got) != 1 {
		t.Errorf("new code not found by filter: %v", codeValues(got))
	}

	// A camera plan gives camera codes; the form the console sends works.
	rec := httptestRecorder(f.s, request{path: "dealer/activation_code/create", form: url.Values{
		"hash": {f.admin}, "count": {"2"}, "tariff_id": {strconv.Itoa(planVideoPro)}, "bonus_amount": {"0"}, "free_days": {"0"},
	}}.build(t))
	if res := decode(t, rec); !res.success() || res.obj["count"] != float64(2) {
		t.Fatalf("form create: %s", res.body)
	}
	if got, _ := f.codes(t, `{"offset":%d}`, seedActivationCodes+5); len(got) != 2 || got[0].DeviceType != "camera" || got[1].TariffName != "Video Pro" {
		t.Fatalf("camera codes: %+v", got)
	}

	// Above the per-call maximum fewer codes are made, and count says so.
	f.ok(t, &created, "dealer/activation_code/create", `{"count":%d,"tariff_id":1,"bonus_amount":0,"free_days":0}`, activationCodeCreateMax+5)
	if created.Count != activationCodeCreateMax {
		t.Fatalf("over the maximum: created %d", created.Count)
	}
	if _, n := f.codes(t, `{"limit":1}`); n != seedActivationCodes+7+activationCodeCreateMax {
		t.Fatalf("count %d", n)
	}

	// Failures create nothing.
	before := len(f.s.Store().ActivationCodes())
	wantError(t, f.call(t, f.admin, "dealer/activation_code/create", `{"count":1,"tariff_id":999,"bonus_amount":0,"free_days":0}`), codeNotFound, 400)
	for _, tt := range []struct{ body, param string }{
		{`{"count":0,"tariff_id":1,"bonus_amount":0,"free_days":0}`, "count"},
		{`{"count":-3,"tariff_id":1,"bonus_amount":0,"free_days":0}`, "count"},
		{`{"count":1,"tariff_id":1,"bonus_amount":0,"free_days":-1}`, "free_days"},
		{`{"tariff_id":1,"bonus_amount":0,"free_days":0}`, "count"},
		{`{"count":1,"bonus_amount":0,"free_days":0}`, "tariff_id"},
		{`{"count":1,"tariff_id":1,"free_days":0}`, "bonus_amount"},
		{`{"count":1,"tariff_id":1,"bonus_amount":0}`, "free_days"},
		{`{"count":1.5,"tariff_id":1,"bonus_amount":0,"free_days":0}`, "count"},
	} {
		wantStockParamError(t, f.call(t, f.admin, "dealer/activation_code/create", tt.body), tt.param)
	}
	if after := len(f.s.Store().ActivationCodes()); after != before {
		t.Fatalf("failed creates made %d codes", after-before)
	}
}

func TestActivationCodeUpdate(t *testing.T) {
	f := newStockFixture(t)
	isTrackerFree := func(c ActivationCode) bool { return !c.Activated && c.DeviceType == "tracker" }
	a := f.code(t, "unactivated tracker", isTrackerFree)
	b := f.code(t, "another unactivated tracker", func(c ActivationCode) bool { return isTrackerFree(c) && c.Code != a.Code })
	used := f.code(t, "activated tracker", func(c ActivationCode) bool { return c.Activated && c.DeviceType == "tracker" })
	camera := f.code(t, "unactivated camera", func(c ActivationCode) bool { return !c.Activated && c.DeviceType == "camera" })

	// Only a and b change: the activated code, the camera code (another
	// device type than the new plan's) and an unknown code are skipped
	// without an error; a code listed twice counts once.
	var updated countReply
	f.ok(t, &updated, "dealer/activation_code/update", `{"codes":[%q,%q,%q,%q,"0000000000",%q],"tariff_id":%d,"bonus_amount":9,"free_days":3}`,
		a.Code, b.Code, used.Code, camera.Code, a.Code, planFleetPro)
	if updated.Count != 2 {
		t.Fatalf("updated %d codes, want 2", updated.Count)
	}
	byCode := map[string]ActivationCode{}
	for _, c := range f.s.Store().ActivationCodes() {
		byCode[c.Code] = c
	}
	for _, c := range []ActivationCode{a, b} {
		got := byCode[c.Code]
		if got.TariffID != planFleetPro || got.TariffName != "Fleet Pro" || got.BonusAmount != 9 || got.FreeDays != 3 || got.MoneyAmount != c.MoneyAmount || got.Activated {
			t.Errorf("updated code %+v", got)
		}
	}
	for _, c := range []ActivationCode{used, camera} {
		if got := byCode[c.Code]; !reflect.DeepEqual(got, c) {
			t.Errorf("skipped code changed: %+v, was %+v", got, c)
		}
	}
	// The change shows in the list.
	if got, _ := f.codes(t, `{"filter":%q}`, a.Code); len(got) != 1 || got[0].TariffID != planFleetPro {
		t.Errorf("list after update: %+v", got)
	}

	// The camera code moves to a camera plan; codes as the console's
	// JSON-encoded form field.
	rec := httptestRecorder(f.s, request{path: "dealer/activation_code/update", form: url.Values{
		"hash": {f.admin}, "codes": {`["` + camera.Code + `"]`}, "tariff_id": {strconv.Itoa(planVideoPro)}, "bonus_amount": {"1"}, "free_days": {"2"},
	}}.build(t))
	if res := decode(t, rec); !res.success() || res.obj["count"] != float64(1) {
		t.Fatalf("form update: %s", res.body)
	}
	// Nothing matching is a success with count 0.
	f.ok(t, &updated, "dealer/activation_code/update", `{"codes":[%q],"tariff_id":1,"bonus_amount":0,"free_days":0}`, used.Code)
	if updated.Count != 0 {
		t.Fatalf("activated code updated: %d", updated.Count)
	}

	wantError(t, f.call(t, f.admin, "dealer/activation_code/update", `{"codes":[%q],"tariff_id":999,"bonus_amount":0,"free_days":0}`, a.Code), codeNotFound, 400)
	for _, tt := range []struct{ body, param string }{
		{`{"codes":[],"tariff_id":1,"bonus_amount":0,"free_days":0}`, "codes"},
		{`{"codes":"123","tariff_id":1,"bonus_amount":0,"free_days":0}`, "codes"},
		{`{"codes":[123],"tariff_id":1,"bonus_amount":0,"free_days":0}`, "codes[0]"},
		{`{"tariff_id":1,"bonus_amount":0,"free_days":0}`, "codes"},
		{`{"codes":["1"],"bonus_amount":0,"free_days":0}`, "tariff_id"},
		{`{"codes":["1"],"tariff_id":1,"bonus_amount":0,"free_days":-2}`, "free_days"},
	} {
		wantStockParamError(t, f.call(t, f.admin, "dealer/activation_code/update", tt.body), tt.param)
	}
	if got, _ := f.codes(t, `{"filter":%q}`, a.Code); len(got) != 1 || got[0].TariffID != planFleetPro || got[0].BonusAmount != 9 {
		t.Errorf("failed updates changed code %+v", got)
	}
}

// Who may call what: the permission check runs before the parameters are
// read, so an empty body tells "not permitted" (13, HTTP 403) from
// "permitted" (anything else). activation_code: create needs read too; tech
// and viewer hold activation_code: read only. (The official console shows
// the bulk edit without checking activation_code: update; the emulator
// keeps the documented requirement.)
func TestStockPermissions(t *testing.T) {
	f := newStockFixture(t)
	hashes := map[string]string{"admin": f.admin, "tech": f.tech, "viewer": f.viewer}
	everyone := []string{"admin", "tech", "viewer"}
	allowed := map[string][]string{
		"dealer/activation_code/list":   everyone,
		"dealer/activation_code/create": {"admin"},
		"dealer/activation_code/update": {"admin"},
		"tracker/bundle/list":           everyone,
		"tracker/bundle/read":           everyone,
		"tracker/bundle/assign":         {"admin"},
		"tracker/bundle/order/assign":   {"admin"},
		"tracker/bundle/import":         {"admin"},
		"tracker/bundle/update":         {"admin"},
		"equipment/list":                everyone,
		"order/read":                    everyone,
	}
	for _, name := range f.s.Actions() {
		if strings.HasPrefix(name, "dealer/activation_code/") || strings.HasPrefix(name, "tracker/bundle/") ||
			strings.HasPrefix(name, "equipment/") || strings.HasPrefix(name, "order/") {
			if _, ok := allowed[name]; !ok {
				t.Errorf("%s has no row in the permission table", name)
			}
		}
	}
	for action, who := range allowed {
		for _, account := range everyone {
			t.Run(action+" as "+account, func(t *testing.T) {
				res := f.call(t, hashes[account], action, `{}`)
				if slices.Contains(who, account) {
					if res.code() == codeNotPermitted || res.status == http.StatusForbidden {
						t.Fatalf("%s refused: %s", account, res.body)
					}
				} else {
					wantError(t, res, codeNotPermitted, http.StatusForbidden)
				}
			})
		}
	}
	// A custom account with only activation_code: create may not create:
	// the documented requirement is read and create.
	f.s.AddAccount("creator", "creator", map[string][]string{"activation_code": {"create"}})
	hash := login(t, f.s, "creator", "creator")
	wantError(t, f.call(t, hash, "dealer/activation_code/create", `{"count":1,"tariff_id":1,"bonus_amount":0,"free_days":0}`), codeNotPermitted, 403)
	f.s.AddAccount("creator", "creator", map[string][]string{"activation_code": {"create", "read"}})
	if res := f.call(t, hash, "dealer/activation_code/create", `{"count":1,"tariff_id":1,"bonus_amount":0,"free_days":0}`); !res.success() {
		t.Fatalf("read+create refused: %s", res.body)
	}
	// tracker_bundles: create alone imports but cannot list.
	f.s.AddAccount("importer", "importer", map[string][]string{"tracker_bundles": {"create"}})
	hash = login(t, f.s, "importer", "importer")
	if res := f.call(t, hash, "tracker/bundle/import", `{"imeis":["111222333444555"],"equip_id":33,"factory_preset":false}`); !res.success() {
		t.Fatalf("import refused: %s", res.body)
	}
	wantError(t, f.call(t, hash, "tracker/bundle/list", `{}`), codeNotPermitted, 403)
}
