package panelsim

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	validatorErrors "github.com/pb33f/libopenapi-validator/errors"
)

// validateRawReply checks a reply against the OpenAPI file with the
// content type it was sent with (user/export answers files).
func validateRawReply(t *testing.T, action string, rec *httptest.ResponseRecorder) {
	t.Helper()
	ok, errs := checkRawReply(t, action, rec)
	if !ok {
		for _, e := range errs {
			t.Errorf("%s (HTTP %d): %s: %s", action, rec.Code, e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				t.Errorf("    %s at %s", se.Reason, se.FieldPath)
			}
		}
		t.Logf("reply: %.600s", rec.Body.Bytes())
	}
}

func checkRawReply(t *testing.T, action string, rec *httptest.ResponseRecorder) (bool, []*validatorErrors.ValidationError) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "https://api.eu.navixy.com/v2/panel/"+action, strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	ct := rec.Header().Get("Content-Type")
	if ct == xlsxContentType || strings.HasPrefix(ct, "text/csv") {
		ct, _, _ = strings.Cut(ct, ";") // the spec declares the bare media types
	}
	resp := &http.Response{
		StatusCode: rec.Code,
		Header:     http.Header{"Content-Type": {ct}},
		Body:       io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Request:    req,
	}
	return openAPIValidator(t).ValidateHttpResponse(req, resp)
}

// The check has teeth for the user shapes too.
func TestUserOpenAPICheckCatchesWrongShapes(t *testing.T) {
	for _, tc := range []struct {
		action, contentType, body string
		status                    int
	}{
		{"user/list", jsonContentType, `{"success":true,"list":[{"id":"x"}],"count":"1"}`, 200},
		{"user/read", jsonContentType, `{"success":true,"value":{"legal_type":"company"}}`, 200},
		{"user/read", jsonContentType, `{"success":false,"status":{"code":"201"}}`, 400},
		{"user/upload", jsonContentType, `{"success":true,"total":"1"}`, 200},
		{"user/transaction/list", jsonContentType, `{"success":true,"list":[{"amount":"1"}]}`, 200},
		{"user/export", "application/pdf", `%PDF`, 200},
		{"user/mfa/settings/default/read", jsonContentType, `{"success":true,"value":{"type":"sometimes"}}`, 200},
	} {
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", tc.contentType)
		rec.WriteHeader(tc.status)
		rec.Body.WriteString(tc.body)
		if ok, _ := checkRawReply(t, tc.action, rec); ok {
			t.Errorf("%s: wrong shape %s passed", tc.action, tc.body)
		}
	}
}

