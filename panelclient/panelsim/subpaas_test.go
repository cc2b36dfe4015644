package panelsim

import (
	"net/http"
	"slices"
	"testing"
)

// subpaasIDs runs subpaas/list and returns the ids and count.
func (f *sideFixture) subpaasIDs(t *testing.T, body string, args ...any) ([]int, int) {
	t.Helper()
	res := f.ok(t, f.viewer, "subpaas/list", body, args...)
	list := value[[]SubpaasListEntry](t, res, "list")
	ids := make([]int, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	return ids, value[int](t, res, "count")
}

func TestSubpaasList(t *testing.T) {
	f := newSideFixture(t)
	all := []int{5002, 5003, 5004, 5005, 5006, 5007}
	tests := []struct {
		name, body string
		want       []int
		count      int
	}{
		{"default", `{}`, all, 6},
		{"descending", `{"ascending":false}`, []int{5007, 5006, 5005, 5004, 5003, 5002}, 6},
		{"page", `{"offset":1,"limit":2}`, []int{5003, 5004}, 6},
		{"zero limit is no limit", `{"limit":0}`, all, 6},
		{"by title", `{"order_by":"title"}`, []int{5003, 5005, 5004, 5002, 5007, 5006}, 6},
		{"by jur_name", `{"order_by":"jur_name","ascending":false}`, []int{5003, 5006, 5007, 5002, 5004, 5005}, 6},
		{"by login", `{"order_by":"login"}`, all, 6},
		{"by block_type: unpaid first", `{"order_by":"block_type","limit":1}`, []int{5006}, 6},
		{"by block_type", `{"order_by":"block_type"}`, []int{5006, 5002, 5003, 5004, 5005, 5007}, 6},
		{"by creation_date", `{"order_by":"creation_date"}`, []int{5007, 5005, 5004, 5002, 5003, 5006}, 6},
		{"filter title", `{"filter":"telematics"}`, []int{5002}, 1},
		{"filter non-Latin", `{"filter":"сибирские"}`, []int{5003}, 1},
		{"filter domain", `{"filter":"TRACK.northstar"}`, []int{5002}, 1},
		{"filter nothing", `{"filter":"zzz"}`, nil, 0},
		{"filter email", `{"filter":"balticfleet"}`, []int{5005}, 1},
		{"filter id", `{"filter":"5004"}`, []int{5004}, 1},
		{"filter and page", `{"filter":"example","offset":4}`, []int{5006, 5007}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, count := f.subpaasIDs(t, tt.body)
			if !slices.Equal(ids, tt.want) || count != tt.count {
				t.Fatalf("got %v (count %d), want %v (%d)", ids, count, tt.want, tt.count)
			}
		})
	}
	res := f.ok(t, f.viewer, "subpaas/list", `{"limit":1}`)
	entry := res.obj["list"].([]any)[0].(map[string]any)
	for _, key := range []string{"subpaas_id", "title", "jur_name", "login", "creation_date", "block_type",
		"users_count", "active_users_count", "trackers_count", "active_trackers_count"} {
		if _, ok := entry[key]; !ok {
			t.Errorf("list entry lacks %q", key)
		}
	}
	if entry["login"] != "5002" || entry["creation_date"] != "2021-04-12" {
		t.Errorf("entry %v", entry)
	}
	for _, body := range []string{`{"order_by":"domain"}`, `{"offset":-1}`, `{"limit":-5}`, `{"ascending":"up"}`} {
		wantError(t, f.call(t, f.viewer, "subpaas/list", body), codeInvalidParameters, http.StatusBadRequest)
	}
}

func TestSubpaasRead(t *testing.T) {
	f := newSideFixture(t)
	v := value[Subpaas](t, f.ok(t, f.tech, "subpaas/read", `{"subpaas_id":5003}`), "value")
	if v.Title != `<script>alert("reseller")</script> & 'Sons'` || v.LinkMonitoring != "трекинг.пример.рф" ||
		v.ContactPost != `<img src=x onerror=alert(1)>` || v.Login != "5003" || v.ActiveTrackersCount != 7 {
		t.Fatalf("read %+v", v)
	}
	if d := value[Subpaas](t, f.ok(t, f.viewer, "subpaas/read?subpaas_id=5007", ""), "value"); d.BlockType != blockDeleted {
		t.Errorf("deleted reseller %+v", d)
	}
	wantError(t, f.call(t, f.viewer, "subpaas/read", `{"subpaas_id":99}`), codeNotFound, http.StatusBadRequest)
	wantSideParamError(t, f.call(t, f.viewer, "subpaas/read", `{}`), "subpaas_id")
	wantSideParamError(t, f.call(t, f.viewer, "subpaas/read", `{"subpaas_id":"x"}`), "subpaas_id")
}

