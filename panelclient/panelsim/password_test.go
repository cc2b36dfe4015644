package panelsim

import (
	"net/http"
	"strconv"
	"testing"
)

func TestGatewaysEmailList(t *testing.T) {
	f := newSideFixture(t)
	res := f.ok(t, f.tech, "gateways/email/list", "")
	reply := value[gatewaysReply](t, res, "")
	if reply.BoundGateway == nil || *reply.BoundGateway != gatewayOwnSMTP || len(reply.Own) != 1 || len(reply.Leasable) != 2 {
		t.Fatalf("%s", res.body)
	}
	own := reply.Own[0]
	if own.Provider != "smtp" || own.Params.Host == "" || own.Params.User != nil || own.Params.Password != nil {
		t.Errorf("own gateway %+v", own)
	}
	params := res.obj["own"].([]any)[0].(map[string]any)["params"].(map[string]any)
	for _, key := range []string{"default_from_address", "mail.smtp.user", "mail.smtp.password", "mail.smtp.host", "mail.smtp.port",
		"mail.smtp.ssl.port", "mail.smtp.ssl.trust_all_hosts", "mail.smtp.auth", "mail.debug", "mail.smtp.starttls.enable",
		"mail.smtp.starttls.required", "mail.smtp.use_ssl", "mail.smtp.timeout", "mail.smtp.connectiontimeout", "mail.transport.protocol"} {
		if _, ok := params[key]; !ok {
			t.Errorf("params lack %q", key)
		}
	}
	if reply.Leasable[1].Provider != "mandrill_smtp" || reply.Leasable[0].DefaultFromAddress == "" {
		t.Errorf("leasable %+v", reply.Leasable)
	}
}

func TestDealerPasswordUpdate(t *testing.T) {
	f := newSideFixture(t)
	const action = "dealer/password/update"
	reseller := f.ok(t, f.admin, "subpaas/session/create", `{"subpaas_id":5002}`).obj["hash"].(string)

	wantSideParamError(t, f.call(t, f.admin, action, `{"new_password":"Hh6FXTt%E!Rx*%f3"}`), "old_password")
	wantSideParamError(t, f.call(t, f.admin, action, `{"old_password":"admin"}`), "new_password")
	wantError(t, f.call(t, f.admin, action, `{"old_password":"qwerty","new_password":"Hh6FXTt%E!Rx*%f3"}`), codeWrongPassword, http.StatusBadRequest)
	wantError(t, f.call(t, f.admin, action, `{"old_password":"admin","new_password":" admin "}`), codeSamePassword, http.StatusBadRequest)
	for _, weak := range []string{"short1A!", "alllowercase123!", "ALLUPPERCASE123!", "NoDigitsHere!!", "NoSpecials12345", "Waytoolong1!aaaaaaaaaa", "Tab\tinside12!A"} {
		wantSideParamError(t, f.call(t, f.admin, action, `{"old_password":"admin","new_password":%q}`, weak), "new_password")
	}
	wantError(t, f.call(t, f.tech, action, `{"old_password":"tech","new_password":"Hh6FXTt%E!Rx*%f3"}`), codeNotPermitted, http.StatusForbidden)

	// Success: trimmed values; every session of the dealer ends, the
	// caller's included; the reseller's panel is another dealer.
	f.ok(t, f.admin, action, `{"old_password":" admin ","new_password":" Hh6FXTt%E!Rx*%f3 "}`)
	for _, hash := range []string{f.admin, f.tech, f.viewer} {
		wantError(t, f.call(t, hash, "dealer/get_info", ""), codeSessionEnded, http.StatusBadRequest)
	}
	f.ok(t, reseller, "dealer/get_info", "")
	wantError(t, do(t, f.s, request{path: "account/auth", json: `{"login":"admin","password":"admin"}`}), codeDealerNotFound, http.StatusBadRequest)
	f.admin = login(t, f.s, "admin", "Hh6FXTt%E!Rx*%f3")

	// The last ten passwords cannot come back.
	wantSideParamError(t, f.call(t, f.admin, action, `{"old_password":"Hh6FXTt%E!Rx*%f3","new_password":"admin"}`), "new_password")
	current := "Hh6FXTt%E!Rx*%f3"
	for i := range 9 {
		next := "Pass#word" + strconv.Itoa(100+i)
		f.ok(t, f.admin, action, `{"old_password":%q,"new_password":%q}`, current, next)
		f.admin = login(t, f.s, "admin", next)
		current = next
	}
	res := f.call(t, f.admin, action, `{"old_password":%q,"new_password":"Pass#word100"}`, current)
	wantSideParamError(t, res, "new_password")
	if e := res.obj["errors"].([]any)[0].(map[string]any)["error"]; e != msgRecentlyPwd {
		t.Errorf("recently used: %v", e)
	}
	// Ten passwords are remembered, the current one included: after one
	// more change the oldest one is usable again.
	first := "Hh6FXTt%E!Rx*%f3"
	wantSideParamError(t, f.call(t, f.admin, action, `{"old_password":%q,"new_password":%q}`, current, first), "new_password")
	f.ok(t, f.admin, action, `{"old_password":%q,"new_password":"Pass#word200"}`, current)
	f.admin = login(t, f.s, "admin", "Pass#word200")
	f.ok(t, f.admin, action, `{"old_password":"Pass#word200","new_password":%q}`, first)
}
