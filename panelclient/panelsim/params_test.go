package panelsim

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// readFrom parses the parameters of a test request.
func readFrom(t *testing.T, rq request) *params {
	t.Helper()
	p, err := readParams(rq.build(t))
	if err != nil {
		t.Fatalf("readParams: %v", err)
	}
	return p
}

// The same parameters, sent every way a client may send them, read the same.
func TestParamsNormalised(t *testing.T) {
	type discount struct {
		Value       float64 `json:"value"`
		MinTrackers int     `json:"min_trackers"`
		EndDate     *Date   `json:"end_date"`
	}
	const obj = `{"value":5.5,"min_trackers":10,"end_date":"2026-03-01"}`
	forms := url.Values{
		"user_id": {"42"}, "amount": {"-2.05"}, "ascending": {"false"}, "label": {`{{ not json }}`},
		"discount": {obj}, "tracker_ids": {"[1, 2,3]"}, "columns": {`["id","login"]`},
	}
	multi := map[string]string{}
	for k, v := range forms {
		multi[k] = v[0]
	}
	tests := []struct {
		name string
		rq   request
	}{
		{"JSON typed", request{json: `{"user_id":42,"amount":-2.05,"ascending":false,"label":"{{ not json }}",
			"discount":` + obj + `,"tracker_ids":[1,2,3],"columns":["id","login"]}`}},
		{"JSON loosely typed", request{json: `{"user_id":"42","amount":"-2.05","ascending":"false","label":"{{ not json }}",
			"discount":` + jsonString(obj) + `,"tracker_ids":"[1,2,3]","columns":"[\"id\",\"login\"]"}`}},
		{"urlencoded", request{form: forms}},
		{"multipart", request{multi: multi}},
		{"query", request{method: "GET", query: forms}},
		{"repeated fields", request{form: url.Values{"user_id": {"42"}, "amount": {"-2.05"}, "ascending": {"FALSE"},
			"label": {`{{ not json }}`}, "discount": {obj}, "tracker_ids": {"1", "2", "3"}, "columns": {"id", "login"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.rq.path = "x/y"
			p := readFrom(t, tt.rq)
			var d discount
			got := []any{p.int("user_id"), p.float("amount"), p.bool("ascending"), p.string("label")}
			p.object("discount", &d)
			got = append(got, d.Value, d.MinTrackers, d.EndDate.String(), p.intList("tracker_ids"), p.stringList("columns"))
			if err := p.err(); err != nil {
				t.Fatalf("unexpected errors: %+v", err.(*apiError).errors)
			}
			want := []any{42, -2.05, false, `{{ not json }}`, 5.5, 10, "2026-03-01", []int{1, 2, 3}, []string{"id", "login"}}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %#v\nwant %#v", got, want)
			}
		})
	}
}

func jsonString(s string) string {
	b, _ := marshalJSON(s)
	return string(b)
}

func TestParamsErrors(t *testing.T) {
	p := readFrom(t, request{path: "x/y", json: `{"user_id":"abc","limit":1.5,"ascending":"yes","user":"plain",
		"ids":[1,"x"],"big":99999999999,"order_by":"name","nothing":null,"blank":""}`})
	p.int("user_id")
	p.optInt("limit")
	p.optBool("ascending")
	p.object("user", &struct{}{})
	p.intList("ids")
	p.int("big")
	p.oneOf("order_by", "id", "id", "login")
	p.string("nothing")
	p.int("missing")
	p.int("blank")
	if _, ok := p.optInt("absent"); ok {
		t.Error("absent optional reported as present")
	}
	err, _ := p.err().(*apiError)
	if err == nil || err.code != codeInvalidParameters {
		t.Fatalf("want code 7, got %v", p.err())
	}
	got := map[string]string{}
	for _, e := range err.errors {
		got[e.Parameter] = e.Error
	}
	want := map[string]string{
		"user_id": msgNotInt, "limit": msgNotInt, "ascending": msgNotBool, "user": msgNotObject,
		"ids[1]": msgNotInt, "big": msgNotInt, "order_by": "Should be one of [id, login]",
		"nothing": msgMissing, "missing": msgMissing, "blank": msgNotInt,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("errors\n got %v\nwant %v", got, want)
	}
	body := string(err.render().body)
	if !strings.Contains(body, `"errors":[{"parameter":"user_id","error":"Must be an integer"}`) {
		t.Errorf("errors not in the documented shape: %s", body)
	}
}

func TestParamsObjectFieldError(t *testing.T) {
	p := readFrom(t, request{path: "x/y", form: url.Values{"tariff": {`{"name":"Gold","price":"cheap"}`}}})
	var plan struct {
		Name  string  `json:"name"`
		Price float64 `json:"price"`
	}
	p.object("tariff", &plan)
	err, _ := p.err().(*apiError)
	if err == nil || len(err.errors) != 1 || err.errors[0].Parameter != "tariff.price" {
		t.Fatalf("want an error on tariff.price, got %+v", p.err())
	}
}

func TestParamsStringLeniency(t *testing.T) {
	// A numeric login sent as a JSON number is its text (the docs' logins
	// are numbers in Navixy-hosted panels).
	p := readFrom(t, request{path: "x/y", json: `{"login":20410,"flag":true}`})
	if got := p.string("login"); got != "20410" {
		t.Errorf("login %q", got)
	}
	if got := p.string("flag"); got != "true" {
		t.Errorf("flag %q", got)
	}
	// A form value that happens to be valid JSON is still the string sent.
	p = readFrom(t, request{path: "x/y", form: url.Values{"comment": {`{"a": 1}`}}})
	if got := p.string("comment"); got != `{"a": 1}` {
		t.Errorf("comment %q", got)
	}
	if p.err() != nil {
		t.Errorf("unexpected errors %v", p.err())
	}
}

func TestParamsBodyTooLarge(t *testing.T) {
	big := `{"comment":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	_, err := readParams(request{path: "x/y", json: big}.build(t))
	if err == nil || err.code != codeTooLargeRequest {
		t.Fatalf("want code 9, got %v", err)
	}
}
