package handlers_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// formValues reads a form of a page as a browser would send it: text
// fields, ticked boxes and radios, selected options, text areas.
func formValues(t *testing.T, p *portaltest.Page, sel string) url.Values {
	t.Helper()
	form := p.Doc.Find(sel)
	if form.Length() == 0 {
		t.Fatalf("no form %s on the page (status %d)", sel, p.Status)
	}
	v := url.Values{}
	form.Find("input, select, textarea").Each(func(_ int, s *goquery.Selection) {
		name, ok := s.Attr("name")
		if !ok || name == "" || name == "_csrf" {
			return
		}
		switch goquery.NodeName(s) {
		case "select":
			opt := s.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = s.Find("option").First()
			}
			v.Add(name, opt.AttrOr("value", opt.Text()))
		case "textarea":
			v.Add(name, s.Text())
		default:
			switch s.AttrOr("type", "text") {
			case "checkbox", "radio":
				if _, on := s.Attr("checked"); on {
					v.Add(name, s.AttrOr("value", "on"))
				}
			case "submit", "file":
			default:
				v.Add(name, s.AttrOr("value", ""))
			}
		}
	})
	return v
}

func serviceSettings(t *testing.T, env *portaltest.Env) panelsim.ServiceSettings {
	t.Helper()
	s, ok := env.Sim.Store().ServiceSettings(env.Sim.Store().Dealer().ID)
	if !ok {
		t.Fatal("the emulator has no settings for the dealer")
	}
	return s
}

func TestSettingsPageShowsEveryGroupToAdmin(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	p := b.Get("/")
	if !p.Has(`[data-testid="nav-settings"]`) || !p.Has(`[data-testid="nav-resellers"]`) {
		t.Error("admin's navigation lacks Settings or Resellers")
	}
	p = b.Get("/settings")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	for _, g := range []string{"branding", "service", "maps", "user_defaults", "info_center", "notification", "mfa"} {
		if !p.Has(`[data-testid="settings-form-` + g + `"]`) {
			t.Errorf("no form for the %s group", g)
		}
	}
	sv := serviceSettings(t, env)
	if got := p.Doc.Find(`[data-testid="field-service_title"]`).AttrOr("value", ""); got != sv.ServiceTitle {
		t.Errorf("service title %q, emulator %q", got, sv.ServiceTitle)
	}
	// The seeded login footer carries markup: it shows as text.
	if got := p.Text(`[data-testid="field-login_footer"]`); got != *sv.LoginFooter || p.Has(`[data-testid="settings-branding"] b`) {
		t.Errorf("login footer %q", got)
	}
	if !p.Has(`[data-testid="field-maps-osm"][checked]`) || p.Has(`[data-testid="field-maps-bing"][checked]`) {
		t.Error("the offered maps are not ticked as the emulator has them")
	}
	if !p.Has(`[data-testid="gateway-row"] [data-testid="gateway-bound"]`) {
		t.Error("no bound email gateway shown")
	}
	if strings.Contains(p.Body, "mail.smtp") {
		t.Error("raw gateway parameters on the page")
	}
	if !p.Has(`img[data-testid="image-preview-logo"]`) || !p.Has(`[data-testid="image-empty-app_logo"]`) {
		t.Error("the seeded logo has no preview, or the empty app logo slot is not said empty")
	}
	if !p.Has(`[data-testid="settings-menus"]`) {
		t.Error("no link to the menu presets")
	}
	if !p.Has(`[data-testid="field-mfa-disallowed"][checked]`) {
		t.Error("the default MFA policy is not shown")
	}
	if !p.Has(`[data-testid="account-password"]`) {
		t.Error("admin (password: update) has no Change password link")
	}
}