const validSubpaas = `"title":"Company","email":"email@company.com","jur_name":"Company Oy","jur_country":"Finland","link_monitoring":"company.example.com"`

func TestSubpaasCreateAndUpdate(t *testing.T) {
	f := newSideFixture(t)
	res := f.ok(t, f.admin, "subpaas/create", `{"password":"D9#YoBaQd@RMjMSb",`+validSubpaas+`}`)
	id := int(res.obj["id"].(float64))
	v := value[Subpaas](t, f.ok(t, f.admin, "subpaas/read", `{"subpaas_id":%d}`, id), "value")
	if id != 5008 || v.BlockType != blockInitial || v.Login != "5008" || v.CreationDate.String() != "2026-11-27" ||
		v.LinkMonitoring != "company.example.com" || v.Title != "Company" || v.UsersCount != 0 {
		t.Fatalf("created %+v", v)
	}
	if ids, count := f.subpaasIDs(t, `{"order_by":"block_type","limit":1,"ascending":true}`); count != 7 || ids[0] != 5006 {
		t.Errorf("list after create %v %d", ids, count)
	}
	// The new reseller's panel login works with its password.
	login(t, f.s, "5008", "D9#YoBaQd@RMjMSb")

	// Creation errors.
	createErrors := []struct{ body, parameter string }{
		{`{` + validSubpaas + `}`, "password"},
		{`{"password":"weak",` + validSubpaas + `}`, "password"},
		{`{"password":"D9#YoBaQd@RMjMSb","title":"","email":"e@x.com","jur_name":"J","jur_country":"C","link_monitoring":"a.example.com"}`, "title"},
		{`{"password":"D9#YoBaQd@RMjMSb","title":"123456789012345678901234567890123456789012345678901","email":"e@x.com","jur_name":"J","jur_country":"C","link_monitoring":"a.example.com"}`, "title"},
		{`{"password":"D9#YoBaQd@RMjMSb","title":"T","email":"nope","jur_name":"J","jur_country":"C","link_monitoring":"a.example.com"}`, "email"},
		{`{"password":"D9#YoBaQd@RMjMSb","title":"T","email":"e@x.com","jur_country":"C","link_monitoring":"a.example.com"}`, "jur_name"},
		{`{"password":"D9#YoBaQd@RMjMSb","title":"T","email":"e@x.com","jur_name":"J","link_monitoring":"a.example.com"}`, "jur_country"},
		{`{"password":"D9#YoBaQd@RMjMSb","title":"T","email":"e@x.com","jur_name":"J","jur_country":"C"}`, "link_monitoring"},
		{`{"password":"D9#YoBaQd@RMjMSb","title":"T","email":"e@x.com","jur_name":"J","jur_country":"C","link_monitoring":""}`, "link_monitoring"},
		{`{"password":"D9#YoBaQd@RMjMSb","title":"T","email":"e@x.com","jur_name":"J","jur_country":"C","link_monitoring":"http://a.example.com/x"}`, "link_monitoring"},
		{`{"password":"D9#YoBaQd@RMjMSb",` + validSubpaas + `,"contact_post":"123456789012345678901234567890123456789012345678901"}`, "contact_post"},
	}
	for _, tt := range createErrors {
		wantSideParamError(t, f.call(t, f.admin, "subpaas/create", tt.body), tt.parameter)
	}
	wantError(t, f.call(t, f.admin, "subpaas/create", `{"password":"D9#YoBaQd@RMjMSb","title":"T","email":"e@x.com","jur_name":"J","jur_country":"C","link_monitoring":"DEMO.navixy.com"}`),
		codeEntityExists, http.StatusConflict)

	// update: every field, contacts kept when not sent, password ignored.
	const upd = `"title":"Northstar 2","email":"new@northstar.example.com","jur_name":"NS LLC","jur_country":"USA","link_monitoring":"ns.example.com"`
	f.ok(t, f.admin, "subpaas/update", `{"subpaas_id":5002,"block_type":"BLOCK_LOGIN","password":"Ignored#Pass123",`+upd+`}`)
	v = value[Subpaas](t, f.ok(t, f.admin, "subpaas/read", `{"subpaas_id":5002}`), "value")
	if v.Title != "Northstar 2" || v.BlockType != blockLogin || v.LinkMonitoring != "ns.example.com" || v.JurCountry != "USA" ||
		v.ContactFIO != "Jane Doe" || v.ContactPhone != "15551234567" {
		t.Errorf("updated %+v", v)
	}
	login(t, f.s, "5002", SeedResellerPassword(5002)) // the password did not change
	f.ok(t, f.admin, "subpaas/update", `{"subpaas_id":5002,"block_type":"NOT_BLOCKED","contact_fio":"","contact_post":"CEO",`+upd+`}`)
	v = value[Subpaas](t, f.ok(t, f.admin, "subpaas/read", `{"subpaas_id":5002}`), "value")
	if v.BlockType != blockNotBlocked || v.ContactFIO != "" || v.ContactPost != "CEO" {
		t.Errorf("updated again %+v", v)
	}

	// The documented 13s, and the rest.
	updateErrors := []struct {
		name, body string
		code       int
	}{
		{"block_type DELETED", `{"subpaas_id":5002,"block_type":"DELETED",` + upd + `}`, codeNotPermitted},
		{"a deleted reseller", `{"subpaas_id":5007,"block_type":"NOT_BLOCKED",` + validSubpaas + `}`, codeNotPermitted},
		{"into INITIAL_BLOCK", `{"subpaas_id":5002,"block_type":"INITIAL_BLOCK",` + upd + `}`, codeNotPermitted},
		{"out of INITIAL_BLOCK", `{"subpaas_id":5006,"block_type":"NOT_BLOCKED","title":"S","email":"s@x.com","jur_name":"S","jur_country":"AU","link_monitoring":"sunrise.example.com"}`, codeNotPermitted},
		{"unknown reseller", `{"subpaas_id":99,"block_type":"NOT_BLOCKED",` + validSubpaas + `}`, codeNotFound},
		{"taken domain", `{"subpaas_id":5002,"block_type":"NOT_BLOCKED","title":"T","email":"e@x.com","jur_name":"J","jur_country":"C","link_monitoring":"company.example.com"}`, codeEntityExists},
		{"bad block_type", `{"subpaas_id":5002,"block_type":"PAUSED",` + upd + `}`, codeInvalidParameters},
		{"missing block_type", `{"subpaas_id":5002,` + upd + `}`, codeInvalidParameters},
		{"missing subpaas_id", `{"block_type":"NOT_BLOCKED",` + upd + `}`, codeInvalidParameters},
		{"missing title", `{"subpaas_id":5002,"block_type":"NOT_BLOCKED","email":"e@x.com","jur_name":"J","jur_country":"C","link_monitoring":"x.example.com"}`, codeInvalidParameters},
	}
	for _, tt := range updateErrors {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, f.call(t, f.admin, "subpaas/update", tt.body), tt.code, describe(tt.code).status)
		})
	}
	// INITIAL_BLOCK to INITIAL_BLOCK is an ordinary edit.
	f.ok(t, f.admin, "subpaas/update", `{"subpaas_id":5006,"block_type":"INITIAL_BLOCK","title":"Sunrise GPS 2","email":"s@x.com","jur_name":"S","jur_country":"AU","link_monitoring":"sunrise.example.com"}`)
}