// Every user/* reply, successes and failures, validates against the
// OpenAPI file.
func TestUserRepliesMatchOpenAPI(t *testing.T) {
	s := New(smallSeed)
	admin := login(t, s, "admin", "admin")
	viewer := login(t, s, "viewer", "viewer")
	tech := login(t, s, "tech", "tech")
	target, _ := corruptCandidates(t, s)
	targetLogin := storeUser(t, s, target).Login
	newID := createUser(t, s, admin, createBody(t, "openapi@example.com", legalLegalEntity, nil))

	json := func(action, hash, body string) func() (string, *httptest.ResponseRecorder) {
		return func() (string, *httptest.ResponseRecorder) {
			return action, httptestRecorder(s, request{path: action, json: body, header: bearer(hash)}.build(t))
		}
	}
	uploadCall := func(hash, name string, data []byte) func() (string, *httptest.ResponseRecorder) {
		return func() (string, *httptest.ResponseRecorder) {
			return "user/upload", httptestRecorder(s, uploadRequest(t, hash, name, data, nil))
		}
	}
	updateBody := userJSON(t, map[string]any{"user": func() map[string]any {
		u := newUserFields("openapi@example.com", legalLegalEntity)
		u["id"] = newID
		return u
	}(), "discount": nil, "comment": "updated"})

	tests := []struct {
		name string
		call func() (string, *httptest.ResponseRecorder)
	}{
		{"list", json("user/list", viewer, `{"limit":20}`)},
		{"list filtered and ordered", json("user/list", viewer, `{"filter":"example","order_by":"trackers_count","ascending":false,"hide_inactive":true}`)},
		{"list bad order_by", json("user/list", viewer, `{"order_by":"x"}`)},
		{"list no session", json("user/list", "0123456789abcdef0123456789abcdef", `{}`)},
		{"read hostile user", json("user/read", viewer, `{"user_id":1}`)},
		{"read created user", json("user/read", viewer, `{"user_id":`+strconv.Itoa(newID)+`}`)},
		{"read missing", json("user/read", viewer, `{"user_id":99999}`)},
		{"read invalid", json("user/read", viewer, `{}`)},
		{"create", json("user/create", tech, createBody(t, "openapi2@example.com", legalSoleTrader, nil))},
		{"create login in use", json("user/create", tech, createBody(t, "openapi@example.com", legalIndividual, nil))},
		{"create invalid", json("user/create", tech, createBody(t, "x", legalLegalEntity, func(_, u map[string]any) { u["phone"] = "1" }))},
		{"create as viewer", json("user/create", viewer, `{}`)},
		{"update", json("user/update", tech, updateBody)},
		{"update missing", json("user/update", tech, strings.Replace(updateBody, `"id":`+strconv.Itoa(newID), `"id":99999`, 1))},
		{"update invalid", json("user/update", tech, `{"user":{"login":"x"}}`)},
		{"change_password", json("user/change_password", tech, `{"user_id":5,"password":"Fresh#Pass2026"}`)},
		{"change_password reused", json("user/change_password", tech, `{"user_id":5,"password":"Fresh#Pass2026"}`)},
		{"change_password missing", json("user/change_password", tech, `{"user_id":99999,"password":"Fresh#Pass2027"}`)},
		{"session/create", json("user/session/create", tech, `{"user_id":5}`)},
		{"session/create missing", json("user/session/create", tech, `{"user_id":99999}`)},
		{"change_balance", json("user/transaction/change_balance", tech, `{"user_id":5,"amount":12.5,"type":"balance","text":"top-up for the test"}`)},
		{"change_balance insufficient", json("user/transaction/change_balance", tech, `{"user_id":5,"amount":-99999,"type":"bonus","text":"too much"}`)},
		{"change_balance invalid", json("user/transaction/change_balance", tech, `{"user_id":5,"amount":1,"type":"main","text":"x"}`)},
		{"change_balance as viewer", json("user/transaction/change_balance", viewer, `{}`)},
		{"transaction/list", json("user/transaction/list", viewer, `{"user_id":5,"from":"2025-11-27 00:00:00","to":"2026-11-27 23:59:59"}`)},
		{"transaction/list span", json("user/transaction/list", viewer, `{"user_id":5,"from":"2020-01-01 00:00:00","to":"2026-01-01 00:00:00"}`)},
		{"transaction/list limit", json("user/transaction/list", viewer, `{"user_id":5,"from":"2026-01-01 00:00:00","to":"2026-02-01 00:00:00","limit":50000}`)},
		{"transaction/list missing", json("user/transaction/list", viewer, `{"user_id":99999,"from":"2026-01-01 00:00:00","to":"2026-02-01 00:00:00"}`)},
		{"export xlsx", json("user/export", viewer, `{"limit":10}`)},
		{"export csv", json("user/export", viewer, `{"format":"csv","columns":["id","login","balance"]}`)},
		{"export invalid", json("user/export", viewer, `{"columns":[]}`)},
		{"upload", uploadCall(tech, "u.csv", csvFile(englishHeaders, uploadRow("up.openapi@example.com", "1", "1", "Smith", "John", nil)))},
		{"upload 206", uploadCall(tech, "u.csv", csvFile(englishHeaders, uploadRow("up.openapi@example.com", "1", "1", "Smith", "John", nil)))},
		{"upload 273", uploadCall(tech, "u.csv", csvFile(englishHeaders, uploadRow("a.openapi@example.com", "1", "1", "Smith", "John", nil), uploadRow("a.openapi@example.com", "1", "1", "Smith", "John", nil)))},
		{"upload 274", uploadCall(tech, "u.csv", csvFile(englishHeaders))},
		{"upload 7 columns", uploadCall(tech, "u.csv", csvFile("Name;Surname", "a;b"))},
		{"upload 7 row", uploadCall(tech, "u.csv", csvFile(englishHeaders, uploadRow("bad", "1", "1", "Smith", "John", nil)))},
		{"upload as viewer", uploadCall(viewer, "u.csv", nil)},
		{"mfa update selected", json("user/mfa/settings/update", tech, `{"target":{"type":"selected","ids":[1,2]},"settings":{"type":"allowed","factor_types":["email"]}}`)},
		{"mfa update all", json("user/mfa/settings/update", tech, `{"target":{"type":"all"},"settings":{"type":"disallowed"}}`)},
		{"mfa update missing user", json("user/mfa/settings/update", tech, `{"target":{"type":"selected","ids":[99999]},"settings":{"type":"disallowed"}}`)},
		{"mfa update invalid", json("user/mfa/settings/update", tech, `{"target":{"type":"some"}}`)},
		{"mfa default read, none set", json("user/mfa/settings/default/read", viewer, ``)},
		{"mfa default update", json("user/mfa/settings/default/update", tech, `{"settings":{"type":"allowed","factor_types":["email"]}}`)},
		{"mfa default read", json("user/mfa/settings/default/read", viewer, ``)},
		{"mfa default update as viewer", json("user/mfa/settings/default/update", viewer, `{"settings":{"type":"disallowed"}}`)},
		{"corrupt as tech", json("user/corrupt", tech, `{"user_id":1,"login":"x"}`)},
		{"corrupt 253", json("user/corrupt", admin, `{"user_id":`+strconv.Itoa(target)+`,"login":"`+targetLogin+`","corrupt_clones":false}`)},
		{"corrupt wrong login", json("user/corrupt", admin, `{"user_id":`+strconv.Itoa(target)+`,"login":"x@example.com"}`)},
		{"corrupt", json("user/corrupt", admin, `{"user_id":`+strconv.Itoa(target)+`,"login":"`+targetLogin+`"}`)},
		{"corrupt missing", json("user/corrupt", admin, `{"user_id":`+strconv.Itoa(target)+`,"login":"`+targetLogin+`"}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			action, rec := tt.call()
			validateRawReply(t, action, rec)
		})
	}
}

// The markdown and the OpenAPI file disagree on a few user shapes. The
// emulator follows the more specific source each time; this test names
// every difference so the client (which reads both) knows why.
func TestUserDocsDisagree(t *testing.T) {
	s := New(smallSeed)
	tech := login(t, s, "tech", "tech")

	t.Run("discount: markdown value/min_trackers/end_date/strategy, OpenAPI percent/device_limit/end_date", func(t *testing.T) {
		id := createUser(t, s, tech, createBody(t, "discount@example.com", legalIndividual, nil))
		d := readUser(t, s, tech, id)["discount"].(map[string]any)
		for _, key := range []string{"value", "min_trackers", "end_date", "strategy"} {
			if _, ok := d[key]; !ok {
				t.Errorf("discount lacks the markdown's %q", key)
			}
		}
		for _, key := range []string{"percent", "device_limit"} {
			if _, ok := d[key]; ok {
				t.Errorf("discount carries the OpenAPI file's %q", key)
			}
		}
		// A discount written with the OpenAPI names lacks the markdown's value.
		wantInvalid(t, userCall(t, s, tech, "user/create", createBody(t, "percent@example.com", legalIndividual, func(top, _ map[string]any) {
			top["discount"] = map[string]any{"percent": 5, "device_limit": 2, "end_date": nil}
		})), "discount.value")
	})

	t.Run("transaction: markdown description and type payment, OpenAPI text and type of balance", func(t *testing.T) {
		wantUserOK(t, userCall(t, s, tech, "user/transaction/change_balance", `{"user_id":6,"amount":1,"type":"bonus","text":"named difference"}`))
		ledger := s.Store().Transactions(6)
		last := ledger[len(ledger)-1]
		if last.Description != "named difference" || last.Type != "payment" || last.Subtype != "partner" {
			t.Errorf("transaction %+v", last)
		}
		res := userCall(t, s, tech, "user/transaction/list", `{"user_id":6,"from":"2026-01-01 00:00:00","to":"2026-12-31 23:59:59"}`)
		if strings.Contains(string(res.body), `"text":`) || !strings.Contains(string(res.body), `"description":"named difference"`) {
			t.Errorf("list carries text, or lacks description: %.300s", res.body)
		}
	})

	t.Run("change_balance type: markdown balance|bonus, OpenAPI example main", func(t *testing.T) {
		wantInvalid(t, userCall(t, s, tech, "user/transaction/change_balance", `{"user_id":6,"amount":1,"type":"main","text":"OpenAPI example type"}`), "type")
	})

	t.Run("read: block_parameters only in the OpenAPI file, answered null", func(t *testing.T) {
		obj := readUser(t, s, tech, 6)
		if v, ok := obj["block_parameters"]; !ok || v != nil {
			t.Errorf("block_parameters %v %v", v, ok)
		}
	})

	t.Run("default MFA: OpenAPI null when unset, markdown example disallowed", func(t *testing.T) {
		res := userCall(t, s, tech, "user/mfa/settings/default/read", ``)
		if string(res.body) != `{"success":true,"value":null}` {
			t.Errorf("unset default: %s", res.body)
		}
	})
}
