package panelsim

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestDealerSideActionsRegistered(t *testing.T) {
	got := New(smallSeed).Actions()
	for _, name := range []string{
		"dealer/settings/service/read", "dealer/settings/service/update",
		"dealer/settings/notification/read", "dealer/settings/notification/update",
		"dealer/settings/image/upload", "dealer/settings/image/delete",
		"gateways/email/list", "dealer/password/update",
		"user/menu/preset/list", "user/menu/preset/create", "user/menu/preset/update",
		"user/menu/preset/delete", "user/menu/preset/assign", "user/menu/item/list",
		"subpaas/list", "subpaas/read", "subpaas/create", "subpaas/update",
		"subpaas/password/change", "subpaas/session/create",
	} {
		if !slices.Contains(got, name) {
			t.Errorf("%s not registered", name)
		}
	}
}

// TestDealerSidePermissions is the permission table: viewer may read what
// it reads and gets 13 on every change; tech reads service and
// notification settings, gateways and resellers but changes none of them.
func TestDealerSidePermissions(t *testing.T) {
	f := newSideFixture(t)
	type row struct {
		action, body string
		viewer, tech bool // allowed?
	}
	rows := []row{
		{"dealer/settings/service/read", `{}`, true, true},
		{"dealer/settings/service/update", `{}`, false, false},
		{"dealer/settings/notification/read", `{}`, true, true},
		{"dealer/settings/notification/update", `{}`, false, false},
		{"dealer/settings/image/delete", `{"type":"logo"}`, false, false},
		{"gateways/email/list", `{}`, true, true},
		{"dealer/password/update", `{}`, false, false},
		{"user/menu/preset/list", `{}`, true, true},
		{"user/menu/item/list", `{}`, true, true},
		{"user/menu/preset/create", `{}`, false, true},
		{"user/menu/preset/update", `{}`, false, true},
		{"user/menu/preset/delete", `{}`, false, true},
		{"user/menu/preset/assign", `{}`, false, true},
		{"subpaas/list", `{}`, true, true},
		{"subpaas/read", `{"subpaas_id":5002}`, true, true},
		{"subpaas/session/create", `{"subpaas_id":5004}`, true, true},
		{"subpaas/create", `{}`, false, false},
		{"subpaas/update", `{}`, false, false},
		{"subpaas/password/change", `{}`, false, false},
	}
	for _, r := range rows {
		for _, who := range []struct {
			name, hash string
			allowed    bool
		}{{"viewer", f.viewer, r.viewer}, {"tech", f.tech, r.tech}, {"admin", f.admin, true}} {
			res := f.call(t, who.hash, r.action, r.body)
			if denied := res.code() == codeNotPermitted && res.status == http.StatusForbidden; denied == who.allowed {
				// Allowed calls may still fail on their parameters, never with 13
				// (subpaas/session/create of a blocked reseller aside).
				if !(r.action == "subpaas/session/create" && who.allowed) {
					t.Errorf("%s as %s: allowed=%v, got HTTP %d %s", r.action, who.name, who.allowed, res.status, res.body)
				}
			}
		}
	}
	// The image upload is multipart; tech and viewer are refused before the file is read.
	for _, hash := range []string{f.viewer, f.tech} {
		res := f.upload(t, hash, "dealer/settings/image/upload", "", map[string]string{"type": "logo"},
			filePart{"file", "logo.png", "image/png", samplePNG})
		wantError(t, res, codeNotPermitted, http.StatusForbidden)
	}
}