func TestSubpaasPasswordChange(t *testing.T) {
	f := newSideFixture(t)
	const action = "subpaas/password/change"
	old := login(t, f.s, "5003", SeedResellerPassword(5003))
	f.ok(t, f.admin, action, `{"subpaas_id":5003,"new_password":" Hh6FXTt%E!Rx*%f3 "}`)
	login(t, f.s, "5003", "Hh6FXTt%E!Rx*%f3")
	wantError(t, do(t, f.s, request{path: "account/auth", json: `{"login":"5003","password":"` + SeedResellerPassword(5003) + `"}`}), codeDealerNotFound, 400)
	f.ok(t, old, "dealer/get_info", "") // the markdown says nothing of ending sessions here

	wantSideParamError(t, f.call(t, f.admin, action, `{"subpaas_id":5003,"new_password":"Hh6FXTt%E!Rx*%f3"}`), "new_password") // current
	wantSideParamError(t, f.call(t, f.admin, action, `{"subpaas_id":5003,"new_password":"%s"}`, SeedResellerPassword(5003)), "new_password")
	wantSideParamError(t, f.call(t, f.admin, action, `{"subpaas_id":5003,"new_password":"short"}`), "new_password")
	wantSideParamError(t, f.call(t, f.admin, action, `{"subpaas_id":5003}`), "new_password")
	wantError(t, f.call(t, f.admin, action, `{"subpaas_id":5007,"new_password":"Hh6FXTt%E!Rx*%f9"}`), codeNotPermitted, 403)
	wantError(t, f.call(t, f.admin, action, `{"subpaas_id":99,"new_password":"Hh6FXTt%E!Rx*%f9"}`), codeNotFound, 400)
	wantError(t, f.call(t, f.tech, action, `{"subpaas_id":5003,"new_password":"Hh6FXTt%E!Rx*%f9"}`), codeNotPermitted, 403)
}

