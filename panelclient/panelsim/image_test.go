package panelsim

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

const uploadAction = "dealer/settings/image/upload"

// TestImageUploadEachType uploads every type in an accepted format and
// checks the path in service/read, the served bytes and dealer/get_info.
func TestImageUploadEachType(t *testing.T) {
	f := newSideFixture(t)
	tests := []struct {
		kind, contentType string
		data              []byte
		wantPath          string
	}{
		{"logo", "image/png", samplePNG, "paas/5001/logo.png"},
		{"favicon", "image/x-icon", sampleICO, "paas/5001/favicon.ico"},
		{"login_wallpaper", "image/jpeg", sampleJPEG, "paas/5001/login_wallpaper.jpg"},
		{"desktop_wallpaper", "image/pjpeg", sampleJPEG, "paas/5001/desktop_wallpaper.jpg"},
		{"monitoring_logo", "image/gif", sampleGIF, "paas/5001/monitoring_logo.gif"},
		{"document_logo", "image/webp", sampleWEBP, "paas/5001/document_logo.webp"},
		{"app_logo", "image/png", samplePNG, "paas/5001/app_logo.png"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			res := f.upload(t, f.admin, uploadAction, "", map[string]string{"type": tt.kind}, filePart{"file", "img", tt.contentType, tt.data})
			if !res.success() {
				t.Fatalf("HTTP %d %s", res.status, res.body)
			}
			sv := f.ok(t, f.admin, "dealer/settings/service/read", "").obj["value"].(map[string]any)
			if sv[tt.kind] != tt.wantPath {
				t.Fatalf("%s is %v, want %s", tt.kind, sv[tt.kind], tt.wantPath)
			}
			rec := f.get(ImagePathPrefix+tt.wantPath, nil)
			if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), tt.data) || rec.Header().Get("Content-Type") != tt.contentType ||
				rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("Cache-Control") != "no-cache" {
				t.Fatalf("served HTTP %d %v (%d bytes)", rec.Code, rec.Header(), rec.Body.Len())
			}
			// A revalidation with the ETag answers 304.
			if again := f.get(ImagePathPrefix+tt.wantPath, map[string]string{"If-None-Match": rec.Header().Get("ETag")}); again.Code != http.StatusNotModified {
				t.Errorf("If-None-Match: HTTP %d", again.Code)
			}
		})
	}
	d := f.ok(t, f.viewer, "dealer/get_info", "")
	if d.obj["logo"] != "paas/5001/logo.png" || d.obj["favicon"] != "paas/5001/favicon.ico" {
		t.Errorf("get_info logo %v favicon %v", d.obj["logo"], d.obj["favicon"])
	}
	// The seeded favicon's bytes went with it.
	if rec := f.get(ImagePathPrefix+"paas/5001/custom.ico", nil); rec.Code != http.StatusNotFound {
		t.Errorf("replaced favicon still served: HTTP %d", rec.Code)
	}
}

func TestSeededImagesAreServed(t *testing.T) {
	f := newSideFixture(t)
	for path, sig := range map[string]string{"paas/5001/logo.png": "\x89PNG", "paas/5001/custom.ico": "\x00\x00\x01\x00"} {
		rec := f.get(ImagePathPrefix+path, nil)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), sig) {
			t.Errorf("%s: HTTP %d", path, rec.Code)
		}
	}
	for _, path := range []string{"/images/", "/images/paas/5001/nothing.png", "/images/../v2/panel/dealer/get_info"} {
		if rec := f.get(path, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s: HTTP %d", path, rec.Code)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, ImagePathPrefix+"paas/5001/logo.png", nil)
	if rec := httptestRecorder(f.s, req); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST an image: HTTP %d", rec.Code)
	}
	r := &Running{Addr: "127.0.0.1:9"}
	if got := r.ImageURL("paas/5001/logo.png"); got != "http://127.0.0.1:9/images/paas/5001/logo.png" {
		t.Errorf("ImageURL %q", got)
	}
	if got := r.ImageURL("http://test.com/favicon.ico"); got != "http://test.com/favicon.ico" {
		t.Errorf("ImageURL of a URL %q", got)
	}
}

