package panelsim

import (
	"bytes"
	"encoding/json"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// userCall sends a JSON request as the holder of hash.
func userCall(t *testing.T, s *Server, hash, path, body string) result {
	t.Helper()
	return do(t, s, request{path: path, json: body, header: bearer(hash)})
}

// wantUserOK fails the test unless res is a success.
func wantUserOK(t *testing.T, res result) {
	t.Helper()
	if !res.success() || res.status != http.StatusOK {
		t.Fatalf("want success, got HTTP %d: %s", res.status, res.body)
	}
}

// wantInvalid checks a code 7 failure whose errors[] names exactly the
// given parameters (in any order).
func wantInvalid(t *testing.T, res result, parameters ...string) {
	t.Helper()
	wantError(t, res, codeInvalidParameters, http.StatusBadRequest)
	got := errorParams(res)
	slices.Sort(got)
	want := slices.Clone(parameters)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("errors name %v, want %v: %s", got, want, res.body)
	}
}

// errorParams lists the parameters of a code 7 errors[] list.
func errorParams(res result) []string {
	list, _ := res.obj["errors"].([]any)
	out := []string{}
	for _, e := range list {
		m, _ := e.(map[string]any)
		p, _ := m["parameter"].(string)
		out = append(out, p)
	}
	return out
}

// newUserFields is a valid user object of the given legal type.
func newUserFields(login, legalType string) map[string]any {
	u := map[string]any{
		"activated": true, "login": login, "legal_type": legalType,
		"first_name": "John", "middle_name": "William", "last_name": "Smith", "phone": "2135551234",
		"post_country": "United States", "post_index": "90001", "post_region": "California",
		"post_city": "Los Angeles", "post_street_address": "1234 Sunset Blvd",
	}
	if legalType != legalIndividual {
		maps.Copy(u, map[string]any{
			"registered_country": "United States", "registered_index": "90001", "registered_region": "California",
			"registered_city": "Los Angeles", "registered_street_address": "1234 Sunset Blvd",
			"tin": "1131145180", "state_reg_num": "123456789", "okpo_code": "93281776",
		})
	}
	if legalType == legalLegalEntity {
		maps.Copy(u, map[string]any{"legal_name": "ABC Inc.", "iec": "773101001"})
	}
	return u
}

// createBody is a valid user/create body; edit changes it before encoding.
func createBody(t *testing.T, login, legalType string, edit func(top, user map[string]any)) string {
	t.Helper()
	user := newUserFields(login, legalType)
	top := map[string]any{
		"user": user, "password": "Hh6FXTt%E!Rx*%f3", "locale": "en_US", "time_zone": "America/Los_Angeles",
		"discount": map[string]any{"value": 5.5, "min_trackers": 10, "end_date": nil, "strategy": "sum_with_progressive"},
		"comment":  "about user",
	}
	if edit != nil {
		edit(top, user)
	}
	return userJSON(t, top)
}

func userJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// createUser adds a user through user/create and returns its id.
func createUser(t *testing.T, s *Server, hash, body string) int {
	t.Helper()
	res := userCall(t, s, hash, "user/create", body)
	wantUserOK(t, res)
	id, _ := res.obj["id"].(float64)
	if id <= 0 {
		t.Fatalf("no id: %s", res.body)
	}
	return int(id)
}

// readUser answers user/read's reply object.
func readUser(t *testing.T, s *Server, hash string, id int) map[string]any {
	t.Helper()
	res := userCall(t, s, hash, "user/read", userJSON(t, map[string]any{"user_id": id}))
	wantUserOK(t, res)
	return res.obj
}

// uploadRequest builds a multipart user/upload request with a file part
// (unless fileName is empty) and extra fields.
func uploadRequest(t *testing.T, hash, fileName string, data []byte, fields map[string]string) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if fileName != "" {
		fw, err := mw.CreateFormFile("file", fileName)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(data)
	}
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/v2/panel/user/upload", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "NVX "+hash)
	return req
}

// upload sends a file to user/upload and decodes the JSON answer.
func postUpload(t *testing.T, s *Server, hash, fileName string, data []byte) result {
	t.Helper()
	return decode(t, httptestRecorder(s, uploadRequest(t, hash, fileName, data, nil)))
}

// storeUser is a copy of a stored user, or fails the test.
func storeUser(t *testing.T, s *Server, id int) User {
	t.Helper()
	u, ok := s.Store().User(id)
	if !ok {
		t.Fatalf("user %d not in the store", id)
	}
	return u
}

func userNum(v any) float64 { f, _ := v.(float64); return f }
