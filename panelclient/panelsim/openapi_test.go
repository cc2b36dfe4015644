package panelsim

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// The OpenAPI file is the referee between the emulator and the client:
// every reply of the actions implemented here must validate against it.

var (
	specOnce      sync.Once
	specValidator validator.Validator
	specErr       error
)

func openAPIValidator(t *testing.T) validator.Validator {
	t.Helper()
	specOnce.Do(func() {
		spec, err := os.ReadFile("../../testdata/Admin_Panel.json")
		if err != nil {
			specErr = err
			return
		}
		doc, err := libopenapi.NewDocument(spec)
		if err != nil {
			specErr = err
			return
		}
		v, errs := validator.NewValidator(doc)
		if len(errs) > 0 {
			specErr = errs[0]
			return
		}
		specValidator = v
	})
	if specErr != nil {
		t.Fatalf("loading the OpenAPI file: %v", specErr)
	}
	return specValidator
}

// validateReply checks one reply against the operation of its path.
func validateReply(t *testing.T, action string, status int, body []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "https://api.eu.navixy.com/v2/panel/"+action, strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	resp := &http.Response{
		StatusCode: status,
		Header:     http.Header{"Content-Type": {jsonContentType}},
		Body:       io.NopCloser(bytes.NewReader(body)),
		Request:    req,
	}
	ok, errs := openAPIValidator(t).ValidateHttpResponse(req, resp)
	if !ok {
		for _, e := range errs {
			t.Errorf("%s (HTTP %d): %s: %s", action, status, e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				t.Errorf("    %s at %s", se.Reason, se.FieldPath)
			}
		}
		t.Logf("reply: %.600s", body)
	}
}

func TestRepliesMatchOpenAPI(t *testing.T) {
	s := New(smallSeed)
	ended := login(t, s, "viewer", "viewer")
	s.EndAllSessions()
	admin := login(t, s, "admin", "admin")
	s.AddAccount("nobody", "nobody", nil)
	nobody := login(t, s, "nobody", "nobody")
	logoutHash := login(t, s, "tech", "tech")

	tests := []struct {
		name string
		rq   request
		// blocked runs the request with the dealer blocked.
		blocked bool
	}{
		{"auth admin", request{path: "account/auth", json: `{"login":"admin","password":"admin"}`}, false},
		{"auth tech", request{path: "account/auth", json: `{"login":"tech","password":"tech"}`}, false},
		{"auth wrong password", request{path: "account/auth", json: `{"login":"admin","password":"x"}`}, false},
		{"auth missing password", request{path: "account/auth", json: `{"login":"admin"}`}, false},
		{"auth blocked dealer", request{path: "account/auth", json: `{"login":"admin","password":"admin"}`}, true},
		{"get_permissions", request{path: "account/get_permissions", header: bearer(admin)}, false},
		{"get_permissions, no permissions at all", request{path: "account/get_permissions", header: bearer(nobody)}, false},
		{"get_permissions ended", request{path: "account/get_permissions", header: bearer(ended)}, false},
		{"get_permissions malformed hash", request{path: "account/get_permissions", json: `{"hash":"x"}`}, false},
		{"logout", request{path: "account/logout", header: bearer(logoutHash)}, false},
		{"dealer/get_info", request{path: "dealer/get_info", header: bearer(admin)}, false},
		{"dealer/get_info blocked", request{path: "dealer/get_info", header: bearer(admin)}, true},
		{"dealer/get_info not permitted", request{path: "dealer/get_info", header: bearer(nobody)}, false},
		{"timezone/list en", request{path: "timezone/list", json: `{"locale":"en"}`}, false},
		{"timezone/list ru", request{path: "timezone/list", json: `{"locale":"ru_RU"}`}, false},
		{"timezone/list missing locale", request{path: "timezone/list", json: `{}`}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.SetDealerBlocked(tt.blocked)
			defer s.SetDealerBlocked(false)
			res := do(t, s, tt.rq)
			validateReply(t, tt.rq.path, res.status, res.body)
		})
	}
}

// The check has teeth: a reply of the wrong shape fails it.
func TestOpenAPICheckCatchesWrongShapes(t *testing.T) {
	for _, tc := range []struct{ action, body string }{
		{"timezone/list", `{"success":true,"list":[{"zone_id":1,"base_offset":"-8"}]}`},
		{"dealer/get_info", `{"success":true,"id":"9000","contract_type":"RESELLER"}`},
		{"account/auth", `{"success":true,"hash":7,"permissions":{"users":"read"}}`},
	} {
		v := openAPIValidator(t)
		req := httptest.NewRequest(http.MethodPost, "https://api.eu.navixy.com/v2/panel/"+tc.action, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {jsonContentType}},
			Body: io.NopCloser(strings.NewReader(tc.body)), Request: req}
		if ok, _ := v.ValidateHttpResponse(req, resp); ok {
			t.Errorf("%s: wrong shape %s passed", tc.action, tc.body)
		}
	}
}