func TestImageUploadErrors(t *testing.T) {
	f := newSideFixture(t)
	png := filePart{"file", "logo.png", "image/png", samplePNG}
	tests := []struct {
		name   string
		query  string
		fields map[string]string
		files  []filePart
		code   int
		status int
	}{
		{"no file part", "", map[string]string{"type": "logo"}, nil, codeNoDataFile, 400},
		{"file under another name", "", map[string]string{"type": "logo"}, []filePart{{"image", "logo.png", "image/png", samplePNG}}, codeNoDataFile, 400},
		{"empty file", "", map[string]string{"type": "logo"}, []filePart{{"file", "logo.png", "image/png", nil}}, codeNoDataFile, 400},
		{"type only in the query", "type=logo", nil, []filePart{png}, codeInvalidDataFormat, 400},
		{"missing type", "", nil, []filePart{png}, codeInvalidParameters, 400},
		{"unknown type", "", map[string]string{"type": "banner"}, []filePart{png}, codeInvalidParameters, 400},
		{"svg", "", map[string]string{"type": "logo"}, []filePart{{"file", "logo.svg", "image/svg+xml", []byte("<svg onload=alert(1)>")}}, codeInvalidDataFormat, 400},
		{"no part type", "", map[string]string{"type": "logo"}, []filePart{{"file", "logo.png", "", samplePNG}}, codeInvalidDataFormat, 400},
		{"png bytes called jpeg", "", map[string]string{"type": "logo"}, []filePart{{"file", "logo.jpg", "image/jpeg", samplePNG}}, codeInvalidDataFormat, 400},
		{"html called png", "", map[string]string{"type": "logo"}, []filePart{{"file", "x.png", "image/png", []byte("<html><script>alert(1)</script>")}}, codeInvalidDataFormat, 400},
		{"icon as a logo", "", map[string]string{"type": "logo"}, []filePart{{"file", "x.ico", "image/x-icon", sampleICO}}, codeInvalidDataFormat, 400},
		{"png as the favicon", "", map[string]string{"type": "favicon"}, []filePart{png}, codeInvalidDataFormat, 400},
		{"logo over 1 MiB", "", map[string]string{"type": "logo"}, []filePart{{"file", "big.png", "image/png", append(slices.Clone(samplePNG), make([]byte, maxLogoBytes)...)}}, codeFileOverMaxSize, 413},
		{"favicon over 1 MiB", "", map[string]string{"type": "favicon"}, []filePart{{"file", "big.ico", "image/x-icon", append(slices.Clone(sampleICO), make([]byte, maxLogoBytes)...)}}, codeFileOverMaxSize, 413},
		{"bad redirect_target", "", map[string]string{"type": "logo", "redirect_target": "not a url"}, []filePart{png}, codeInvalidParameters, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, f.upload(t, f.admin, uploadAction, tt.query, tt.fields, tt.files...), tt.code, tt.status)
		})
	}
	// A JSON request has no file at all.
	wantError(t, f.call(t, f.admin, uploadAction, `{"type":"logo"}`), codeNoDataFile, 400)
	// Wallpapers have no size limit beyond the request's.
	big := append(slices.Clone(sampleJPEG), make([]byte, 3*maxLogoBytes)...)
	if res := f.upload(t, f.admin, uploadAction, "", map[string]string{"type": "login_wallpaper"}, filePart{"file", "w.jpg", "image/jpeg", big}); !res.success() {
		t.Errorf("large wallpaper: %s", res.body)
	}
	// Nothing of the failures was stored.
	if sv := value[ServiceSettings](t, f.ok(t, f.admin, "dealer/settings/service/read", ""), "value"); *sv.Logo != "paas/5001/logo.png" || sv.Favicon == nil || *sv.Favicon != "paas/5001/custom.ico" {
		t.Errorf("a failed upload changed the slots: %v %v", *sv.Logo, sv.Favicon)
	}
}