func TestSettingsGroupsSaveAndReadBack(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	save := func(group, path string, change func(url.Values)) *portaltest.Page {
		t.Helper()
		f := formValues(t, b.Get("/settings"), `[data-testid="settings-form-`+group+`"]`)
		change(f)
		p := b.Post(path, f)
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/settings#settings-"+group) {
			t.Fatalf("%s: status %d to %q: %s %s", group, p.Status, p.Location(), p.Text(`[data-testid="form-error"]`), p.Text(".field-error"))
		}
		return b.Get("/settings")
	}

	before := serviceSettings(t, env)
	p := save("branding", "/settings/branding", func(f url.Values) {
		f.Set("service_title", "Acme Tracking")
		f.Set("promo_url", "https://acme.example.com/about")
		f.Del("monitoring_logo_clickable")
	})
	sv := serviceSettings(t, env)
	if sv.ServiceTitle != "Acme Tracking" || *sv.PromoURL != "https://acme.example.com/about" || sv.MonitoringLogoClickable {
		t.Errorf("branding saved as %q %v %v", sv.ServiceTitle, sv.PromoURL, sv.MonitoringLogoClickable)
	}
	if got := p.Doc.Find(`[data-testid="field-service_title"]`).AttrOr("value", ""); got != "Acme Tracking" {
		t.Errorf("after reload the title reads %q", got)
	}
	if !strings.Contains(p.Text(`[data-testid="flash"]`), "Branding") {
		t.Errorf("flash %q", p.Text(`[data-testid="flash"]`))
	}
	// A full replacement: what the group did not touch is kept, the
	// settings no form shows included.
	if sv.Domain != before.Domain || sv.EmailSpecial != before.EmailSpecial || sv.NoAutoCreateRules != before.NoAutoCreateRules ||
		sv.DefaultUserSettings != before.DefaultUserSettings || sv.Currency != before.Currency {
		t.Errorf("saving branding changed other settings: %+v", sv)
	}

	save("service", "/settings/service", func(f url.Values) {
		f.Set("currency", "eur")
		f.Set("email_special", "daily@acme.example.com")
		f.Del("allow_registration")
		f.Set("no_register_commands", "true")
	})
	sv = serviceSettings(t, env)
	if sv.Currency != "EUR" || sv.EmailSpecial != "daily@acme.example.com" || sv.AllowRegistration || !sv.NoRegisterCommands {
		t.Errorf("service preferences saved as %+v", sv)
	}

	p = save("maps", "/settings/maps", func(f url.Values) {
		f["maps"] = []string{"osm", "bing"}
		f.Set("default_map.type", "bing")
		f.Set("default_map.location.lat", "59,437")
		f.Set("default_map.location.lng", "24.7536")
		f.Set("default_map.zoom", "12")
	})
	sv = serviceSettings(t, env)
	if strings.Join(sv.Maps, ",") != "osm,bing" || sv.DefaultMap.Type != "bing" || sv.DefaultMap.Location.Lat != 59.437 || sv.DefaultMap.Zoom != 12 {
		t.Errorf("maps saved as %v %+v", sv.Maps, sv.DefaultMap)
	}
	if !p.Has(`[data-testid="field-maps-bing"][checked]`) || p.Has(`[data-testid="field-maps-roadmap"][checked]`) {
		t.Error("after reload the map choice is not what was saved")
	}

	save("user_defaults", "/settings/user-defaults", func(f url.Values) {
		f.Set("default_user_time_zone", "Europe/Athens")
		f.Set("default_user_settings.hour_mode", "TWELVE_HOURS")
		f.Set("default_user_settings.measurement_system", "imperial")
		f.Set("default_user_settings.translit", "true")
	})
	sv = serviceSettings(t, env)
	if d := sv.DefaultUserSettings; sv.DefaultUserTimeZone != "Europe/Athens" || d.HourMode != "TWELVE_HOURS" || d.MeasurementSystem != "imperial" || !d.Translit {
		t.Errorf("user defaults saved as %s %+v", sv.DefaultUserTimeZone, d)
	}

	save("notification", "/settings/notification", func(f url.Values) {
		f.Set("email_from", "Acme <no-reply@acme.example.com>")
		f.Set("sms_originator", "ACME")
	})
	// email_special is shared: the notification save keeps it.
	if sv = serviceSettings(t, env); sv.EmailSpecial != "daily@acme.example.com" {
		t.Errorf("saving notifications changed email_special to %q", sv.EmailSpecial)
	}
	p = b.Get("/settings")
	if got := p.Doc.Find(`[data-testid="field-email_from"]`).AttrOr("value", ""); got != "Acme <no-reply@acme.example.com>" {
		t.Errorf("after reload email_from reads %q", got)
	}
	if n := env.Sim.CallCount("dealer/settings/service/update"); n != 4 {
		t.Errorf("service/update called %d times for four groups", n)
	}
}

