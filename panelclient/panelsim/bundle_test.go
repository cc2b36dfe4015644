package panelsim

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func bundleIDs(list []Bundle) []int {
	out := make([]int, len(list))
	for i, b := range list {
		out[i] = b.ID
	}
	return out
}

func TestBundleList(t *testing.T) {
	f := newStockFixture(t)
	seeded := f.s.Store().Bundles()
	all, count := f.bundles(t, `{}`)
	if count != seedBundles || !slices.Equal(bundleIDs(all), bundleIDs(seeded)) || !slices.IsSorted(bundleIDs(all)) {
		t.Fatalf("unfiltered list: count %d, ids %v", count, bundleIDs(all))
	}
	withICCID, withOrder := 0, 0
	equip := map[int]Equipment{}
	for _, e := range f.s.Store().EquipmentList() {
		equip[e.EquipID] = e
	}
	for _, b := range all {
		e, ok := equip[b.EquipID]
		if !ok || b.EquipName != e.Name || b.EquipVendor != e.Vendor || b.EquipModel != e.ModelName || b.ModelCode != e.ModelCode {
			t.Errorf("bundle %d: equipment fields %+v", b.ID, b)
		}
		if (b.ICCID == nil) != (b.AssignTime == nil) {
			t.Errorf("bundle %d: iccid %v, assign_time %v", b.ID, b.ICCID, b.AssignTime)
		}
		if b.ICCID != nil {
			withICCID++
		}
		if b.OrderID != nil {
			withOrder++
		}
	}
	if withICCID < 100 || withICCID > 250 || withOrder < 10 {
		t.Errorf("%d bundles with an ICCID, %d in an order", withICCID, withOrder)
	}

	b1001 := f.seededBundle(t, 1001)
	day := b1001.AssignTime.String()[:10]
	filters := []struct {
		name, filter string
		match        func(Bundle) bool
	}{
		{"id", "1001", func(b Bundle) bool {
			return strings.Contains(strconv.Itoa(b.ID), "1001") || strings.Contains(b.IMEI, "1001") ||
				b.ICCID != nil && strings.Contains(*b.ICCID, "1001") || b.AssignTime != nil && strings.Contains(b.AssignTime.String(), "1001")
		}},
		{"imei", b1001.IMEI, func(b Bundle) bool { return b.ID == 1001 }},
		{"iccid", *b1001.ICCID, func(b Bundle) bool { return b.ID == 1001 }},
		{"model_code, any case", "QLGV300", func(b Bundle) bool { return b.ModelCode == "qlgv300" }},
		{"assign_time", day, func(b Bundle) bool { return b.AssignTime != nil && strings.HasPrefix(b.AssignTime.String(), day) }},
		{"hostile iccid", "<svg", func(b Bundle) bool { return b.ICCID != nil && *b.ICCID == hostileICCID }},
		{"nothing", "zzz", func(Bundle) bool { return false }},
	}
	for _, tt := range filters {
		t.Run("filter "+tt.name, func(t *testing.T) {
			var want []int
			for _, b := range seeded {
				if tt.match(b) {
					want = append(want, b.ID)
				}
			}
			got, n := f.bundles(t, `{"filter":%q}`, tt.filter)
			if n != len(want) || !slices.Equal(bundleIDs(got), want) {
				t.Fatalf("got %d %v, want %d %v", n, bundleIDs(got), len(want), want)
			}
		})
	}

	str := func(s *string) string { return derefString(s) }
	cmps := map[string]func(a, b Bundle) int{
		"id":          func(a, b Bundle) int { return a.ID - b.ID },
		"imei":        func(a, b Bundle) int { return strings.Compare(a.IMEI, b.IMEI) },
		"iccid":       func(a, b Bundle) int { return strings.Compare(str(a.ICCID), str(b.ICCID)) },
		"order_id":    func(a, b Bundle) int { return derefInt(a.OrderID) - derefInt(b.OrderID) },
		"model_code":  func(a, b Bundle) int { return strings.Compare(a.ModelCode, b.ModelCode) },
		"assign_time": func(a, b Bundle) int { return assignTimeOf(&a).Compare(assignTimeOf(&b).Time) },
		"equip_id":    func(a, b Bundle) int { return a.EquipID - b.EquipID },
	}
	for key, field := range bundleOrderKeys {
		t.Run("order_by "+key, func(t *testing.T) {
			cmp := cmps[field]
			tie := func(a, b Bundle) int {
				if c := cmp(a, b); c != 0 {
					return c
				}
				return a.ID - b.ID
			}
			asc, _ := f.bundles(t, `{"order_by":%q}`, key)
			desc, _ := f.bundles(t, `{"order_by":%q,"ascending":false}`, key)
			if !slices.IsSortedFunc(asc, tie) || !slices.IsSortedFunc(desc, func(a, b Bundle) int { return tie(b, a) }) {
				t.Fatalf("%s (%s) not ordered", key, field)
			}
			page, n := f.bundles(t, `{"order_by":%q,"offset":20,"limit":10,"clones_filter":"exclude_clones"}`, key)
			if n != seedBundles || !slices.Equal(bundleIDs(page), bundleIDs(asc[20:30])) {
				t.Fatalf("page: %v, want %v", bundleIDs(page), bundleIDs(asc[20:30]))
			}
		})
	}
	// Unset ICCIDs and orders sort first.
	if asc, _ := f.bundles(t, `{"order_by":"iccid","limit":1}`); asc[0].ICCID != nil {
		t.Errorf("iccid ascending starts with %+v", asc[0])
	}
	for _, tt := range []struct{ body, param string }{
		{`{"order_by":"owner"}`, "order_by"},
		{`{"clones_filter":"include_clones_only"}`, "clones_filter"},
		{`{"limit":-1}`, "limit"},
		{`{"ascending":"yes"}`, "ascending"},
	} {
		wantStockParamError(t, f.call(t, f.viewer, "tracker/bundle/list", tt.body), tt.param)
	}
}

