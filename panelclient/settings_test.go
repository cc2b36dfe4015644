package panelclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// The answers of the settings, gateways, presets and resellers actions, as
// the docs show them (markdown examples unless named OpenAPI).
const (
	exServiceSettings = `{"success": true, "value": {
		"service_title": "monitoring service", "locale": "en_US", "demo_login": "demo", "demo_password": "demo",
		"maps": ["osm", "wikimapia", "yandexpublic", "osmmapnik"],
		"default_map": {"type": "osm", "location": {"lat": 33.0, "lng": 22.0}, "zoom": 2},
		"currency": "EUR", "payment_link": "http://payme.ru", "promo_url": "http://monitoring.com/about",
		"google_client_id": "io54p54ijy54", "domain": "track.agent.com", "favicon": "http://test.com/favicon.ico",
		"app_logo": "paas/5001/app_logo.png", "logo": "paas/5001/logo.png", "document_logo": "paas/5001/document_logo.png",
		"login_wallpaper": "paas/5001/login.png", "desktop_wallpaper": "http://test.com/test.jpg",
		"login_footer": "All rights reserved.", "allow_registration": true, "show_mobile_apps": true,
		"default_user_settings": {"geocoder": "google", "route_provider": "progorod", "measurement_system": "metric", "translit": false},
		"display_model_features_link": false, "limited_domain": false,
		"allowed_maps": ["osm", "wikimapia", "yandexpublic", "osmmapnik"], "color_theme": "aqua", "app_color_theme": "blue_1",
		"privacy_policy_link": "http://privacy-policy-url", "tos": "Terms Of Service text", "no_register_commands": false,
		"default_user_time_zone": "America/New_York"}}`
	// exServiceSettingsOpenAPI carries the OpenAPI file's extra fields and
	// its nulls.
	exServiceSettingsOpenAPI = `{"success": true, "value": {
		"service_title": "t", "locale": "en_US", "demo_login": "", "demo_password": "", "maps": ["roadmap"],
		"default_map": {"type": "roadmap", "location": {"lat": 1.5, "lng": -2}, "zoom": 4}, "currency": "USD",
		"payment_link": null, "promo_url": null, "google_client_id": "", "domain": "x.example.com",
		"favicon": null, "app_logo": null, "logo": null, "document_logo": null, "login_wallpaper": null, "desktop_wallpaper": null,
		"login_footer": null, "allow_registration": false, "show_mobile_apps": false,
		"default_user_settings": {"geocoder": "google", "route_provider": "osrm", "measurement_system": "imperial",
			"date_format": "ddMMyyyy_dots", "hour_mode": "TWELVE_HOURS", "translit": true},
		"display_model_features_link": true, "limited_domain": true, "allowed_maps": ["roadmap", "osm"],
		"color_theme": "", "app_color_theme": "", "privacy_policy_link": null, "tos": null, "no_register_commands": true,
		"default_user_time_zone": "Europe/London", "email_special": "no-reply@navixy.com", "monitoring_logo": null,
		"monitoring_logo_clickable": true, "has_https": true, "no_auto_create_rules": true, "no_auto_create_sensors": true,
		"display_release_notes": true, "show_call_notifications": false, "captcha_provider": "internal",
		"gis_package": "premium", "gis_package_definition": null, "geocoders": ["google"], "route_providers": [],
		"lbs_providers": ["navixy"], "matrix_providers": [],
		"information_center": {"release_notes": {"visible": true, "content": {"type": "default"}},
			"user_guides": {"visible": false, "content": {"type": "default"}}}}}`
	exNotificationSettings = `{"success": true, "value": {"email_from": "NAVIXY <no-reply@navixy.com>",
		"email_footer": "\n\n---nSincerely, Navixy", "email_special": "no-reply@navixy.com",
		"sms_originator": "demo.navixy.com", "caller_id": "491761234543"}}`
	exGateways = `{"success": true, "bound_gateway": 2, "own": [{"id": 1, "leasable": false, "label": "Paas gate", "provider": "smtp",
		"params": {"default_from_address": "no-reply@domain.tld", "mail.smtp.user": "mailer", "mail.smtp.password": "s3cret!",
		"mail.smtp.host": "localhost", "mail.smtp.port": 25, "mail.smtp.ssl.port": 465, "mail.smtp.ssl.trust_all_hosts": false,
		"mail.smtp.auth": true, "mail.debug": false, "mail.smtp.starttls.enable": false, "mail.smtp.starttls.required": false,
		"mail.smtp.use_ssl": false, "mail.smtp.timeout": 60000, "mail.smtp.connectiontimeout": 60000, "mail.transport.protocol": "smtp"}}],
		"leasable": [{"id": 2, "label": "Default", "provider": "mandrill_smtp", "default_from_address": "no-reply@x-gpsmail.com"}]}`
	// exPresetList has the markdown's object footer on one preset and the
	// type table's array footer on the other.
	exPresetList = `{"success": true, "list": [
		{"assignments": [], "owner": "platform", "preset": {"id": 1, "title": "common.menu.default.title",
			"main": [{"items": [{"icon": "dashboard", "tabs": [{"destination": "dashboard", "title": "common.menu.dashboard"}], "title": "common.menu.dashboard"}], "title": null}],
			"footer": {"items": [{"icon": "help_outline", "tabs": [{"destination": "feedback", "title": "common.menu.help"}], "title": "common.menu.help"}], "title": null}}},
		{"assignments": [{"type": "default"}, {"type": "users", "ids": [3, 7]}], "owner": "dealer", "preset": {"id": 2, "title": "Created",
			"main": [{"title": "Monitoring", "items": [{"title": "Tasks", "tabs": [{"title": "Tasks", "destination": "tasks"}]}]}],
			"footer": [{"title": "Chat", "tabs": [{"title": "Chat", "destination": "chat"}]}]}}]}`
	exMenuItems   = `{"success": true, "list": [{"title": "common.menu.dashboard", "destination": "dashboard"}, {"title": "common.menu.tracking", "destination": "tracking"}]}`
	exSubpaasList = `{"success": true, "list": [{"subpaas_id": 18, "title": "SubppaasTitle", "jur_name": "SubppaasJurName",
		"login": "subpaaslogin", "creation_date": "2018-11-15", "block_type": "NOT_BLOCKED", "users_count": 2,
		"active_users_count": 1, "trackers_count": 0, "active_trackers_count": 0}]}`
	exSubpaasListOpenAPI = `{"success": true, "count": 41, "list": [{"subpaas_id": 18, "title": "T", "jur_name": "J", "login": "l",
		"creation_date": "2018-11-15", "block_type": "BLOCK_LOGIN", "users_count": 2, "active_users_count": 1, "trackers_count": 5, "active_trackers_count": 3}]}`
	exSubpaasRead = `{"success": true, "value": {"subpaas_id": 18, "block_type": "NOT_BLOCKED", "title": "Rus Sub-PaaS",
		"jur_name": "OOO Sub-PaaS", "email": "sub-dealer@email.com", "jur_country": "country", "link_monitoring": "link",
		"contact_fio": "fio", "contact_post": "post", "contact_phone": "phone"}}`
	exSubpaasSession = `{"success": true, "hash": "600d4a5400000000600d4a5400000000"}`
	exCreatedID      = `{"success": true, "id": 2}`
)