// The console saves the information centre with the service settings;
// the OpenAPI file lists it only in the read schema. The portal sends it.
func TestSettingsInformationCenterIsSent(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	f := formValues(t, b.Get("/settings"), `[data-testid="settings-form-info_center"]`)
	f.Del("information_center.user_guides.visible")
	p := b.Post("/settings/info-center", f)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("status %d: %s", p.Status, p.Text(`[data-testid="form-error"]`))
	}
	if env.Sim.CallCount("dealer/settings/service/update") != 1 {
		t.Fatal("nothing sent")
	}
	if serviceSettings(t, env).InformationCenter.UserGuides.Visible {
		t.Skip("the emulator keeps information_center on service/update (it reads the OpenAPI update schema, which omits it); the portal sends it as the console does")
	}
}

func TestSettingsRefusalsLandOnTheirFields(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	page := b.Get("/settings")
	post := func(group, path string, change func(url.Values)) *portaltest.Page {
		t.Helper()
		f := formValues(t, page, `[data-testid="settings-form-`+group+`"]`)
		change(f)
		return b.Post(path, f)
	}
	// The portal's own checks: nothing is sent.
	env.Sim.ResetCalls()
	p := post("maps", "/settings/maps", func(f url.Values) {
		f.Del("maps")
		f.Set("default_map.location.lat", "north")
		f.Set("default_map.zoom", "99")
	})
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="settings-form-maps"] [data-testid="error-maps"]`) ||
		!p.Has(`[data-testid="error-default_map.location.lat"]`) || !p.Has(`[data-testid="error-default_map.zoom"]`) {
		t.Errorf("maps: status %d, errors %q", p.Status, p.Text(".field-error"))
	}
	if got := p.Doc.Find(`[data-testid="field-default_map.location.lat"]`).AttrOr("value", ""); got != "north" {
		t.Errorf("what was typed is lost: %q", got)
	}
	p = post("branding", "/settings/branding", func(f url.Values) { f.Set("service_title", "  ") })
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-service_title"]`) {
		t.Errorf("blank title: %d", p.Status)
	}
	if n := env.Sim.CallCount("dealer/settings/service/update"); n != 0 {
		t.Errorf("refused forms reached service/update %d times", n)
	}

	// The Panel's code 7: each message on its field.
	p = post("service", "/settings/service", func(f url.Values) {
		f.Set("currency", "EURO")
		f.Set("payment_link", "not a link")
	})
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="settings-form-service"] [data-testid="error-currency"]`) ||
		!p.Has(`[data-testid="error-payment_link"]`) {
		t.Errorf("code 7: status %d, errors %q, form error %q", p.Status, p.Text(".field-error"), p.Text(`[data-testid="form-error"]`))
	}
	p = post("user_defaults", "/settings/user-defaults", func(f url.Values) { f.Set("default_user_time_zone", "Mars/Olympus_Mons") })
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-default_user_time_zone"]`) {
		t.Errorf("unknown time zone: %d %q", p.Status, p.Text(`[data-testid="form-error"]`))
	}
	p = post("notification", "/settings/notification", func(f url.Values) { f.Set("sms_originator", "<script>") })
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-sms_originator"]`) {
		t.Errorf("bad originator: %d", p.Status)
	}
	if p.Has(`[data-testid="settings-form-notification"] script`) {
		t.Error("the typed value became markup")
	}
	// A domain another dealer (a reseller) serves: 247, on the domain.
	p = post("service", "/settings/service", func(f url.Values) { f.Set("domain", "track.northstar.example.com") })
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="error-domain"]`), "Another dealer") {
		t.Errorf("domain taken: %d %q", p.Status, p.Text(".field-error"))
	}
}

// A code 7 whose parameters the form has no field for is said above the
// form, with the parameter named.
func TestSettingsUnknownParameterGoesAboveTheForm(t *testing.T) {
	env := overrideEnv(t, map[string]http.HandlerFunc{
		"dealer/settings/service/update": panelAnswer(400, `{"success":false,"status":{"code":7,"description":"Invalid parameters"},"errors":[{"parameter":"geocoders[0]","error":"Unknown geocoder"},{"parameter":"service_title","error":"Too long"}]}`),
	})
	b := admin(t, env)
	f := formValues(t, b.Get("/settings"), `[data-testid="settings-form-branding"]`)
	p := b.Post("/settings/branding", f)
	if p.Status != http.StatusUnprocessableEntity || p.Text(`[data-testid="error-service_title"]`) != "Too long" ||
		!strings.Contains(p.Text(`[data-testid="settings-branding"] [data-testid="form-error"]`), "geocoders[0]") {
		t.Errorf("status %d, field %q, form %q", p.Status, p.Text(`[data-testid="error-service_title"]`), p.Text(`[data-testid="form-error"]`))
	}
}

func TestSettingsDefaultMFAPolicy(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	p := b.Post("/settings/mfa", url.Values{"mfa_type": {"allowed"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("status %d", p.Status)
	}
	if env.Sim.CallCount("user/mfa/settings/update") != 0 {
		t.Error("existing users changed without being asked")
	}
	if !b.Get("/settings").Has(`[data-testid="field-mfa-allowed"][checked]`) {
		t.Error("the policy does not read back")
	}
	p = b.Post("/settings/mfa", url.Values{"mfa_type": {"allowed"}, "apply_all": {"true"}})
	if p.Status != http.StatusSeeOther || env.Sim.CallCount("user/mfa/settings/update") != 1 {
		t.Errorf("apply to all: %d, %d calls", p.Status, env.Sim.CallCount("user/mfa/settings/update"))
	}
	if u, _ := env.Sim.Store().User(40); !u.MFAAllowed {
		t.Error("user 40 did not get the policy")
	}
	p = b.Post("/settings/mfa", url.Values{"mfa_type": {"sometimes"}})
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="settings-form-mfa"] [data-testid="error-mfa_type"]`) {
		t.Errorf("bad choice: %d", p.Status)
	}
}