func TestBundleRead(t *testing.T) {
	f := newStockFixture(t)
	for _, id := range []int{1001, 1002, 1003, 1004} {
		want := f.seededBundle(t, id)
		got := f.bundle(t, want.IMEI)
		if got.ID != id || got.IMEI != want.IMEI || str(got.ICCID) != str(want.ICCID) || derefInt(got.OrderID) != derefInt(want.OrderID) {
			t.Errorf("bundle %d: %+v", id, got)
		}
	}
	if b := f.seededBundle(t, 1001); b.ICCID == nil || b.OrderID != nil {
		t.Errorf("1001 should have an ICCID and no order: %+v", b)
	}
	if b := f.seededBundle(t, 1003); str(b.ICCID) != hostileICCID {
		t.Errorf("1003 should carry the hostile ICCID: %+v", b)
	}
	if b := f.seededBundle(t, 1004); derefInt(b.OrderID) != 1 {
		t.Errorf("1004 should be in order 1: %+v", b)
	}
	// Unset fields are null, in the order of order.md's bundle example.
	res := f.call(t, f.viewer, "tracker/bundle/read", `{"imei":%q}`, f.seededBundle(t, 1002).IMEI)
	if !strings.Contains(string(res.body), `,"iccid":null,"assign_time":null,"order_id":null}}`) ||
		!strings.HasPrefix(string(res.body), `{"success":true,"value":{"id":1002,"equip_id":`) {
		t.Errorf("bundle 1002: %s", res.body)
	}
	// GET with the query string, as the markdown's example.
	rec := httptestRecorder(f.s, request{method: http.MethodGet, path: "tracker/bundle/read",
		query: url.Values{"hash": {f.tech}, "imei": {f.seededBundle(t, 1001).IMEI}}}.build(t))
	if res := decode(t, rec); !res.success() {
		t.Errorf("GET: %s", res.body)
	}
	wantError(t, f.call(t, f.viewer, "tracker/bundle/read", `{"imei":"000000000000000"}`), codeNotFound, 400)
	wantStockParamError(t, f.call(t, f.viewer, "tracker/bundle/read", `{}`), "imei")
	wantStockParamError(t, f.call(t, f.viewer, "tracker/bundle/read", `{"imei":"  "}`), "imei")
}