func TestServiceSettingsRead(t *testing.T) {
	f := newSideFixture(t)
	v := value[ServiceSettings](t, f.ok(t, f.tech, "dealer/settings/service/read", ""), "value")
	if v.Domain != "demo.navixy.com" || v.Locale != "en_US" || v.Logo == nil || *v.Logo != "paas/5001/logo.png" ||
		v.Favicon == nil || *v.Favicon != "paas/5001/custom.ico" || v.DefaultUserTimeZone != "Europe/London" ||
		!slices.Contains(v.Maps, v.DefaultMap.Type) || len(v.AllowedMaps) < len(v.Maps) || v.EmailSpecial == "" {
		t.Fatalf("seeded service settings: %+v", v)
	}
	// Every documented field is present, null or not.
	res := f.ok(t, f.viewer, "dealer/settings/service/read", "")
	val := res.obj["value"].(map[string]any)
	for _, key := range []string{"service_title", "locale", "demo_login", "demo_password", "maps", "default_map",
		"currency", "payment_link", "promo_url", "google_client_id", "domain", "favicon", "app_logo", "logo",
		"document_logo", "login_wallpaper", "desktop_wallpaper", "login_footer", "allow_registration",
		"show_mobile_apps", "default_user_settings", "display_model_features_link", "limited_domain", "allowed_maps",
		"color_theme", "app_color_theme", "privacy_policy_link", "tos", "no_register_commands", "default_user_time_zone"} {
		if _, ok := val[key]; !ok {
			t.Errorf("service settings lack %q", key)
		}
	}
	if val["app_logo"] != nil || val["login_wallpaper"] != nil {
		t.Errorf("empty image slots should be null: %v %v", val["app_logo"], val["login_wallpaper"])
	}
}

// TestServiceSettingsUpdate: a full replacement, visible to later reads and
// to dealer/get_info; omitted optional fields reset, images and
// platform-set fields stay.
func TestServiceSettingsUpdate(t *testing.T) {
	f := newSideFixture(t)
	before := value[ServiceSettings](t, f.ok(t, f.admin, "dealer/settings/service/read", ""), "value")
	f.ok(t, f.admin, "dealer/settings/service/update", serviceBody(map[string]string{
		"default_user_time_zone": `"America/Tijuana"`, "tos": `null`, "payment_link": `""`,
		"default_user_settings": `{"measurement_system":"imperial","hour_mode":"TWELVE_HOURS","translit":true}`,
		// Not writable (OpenAPI; the markdown lists them): ignored.
		"allowed_maps": `["osm"]`, "limited_domain": `true`,
	}))
	after := value[ServiceSettings](t, f.ok(t, f.admin, "dealer/settings/service/read", ""), "value")
	if after.ServiceTitle != "Fleet <b>monitor</b>" || after.Locale != "de_DE" || after.Domain != "track.example.org" ||
		after.DefaultMap.Type != "roadmap" || after.DefaultMap.Zoom != 7 || after.DefaultMap.Location.Lat != 48.1 ||
		after.DefaultUserTimeZone != "America/Tijuana" || !slices.Equal(after.Maps, []string{"osm", "roadmap"}) ||
		after.Currency != "EUR" || after.PaymentLink == nil || *after.PaymentLink != "" {
		t.Errorf("written fields: %+v", after)
	}
	if after.DefaultUserSettings != (DefaultUserSettings{Geocoder: "google", RouteProvider: "osrm",
		MeasurementSystem: "imperial", HourMode: "TWELVE_HOURS", Translit: true}) {
		t.Errorf("default_user_settings %+v", after.DefaultUserSettings)
	}
	// Omitted: reset (full replacement, OpenAPI).
	if after.TOS != nil || after.PromoURL != nil || after.LoginFooter != nil || after.AllowRegistration ||
		after.ShowMobileApps || after.NoAutoCreateRules || after.EmailSpecial != "" || after.MonitoringLogoClickable {
		t.Errorf("omitted fields not reset: %+v", after)
	}
	// Kept: images and what the platform owner sets.
	if *after.Logo != *before.Logo || *after.Favicon != *before.Favicon || after.LimitedDomain != before.LimitedDomain ||
		!slices.Equal(after.AllowedMaps, before.AllowedMaps) || after.HasHTTPS != before.HasHTTPS ||
		after.InformationCenter != before.InformationCenter {
		t.Errorf("read-only fields changed: %+v", after)
	}
	// dealer/get_info agrees, and notification read lost email_special too.
	d := f.ok(t, f.viewer, "dealer/get_info", "")
	if d.obj["domain"] != "track.example.org" || d.obj["locale"] != "de_DE" || d.obj["default_user_time_zone"] != "America/Tijuana" {
		t.Errorf("get_info not in step: %v %v %v", d.obj["domain"], d.obj["locale"], d.obj["default_user_time_zone"])
	}
	n := f.ok(t, f.admin, "dealer/settings/notification/read", "")
	if n.obj["value"].(map[string]any)["email_special"] != nil {
		t.Errorf("email_special survived a service update without it: %s", n.body)
	}
	// The same domain again is fine; a reseller's is taken (247, HTTP 409).
	f.ok(t, f.admin, "dealer/settings/service/update", serviceBody(nil))
	wantError(t, f.call(t, f.admin, "dealer/settings/service/update", serviceBody(map[string]string{"domain": `"TRACK.northstar.example.com"`})),
		codeEntityExists, http.StatusConflict)
	// A removed reseller's domain is free again.
	f.ok(t, f.admin, "dealer/settings/service/update", serviceBody(map[string]string{"domain": `"old.partner.example.com"`}))
}

