package panelsim

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

func TestOpenAPIProbe(t *testing.T) {
	spec, err := os.ReadFile("../../testdata/Admin_Panel.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	s := New()
	req := httptest.NewRequest("POST", "http://127.0.0.1:1/v2/panel/timezone/list", strings.NewReader(`{"locale":"en"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	req2 := httptest.NewRequest("POST", "http://127.0.0.1:1/v2/panel/timezone/list", strings.NewReader(`{"locale":"en"}`))
	req2.Header.Set("Content-Type", "application/json")
	ok, verrs := v.ValidateHttpResponse(req2, rec.Result())
	t.Log(ok, len(verrs))
	for _, e := range verrs {
		t.Log(e.Message, e.Reason)
	}
	_ = http.StatusOK
}