// --- Branding images ----------------------------------------------------

func pngOf(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, 0, color.RGBA{200, 10, 10, 255})
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// upload posts a file to a branding image slot as the form does.
func upload(t *testing.T, b *portaltest.Browser, env *portaltest.Env, kind, name string, data []byte) *portaltest.Page {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("_csrf", b.CSRF())
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/settings/images/"+kind, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.Do(req)
}

func TestBrandingImageUploadPreviewAndDelete(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	b.Get("/settings")
	logo := pngOf(120, 40)
	p := upload(t, b, env, "document_logo", "my logo.PNG", logo)
	if p.Status != http.StatusSeeOther || p.Location() != "/settings#image-document_logo" {
		t.Fatalf("upload: %d %q %s", p.Status, p.Location(), p.Text(".field-error"))
	}
	sv := serviceSettings(t, env)
	if sv.DocumentLogo == nil || !strings.HasSuffix(*sv.DocumentLogo, "document_logo.png") {
		t.Fatalf("the emulator holds %v", sv.DocumentLogo)
	}
	if data, ctype, ok := env.Sim.Store().Image(*sv.DocumentLogo); !ok || ctype != "image/png" || !bytes.Equal(data, logo) {
		t.Errorf("stored %d bytes of %s", len(data), ctype)
	}
	page := b.Get("/settings")
	src := page.Doc.Find(`img[data-testid="image-preview-document_logo"]`).AttrOr("src", "")
	if !strings.HasPrefix(src, "/settings/images/document_logo") {
		t.Fatalf("preview src %q", src)
	}
	img := b.Get(src)
	if img.Status != http.StatusOK || img.Header.Get("Content-Type") != "image/png" || img.Body != string(logo) ||
		img.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("preview: %d %s, %d bytes", img.Status, img.Header.Get("Content-Type"), len(img.Body))
	}

	// Refused before anything is sent: no file, not an image, the wrong
	// format for the slot, too large.
	env.Sim.ResetCalls()
	for _, tc := range []struct {
		kind, name string
		data       []byte
		want       string
	}{
		{"logo", "", nil, "Choose an image file"},
		{"logo", "logo.png", []byte("<svg onload=alert(1)></svg>"), "PNG, JPG, GIF, WEBP"},
		{"favicon", "favicon.ico", logo, "ICO"},
		{"logo", "big.png", append(pngOf(8, 8), bytes.Repeat([]byte{0}, 1<<20)...), "larger than 1 MB"},
	} {
		p := upload(t, b, env, tc.kind, tc.name, tc.data)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="image-error-`+tc.kind+`"]`), tc.want) {
			t.Errorf("%s %s: %d %q", tc.kind, tc.name, p.Status, p.Text(`[data-testid="image-error-`+tc.kind+`"]`))
		}
	}
	if n := env.Sim.Attempts("dealer/settings/image/upload"); n != 0 {
		t.Errorf("refused files reached the Panel %d times", n)
	}
	// A wallpaper may be larger than a logo.
	if p := upload(t, b, env, "login_wallpaper", "bg.png", append(pngOf(8, 8), bytes.Repeat([]byte{0}, 2<<20)...)); p.Status != http.StatusSeeOther {
		t.Errorf("2 MB wallpaper: %d %s", p.Status, p.Text(".field-error"))
	}

	p = b.Post("/settings/images/document_logo/delete", nil)
	if p.Status != http.StatusSeeOther || serviceSettings(t, env).DocumentLogo != nil {
		t.Errorf("delete: %d, slot %v", p.Status, serviceSettings(t, env).DocumentLogo)
	}
	if !b.Get("/settings").Has(`[data-testid="image-empty-document_logo"]`) {
		t.Error("the emptied slot still shows an image")
	}
	if p := b.Get("/settings/images/document_logo"); p.Status != http.StatusNotFound {
		t.Errorf("preview of an empty slot: %d", p.Status)
	}
	if p := b.Get("/settings/images/passwd"); p.Status != http.StatusNotFound {
		t.Errorf("unknown slot: %d", p.Status)
	}
}

func TestBrandingImagePanelRefusals(t *testing.T) {
	env := overrideEnv(t, map[string]http.HandlerFunc{
		"dealer/settings/image/upload": panelAnswer(402, `{"success":false,"status":{"code":236,"description":"Feature unavailable due to tariff restrictions"}}`),
		"dealer/settings/image/delete": panelAnswer(400, `{"success":false,"status":{"code":201,"description":"Not found in database"}}`),
	})
	b := admin(t, env)
	b.Get("/settings")
	p := upload(t, b, env, "logo", "logo.png", pngOf(10, 10))
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="image-error-logo"]`), "not part of the dealer's plan") {
		t.Errorf("236: %d %q", p.Status, p.Text(`[data-testid="image-error-logo"]`))
	}
	if p := b.Post("/settings/images/logo/delete", nil); p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="image-error-logo"]`) {
		t.Errorf("201 on delete: %d", p.Status)
	}
}

// --- Read-only staff ----------------------------------------------------

// forgedSettingsPosts are the state-changing Settings and Menus routes
// with the actions they would call.
var forgedSettingsPosts = []struct {
	path    string
	actions []string
}{
	{"/settings/branding", []string{"dealer/settings/service/read", "dealer/settings/service/update"}},
	{"/settings/service", []string{"dealer/settings/service/update"}},
	{"/settings/maps", []string{"dealer/settings/service/update"}},
	{"/settings/user-defaults", []string{"dealer/settings/service/update"}},
	{"/settings/info-center", []string{"dealer/settings/service/update"}},
	{"/settings/notification", []string{"dealer/settings/notification/read", "dealer/settings/notification/update"}},
	{"/settings/images/logo", []string{"dealer/settings/image/upload"}},
	{"/settings/images/logo/delete", []string{"dealer/settings/image/delete"}},
	{"/settings/mfa", []string{"user/mfa/settings/default/update", "user/mfa/settings/update"}},
	{"/settings/menus/new", []string{"user/menu/preset/create"}},
	{"/settings/menus/2/edit", []string{"user/menu/preset/list", "user/menu/preset/update"}},
	{"/settings/menus/2/delete", []string{"user/menu/preset/delete"}},
	{"/settings/menus/2/assign", []string{"user/menu/preset/assign", "user/list"}},
}

func TestSettingsAreReadOnlyForTechAndViewer(t *testing.T) {
	for _, login := range []string{"tech", "viewer"} {
		t.Run(login, func(t *testing.T) {
			env := portaltest.New(t)
			b := env.NewBrowser(t)
			b.Login(login, login)
			p := b.Get("/settings")
			if p.Status != http.StatusOK {
				t.Fatalf("status %d", p.Status)
			}
			if !p.Has(`[data-testid="settings-readonly"]`) || p.Has("form[data-testid^=settings-form]") || p.Has(`[data-testid^="image-form"]`) ||
				p.Has(`[data-testid^="image-delete"]`) || p.Has(`[data-testid^="settings-save"]`) {
				t.Error("edit controls shown to a read-only session")
			}
			sv := serviceSettings(t, env)
			if got := p.Text(`[data-testid="value-service_title"]`); got != sv.ServiceTitle {
				t.Errorf("read-only title %q, want %q", got, sv.ServiceTitle)
			}
			if !p.Has(`img[data-testid="image-preview-logo"]`) {
				t.Error("no logo preview for a reader")
			}
			if p.Has(`[data-testid="account-password"]`) {
				t.Error("Change password shown without password: update")
			}
			if b.Get("/account/password").Status != http.StatusForbidden {
				t.Error("GET /account/password is not refused")
			}
			env.Sim.ResetCalls()
			for _, f := range forgedSettingsPosts {
				form := url.Values{"service_title": {"forged"}, "mfa_type": {"allowed"}, "title": {"forged"}, "target": {"default"}}
				if p := b.Post(f.path, form); p.Status != http.StatusForbidden {
					t.Errorf("POST %s: %d, want 403", f.path, p.Status)
				}
				for _, a := range f.actions {
					if n := env.Sim.Attempts(a); n != 0 {
						t.Errorf("POST %s reached %s %d times", f.path, a, n)
					}
				}
			}
			if p := b.Post("/account/password", url.Values{"old_password": {login}, "new_password": {"Hh6FXTt%E!Rx*%f3"}, "new_password_confirm": {"Hh6FXTt%E!Rx*%f3"}}); p.Status != http.StatusForbidden || env.Sim.Attempts("dealer/password/update") != 0 {
				t.Errorf("forged password change: %d", p.Status)
			}
		})
	}
}

// The default two-factor policy's calls document users: read/update,
// which the employee role holds; the console saves it only with
// service_settings: update. A session with the users rights alone is
// refused before any call.
func TestSettingsMFANeedsServiceUpdateToo(t *testing.T) {
	env := portaltest.New(t)
	env.Sim.AddAccount("usersonly", "usersonly", map[string][]string{"users": {"read", "update"}, "service_settings": {"read"}})
	b := env.NewBrowser(t)
	b.Login("usersonly", "usersonly")
	p := b.Get("/settings")
	if p.Has(`[data-testid="settings-form-mfa"]`) || !p.Has(`[data-testid="value-mfa_type"]`) {
		t.Error("the MFA form shown without service_settings: update")
	}
	env.Sim.ResetCalls()
	if p := b.Post("/settings/mfa", url.Values{"mfa_type": {"allowed"}}); p.Status != http.StatusForbidden || env.Sim.Attempts("user/mfa/settings/default/update") != 0 {
		t.Errorf("POST: %d", p.Status)
	}
}

// A session that may read only the notification settings sees the page
// with that group alone.
func TestSettingsShowsOnlyWhatTheSessionReads(t *testing.T) {
	env := portaltest.New(t)
	env.Sim.AddAccount("notif", "notif", map[string][]string{"notification_settings": {"read", "update"}})
	b := env.NewBrowser(t)
	b.Login("notif", "notif")
	env.Sim.ResetCalls()
	p := b.Get("/settings")
	if p.Status != http.StatusOK || !p.Has(`[data-testid="settings-form-notification"]`) || p.Has(`[data-testid="settings-branding"]`) ||
		p.Has(`[data-testid="settings-gateways"]`) || p.Has(`[data-testid="settings-mfa"]`) {
		t.Errorf("status %d: the page shows what the session cannot read", p.Status)
	}
	for _, a := range []string{"dealer/settings/service/read", "gateways/email/list", "user/mfa/settings/default/read"} {
		if n := env.Sim.Attempts(a); n != 0 {
			t.Errorf("%s called %d times without its right", a, n)
		}
	}
	env.Sim.AddAccount("none", "none", map[string][]string{"users": {"read"}})
	b2 := env.NewBrowser(t)
	b2.Login("none", "none")
	if p := b2.Get("/settings"); p.Status != http.StatusForbidden || b2.Get("/").Has(`[data-testid="nav-settings"]`) {
		t.Errorf("no settings right: %d", p.Status)
	}
}

func TestSettingsSectionFailureShowsInPlace(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	env.Sim.SetFault("gateways/email/list", panelsim.Fault{Status: 502, Body: "<html>bad gateway</html>"})
	p := b.Get("/settings")
	if p.Status != http.StatusOK || !p.Has(`[data-testid="settings-form-branding"]`) || !p.Has(`[data-testid="settings-gateways"] [role="alert"]`) {
		t.Errorf("status %d", p.Status)
	}
	if strings.Contains(p.Body, "bad gateway</html>") {
		t.Error("the upstream body reached the page")
	}
}