func TestServiceSettingsValidation(t *testing.T) {
	f := newSideFixture(t)
	long := func(n int) string { return `"` + strings.Repeat("x", n) + `"` }
	tests := []struct {
		name      string
		overrides map[string]string
		parameter string
	}{
		{"missing domain", map[string]string{"domain": ""}, "domain"},
		{"missing service_title", map[string]string{"service_title": ""}, "service_title"},
		{"missing locale", map[string]string{"locale": ""}, "locale"},
		{"missing demo_login", map[string]string{"demo_login": ""}, "demo_login"},
		{"missing demo_password", map[string]string{"demo_password": ""}, "demo_password"},
		{"missing maps", map[string]string{"maps": ""}, "maps"},
		{"missing default_map", map[string]string{"default_map": ""}, "default_map"},
		{"missing currency", map[string]string{"currency": ""}, "currency"},
		{"missing color_theme", map[string]string{"color_theme": ""}, "color_theme"},
		{"missing app_color_theme", map[string]string{"app_color_theme": ""}, "app_color_theme"},
		{"service_title too long", map[string]string{"service_title": long(101)}, "service_title"},
		{"demo_login too long", map[string]string{"demo_login": long(51)}, "demo_login"},
		{"demo_password too long", map[string]string{"demo_password": long(51)}, "demo_password"},
		{"color_theme too long", map[string]string{"color_theme": long(129)}, "color_theme"},
		{"app_color_theme too long", map[string]string{"app_color_theme": long(129)}, "app_color_theme"},
		{"privacy link too long", map[string]string{"privacy_policy_link": long(201)}, "privacy_policy_link"},
		{"tos too long", map[string]string{"tos": long(20001)}, "tos"},
		{"email_special too long", map[string]string{"email_special": `"` + strings.Repeat("a", 250) + `@example.com"`}, "email_special"},
		{"email_special not an address", map[string]string{"email_special": `"reports"`}, "email_special"},
		{"domain with scheme", map[string]string{"domain": `"https://track.example.org"`}, "domain"},
		{"domain one label", map[string]string{"domain": `"localhost"`}, "domain"},
		{"domain bad label", map[string]string{"domain": `"-bad-.example.org"`}, "domain"},
		{"locale", map[string]string{"locale": `"english"`}, "locale"},
		{"currency", map[string]string{"currency": `"euro"`}, "currency"},
		{"map not allowed", map[string]string{"maps": `["osm","google_earth"]`}, "maps[1]"},
		{"maps not an array", map[string]string{"maps": `"osm"`}, "maps"},
		{"default map not in maps", map[string]string{"default_map": `{"type":"satellite","location":{"lat":1,"lng":2},"zoom":3}`}, "default_map.type"},
		{"default map without location", map[string]string{"default_map": `{"type":"osm","zoom":3}`}, "default_map.location"},
		{"latitude", map[string]string{"default_map": `{"type":"osm","location":{"lat":91,"lng":2},"zoom":3}`}, "default_map.location.lat"},
		{"longitude", map[string]string{"default_map": `{"type":"osm","location":{"lat":1,"lng":-181},"zoom":3}`}, "default_map.location.lng"},
		{"zoom", map[string]string{"default_map": `{"type":"osm","location":{"lat":1,"lng":2},"zoom":23}`}, "default_map.zoom"},
		{"zoom missing", map[string]string{"default_map": `{"type":"osm","location":{"lat":1,"lng":2}}`}, "default_map.zoom"},
		{"zoom not an integer", map[string]string{"default_map": `{"type":"osm","location":{"lat":1,"lng":2},"zoom":"far"}`}, "default_map.zoom"},
		{"payment_link", map[string]string{"payment_link": `"javascript:alert(1)"`}, "payment_link"},
		{"promo_url", map[string]string{"promo_url": `"/about"`}, "promo_url"},
		{"time zone", map[string]string{"default_user_time_zone": `"Mars/Olympus"`}, "default_user_time_zone"},
		{"measurement system", map[string]string{"default_user_settings": `{"measurement_system":"nautical"}`}, "default_user_settings.measurement_system"},
		{"hour mode", map[string]string{"default_user_settings": `{"hour_mode":"24h"}`}, "default_user_settings.hour_mode"},
		{"flag not a boolean", map[string]string{"allow_registration": `"maybe"`}, "allow_registration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantSideParamError(t, f.call(t, f.admin, "dealer/settings/service/update", serviceBody(tt.overrides)), tt.parameter)
		})
	}
	// Nothing was written.
	if v := value[ServiceSettings](t, f.ok(t, f.admin, "dealer/settings/service/read", ""), "value"); v.Domain != "demo.navixy.com" {
		t.Errorf("a failed update changed the settings: %+v", v)
	}
	// An internationalised domain is valid.
	f.ok(t, f.admin, "dealer/settings/service/update", serviceBody(map[string]string{"domain": `"мониторинг.пример.рф"`}))
}

