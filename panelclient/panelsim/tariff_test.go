package panelsim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

type tariffListResult struct {
	List      []Tariff       `json:"list"`
	Wholesale *ServicePrices `json:"wholesale_service_prices"`
	Count     int            `json:"count"`
}

func (f *trackerFixture) tariffs(t *testing.T, hash, body string, args ...any) tariffListResult {
	t.Helper()
	res := f.call(t, hash, "tariff/list", body, args...)
	if !res.success() {
		t.Fatalf("tariff/list %s: %s", body, res.body)
	}
	var out tariffListResult
	if err := json.Unmarshal(res.body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func tariffIDs(list []Tariff) []int {
	ids := make([]int, len(list))
	for i, t := range list {
		ids[i] = t.ID
	}
	return ids
}

func TestTariffList(t *testing.T) {
	f := newTrackerFixture(t)
	all := f.tariffs(t, f.viewer, `{}`)
	if all.Count != len(f.s.Store().Tariffs()) || len(all.List) != all.Count || !slices.IsSorted(tariffIDs(all.List)) {
		t.Fatalf("all plans: count %d, ids %v", all.Count, tariffIDs(all.List))
	}
	if all.Wholesale == nil || all.Wholesale.IncomingSMS != 0.27 {
		t.Fatalf("wholesale prices: %+v", all.Wholesale)
	}
	cameras := f.tariffs(t, f.viewer, `{"device_type":"camera"}`)
	if cameras.Count != 2 || slices.ContainsFunc(cameras.List, func(t Tariff) bool { return t.DeviceType != "camera" }) {
		t.Fatalf("camera plans: %v", tariffIDs(cameras.List))
	}
	byPrice := f.tariffs(t, f.viewer, `{"order_by":"price","ascending":false,"limit":3,"offset":1}`)
	full := f.tariffs(t, f.viewer, `{"order_by":"price","ascending":false}`)
	if byPrice.Count != all.Count || !slices.Equal(tariffIDs(byPrice.List), tariffIDs(full.List[1:4])) ||
		!slices.IsSortedFunc(full.List, func(a, b Tariff) int {
			switch {
			case a.Price > b.Price:
				return -1
			case a.Price < b.Price:
				return 1
			}
			return 0
		}) {
		t.Fatalf("price descending page: %v of %v", tariffIDs(byPrice.List), tariffIDs(full.List))
	}
	for _, key := range tariffOrderKeys {
		if got := f.tariffs(t, f.viewer, `{"order_by":%q}`, key); got.Count != all.Count {
			t.Errorf("order_by %s: count %d", key, got.Count)
		}
	}
	// The filter matches id, name (any case), price and device type.
	for filter, want := range map[string]int{"premium": planPremium, "12.55": planPremium, "СТАНДАРТ": planCyrillic, "socket": 12, "11": planCyrillic} {
		got := f.tariffs(t, f.viewer, `{"filter":%q}`, filter)
		if !slices.Contains(tariffIDs(got.List), want) {
			t.Errorf("filter %q: %v lacks %d", filter, tariffIDs(got.List), want)
		}
	}
	wantParamError(t, f.call(t, f.viewer, "tariff/list", `{"order_by":"type"}`), "order_by")
	wantParamError(t, f.call(t, f.viewer, "tariff/list", `{"device_type":"phone"}`), "device_type")
	wantParamError(t, f.call(t, f.viewer, "tariff/list", `{"limit":-5}`), "limit")
}

func TestTariffRead(t *testing.T) {
	f := newTrackerFixture(t)
	res := f.call(t, f.viewer, "tariff/read", `{"tariff_id":%d}`, planHostile)
	var out struct {
		Value Tariff `json:"value"`
	}
	if err := json.Unmarshal(res.body, &out); err != nil || !res.success() {
		t.Fatalf("%v %s", err, res.body)
	}
	if out.Value.Name != `<b>Gold</b> "VIP" & 'Partners'` || out.Value.EarlyChangePrice == nil {
		t.Fatalf("plan 8: %+v", out.Value)
	}
	// early_change_price is null, not omitted, when not set.
	if res := f.call(t, f.viewer, "tariff/read", `{"tariff_id":%d}`, planBasic); !strings.Contains(string(res.body), `"early_change_price":null`) {
		t.Fatalf("plan 1: %s", res.body)
	}
	wantError(t, f.call(t, f.viewer, "tariff/read", `{"tariff_id":999}`), codeNotFound, 400)
	wantParamError(t, f.call(t, f.viewer, "tariff/read", `{}`), "tariff_id")
}

const tariffDraft = `{"name":%q,"group_id":3,"active":true,"type":%q,"price":12.55,"early_change_price":23.0,"device_limit":2000,"has_reports":true,"store_period":"1y","device_type":%q,"proportional_charge":false,"service_prices":{"incoming_sms":0.3,"outgoing_sms":0.3,"service_sms":0.2,"phone_call":0.6,"traffic":0.09}}`

func TestTariffCreateAndUpdate(t *testing.T) {
	f := newTrackerFixture(t)
	res := f.ok(t, "tariff/create", `{"tariff":`+tariffDraft+`}`, "Premium Plus", "monthly", "tracker")
	id := int(res.obj["id"].(float64))
	got, ok := f.s.Store().Tariff(id)
	if !ok || got.Name != "Premium Plus" || got.Price != 12.55 || got.DeviceType != "tracker" || got.EarlyChangePrice == nil ||
		*got.EarlyChangePrice != 23 || got.ServicePrices.PhoneCall != 0.6 || got.StorePeriod != "1y" {
		t.Fatalf("created plan: %+v", got)
	}
	if l := f.tariffs(t, f.viewer, `{"filter":"premium plus"}`); !slices.Contains(tariffIDs(l.List), id) {
		t.Fatal("new plan not listed")
	}

	// Update changes the fields sent; device_type cannot change.
	f.ok(t, "tariff/update", `{"tariff":{"id":%d,"name":"Premium+","price":9.5,"early_change_price":null,"device_type":"camera"}}`, id)
	got, _ = f.s.Store().Tariff(id)
	if got.Name != "Premium+" || got.Price != 9.5 || got.EarlyChangePrice != nil || got.DeviceType != "tracker" || got.DeviceLimit != 2000 {
		t.Fatalf("updated plan: %+v", got)
	}
	// A tracker can now move to it.
	tr := f.find(t, "a live tracker", func(x Tracker) bool {
		return !x.Clone && !x.Deleted && !x.Source.Corrupted && x.Source.TariffID == planStandard
	})
	f.ok(t, "tracker/tariff/change", `{"tracker_id":%d,"tariff_id":%d,"repay":false,"charge":false}`, tr.ID, id)

	for _, tc := range []struct {
		name, action, body string
		code               int
		param              string
	}{
		{"duplicate name", "tariff/create", `{"tariff":` + fmt.Sprintf(tariffDraft, "premium", "monthly", "tracker") + `}`, codeTariffDuplicateName, ""},
		{"activeday camera", "tariff/create", `{"tariff":{"name":"Cam daily","type":"activeday","price":1,"device_type":"camera"}}`, codeTrackerUnsupported, ""},
		{"missing name", "tariff/create", `{"tariff":{"type":"monthly","price":1,"device_type":"tracker"}}`, 0, "tariff.name"},
		{"bad type", "tariff/create", `{"tariff":{"name":"x","type":"yearly","price":1,"device_type":"tracker"}}`, 0, "tariff.type"},
		{"bad store period", "tariff/create", `{"tariff":{"name":"x","type":"monthly","price":1,"device_type":"tracker","store_period":"P1Y"}}`, 0, "tariff.store_period"},
		{"negative price", "tariff/create", `{"tariff":{"name":"x","type":"monthly","price":-1,"device_type":"tracker"}}`, 0, "tariff.price"},
		{"price as text", "tariff/create", `{"tariff":{"name":"x","type":"monthly","price":"cheap","device_type":"tracker"}}`, 0, "tariff.price"},
		{"no tariff", "tariff/create", `{}`, 0, "tariff"},
		{"update unknown", "tariff/update", `{"tariff":{"id":999,"name":"x"}}`, codeNotFound, ""},
		{"update duplicate", "tariff/update", `{"tariff":{"id":1,"name":"STANDARD"}}`, codeTariffDuplicateName, ""},
		{"update activeday camera", "tariff/update", `{"tariff":{"id":9,"type":"activeday"}}`, codeTrackerUnsupported, ""},
		{"update without id", "tariff/update", `{"tariff":{"name":"x"}}`, 0, "tariff.id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.call(t, f.admin, tc.action, tc.body)
			if tc.param != "" {
				wantParamError(t, res, tc.param)
				return
			}
			wantError(t, res, tc.code, 400)
		})
	}
	// Renaming a plan to its own name is fine.
	f.ok(t, "tariff/update", `{"tariff":{"id":1,"name":"basic tracking"}}`)
	// Employees and viewers may not touch plans.
	for _, hash := range []string{f.tech, f.viewer} {
		wantError(t, f.call(t, hash, "tariff/create", `{"tariff":`+tariffDraft+`}`, "Other", "monthly", "tracker"), codeNotPermitted, 403)
		wantError(t, f.call(t, hash, "tariff/update", `{"tariff":{"id":1,"price":1}}`), codeNotPermitted, 403)
	}
}

func TestTariffDefaults(t *testing.T) {
	f := newTrackerFixture(t)
	res := f.call(t, f.viewer, "tariff/defaults/read", ``)
	var out struct {
		Tracker, Camera *TariffDefaults
	}
	if err := json.Unmarshal(res.body, &out); err != nil || out.Tracker == nil || out.Camera == nil {
		t.Fatalf("%v %s", err, res.body)
	}
	if out.Tracker.TariffID != planStandard || out.Camera.TariffID != planVideo || *out.Tracker.FreeDaysDeviceLimit != 3 {
		t.Fatalf("defaults: %+v %+v", out.Tracker, out.Camera)
	}

	f.ok(t, "tariff/defaults/update", `{"tracker":{"tariff_id":%d,"activation_bonus":2.5,"free_days":30,"free_days_device_limit":null},"camera":{"tariff_id":%d}}`, planPremium, planVideoPro)
	res = f.call(t, f.viewer, "tariff/defaults/read", ``)
	if !strings.Contains(string(res.body), `"tracker":{"tariff_id":3,"activation_bonus":2.5,"free_days":30,"free_days_device_limit":null}`) ||
		!strings.Contains(string(res.body), `"camera":{"tariff_id":10,"activation_bonus":0.5,"free_days":7,"free_days_device_limit":3}`) {
		t.Fatalf("after update: %s", res.body)
	}
	// Only the tracker object (the documented example).
	f.ok(t, "tariff/defaults/update", `{"tracker":{"tariff_id":%d,"free_days_device_limit":5}}`, planBasic)
	if d := f.s.Store().trackerDefaultForTest(); d.TariffID != planBasic || d.FreeDays != 30 || *d.FreeDaysDeviceLimit != 5 {
		t.Fatalf("partial update: %+v", d)
	}

	wantError(t, f.call(t, f.admin, "tariff/defaults/update", `{"tracker":{"tariff_id":999}}`), codeTariffNewMissing, 404)
	wantError(t, f.call(t, f.admin, "tariff/defaults/update", `{"tracker":{"tariff_id":%d}}`, planVideo), codeTariffInvalid, 400)
	wantError(t, f.call(t, f.admin, "tariff/defaults/update", `{"tracker":{"tariff_id":1},"camera":{"tariff_id":2}}`), codeTariffInvalid, 400)
	if d := f.s.Store().trackerDefaultForTest(); d.TariffID != planBasic {
		t.Fatal("a refused update changed the tracker defaults")
	}
	wantParamError(t, f.call(t, f.admin, "tariff/defaults/update", `{"tracker":{"free_days":3}}`), "tracker.tariff_id")
	wantParamError(t, f.call(t, f.admin, "tariff/defaults/update", `{"tracker":{"tariff_id":1,"free_days":-3}}`), "tracker.free_days")
	wantParamError(t, f.call(t, f.admin, "tariff/defaults/update", `{}`), "tracker")
	wantError(t, f.call(t, f.tech, "tariff/defaults/update", `{"tracker":{"tariff_id":1}}`), codeNotPermitted, 403)
}

func (st *Store) trackerDefaultForTest() TariffDefaults {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return tariffDefaultsView(st.trackerDefault)
}