func str(s *string) string { return derefString(s) }

func TestBundleAssign(t *testing.T) {
	f := newStockFixture(t)
	b1, b2 := f.seededBundle(t, 1001), f.seededBundle(t, 1002)
	free1, free2 := f.sim(t, 0, "free", freeSIM), f.sim(t, 1, "free", freeSIM)
	blocked := f.sim(t, 0, "blocked", func(c SIMCard) bool { return c.Blocked })
	deleted := f.sim(t, 0, "deleted", func(c SIMCard) bool { return c.Deleted })
	inUse := f.sim(t, 0, "in use", func(c SIMCard) bool { return c.InUse })
	now := DateTime{f.clock.Now().UTC().Truncate(time.Second)}

	// Each step runs on the state the previous ones left; iccid "-" sends
	// no iccid (unassign), as the official console does.
	steps := []struct {
		name     string
		bundle   int
		iccid    string
		wantCode int
		// after: the ICCIDs of bundles 1001 and 1002 afterwards ("" = none).
		after1, after2 string
	}{
		{"assign a free card", 1002, free1, 0, str(b1.ICCID), free1},
		{"the same card again changes nothing", 1002, free1, 0, str(b1.ICCID), free1},
		{"reassign", 1002, free2, 0, str(b1.ICCID), free2},
		{"a card of another bundle", 1001, free2, codeEntityExists, str(b1.ICCID), free2},
		{"the card the reassignment freed", 1001, free1, 0, free1, free2},
		{"the card 1001 had is free again", 1002, str(b1.ICCID), 0, free1, str(b1.ICCID)},
		{"unassign", 1002, "-", 0, free1, ""},
		{"unassign again", 1002, "-", 0, free1, ""},
		{"unknown card", 1002, "8970101999999999999", codeBundleWrongICCID, free1, ""},
		{"blocked card", 1002, blocked, codeBundleSIMBlocked, free1, ""},
		{"deleted card", 1002, deleted, codeBundleSIMDeleted, free1, ""},
		{"card in use", 1002, inUse, codeBundleSIMInUse, free1, ""},
		{"failures leave the old card", 1001, blocked, codeBundleSIMBlocked, free1, ""},
		{"unknown bundle", 99999, free2, codeNotFound, free1, ""},
		{"too short", 1002, "89", codeInvalidParameters, free1, ""},
		{"too long", 1002, "897010100000000000000", codeInvalidParameters, free1, ""},
		{"not printable", 1002, "8970\t10100", codeInvalidParameters, free1, ""},
		{"empty", 1002, "", codeInvalidParameters, free1, ""},
	}
	for _, tt := range steps {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"bundle_id":` + strconv.Itoa(tt.bundle) + `}`
			if tt.iccid != "-" {
				body = `{"bundle_id":` + strconv.Itoa(tt.bundle) + `,"iccid":` + strconv.Quote(tt.iccid) + `}`
			}
			res := f.call(t, f.admin, "tracker/bundle/assign", body)
			switch tt.wantCode {
			case 0:
				if !res.success() || string(res.body) != `{"success":true}` {
					t.Fatalf("want success: %s", res.body)
				}
			case codeInvalidParameters:
				wantStockParamError(t, res, "iccid")
			default:
				wantError(t, res, tt.wantCode, describe(tt.wantCode).status)
			}
			got1, got2 := f.bundle(t, b1.IMEI), f.bundle(t, b2.IMEI)
			if str(got1.ICCID) != tt.after1 || str(got2.ICCID) != tt.after2 {
				t.Fatalf("after: 1001 %q, 1002 %q; want %q, %q", str(got1.ICCID), str(got2.ICCID), tt.after1, tt.after2)
			}
			for _, b := range []Bundle{got1, got2} {
				if (b.ICCID == nil) != (b.AssignTime == nil) {
					t.Fatalf("bundle %d: iccid %v, assign_time %v", b.ID, b.ICCID, b.AssignTime)
				}
			}
		})
	}
	// An assignment made now carries the clock's time.
	if got := f.bundle(t, b1.IMEI); got.AssignTime == nil || !got.AssignTime.Equal(now.Time) {
		t.Errorf("assign_time %v, want %v", got.AssignTime, now)
	}
	// The list's ICCID filter sees the new pairing.
	if got, n := f.bundles(t, `{"filter":%q}`, free1); n != 1 || got[0].ID != 1001 {
		t.Errorf("filter by the new ICCID: %v", bundleIDs(got))
	}
	// The form the console sends.
	rec := httptestRecorder(f.s, request{path: "tracker/bundle/assign", form: url.Values{
		"hash": {f.admin}, "bundle_id": {"1002"}, "iccid": {free2},
	}}.build(t))
	if res := decode(t, rec); !res.success() || str(f.bundle(t, b2.IMEI).ICCID) != free2 {
		t.Fatalf("form assign: %s", res.body)
	}
	wantStockParamError(t, f.call(t, f.admin, "tracker/bundle/assign", `{"iccid":%q}`, free1), "bundle_id")
	wantError(t, f.call(t, f.viewer, "tracker/bundle/assign", `{"bundle_id":1002}`), codeNotPermitted, 403)
	wantError(t, f.call(t, f.tech, "tracker/bundle/assign", `{"bundle_id":1002}`), codeNotPermitted, 403)
}

func TestBundleOrderAssign(t *testing.T) {
	f := newStockFixture(t)
	b := f.seededBundle(t, 1002)
	inOrder := func(orderID, bundleID int) bool {
		return slices.Contains(bundleIDs(f.order(t, orderID).Bundles), bundleID)
	}
	before := len(f.order(t, 2).Bundles)

	f.ok(t, nil, "tracker/bundle/order/assign", `{"bundle_id":1002,"order_id":2}`)
	if got := f.bundle(t, b.IMEI); derefInt(got.OrderID) != 2 || !inOrder(2, 1002) || len(f.order(t, 2).Bundles) != before+1 {
		t.Fatalf("attach: bundle %+v, order 2 bundles %v", got, bundleIDs(f.order(t, 2).Bundles))
	}
	// Moving it to another order takes it out of the first.
	f.ok(t, nil, "tracker/bundle/order/assign", `{"bundle_id":1002,"order_id":3}`)
	if inOrder(2, 1002) || !inOrder(3, 1002) {
		t.Fatal("move between orders")
	}
	// Each way of saying "no order" detaches: JSON null, the console's
	// empty form field, the literal text null, and leaving it out.
	detach := []request{
		{path: "tracker/bundle/order/assign", json: `{"bundle_id":1002,"order_id":null}`, header: bearer(f.admin)},
		{path: "tracker/bundle/order/assign", form: url.Values{"hash": {f.admin}, "bundle_id": {"1002"}, "order_id": {""}}},
		{path: "tracker/bundle/order/assign", form: url.Values{"hash": {f.admin}, "bundle_id": {"1002"}, "order_id": {"null"}}},
		{path: "tracker/bundle/order/assign", json: `{"bundle_id":1002}`, header: bearer(f.admin)},
	}
	for i, rq := range detach {
		f.ok(t, nil, "tracker/bundle/order/assign", `{"bundle_id":1002,"order_id":3}`)
		if res := do(t, f.s, rq); !res.success() {
			t.Fatalf("detach %d: %s", i, res.body)
		}
		if got := f.bundle(t, b.IMEI); got.OrderID != nil || inOrder(3, 1002) {
			t.Fatalf("detach %d left order %v", i, got.OrderID)
		}
	}
	wantError(t, f.call(t, f.admin, "tracker/bundle/order/assign", `{"bundle_id":99999,"order_id":2}`), codeNotFound, 400)
	wantError(t, f.call(t, f.admin, "tracker/bundle/order/assign", `{"bundle_id":1002,"order_id":999}`), codeNotFound, 400)
	wantError(t, f.call(t, f.admin, "tracker/bundle/order/assign", `{"bundle_id":1002,"order_id":%d}`, foreignOrderID), codeNotFound, 400)
	wantStockParamError(t, f.call(t, f.admin, "tracker/bundle/order/assign", `{"bundle_id":1002,"order_id":"two"}`), "order_id")
	wantStockParamError(t, f.call(t, f.admin, "tracker/bundle/order/assign", `{"order_id":2}`), "bundle_id")
	if got := f.bundle(t, b.IMEI); got.OrderID != nil {
		t.Fatalf("failures attached the bundle: %v", got.OrderID)
	}
}

func TestBundleImport(t *testing.T) {
	f := newStockFixture(t)
	existing := f.seededBundle(t, 1001).IMEI
	f.ok(t, nil, "tracker/bundle/import", `{"imeis":["356938035643809"," 754854 ","356938035643809"],"equip_id":190,"factory_preset":true}`)
	all, n := f.bundles(t, `{}`)
	if n != seedBundles+2 {
		t.Fatalf("count after import: %d", n)
	}
	for i, imei := range []string{"356938035643809", "754854"} {
		got := f.bundle(t, imei)
		want := Bundle{ID: firstBundleID + seedBundles + i, EquipID: 190, EquipVendor: `"Acme" <Trackers> & Co`,
			EquipName: `Трекер «Тест» 'quoted' </td>`, EquipModel: `<img src=x onerror=alert("equip")>`, ModelCode: "acme_t1", IMEI: imei}
		if got.ID != want.ID || got.EquipID != want.EquipID || got.EquipVendor != want.EquipVendor || got.EquipName != want.EquipName ||
			got.EquipModel != want.EquipModel || got.ModelCode != want.ModelCode || got.IMEI != imei ||
			got.ICCID != nil || got.AssignTime != nil || got.OrderID != nil {
			t.Errorf("imported %+v, want %+v", got, want)
		}
		if all[seedBundles+i].IMEI != imei {
			t.Errorf("list position %d: %+v", seedBundles+i, all[seedBundles+i])
		}
	}
	// The console's form: imeis as a JSON-encoded field.
	rec := httptestRecorder(f.s, request{path: "tracker/bundle/import", form: url.Values{
		"hash": {f.admin}, "imeis": {`["356938035643817"]`}, "equip_id": {"33"}, "factory_preset": {"false"},
	}}.build(t))
	if res := decode(t, rec); !res.success() || f.bundle(t, "356938035643817").ModelCode != "pt10" {
		t.Fatalf("form import: %s", res.body)
	}

	// Failures import nothing, not even the new IMEIs of the request.
	wantError(t, f.call(t, f.admin, "tracker/bundle/import", `{"imeis":["111111111111111",%q],"equip_id":33,"factory_preset":false}`, existing), codeEntityExists, 409)
	wantError(t, f.call(t, f.admin, "tracker/bundle/import", `{"imeis":["111111111111111"],"equip_id":999,"factory_preset":false}`), codeEntityNotFound, 404)
	for _, tt := range []struct{ body, param string }{
		{`{"imeis":[],"equip_id":33,"factory_preset":false}`, "imeis"},
		{`{"imeis":["1",""],"equip_id":33,"factory_preset":false}`, "imeis[1]"},
		{`{"imeis":[111],"equip_id":33,"factory_preset":false}`, "imeis[0]"},
		{`{"equip_id":33,"factory_preset":false}`, "imeis"},
		{`{"imeis":["111111111111111"],"factory_preset":false}`, "equip_id"},
		{`{"imeis":["111111111111111"],"equip_id":33}`, "factory_preset"},
	} {
		wantStockParamError(t, f.call(t, f.admin, "tracker/bundle/import", tt.body), tt.param)
	}
	wantError(t, f.call(t, f.viewer, "tracker/bundle/read", `{"imei":"111111111111111"}`), codeNotFound, 400)
	if _, n := f.bundles(t, `{"limit":1}`); n != seedBundles+3 {
		t.Fatalf("count after failed imports: %d", n)
	}
}

func TestBundleUpdate(t *testing.T) {
	f := newStockFixture(t)
	b := f.seededBundle(t, 1001)
	f.ok(t, nil, "tracker/bundle/update", `{"bundle_id":1001,"equip_id":180}`)
	got := f.bundle(t, b.IMEI)
	if got.EquipID != 180 || got.ModelCode != "streamax_ad_plus2" || got.EquipVendor != "Streamax" ||
		str(got.ICCID) != str(b.ICCID) || got.IMEI != b.IMEI {
		t.Fatalf("after update: %+v", got)
	}
	if list, _ := f.bundles(t, `{"filter":"streamax"}`); !slices.Contains(bundleIDs(list), 1001) {
		t.Error("the list does not see the new model code")
	}
	wantError(t, f.call(t, f.admin, "tracker/bundle/update", `{"bundle_id":99999,"equip_id":180}`), codeNotFound, 400)
	wantError(t, f.call(t, f.admin, "tracker/bundle/update", `{"bundle_id":1001,"equip_id":999}`), codeEntityNotFound, 404)
	wantStockParamError(t, f.call(t, f.admin, "tracker/bundle/update", `{"bundle_id":1001}`), "equip_id")
	wantStockParamError(t, f.call(t, f.admin, "tracker/bundle/update", `{"equip_id":33}`), "bundle_id")
	if got := f.bundle(t, b.IMEI); got.EquipID != 180 {
		t.Fatalf("failed update changed equipment: %+v", got)
	}
}

func TestEquipmentList(t *testing.T) {
	f := newStockFixture(t)
	res := f.call(t, f.tech, "equipment/list", `{}`)
	if !res.success() {
		t.Fatal(string(res.body))
	}
	list := res.obj["list"].([]any)
	if len(list) != len(seedEquipment) || len(res.obj) != 2 {
		t.Fatalf("%d models: %s", len(list), res.body)
	}
	// equipment.md's example is the first entry, key for key.
	if !strings.HasPrefix(string(res.body), `{"success":true,"list":[{"equip_id":33,"model_name":"SPT10 SB","model_code":"pt10","vendor":"3. NAVIXY S Series (personal)","name":"NAVIXY S10"},`) {
		t.Errorf("first entry: %.200s", res.body)
	}
	if !strings.Contains(string(res.body), `"vendor":"\"Acme\" <Trackers> & Co"`) {
		t.Error("hostile vendor missing or escaped as HTML")
	}
	ids := make([]int, len(list))
	for i, e := range list {
		ids[i] = int(e.(map[string]any)["equip_id"].(float64))
	}
	if !slices.IsSorted(ids) {
		t.Errorf("not by equip_id: %v", ids)
	}
}

func TestOrderRead(t *testing.T) {
	f := newStockFixture(t)
	ids := f.s.Store().OrderIDs()
	if len(ids) < 5 || slices.Contains(ids, foreignOrderID) {
		t.Fatalf("order ids %v", ids)
	}
	for _, id := range ids {
		o := f.order(t, id)
		amount, sum := 0, 0.0
		for _, p := range o.Positions {
			amount += p.Amount
			sum += float64(p.Amount) * p.Price
			if p.OrderID != id || p.Type != "equip" || p.Name == "" {
				t.Errorf("order %d position %+v", id, p)
			}
		}
		if o.ID != id || o.Type != "equip" || o.Amount != amount || o.Sum != round2(sum) || len(o.Bundles) > o.Amount {
			t.Errorf("order %d: amount %d sum %v, %d bundles", id, o.Amount, o.Sum, len(o.Bundles))
		}
		for _, b := range o.Bundles {
			if derefInt(b.OrderID) != id {
				t.Errorf("order %d lists bundle %d of order %v", id, b.ID, b.OrderID)
			}
		}
	}
	o := f.order(t, 1)
	if o.Payer != `<script>alert("payer")</script>` || !slices.Contains(bundleIDs(o.Bundles), 1004) || o.CreationTime.IsZero() {
		t.Errorf("order 1: %+v", o)
	}
	// remark is omitted when empty, shown when set.
	if res := f.call(t, f.viewer, "order/read", `{"order_id":1}`); strings.Contains(string(res.body), `"remark"`) {
		t.Errorf("empty remark sent: %.300s", res.body)
	}
	if f.order(t, 3).Remark == "" {
		t.Error("order 3 lost its remark")
	}
	wantError(t, f.call(t, f.viewer, "order/read", `{"order_id":%d}`, foreignOrderID), codeNotFound, 400)
	wantError(t, f.call(t, f.viewer, "order/read", `{"order_id":999}`), codeNotFound, 400)
	wantStockParamError(t, f.call(t, f.viewer, "order/read", `{"order_id":0}`), "order_id")
	wantStockParamError(t, f.call(t, f.viewer, "order/read", `{}`), "order_id")
}

// The stock seed is the same on every start, whatever the size of the
// user and tracker seed, for the records tests and demos name by id.
func TestStockSeed(t *testing.T) {
	a, b, small := New().Store(), New().Store(), New(smallSeed).Store()
	for _, pair := range [][2]*Store{{a, b}, {a, small}} {
		x, y := pair[0], pair[1]
		if !slices.Equal(bundleIDs(x.Bundles()), bundleIDs(y.Bundles())) || x.Bundles()[3].IMEI != y.Bundles()[3].IMEI {
			t.Error("bundles differ")
		}
		if !slices.Equal(codeValues(x.ActivationCodes()[:4]), codeValues(y.ActivationCodes()[:4])) {
			t.Error("the first activation codes differ")
		}
		if sx, sy := x.SIMCards(), y.SIMCards(); len(sx) != len(sy) || sx[len(sx)-1] != sy[len(sy)-1] {
			t.Error("SIM cards differ")
		}
		ox, _ := x.Order(1)
		oy, _ := y.Order(1)
		if ox.Sum != oy.Sum || len(ox.Bundles) != len(oy.Bundles) {
			t.Error("order 1 differs")
		}
	}
	if !slices.Equal(codeValues(a.ActivationCodes()), codeValues(b.ActivationCodes())) {
		t.Error("activation codes differ between two default seeds")
	}
	codes := a.ActivationCodes()
	if codes[0].Activated || codes[0].TariffID != planHostile || codes[1].TariffName != "Тариф «Стандарт»" || !codes[2].Activated || codes[3].DeviceType != "camera" {
		t.Errorf("the named codes moved: %+v", codes[:4])
	}
	// Activated codes name real trackers when the seed has them.
	for _, c := range codes {
		if c.Activated {
			if _, ok := a.Tracker(c.DeviceID); !ok {
				t.Errorf("code %s names device %d, which does not exist", c.Code, c.DeviceID)
			}
		}
	}
	// Every IMEI and ICCID is unique, and every paired card points back.
	sims := map[string]SIMCard{}
	for _, c := range a.SIMCards() {
		if _, dup := sims[c.ICCID]; dup {
			t.Errorf("ICCID %s twice", c.ICCID)
		}
		sims[c.ICCID] = c
	}
	imeis := map[string]bool{}
	for _, bd := range a.Bundles() {
		if imeis[bd.IMEI] {
			t.Errorf("IMEI %s twice", bd.IMEI)
		}
		imeis[bd.IMEI] = true
		if bd.ICCID != nil && sims[*bd.ICCID].BundleID != bd.ID {
			t.Errorf("bundle %d's card %s does not point back", bd.ID, *bd.ICCID)
		}
	}
	// Tracker seeding without users or trackers still seeds the stock.
	empty := New(WithSeed(SeedConfig{Users: -1})).Store()
	if len(empty.ActivationCodes()) != seedActivationCodes || len(empty.Bundles()) != seedBundles {
		t.Error("the stock depends on users and trackers")
	}
}