func TestNotificationSettings(t *testing.T) {
	f := newSideFixture(t)
	v := value[NotificationSettings](t, f.ok(t, f.viewer, "dealer/settings/notification/read", ""), "value")
	if v.EmailFrom == "" || v.SMSOriginator != "demo.navixy.com" || v.EmailSpecial == nil || *v.EmailSpecial != "reports@example.com" {
		t.Fatalf("seeded notification settings %+v", v)
	}
	f.ok(t, f.admin, "dealer/settings/notification/update",
		`{"email_from":"NAVIXY <no-reply@navixy.com>","email_footer":"\n\n---\nSincerely, «Navixy»","email_special":"paas@example.com","sms_originator":"Navixy GPS","caller_id":"491761234543"}`)
	v = value[NotificationSettings](t, f.ok(t, f.tech, "dealer/settings/notification/read", ""), "value")
	if v.EmailFrom != "NAVIXY <no-reply@navixy.com>" || v.EmailFooter != "\n\n---\nSincerely, «Navixy»" ||
		*v.EmailSpecial != "paas@example.com" || v.SMSOriginator != "Navixy GPS" || v.CallerID != "491761234543" {
		t.Errorf("after update: %+v", v)
	}
	// email_special is the service settings' email_special too.
	if sv := value[ServiceSettings](t, f.ok(t, f.admin, "dealer/settings/service/read", ""), "value"); sv.EmailSpecial != "paas@example.com" {
		t.Errorf("service email_special %q", sv.EmailSpecial)
	}
	// Omitting email_special clears it (OpenAPI); a bare address and an
	// empty footer are fine; originators may use letters of any script.
	f.ok(t, f.admin, "dealer/settings/notification/update",
		`{"email_from":"no-reply@navixy.com","email_footer":"","sms_originator":"Навикси: 1/2","caller_id":"O'Neil \"GPS\""}`)
	if v = value[NotificationSettings](t, f.ok(t, f.admin, "dealer/settings/notification/read", ""), "value"); v.EmailSpecial != nil {
		t.Errorf("email_special not cleared: %+v", v)
	}

	valid := map[string]string{"email_from": `"a@example.com"`, "email_footer": `"f"`, "sms_originator": `"s"`, "caller_id": `"c"`}
	body := func(k, v string) string {
		var parts []string
		for key, val := range valid {
			if key == k {
				val = v
			}
			if val != "" {
				parts = append(parts, `"`+key+`":`+val)
			}
		}
		if _, ok := valid[k]; !ok {
			parts = append(parts, `"`+k+`":`+v)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	tests := []struct{ field, value, parameter string }{
		{"email_from", "", "email_from"},
		{"email_footer", "", "email_footer"},
		{"sms_originator", "", "sms_originator"},
		{"caller_id", "", "caller_id"},
		{"email_from", `"not an address"`, "email_from"},
		{"email_from", `"Name <broken@>"`, "email_from"},
		{"email_from", `"` + strings.Repeat("a", 90) + `@example.com"`, "email_from"},
		{"email_footer", `"` + strings.Repeat("f", 601) + `"`, "email_footer"},
		{"email_special", `"nobody"`, "email_special"},
		{"sms_originator", `"` + strings.Repeat("s", 21) + `"`, "sms_originator"},
		{"sms_originator", `"<script>"`, "sms_originator"},
		{"caller_id", `"+491761234543"`, "caller_id"},
		{"caller_id", `"` + strings.Repeat("1", 21) + `"`, "caller_id"},
	}
	for _, tt := range tests {
		wantSideParamError(t, f.call(t, f.admin, "dealer/settings/notification/update", body(tt.field, tt.value)), tt.parameter)
	}
	f.ok(t, f.admin, "dealer/settings/notification/update", body("caller_id", `"`+strings.Repeat("1", 20)+`"`))
}

// TestDealerSideConcurrent runs reads and changes of every table at once,
// for the race detector.
func TestDealerSideConcurrent(t *testing.T) {
	f := newSideFixture(t)
	reseller := f.ok(t, f.admin, "subpaas/session/create", `{"subpaas_id":5002}`).obj["hash"].(string)
	done := make(chan struct{})
	work := []func(){
		func() { f.call(t, f.admin, "dealer/settings/service/update", serviceBody(nil)) },
		func() { f.call(t, reseller, "dealer/settings/service/read", "") },
		func() {
			f.call(t, f.admin, "dealer/settings/notification/update", `{"email_from":"a@example.com","email_footer":"","sms_originator":"x","caller_id":"y"}`)
		},
		func() {
			f.upload(t, f.admin, uploadAction, "", map[string]string{"type": "logo"}, filePart{"file", "l.png", "image/png", samplePNG})
		},
		func() { f.get(ImagePathPrefix+"paas/5001/logo.png", nil) },
		func() { f.call(t, f.viewer, "dealer/get_info", "") },
		func() { f.call(t, reseller, "dealer/get_info", "") },
		func() {
			f.call(t, f.admin, "user/menu/preset/assign", `{"preset_id":2,"target":{"type":"users","ids":[3,5]}}`)
		},
		func() { f.call(t, f.viewer, "user/menu/preset/list", "") },
		func() { f.call(t, f.viewer, "subpaas/list", `{"order_by":"title"}`) },
		func() {
			f.call(t, f.admin, "subpaas/password/change", `{"subpaas_id":5004,"new_password":"Hh6FXTt%E!Rx*%f3"}`)
		},
		func() { f.call(t, f.viewer, "gateways/email/list", "") },
	}
	for _, w := range work {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 20 {
				w()
			}
		}()
	}
	for range work {
		<-done
	}
}