// TestImageBrandingFeature: without branding_web (or branding_mobile for
// app_logo) both calls answer 236 with HTTP 402.
func TestImageBrandingFeature(t *testing.T) {
	f := newSideFixture(t)
	st := f.s.store
	st.mu.Lock()
	st.dealer.Features = slices.DeleteFunc(st.dealer.Features, func(s string) bool { return s == "branding_mobile" })
	st.mu.Unlock()
	wantError(t, f.upload(t, f.admin, uploadAction, "", map[string]string{"type": "app_logo"}, filePart{"file", "a.png", "image/png", samplePNG}),
		codeFeatureByTariff, http.StatusPaymentRequired)
	wantError(t, f.call(t, f.admin, "dealer/settings/image/delete", `{"type":"app_logo"}`), codeFeatureByTariff, http.StatusPaymentRequired)
	if res := f.upload(t, f.admin, uploadAction, "", map[string]string{"type": "logo"}, filePart{"file", "a.png", "image/png", samplePNG}); !res.success() {
		t.Fatalf("web branding still allowed: %s", res.body)
	}
	st.mu.Lock()
	st.dealer.AllowBranding = false
	st.mu.Unlock()
	wantError(t, f.upload(t, f.admin, uploadAction, "", map[string]string{"type": "logo"}, filePart{"file", "a.png", "image/png", samplePNG}),
		codeFeatureByTariff, http.StatusPaymentRequired)
}

func TestImageUploadRedirect(t *testing.T) {
	f := newSideFixture(t)
	res := f.upload(t, f.admin, uploadAction, "", map[string]string{"type": "logo", "redirect_target": "https://portal.example.com/branding?tab=images"},
		filePart{"file", "l.png", "image/png", samplePNG})
	if res.status != http.StatusFound {
		t.Fatalf("HTTP %d %s", res.status, res.body)
	}
	u, err := url.Parse(string(res.body))
	if err != nil || u.Host != "portal.example.com" || u.Query().Get("tab") != "images" || u.Query().Get("response") != `{"success":true}` {
		t.Fatalf("Location %s", res.body)
	}
	// Failures are redirected too.
	res = f.upload(t, f.admin, uploadAction, "", map[string]string{"type": "logo", "redirect_target": "https://portal.example.com/b"})
	u, _ = url.Parse(string(res.body))
	if res.status != http.StatusFound || !strings.Contains(u.Query().Get("response"), `"code":233`) {
		t.Fatalf("failure redirect: HTTP %d %s", res.status, res.body)
	}
}

func TestImageDelete(t *testing.T) {
	f := newSideFixture(t)
	f.ok(t, f.admin, "dealer/settings/image/delete", `{"type":"logo"}`)
	sv := value[ServiceSettings](t, f.ok(t, f.admin, "dealer/settings/service/read", ""), "value")
	if sv.Logo != nil {
		t.Fatalf("logo after delete: %v", *sv.Logo)
	}
	if d := f.ok(t, f.admin, "dealer/get_info", ""); d.obj["logo"] != nil {
		t.Errorf("get_info logo after delete: %v", d.obj["logo"])
	}
	if rec := f.get(ImagePathPrefix+"paas/5001/logo.png", nil); rec.Code != http.StatusNotFound {
		t.Errorf("deleted logo still served: HTTP %d", rec.Code)
	}
	f.ok(t, f.admin, "dealer/settings/image/delete", `{"type":"logo"}`) // an empty slot: still fine
	f.ok(t, f.admin, "dealer/settings/image/delete?type=favicon", "")   // query string, as the HTTP GET example
	wantSideParamError(t, f.call(t, f.admin, "dealer/settings/image/delete", `{}`), "type")
	wantSideParamError(t, f.call(t, f.admin, "dealer/settings/image/delete", `{"type":"banner"}`), "type")
}