func TestSettingsMethodsRequestShapeAndDecode(t *testing.T) {
	type result = any
	cases := []struct {
		name, action, resp, wantBody string
		call                         func(ctx context.Context, c *Client) (result, error)
		check                        func(t *testing.T, got result)
	}{
		{
			name: "service read", action: "dealer/settings/service/read", resp: exServiceSettings, wantBody: `{}`,
			call: func(ctx context.Context, c *Client) (result, error) { return c.ReadServiceSettings(ctx, testHash) },
			check: func(t *testing.T, got result) {
				s := got.(*ServiceSettings)
				if s.ServiceTitle != "monitoring service" || s.DefaultMap.Location.Lat != 33 || s.DefaultMap.Zoom != 2 ||
					s.Logo != "paas/5001/logo.png" || s.DefaultUserSettings.RouteProvider != "progorod" ||
					len(s.AllowedMaps) != 4 || s.DefaultUserTimeZone != "America/New_York" || s.InformationCenter != nil {
					t.Errorf("service settings %+v", s)
				}
			},
		},
		{
			name: "service read, OpenAPI fields and nulls", action: "dealer/settings/service/read", resp: exServiceSettingsOpenAPI, wantBody: `{}`,
			call: func(ctx context.Context, c *Client) (result, error) { return c.ReadServiceSettings(ctx, testHash) },
			check: func(t *testing.T, got result) {
				s := got.(*ServiceSettings)
				if s.PaymentLink != "" || s.Logo != "" || s.EmailSpecial != "no-reply@navixy.com" || !s.NoAutoCreateRules ||
					!s.NoAutoCreateSensors || s.DefaultUserSettings.HourMode != HourMode12 || !s.DefaultUserSettings.Translit ||
					s.InformationCenter == nil || s.InformationCenter.UserGuides.Visible || s.InformationCenter.ReleaseNotes.Content.Type != "default" {
					t.Errorf("service settings %+v", s)
				}
			},
		},
		{
			name: "service update", action: "dealer/settings/service/update", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				var s ServiceSettings
				if err := json.Unmarshal([]byte(exServiceSettingsOpenAPI), &struct {
					Value *ServiceSettings `json:"value"`
				}{&s}); err != nil {
					return nil, err
				}
				u := s.Update()
				u.ServiceTitle, u.PromoURL = "Renamed", NullIfEmpty("https://example.com/")
				return nil, c.UpdateServiceSettings(ctx, testHash, u)
			},
			wantBody: `{"service_title": "Renamed", "locale": "en_US", "demo_login": "", "demo_password": "", "maps": ["roadmap"],
				"default_map": {"type": "roadmap", "location": {"lat": 1.5, "lng": -2}, "zoom": 4}, "currency": "USD",
				"payment_link": null, "promo_url": "https://example.com/", "google_client_id": "", "domain": "x.example.com",
				"login_footer": null, "allow_registration": false, "show_mobile_apps": false,
				"default_user_settings": {"geocoder": "google", "route_provider": "osrm", "measurement_system": "imperial",
					"date_format": "ddMMyyyy_dots", "hour_mode": "TWELVE_HOURS", "translit": true},
				"display_model_features_link": true, "color_theme": "", "app_color_theme": "", "privacy_policy_link": null,
				"tos": null, "no_register_commands": true, "default_user_time_zone": "Europe/London",
				"email_special": "no-reply@navixy.com", "no_auto_create_rules": true, "monitoring_logo_clickable": true,
				"no_auto_create_sensors": true, "geocoders": ["google"], "lbs_providers": ["navixy"],
				"information_center": {"release_notes": {"visible": true, "content": {"type": "default"}},
					"user_guides": {"visible": false, "content": {"type": "default"}}}}`,
		},
		{
			name: "notification read", action: "dealer/settings/notification/read", resp: exNotificationSettings, wantBody: `{}`,
			call: func(ctx context.Context, c *Client) (result, error) { return c.ReadNotificationSettings(ctx, testHash) },
			check: func(t *testing.T, got result) {
				want := NotificationSettings{EmailFrom: "NAVIXY <no-reply@navixy.com>", EmailFooter: "\n\n---nSincerely, Navixy",
					EmailSpecial: "no-reply@navixy.com", SMSOriginator: "demo.navixy.com", CallerID: "491761234543"}
				if *got.(*NotificationSettings) != want {
					t.Errorf("notification settings %+v", got)
				}
			},
		},
		{
			name: "notification update clears email_special with null", action: "dealer/settings/notification/update", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.UpdateNotificationSettings(ctx, testHash, NotificationSettings{EmailFrom: "a@b.c", EmailFooter: "", SMSOriginator: "X", CallerID: "1"})
			},
			wantBody: `{"email_from": "a@b.c", "email_footer": "", "email_special": null, "sms_originator": "X", "caller_id": "1"}`,
		},
		{
			name: "image delete", action: "dealer/settings/image/delete", resp: exOK, wantBody: `{"type": "logo"}`,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.DeleteBrandingImage(ctx, testHash, ImageLogo)
			},
		},
		{
			name: "gateways", action: "gateways/email/list", resp: exGateways, wantBody: `{}`,
			call: func(ctx context.Context, c *Client) (result, error) { return c.ListEmailGateways(ctx, testHash) },
			check: func(t *testing.T, got result) {
				g := got.(*EmailGateways)
				if g.BoundGateway == nil || *g.BoundGateway != 2 || len(g.Own) != 1 || len(g.Leasable) != 1 ||
					g.Leasable[0].DefaultFromAddress != "no-reply@x-gpsmail.com" || g.Leasable[0].Provider != "mandrill_smtp" {
					t.Fatalf("gateways %+v", g)
				}
				p := g.Own[0].Params
				if p.Host != "localhost" || p.Port != 25 || p.SSLPort != 465 || !p.Auth || p.User != "mailer" || !p.HasPassword {
					t.Errorf("smtp params %+v", p)
				}
				if strings.Contains(fmt.Sprintf("%+v", g), "s3cret") {
					t.Error("the SMTP password is kept")
				}
			},
		},
		{
			name: "dealer password", action: "dealer/password/update", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.UpdateDealerPassword(ctx, testHash, "qwerty", "Hh6FXTt%E!Rx*%f3")
			},
			wantBody: `{"old_password": "qwerty", "new_password": "Hh6FXTt%E!Rx*%f3"}`,
		},
		{
			name: "preset list, both footer shapes", action: "user/menu/preset/list", resp: exPresetList, wantBody: `{}`,
			call: func(ctx context.Context, c *Client) (result, error) { return c.ListMenuPresets(ctx, testHash) },
			check: func(t *testing.T, got result) {
				l := got.([]MenuPresetEntry)
				if len(l) != 2 || l[0].Owner != PresetOwnerPlatform || l[0].IsDefault() || len(l[0].Preset.Footer.Items) != 1 ||
					l[0].Preset.Footer.Items[0].Tabs[0].Destination != "feedback" || l[0].Preset.Main[0].Title != "" {
					t.Fatalf("platform preset %+v", l)
				}
				p := l[1]
				if p.Preset.ID != 2 || !p.IsDefault() || !reflect.DeepEqual(p.AssignedUsers(), []int{3, 7}) ||
					p.Preset.Main[0].Title != "Monitoring" || len(p.Preset.Footer.Items) != 1 || p.Preset.Footer.Items[0].Title != "Chat" {
					t.Errorf("dealer preset %+v", p)
				}
			},
		},
		{
			name: "preset create", action: "user/menu/preset/create", resp: exCreatedID,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.CreateMenuPreset(ctx, testHash, MenuPreset{ID: 9, Title: "Created", Main: []MenuGroup{{Title: "Monitoring",
					Items: []MenuItem{{Title: "Tasks", Tabs: []MenuTab{{Title: "Tasks", Destination: "tasks"}}}}}}})
			},
			wantBody: `{"preset": {"title": "Created", "main": [{"title": "Monitoring", "items": [{"title": "Tasks",
				"tabs": [{"title": "Tasks", "destination": "tasks"}]}]}], "footer": {"title": null, "items": []}}}`,
			check: func(t *testing.T, got result) {
				if got.(int) != 2 {
					t.Errorf("id %v", got)
				}
			},
		},
		{
			name: "preset update", action: "user/menu/preset/update", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.UpdateMenuPreset(ctx, testHash, MenuPreset{ID: 2, Title: "Updated", Main: []MenuGroup{},
					Footer: MenuGroup{Items: []MenuItem{{Title: "Help", Icon: "help_outline", Tabs: []MenuTab{{Title: "Help", Destination: "feedback"}}}}}})
			},
			wantBody: `{"preset": {"id": 2, "title": "Updated", "main": [], "footer": {"title": null, "items": [{"title": "Help",
				"icon": "help_outline", "tabs": [{"title": "Help", "destination": "feedback"}]}]}}}`,
		},
		{
			name: "preset delete", action: "user/menu/preset/delete", resp: exOK, wantBody: `{"preset_id": 2}`,
			call: func(ctx context.Context, c *Client) (result, error) { return nil, c.DeleteMenuPreset(ctx, testHash, 2) },
		},
		{
			name: "preset assign to users", action: "user/menu/preset/assign", resp: exOK,
			wantBody: `{"preset_id": 2, "target": {"type": "users", "ids": [3]}}`,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.AssignMenuPreset(ctx, testHash, 2, PresetForUsers(3))
			},
		},
		{
			name: "preset assign as default", action: "user/menu/preset/assign", resp: exOK,
			wantBody: `{"preset_id": 2, "target": {"type": "default"}}`,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.AssignMenuPreset(ctx, testHash, 2, PresetAsDefault())
			},
		},
		{
			name: "menu items", action: "user/menu/item/list", resp: exMenuItems, wantBody: `{}`,
			call: func(ctx context.Context, c *Client) (result, error) { return c.ListMenuItems(ctx, testHash) },
			check: func(t *testing.T, got result) {
				l := got.([]MenuItemDestination)
				if len(l) != 2 || l[1] != (MenuItemDestination{Title: "common.menu.tracking", Destination: "tracking"}) {
					t.Errorf("items %+v", l)
				}
			},
		},
		{
			name: "subpaas list, markdown (no count)", action: "subpaas/list", resp: exSubpaasList,
			wantBody: `{"filter": "Sub", "order_by": "title", "ascending": false, "offset": 20, "limit": 10}`,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.ListSubpaas(ctx, testHash, SubpaasListParams{Filter: "Sub", OrderBy: "title", Ascending: Ptr(false), Offset: 20, Limit: 10})
			},
			check: func(t *testing.T, got result) {
				l := got.(*SubpaasList)
				if l.Count != 1 || l.List[0].ID != 18 || l.List[0].Login != "subpaaslogin" || l.List[0].ActiveUsersCount != 1 {
					t.Errorf("list %+v", l)
				}
			},
		},
		{
			name: "subpaas list, OpenAPI count", action: "subpaas/list", resp: exSubpaasListOpenAPI, wantBody: `{}`,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.ListSubpaas(ctx, testHash, SubpaasListParams{})
			},
			check: func(t *testing.T, got result) {
				if l := got.(*SubpaasList); l.Count != 41 || l.List[0].BlockType != BlockStatusBlockLogin || l.List[0].ActiveTrackersCount != 3 {
					t.Errorf("list %+v", l)
				}
			},
		},
		{
			name: "subpaas read", action: "subpaas/read", resp: exSubpaasRead, wantBody: `{"subpaas_id": 18}`,
			call: func(ctx context.Context, c *Client) (result, error) { return c.ReadSubpaas(ctx, testHash, 18) },
			check: func(t *testing.T, got result) {
				s := got.(*Subpaas)
				if s.ID != 18 || s.Email != "sub-dealer@email.com" || s.LinkMonitoring != "link" || s.ContactPhone != "phone" {
					t.Errorf("subpaas %+v", s)
				}
			},
		},
		{
			name: "subpaas create", action: "subpaas/create", resp: exCreatedID,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.CreateSubpaas(ctx, testHash, SubpaasCreateParams{Password: "D9#YoBaQd@RMjMSb", Title: "Company", Email: "email@company.com",
					JurName: "Company", JurCountry: "Finland", LinkMonitoring: "company.com"})
			},
			wantBody: `{"password": "D9#YoBaQd@RMjMSb", "title": "Company", "email": "email@company.com", "jur_name": "Company",
				"jur_country": "Finland", "link_monitoring": "company.com"}`,
			check: func(t *testing.T, got result) {
				if got.(int) != 2 {
					t.Errorf("id %v", got)
				}
			},
		},
		{
			name: "subpaas create, markdown answer without id", action: "subpaas/create", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.CreateSubpaas(ctx, testHash, SubpaasCreateParams{Password: "p", Title: "t", Email: "e", JurName: "j", JurCountry: "c",
					LinkMonitoring: "l", ContactFio: "fio"})
			},
			wantBody: `{"password": "p", "title": "t", "email": "e", "jur_name": "j", "jur_country": "c", "link_monitoring": "l", "contact_fio": "fio"}`,
			check: func(t *testing.T, got result) {
				if got.(int) != 0 {
					t.Errorf("id %v", got)
				}
			},
		},
		{
			name: "subpaas update (no password)", action: "subpaas/update", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.UpdateSubpaas(ctx, testHash, SubpaasUpdateParams{SubpaasID: 18, BlockType: BlockStatusBlockLogin, Title: "Company",
					Email: "email@company.com", JurName: "Company", JurCountry: "Finland", LinkMonitoring: "company.com", ContactFio: "fio",
					ContactPost: "CEO", ContactPhone: "79999902190"})
			},
			wantBody: `{"subpaas_id": 18, "block_type": "BLOCK_LOGIN", "title": "Company", "email": "email@company.com", "jur_name": "Company",
				"jur_country": "Finland", "link_monitoring": "company.com", "contact_fio": "fio", "contact_post": "CEO", "contact_phone": "79999902190"}`,
		},
		{
			name: "subpaas password", action: "subpaas/password/change", resp: exOK,
			wantBody: `{"subpaas_id": 99874, "new_password": "Hh6FXTt%E!Rx*%f3"}`,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.ChangeSubpaasPassword(ctx, testHash, 99874, "Hh6FXTt%E!Rx*%f3")
			},
		},
		{
			name: "subpaas session", action: "subpaas/session/create", resp: exSubpaasSession, wantBody: `{"subpaas_id": 97834}`,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.CreateSubpaasSession(ctx, testHash, 97834)
			},
			check: func(t *testing.T, got result) {
				if got.(string) != "600d4a5400000000600d4a5400000000" {
					t.Errorf("hash %v", got)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakePanel(t, 200, tc.resp)
			got, err := tc.call(context.Background(), f.client(t))
			if err != nil {
				t.Fatal(err)
			}
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			r := reqs[0]
			if r.Method != http.MethodPost || r.Path != "/v2/panel/"+tc.action || r.RawQuery != "" {
				t.Errorf("sent %s %s?%s", r.Method, r.Path, r.RawQuery)
			}
			if r.Header.Get("Authorization") != "NVX "+testHash || bytes.Contains(r.Body, []byte(testHash)) {
				t.Errorf("hash placement: %q, body %s", r.Header.Get("Authorization"), r.Body)
			}
			jsonEqual(t, r.Body, tc.wantBody)
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

// The documented failures of the new actions come back as *APIError with
// their code; a mutation is sent once whatever happens.
func TestSettingsMethodsErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		status int
		body   string
		call   func(c *Client) error
		code   int
	}{
		{"domain taken", 409, `{"success": false, "status": {"code": 247, "description": "Entity already exists"}}`,
			func(c *Client) error { return c.UpdateServiceSettings(ctx, testHash, ServiceSettingsUpdate{}) }, 247},
		{"wrong old password", 400, `{"success": false, "status": {"code": 248, "description": "Wrong password"}}`,
			func(c *Client) error { return c.UpdateDealerPassword(ctx, testHash, "a", "b") }, 248},
		{"same password", 400, `{"success": false, "status": {"code": 245, "description": "New password must be different"}}`,
			func(c *Client) error { return c.UpdateDealerPassword(ctx, testHash, "a", "a") }, 245},
		{"branding off", 402, `{"success": false, "status": {"code": 236, "description": "Feature unavailable due to tariff restrictions"}}`,
			func(c *Client) error {
				return c.UploadBrandingImage(ctx, testHash, ImageLogo, "logo.png", strings.NewReader("\x89PNG"))
			}, 236},
		{"preset missing", 400, `{"success": false, "status": {"code": 201, "description": "Not found in database"}}`,
			func(c *Client) error { return c.DeleteMenuPreset(ctx, testHash, 9) }, 201},
		{"reseller not active", 403, `{"success": false, "status": {"code": 13, "description": "Operation not permitted"}}`,
			func(c *Client) error { _, err := c.CreateSubpaasSession(ctx, testHash, 9); return err }, 13},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakePanel(t, tc.status, tc.body)
			err := tc.call(f.client(t))
			var ae *APIError
			if !errors.As(err, &ae) || ae.Code != tc.code || ae.HTTPStatus != tc.status {
				t.Fatalf("got %v", err)
			}
			if n := len(f.requests()); n != 1 {
				t.Errorf("sent %d times", n)
			}
		})
	}
}