// TestSubpaasSession: a reseller session is a session of the reseller's
// own panel: dealer/get_info answers the reseller's card, the settings
// calls its own settings, and it may not have resellers of its own.
func TestSubpaasSession(t *testing.T) {
	f := newSideFixture(t)
	for _, id := range []int{5004, 5005, 5006, 5007} {
		wantError(t, f.call(t, f.admin, "subpaas/session/create", `{"subpaas_id":%d}`, id), codeNotPermitted, http.StatusForbidden)
	}
	wantError(t, f.call(t, f.admin, "subpaas/session/create", `{"subpaas_id":99}`), codeNotFound, 400)
	wantSideParamError(t, f.call(t, f.admin, "subpaas/session/create", `{}`), "subpaas_id")

	res := f.ok(t, f.tech, "subpaas/session/create", `{"subpaas_id":5003}`) // subpaas: read suffices (the console)
	hash, _ := res.obj["hash"].(string)
	if !wellFormedHash(hash) {
		t.Fatalf("hash %q", hash)
	}
	d := f.ok(t, hash, "dealer/get_info", "")
	if d.obj["id"] != float64(5003) || d.obj["parent_dealer_id"] != float64(dealerID) || d.obj["subpaas"] != true ||
		d.obj["title"] != `<script>alert("reseller")</script> & 'Sons'` || d.obj["domain"] != "трекинг.пример.рф" ||
		d.obj["active_amount"] != float64(7) || d.obj["block_status"] != blockNotBlocked || d.obj["logo"] != nil {
		t.Fatalf("reseller card %s", d.body)
	}
	if features := d.obj["features"].([]any); slices.Contains(features, any(featureSubpaas)) || !slices.Contains(features, any("branding_web")) {
		t.Errorf("reseller features %v", features)
	}
	// The demo dealer's card is unchanged, and counts the resellers' trackers.
	if main := f.ok(t, f.admin, "dealer/get_info", ""); main.obj["id"] != float64(dealerID) || main.obj["active_amount_subpaas"] != float64(19) {
		t.Errorf("demo dealer card %v %v", main.obj["id"], main.obj["active_amount_subpaas"])
	}
	perms := f.ok(t, hash, "account/get_permissions", "").obj["permissions"].(map[string]any)
	if _, ok := perms["service_settings"]; !ok {
		t.Errorf("reseller permissions %v", perms)
	}

	// Its own settings, images, gateways and presets.
	sv := value[ServiceSettings](t, f.ok(t, hash, "dealer/settings/service/read", ""), "value")
	if sv.Domain != "трекинг.пример.рф" || sv.Logo != nil {
		t.Errorf("reseller settings %+v", sv)
	}
	f.ok(t, hash, "dealer/settings/service/update", serviceBody(map[string]string{"domain": `"gps.sibir.example.com"`}))
	if v := value[Subpaas](t, f.ok(t, f.admin, "subpaas/read", `{"subpaas_id":5003}`), "value"); v.LinkMonitoring != "gps.sibir.example.com" {
		t.Errorf("the parent does not see the reseller's new domain: %+v", v)
	}
	if main := value[ServiceSettings](t, f.ok(t, f.admin, "dealer/settings/service/read", ""), "value"); main.Domain != "demo.navixy.com" {
		t.Errorf("the reseller changed the parent's settings: %s", main.Domain)
	}
	wantError(t, f.call(t, hash, "dealer/settings/service/update", serviceBody(map[string]string{"domain": `"demo.navixy.com"`})), codeEntityExists, 409)
	up := f.upload(t, hash, uploadAction, "", map[string]string{"type": "logo"}, filePart{"file", "l.png", "image/png", samplePNG})
	if !up.success() {
		t.Fatalf("reseller upload %s", up.body)
	}
	if d := f.ok(t, hash, "dealer/get_info", ""); d.obj["logo"] != "paas/5003/logo.png" {
		t.Errorf("reseller logo %v", d.obj["logo"])
	}
	if rec := f.get(ImagePathPrefix+"paas/5003/logo.png", nil); rec.Code != http.StatusOK {
		t.Errorf("reseller logo not served: %d", rec.Code)
	}
	gw := value[gatewaysReply](t, f.ok(t, hash, "gateways/email/list", ""), "")
	if len(gw.Own) != 0 || gw.BoundGateway != nil || len(gw.Leasable) != 2 {
		t.Errorf("reseller gateways %+v", gw)
	}
	ps := f.presets(t, hash)
	if len(ps) != 1 || ps[presetPlatform].Owner != "platform" {
		t.Errorf("reseller presets %v", ps)
	}
	pid := int(f.ok(t, hash, "user/menu/preset/create", `{"preset":{"title":"Reseller menu"}}`).obj["id"].(float64))
	wantError(t, f.call(t, f.admin, "user/menu/preset/delete", `{"preset_id":%d}`, pid), codeNotFound, 400) // not the parent's
	wantError(t, f.call(t, hash, "user/menu/preset/assign", `{"preset_id":%d,"target":{"type":"users","ids":[1]}}`, pid), codeListHasNonexistent, 400)
	f.ok(t, hash, "user/menu/preset/assign", `{"preset_id":%d,"target":{"type":"default"}}`, pid)
	if isDefault(f.presets(t, f.admin)[presetPlatform]) || len(f.presets(t, f.admin)) != 2 {
		t.Error("the reseller's presets leak into the parent's list")
	}

	// No resellers of its own.
	for _, action := range []string{"subpaas/list", "subpaas/read"} {
		wantError(t, f.call(t, hash, action, `{"subpaas_id":5002}`), codeNotPermitted, 403)
	}

	// Its own password: its sessions end, the parent's do not.
	f.ok(t, hash, "dealer/password/update", `{"old_password":%q,"new_password":"Hh6FXTt%%E!Rx*%%f3"}`, SeedResellerPassword(5003))
	wantError(t, f.call(t, hash, "dealer/get_info", ""), codeSessionEnded, 400)
	f.ok(t, f.admin, "dealer/get_info", "")
	again := login(t, f.s, "5003", "Hh6FXTt%E!Rx*%f3")
	if d := f.ok(t, again, "dealer/get_info", ""); d.obj["id"] != float64(5003) {
		t.Errorf("a direct reseller login is the reseller's: %v", d.obj["id"])
	}
}

