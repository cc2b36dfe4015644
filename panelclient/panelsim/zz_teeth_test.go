package panelsim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestZZTeeth(t *testing.T) {
	for _, tc := range []struct{ action, ct, body string; status int }{
		{"user/list", jsonContentType, `{"success":true,"list":[{"id":"x"}],"count":"1"}`, 200},
		{"user/upload", jsonContentType, `{"success":true,"total":"1"}`, 200},
		{"user/transaction/list", jsonContentType, `{"success":true,"list":[{"amount":"1"}]}`, 200},
		{"user/export", "application/pdf", `xx`, 200},
		{"user/read", jsonContentType, `{"success":true,"value":{"legal_type":"company"}}`, 200},
		{"user/read", jsonContentType, `{"success":false,"status":{"code":"201"}}`, 400},
		{"user/mfa/settings/default/read", jsonContentType, `{"success":true,"value":{"type":"sometimes"}}`, 200},
	} {
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", tc.ct)
		rec.WriteHeader(tc.status)
		rec.Body.WriteString(tc.body)
		inner := &testing.T{}
		_ = inner
		t.Run(tc.action+" "+tc.body, func(t *testing.T) { validateRawReply(t, tc.action, rec) })
	}
	_ = http.StatusOK
	_ = strings.Cut
}