// The branding upload is multipart: `type` as a form part (the OpenAPI
// file: a query parameter fails with 234), the image as the part "file"
// with the image MIME type of its extension, the hash in the header only.
func TestUploadBrandingImageSendsMultipart(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n" + strings.Repeat("x", 64)
	for _, tc := range []struct{ file, mime string }{
		{"logo.png", "image/png"}, {"photo.JPG", "image/jpeg"}, {"a.jpeg", "image/jpeg"},
		{"anim.gif", "image/gif"}, {"pic.webp", "image/webp"}, {"favicon.ico", "image/x-icon"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var gotType, gotName, gotMIME, gotAuth, gotQuery, content string
			var raw []byte
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ = io.ReadAll(r.Body)
				gotAuth, gotQuery = r.Header.Get("Authorization"), r.URL.RawQuery
				_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
				if err != nil {
					t.Error(err)
					return
				}
				form, err := multipart.NewReader(bytes.NewReader(raw), params["boundary"]).ReadForm(1 << 20)
				if err != nil {
					t.Error(err)
					return
				}
				gotType = strings.Join(form.Value["type"], ",")
				if fh := form.File["file"]; len(fh) == 1 {
					gotName, gotMIME = fh[0].Filename, fh[0].Header.Get("Content-Type")
					f, _ := fh[0].Open()
					b, _ := io.ReadAll(f)
					content = string(b)
				}
				io.WriteString(w, exOK)
			}))
			defer srv.Close()
			c, _ := New(srv.URL + "/v2/panel")
			if err := c.UploadBrandingImage(context.Background(), testHash, ImageFavicon, tc.file, strings.NewReader(png)); err != nil {
				t.Fatal(err)
			}
			if gotType != "favicon" || gotName != tc.file || gotMIME != tc.mime || content != png {
				t.Errorf("type %q name %q mime %q content %d bytes", gotType, gotName, gotMIME, len(content))
			}
			if gotAuth != "NVX "+testHash || gotQuery != "" || bytes.Contains(raw, []byte(testHash)) {
				t.Errorf("hash placement: auth %q query %q", gotAuth, gotQuery)
			}
		})
	}
}