// TestSubpaasEligibility: a blocked dealer, or one without the subpaas
// feature, gets 13 from every reseller call.
func TestSubpaasEligibility(t *testing.T) {
	f := newSideFixture(t)
	calls := []struct{ action, body string }{
		{"subpaas/list", `{}`},
		{"subpaas/read", `{"subpaas_id":5002}`},
		{"subpaas/create", `{"password":"D9#YoBaQd@RMjMSb",` + validSubpaas + `}`},
		{"subpaas/update", `{"subpaas_id":5002,"block_type":"NOT_BLOCKED",` + validSubpaas + `}`},
		{"subpaas/password/change", `{"subpaas_id":5002,"new_password":"D9#YoBaQd@RMjMSb"}`},
		{"subpaas/session/create", `{"subpaas_id":5002}`},
	}
	check := func(why string) {
		t.Helper()
		for _, c := range calls {
			if res := f.call(t, f.admin, c.action, c.body); res.code() != codeNotPermitted || res.status != 403 {
				t.Errorf("%s, %s: HTTP %d %s", why, c.action, res.status, res.body)
			}
		}
	}
	f.s.SetDealerBlocked(true)
	check("dealer blocked")
	f.s.SetDealerBlocked(false)
	st := f.s.store
	st.mu.Lock()
	st.dealer.Features = slices.DeleteFunc(st.dealer.Features, func(s string) bool { return s == featureSubpaas })
	st.mu.Unlock()
	check("no subpaas feature")
	st.mu.Lock()
	st.dealer.Features = append(st.dealer.Features, featureSubpaas)
	st.dealer.ContractType = "AGENT"
	st.mu.Unlock()
	check("not PaaS")
}
