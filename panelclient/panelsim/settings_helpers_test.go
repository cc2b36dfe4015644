package panelsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/color"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
)

// sideFixture is an emulator with a fake clock and a session of each demo
// account, for the settings, branding, gateway, password, preset and
// reseller tests.
type sideFixture struct {
	s                   *Server
	clock               *fakeClock
	admin, tech, viewer string
}

func newSideFixture(t *testing.T) *sideFixture {
	t.Helper()
	clock := newFakeClock()
	s := New(smallSeed, WithClock(clock.Now))
	return &sideFixture{s: s, clock: clock,
		admin: login(t, s, "admin", "admin"), tech: login(t, s, "tech", "tech"), viewer: login(t, s, "viewer", "viewer")}
}

// call runs an action with a session and a JSON body (fmt arguments allowed).
func (f *sideFixture) call(t *testing.T, hash, action, body string, args ...any) result {
	t.Helper()
	if len(args) > 0 {
		body = fmt.Sprintf(body, args...)
	}
	if body == "" {
		body = "{}"
	}
	return do(t, f.s, request{path: action, json: body, header: bearer(hash)})
}

// ok runs an action with a session and fails the test unless it succeeds.
func (f *sideFixture) ok(t *testing.T, hash, action, body string, args ...any) result {
	t.Helper()
	res := f.call(t, hash, action, body, args...)
	if !res.success() || res.status != http.StatusOK {
		t.Fatalf("%s: HTTP %d %s", action, res.status, res.body)
	}
	return res
}

// value decodes the reply's `value` (or the whole reply when key is "").
func value[T any](t *testing.T, res result, key string) T {
	t.Helper()
	var out T
	raw := res.body
	if key != "" {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(res.body, &m); err != nil {
			t.Fatal(err)
		}
		raw = m[key]
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decoding %q of %s: %v", key, res.body, err)
	}
	return out
}

// wantSideParamError checks a code 7 failure naming parameter.
func wantSideParamError(t *testing.T, res result, parameter string) {
	t.Helper()
	wantError(t, res, codeInvalidParameters, http.StatusBadRequest)
	errs, _ := res.obj["errors"].([]any)
	for _, e := range errs {
		if m, _ := e.(map[string]any); m["parameter"] == parameter {
			return
		}
	}
	t.Fatalf("code 7 without an entry for %q: %s", parameter, res.body)
}

// filePart is one file of a multipart upload.
type filePart struct {
	field, name, contentType string
	data                     []byte
}

// upload posts a multipart request with fields and files to an action.
func (f *sideFixture) upload(t *testing.T, hash, action, query string, fields map[string]string, files ...filePart) result {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, fp := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, fp.field, fp.name))
		if fp.contentType != "" {
			h.Set("Content-Type", fp.contentType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(fp.data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	target := "/v2/panel/" + action
	if query != "" {
		target += "?" + query
	}
	req := httptest.NewRequest(http.MethodPost, target, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "NVX "+hash)
	rec := httptestRecorder(f.s, req)
	if rec.Code == http.StatusFound {
		return result{status: rec.Code, body: []byte(rec.Header().Get("Location"))}
	}
	return decode(t, rec)
}

// get serves a plain GET (an image) and returns the recorder.
func (f *sideFixture) get(path string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return httptestRecorder(f.s, req)
}

// Sample images of each format (just their signatures and some bytes).
var (
	samplePNG  = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 64)...)
	sampleJPEG = append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{2}, 64)...)
	sampleGIF  = append([]byte("GIF89a"), bytes.Repeat([]byte{3}, 64)...)
	sampleWEBP = append([]byte("RIFF\x40\x00\x00\x00WEBPVP8 "), bytes.Repeat([]byte{4}, 64)...)
	sampleICO  = icoOf(seedPNG(16, 16, color.RGBA{0, 0x80, 0, 0xff}), 16)
)

// serviceBody is a complete, valid service/update body for the demo
// dealer, with overrides ("key": raw JSON, or "" to leave the key out).
func serviceBody(overrides map[string]string) string {
	fields := map[string]string{
		"service_title":   `"Fleet <b>monitor</b>"`,
		"locale":          `"de_DE"`,
		"demo_login":      `"demo2"`,
		"demo_password":   `"pw2"`,
		"maps":            `["osm","roadmap"]`,
		"default_map":     `{"type":"roadmap","location":{"lat":48.1,"lng":11.5},"zoom":7}`,
		"currency":        `"EUR"`,
		"domain":          `"track.example.org"`,
		"color_theme":     `"aqua"`,
		"app_color_theme": `"blue_1"`,
	}
	for k, v := range overrides {
		if v == "" {
			delete(fields, k)
		} else {
			fields[k] = v
		}
	}
	var parts []string
	for k, v := range fields {
		parts = append(parts, fmt.Sprintf("%q:%s", k, v))
	}
	return "{" + strings.Join(parts, ",") + "}"
}
