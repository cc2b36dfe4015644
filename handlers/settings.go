package handlers

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// settingsAPI is what the Settings page calls on the Panel API.
type settingsAPI interface {
	ReadServiceSettings(ctx context.Context, hash string) (*panelclient.ServiceSettings, error)
	UpdateServiceSettings(ctx context.Context, hash string, s panelclient.ServiceSettingsUpdate) error
	ReadNotificationSettings(ctx context.Context, hash string) (*panelclient.NotificationSettings, error)
	UpdateNotificationSettings(ctx context.Context, hash string, s panelclient.NotificationSettings) error
	UploadBrandingImage(ctx context.Context, hash, imageType, fileName string, r io.Reader) error
	DeleteBrandingImage(ctx context.Context, hash, imageType string) error
	ListEmailGateways(ctx context.Context, hash string) (*panelclient.EmailGateways, error)
	ReadDefaultMFASettings(ctx context.Context, hash string) (*panelclient.MFASettings, error)
	UpdateDefaultMFASettings(ctx context.Context, hash string, settings panelclient.MFASettings) error
	UpdateUserMFASettings(ctx context.Context, hash string, target panelclient.MFATarget, settings panelclient.MFASettings) error
	ListMenuPresets(ctx context.Context, hash string) ([]panelclient.MenuPresetEntry, error)
	Timezones(ctx context.Context, locale string) ([]panelclient.Timezone, error)
	DealerInfo(ctx context.Context, hash string) (*panelclient.Dealer, error)
}

// settingsHandlers serve /settings: the service settings in the official
// console's groups (branding, service preferences, maps, user defaults,
// information centre), the notification settings, the branding images,
// the email gateways and the default two-factor policy. Each group is its
// own form and its own POST.
type settingsHandlers struct {
	*app
	api settingsAPI
	// images fetches branding image previews from o.BrandingImageURL.
	images *http.Client
}

func newSettingsHandlers(a *app, api settingsAPI) *settingsHandlers {
	return &settingsHandlers{app: a, api: api, images: &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// The permissions of the Settings page's Panel API calls.
var (
	permServiceRead    = auth.P("service_settings", "read")
	permServiceUpdate  = auth.P("service_settings", "update")
	permNotifRead      = auth.P("notification_settings", "read")
	permNotifUpdate    = auth.P("notification_settings", "update")
	permGatewaysRead   = auth.P("email_gateways", "read")
	permPasswordUpdate = auth.P("password", "update")
)

// needSettingsMFA gates the default two-factor policy. Its calls document
// users: read and users: update, which the employee role holds; the
// official console saves the policy inside the settings' Save flow, shown
// only with service_settings: update, and the employee role may not change
// settings (DESIGN.md). The portal requires both.
var needSettingsMFA = []auth.Perm{permUsersRead, usersPermUpdate, permServiceUpdate}

// settingsCan is what a session may see and change on the Settings page;
// the routes require the same permissions.
func settingsCan(p auth.Permissions) templates.SettingsCan {
	return templates.SettingsCan{
		ServiceRead: p.CanAll(permServiceRead),
		ServiceEdit: p.CanAll(permServiceRead, permServiceUpdate),
		NotifRead:   p.CanAll(permNotifRead),
		NotifEdit:   p.CanAll(permNotifRead, permNotifUpdate),
		Gateways:    p.CanAll(permGatewaysRead),
		MFARead:     p.CanAll(permUsersRead),
		MFAEdit:     p.CanAll(needSettingsMFA...),
		Menus:       p.CanAll(permUsersRead),
	}
}

// The groups of the service settings, as the official console arranges
// them, each with the fields its form sends (Panel API parameter names).
const (
	groupBranding     = "branding"
	groupService      = "service"
	groupMaps         = "maps"
	groupUserDefaults = "user_defaults"
	groupInfoCenter   = "info_center"
	groupNotification = "notification"
	groupMFA          = "mfa"
)

var settingsGroupFields = map[string][]string{
	groupBranding: {"service_title", "login_footer", "privacy_policy_link", "tos", "promo_url",
		"monitoring_logo_clickable", "color_theme", "app_color_theme"},
	groupService: {"domain", "payment_link", "email_special", "locale", "currency", "allow_registration",
		"show_mobile_apps", "demo_login", "demo_password", "no_register_commands", "no_auto_create_rules"},
	groupMaps: {"maps", "default_map.type", "default_map.location.lat", "default_map.location.lng",
		"default_map.zoom", "google_client_id"},
	groupUserDefaults: {"default_user_time_zone", "default_user_settings.date_format", "default_user_settings.hour_mode",
		"default_user_settings.measurement_system", "default_user_settings.translit",
		"default_user_settings.geocoder", "default_user_settings.route_provider"},
	groupInfoCenter:   {"information_center.release_notes.visible", "information_center.user_guides.visible"},
	groupNotification: {"email_from", "email_footer", "sms_originator", "caller_id"},
	groupMFA:          {"mfa_type", "apply_all"},
}

// settingsCheckboxes are the fields sent only when ticked.
var settingsCheckboxes = map[string]bool{
	"monitoring_logo_clickable": true, "allow_registration": true, "show_mobile_apps": true,
	"no_register_commands": true, "no_auto_create_rules": true, "default_user_settings.translit": true,
	"information_center.release_notes.visible": true, "information_center.user_guides.visible": true,
	"apply_all": true,
}

// settingsFieldOf maps a parameter the Panel names in a code 7 answer to
// the field of a group's form: maps[2] is the maps field, anything under
// default_user_settings or default_map is its own field; "" when the
// group has no such field.
func settingsFieldOf(group string) func(string) string {
	return func(param string) string {
		p := param
		if i := strings.IndexByte(p, '['); i > 0 && !strings.Contains(p[i:], ".") {
			p = p[:i]
		}
		for _, f := range settingsGroupFields[group] {
			if f == p {
				return f
			}
		}
		if group == groupMaps && strings.HasPrefix(p, "default_map.location") {
			return "default_map.location.lat"
		}
		return ""
	}
}

// show draws the Settings page.
func (h *settingsHandlers) show(c echo.Context) error {
	return h.renderPage(c, http.StatusOK, "", nil, nil)
}

// renderPage loads everything the page shows, in parallel, and draws it.
// After a refused save, group names the form that failed, sent is what
// the staff member typed into it and errs the messages on its fields.
func (h *settingsHandlers) renderPage(c echo.Context, status int, group string, sent url.Values, errs templates.FieldErrors) error {
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	can := settingsCan(sess.Perms)
	var (
		wg       sync.WaitGroup
		svc      *panelclient.ServiceSettings
		svcErr   error
		notif    *panelclient.NotificationSettings
		notifErr error
		gw       *panelclient.EmailGateways
		gwErr    error
		mfa      *panelclient.MFASettings
		mfaErr   error
		presets  []panelclient.MenuPresetEntry
		dealer   *panelclient.Dealer
		zones    []panelclient.Timezone
	)
	if can.ServiceRead {
		wg.Go(func() { svc, svcErr = h.api.ReadServiceSettings(ctx, sess.Hash) })
		wg.Go(func() { zones, _ = h.api.Timezones(ctx, string(l.Lang)) })
		if sess.Perms.CanAll(permDealerInfo) {
			wg.Go(func() { dealer, _ = h.api.DealerInfo(ctx, sess.Hash) })
		}
	}
	if can.NotifRead {
		wg.Go(func() { notif, notifErr = h.api.ReadNotificationSettings(ctx, sess.Hash) })
	}
	if can.Gateways {
		wg.Go(func() { gw, gwErr = h.api.ListEmailGateways(ctx, sess.Hash) })
	}
	if can.MFARead {
		wg.Go(func() { mfa, mfaErr = h.api.ReadDefaultMFASettings(ctx, sess.Hash) })
		wg.Go(func() { presets, _ = h.api.ListMenuPresets(ctx, sess.Hash) })
	}
	wg.Wait()
	for _, err := range []error{svcErr, notifErr, gwErr, mfaErr} {
		if panelclient.IsSessionEnded(err) {
			return err
		}
	}
	v := templates.SettingsView{Can: can, V: map[string]string{}, Errs: map[string]templates.FieldErrors{}, Failed: group}
	if svcErr != nil {
		v.ServiceErr = h.partError(c, l, svcErr)
	}
	if notifErr != nil {
		v.NotifErr = h.partError(c, l, notifErr)
	}
	if gwErr != nil {
		v.GatewaysErr = h.partError(c, l, gwErr)
	}
	if mfaErr != nil {
		v.MFAErr = h.partError(c, l, mfaErr)
	}
	if svc != nil {
		v.HasService = true
		settingsServiceValues(v.V, svc)
		v.Maps = svc.Maps
		v.AllowedMaps = svc.AllowedMaps
		v.ReadOnly = settingsReadOnly(svc)
		if ic := svc.InformationCenter; ic != nil {
			v.InfoCenter = true
			v.ReleaseNotesSource, v.UserGuidesSource = ic.ReleaseNotes.Content.Type, ic.UserGuides.Content.Type
		}
		v.Images = h.imagesView(svc, dealer, sess.Perms)
		v.TimeZones = settingsChoices(userTimezoneOptions(zones), svc.DefaultUserTimeZone)
		v.Locales = settingsChoices(userLocales, svc.Locale)
		v.Geocoders = settingsSuggestions(svc.Geocoders, "google", "osm", "yandex", "progorod", "locationiq")
		v.RouteProviders = settingsSuggestions(svc.RouteProviders, "google", "osrm", "progorod", "yandex")
	}
	if notif != nil {
		v.HasNotif = true
		v.V["email_from"], v.V["email_footer"] = notif.EmailFrom, notif.EmailFooter
		v.V["sms_originator"], v.V["caller_id"] = notif.SMSOriginator, notif.CallerID
		if v.V["email_special"] == "" {
			v.V["email_special"] = notif.EmailSpecial
		}
	}
	if gw != nil {
		v.Gateways = settingsGatewaysView(gw)
	}
	if can.MFARead && mfaErr == nil {
		v.HasMFA = true
		v.V["mfa_type"] = panelclient.MFADisallowed
		if mfa != nil && mfa.Type != "" {
			v.V["mfa_type"] = mfa.Type
		}
	}
	for _, p := range presets {
		if p.IsDefault() {
			v.DefaultPreset = settingsPresetTitle(l, p.Preset.Title)
			v.DefaultPresetID = p.Preset.ID
		}
	}
	if group != "" {
		// What was typed comes back into the form that failed.
		for _, f := range settingsGroupFields[group] {
			switch {
			case f == "maps":
				v.Maps = sent["maps"]
			case settingsCheckboxes[f]:
				v.V[f] = boolText(sent.Get(f) == "true")
			default:
				v.V[f] = sent.Get(f)
			}
		}
		v.Errs[group] = errs
	}
	return h.render(c, status, templates.SettingsPage(v))
}

// partError words the failure of one part of the page and logs it.
func (h *settingsHandlers) partError(c echo.Context, l *i18n.Localizer, err error) string {
	h.log().Warn("part of a page failed", "request_id", requestID(c), "path", c.Request().URL.Path, "error", err.Error())
	return userUpstreamMessage(l, err)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// settingsServiceValues puts the service settings into the forms' values,
// keyed by parameter name.
func settingsServiceValues(v map[string]string, s *panelclient.ServiceSettings) {
	for k, x := range map[string]string{
		"service_title": s.ServiceTitle, "login_footer": s.LoginFooter, "privacy_policy_link": s.PrivacyPolicyLink,
		"tos": s.TOS, "promo_url": s.PromoURL, "color_theme": s.ColorTheme, "app_color_theme": s.AppColorTheme,
		"domain": s.Domain, "payment_link": s.PaymentLink, "email_special": s.EmailSpecial, "locale": s.Locale,
		"currency": s.Currency, "demo_login": s.DemoLogin, "demo_password": s.DemoPassword,
		"default_map.type": s.DefaultMap.Type, "google_client_id": s.GoogleClientID,
		"default_map.location.lat":                 strconv.FormatFloat(s.DefaultMap.Location.Lat, 'f', -1, 64),
		"default_map.location.lng":                 strconv.FormatFloat(s.DefaultMap.Location.Lng, 'f', -1, 64),
		"default_map.zoom":                         strconv.Itoa(s.DefaultMap.Zoom),
		"default_user_time_zone":                   s.DefaultUserTimeZone,
		"default_user_settings.date_format":        s.DefaultUserSettings.DateFormat,
		"default_user_settings.hour_mode":          s.DefaultUserSettings.HourMode,
		"default_user_settings.measurement_system": s.DefaultUserSettings.MeasurementSystem,
		"default_user_settings.geocoder":           s.DefaultUserSettings.Geocoder,
		"default_user_settings.route_provider":     s.DefaultUserSettings.RouteProvider,
	} {
		v[k] = x
	}
	for k, b := range map[string]bool{
		"monitoring_logo_clickable": s.MonitoringLogoClickable, "allow_registration": s.AllowRegistration,
		"show_mobile_apps": s.ShowMobileApps, "no_register_commands": s.NoRegisterCommands,
		"no_auto_create_rules": s.NoAutoCreateRules, "default_user_settings.translit": s.DefaultUserSettings.Translit,
	} {
		v[k] = boolText(b)
	}
	if ic := s.InformationCenter; ic != nil {
		v["information_center.release_notes.visible"] = boolText(ic.ReleaseNotes.Visible)
		v["information_center.user_guides.visible"] = boolText(ic.UserGuides.Visible)
	}
}

// settingsReadOnly are the settings the platform owner sets, shown as
// they are.
func settingsReadOnly(s *panelclient.ServiceSettings) []templates.SettingsFact {
	facts := []templates.SettingsFact{
		{LabelKey: "settings.ro.limited_domain", Value: boolText(s.LimitedDomain), Flag: true},
		{LabelKey: "settings.ro.has_https", Value: boolText(s.HasHTTPS), Flag: true},
		{LabelKey: "settings.ro.no_auto_create_sensors", Value: boolText(s.NoAutoCreateSensors), Flag: true},
	}
	if s.GISPackage != "" {
		facts = append(facts, templates.SettingsFact{LabelKey: "settings.ro.gis_package", Value: s.GISPackage})
	}
	if s.CaptchaProvider != "" {
		facts = append(facts, templates.SettingsFact{LabelKey: "settings.ro.captcha", Value: s.CaptchaProvider})
	}
	return facts
}

// settingsChoices turns options into select choices, keeping the current
// value even when the list does not offer it (or could not be read).
func settingsChoices(opts []templates.UserChoice, current string) []templates.Choice {
	out := make([]templates.Choice, 0, len(opts)+1)
	found := current == ""
	for _, o := range opts {
		out = append(out, templates.Choice{Value: o.Value, Label: o.Label})
		found = found || o.Value == current
	}
	if !found {
		out = append([]templates.Choice{{Value: current, Label: current}}, out...)
	}
	return out
}

// settingsSuggestions are the values offered for a free-text provider
// field: the dealer's own list when the Panel gives one, else common ones.
func settingsSuggestions(own []string, common ...string) []string {
	if len(own) > 0 {
		return own
	}
	return common
}

// settingsPresetTitle shows a platform preset's localisation key
// ("common.menu.default.title") as words.
func settingsPresetTitle(l *i18n.Localizer, title string) string {
	if strings.HasPrefix(title, "common.menu.") {
		if key := "menus.key." + strings.TrimPrefix(title, "common.menu."); i18n.Has(key) {
			return l.T(key)
		}
	}
	return title
}

func settingsGatewaysView(g *panelclient.EmailGateways) *templates.SettingsGateways {
	v := &templates.SettingsGateways{}
	bound := 0
	if g.BoundGateway != nil {
		bound = *g.BoundGateway
	}
	for _, o := range g.Own {
		p := o.Params
		security := "none"
		switch {
		case p.UseSSL:
			security = "ssl"
		case p.StartTLSEnable || p.StartTLSRequired:
			security = "tls"
		}
		port := p.Port
		if p.UseSSL && p.SSLPort != 0 {
			port = p.SSLPort
		}
		v.Rows = append(v.Rows, templates.SettingsGatewayRow{
			ID: o.ID, Label: o.Label, Provider: o.Provider, Own: true, Bound: o.ID == bound,
			From: p.DefaultFromAddress, Host: p.Host, Port: port, Security: security, TrustAll: p.SSLTrustAllHosts,
			Auth: p.Auth, User: p.User, HasPassword: p.HasPassword, Leasable: o.Leasable,
		})
	}
	for _, o := range g.Leasable {
		v.Rows = append(v.Rows, templates.SettingsGatewayRow{
			ID: o.ID, Label: o.Label, Provider: o.Provider, From: o.DefaultFromAddress, Bound: o.ID == bound,
		})
	}
	v.NoneBound = bound == 0
	return v
}

// ---- saving the service settings, one group at a time -------------------

// saveGroup saves one group of the service settings: it reads the current
// settings (service/update replaces everything), applies the group's
// fields and sends the whole back. A refusal shows the page again with
// the messages on the group's fields and what was typed.
func (h *settingsHandlers) saveGroup(group string) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess := session(c)
		ctx := c.Request().Context()
		l := i18n.From(ctx)
		form, err := c.FormParams()
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		cur, err := h.api.ReadServiceSettings(ctx, sess.Hash)
		if err != nil {
			return err
		}
		u := cur.Update()
		errs := applySettingsGroup(l, group, &u, cur, form)
		if len(errs) > 0 {
			return h.renderPage(c, statusUnprocessable, group, form, errs)
		}
		err = h.api.UpdateServiceSettings(ctx, sess.Hash, u)
		h.audit(c, "settings.service."+group, sess.DealerID, err)
		if err != nil {
			return h.refused(c, group, form, err)
		}
		setFlash(c, "ok", "settings.saved."+group)
		return redirect(c, "/settings#settings-"+group)
	}
}

// refused shows the page again after the Panel refused a group's save:
// code 7 puts each message on its field, 247 (domain taken) on domain,
// anything else above the form. A session that ended or a refusal of the
// right goes to the error handler.
func (h *settingsHandlers) refused(c echo.Context, group string, form url.Values, err error) error {
	l := i18n.From(c.Request().Context())
	if panelclient.Code(err) == 247 && group == groupService {
		return h.renderPage(c, statusUnprocessable, group, form, templates.FieldErrors{"domain": l.T("settings.err.domain_taken")})
	}
	errs, status, ok := userFormErrorsOf(l, err, settingsFieldOf(group))
	if !ok {
		return err
	}
	if ae := (*panelclient.APIError)(nil); errors.As(err, &ae) && ae.Code != 7 {
		if key := "settings.api." + strconv.Itoa(ae.Code); i18n.Has(key) {
			errs = templates.FieldErrors{"": l.T(key)}
		}
	}
	return h.renderPage(c, status, group, form, errs)
}

// applySettingsGroup copies one group's fields from the form into the
// update, checking what the portal can check itself: required fields and
// numbers. The Panel checks the rest (formats, enums, lengths) and its
// code 7 lands on the same fields.
func applySettingsGroup(l *i18n.Localizer, group string, u *panelclient.ServiceSettingsUpdate, cur *panelclient.ServiceSettings, f url.Values) templates.FieldErrors {
	errs := templates.FieldErrors{}
	text := func(name string) string { return strings.TrimSpace(f.Get(name)) }
	required := func(name string) string {
		v := text(name)
		if v == "" {
			errs[name] = l.T("users.err.required")
		}
		return v
	}
	check := func(name string) bool { return f.Get(name) == "true" }
	switch group {
	case groupBranding:
		u.ServiceTitle = required("service_title")
		u.LoginFooter = panelclient.NullIfEmpty(f.Get("login_footer"))
		u.PrivacyPolicyLink = panelclient.NullIfEmpty(text("privacy_policy_link"))
		u.TOS = panelclient.NullIfEmpty(f.Get("tos"))
		u.PromoURL = panelclient.NullIfEmpty(text("promo_url"))
		u.MonitoringLogoClickable = check("monitoring_logo_clickable")
		u.ColorTheme, u.AppColorTheme = text("color_theme"), text("app_color_theme")
	case groupService:
		u.Domain = required("domain")
		u.PaymentLink = panelclient.NullIfEmpty(text("payment_link"))
		u.EmailSpecial = panelclient.NullIfEmpty(text("email_special"))
		u.Locale = required("locale")
		u.Currency = strings.ToUpper(required("currency"))
		u.AllowRegistration, u.ShowMobileApps = check("allow_registration"), check("show_mobile_apps")
		u.DemoLogin, u.DemoPassword = text("demo_login"), f.Get("demo_password")
		u.NoRegisterCommands, u.NoAutoCreateRules = check("no_register_commands"), check("no_auto_create_rules")
	case groupMaps:
		var maps []string
		for _, m := range f["maps"] {
			if m = strings.TrimSpace(m); m != "" && !slices.Contains(maps, m) {
				maps = append(maps, m)
			}
		}
		if len(maps) == 0 {
			errs["maps"] = l.T("settings.err.maps_none")
		}
		u.Maps = maps
		u.DefaultMap.Type = required("default_map.type")
		if u.DefaultMap.Type != "" && len(maps) > 0 && !slices.Contains(maps, u.DefaultMap.Type) {
			errs["default_map.type"] = l.T("settings.err.default_map")
		}
		u.DefaultMap.Location.Lat = settingsNumber(l, errs, text, "default_map.location.lat", -90, 90)
		u.DefaultMap.Location.Lng = settingsNumber(l, errs, text, "default_map.location.lng", -180, 180)
		zoom := settingsNumber(l, errs, text, "default_map.zoom", 0, 22)
		if zoom != float64(int(zoom)) && errs["default_map.zoom"] == "" {
			errs["default_map.zoom"] = l.T("settings.err.whole")
		}
		u.DefaultMap.Zoom = int(zoom)
		u.GoogleClientID = text("google_client_id")
	case groupUserDefaults:
		u.DefaultUserTimeZone = required("default_user_time_zone")
		d := &u.DefaultUserSettings
		d.DateFormat = text("default_user_settings.date_format")
		d.HourMode = text("default_user_settings.hour_mode")
		d.MeasurementSystem = required("default_user_settings.measurement_system")
		d.Translit = check("default_user_settings.translit")
		d.Geocoder = text("default_user_settings.geocoder")
		d.RouteProvider = text("default_user_settings.route_provider")
	case groupInfoCenter:
		ic := panelclient.InformationCenter{}
		if cur.InformationCenter != nil {
			ic = *cur.InformationCenter
		}
		for _, s := range []*panelclient.InformationCenterSection{&ic.ReleaseNotes, &ic.UserGuides} {
			if s.Content.Type == "" {
				s.Content.Type = "default"
			}
		}
		ic.ReleaseNotes.Visible = check("information_center.release_notes.visible")
		ic.UserGuides.Visible = check("information_center.user_guides.visible")
		u.InformationCenter = &ic
	}
	return errs
}

// settingsNumber reads a required number within [lo, hi].
func settingsNumber(l *i18n.Localizer, errs templates.FieldErrors, text func(string) string, name string, lo, hi float64) float64 {
	s := strings.Replace(text(name), ",", ".", 1)
	if s == "" {
		errs[name] = l.T("users.err.required")
		return 0
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		errs[name] = l.T("settings.err.number")
		return 0
	}
	if n < lo || n > hi {
		errs[name] = l.T("settings.err.range", strconv.FormatFloat(lo, 'f', -1, 64), strconv.FormatFloat(hi, 'f', -1, 64))
	}
	return n
}

// saveNotification replaces the notification settings. email_special is
// shown and saved in the service preferences (the console's place for
// it); the notification update, a full replacement too, sends back the
// value it has.
func (h *settingsHandlers) saveNotification(c echo.Context) error {
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	cur, err := h.api.ReadNotificationSettings(ctx, sess.Hash)
	if err != nil {
		return err
	}
	n := panelclient.NotificationSettings{
		EmailFrom:     strings.TrimSpace(form.Get("email_from")),
		EmailFooter:   form.Get("email_footer"),
		EmailSpecial:  cur.EmailSpecial,
		SMSOriginator: strings.TrimSpace(form.Get("sms_originator")),
		CallerID:      strings.TrimSpace(form.Get("caller_id")),
	}
	errs := templates.FieldErrors{}
	for name, v := range map[string]string{"email_from": n.EmailFrom, "sms_originator": n.SMSOriginator, "caller_id": n.CallerID} {
		if v == "" {
			errs[name] = l.T("users.err.required")
		}
	}
	if len(errs) > 0 {
		return h.renderPage(c, statusUnprocessable, groupNotification, form, errs)
	}
	err = h.api.UpdateNotificationSettings(ctx, sess.Hash, n)
	h.audit(c, "settings.notification", sess.DealerID, err)
	if err != nil {
		return h.refused(c, groupNotification, form, err)
	}
	setFlash(c, "ok", "settings.saved.notification")
	return redirect(c, "/settings#settings-notification")
}

// saveMFA sets the two-factor policy new users get
// (user/mfa/settings/default/update) and, when asked, applies it to every
// existing user too (user/mfa/settings/update, target all), as the
// official console's Security tab does.
func (h *settingsHandlers) saveMFA(c echo.Context) error {
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	var s panelclient.MFASettings
	switch form.Get("mfa_type") {
	case panelclient.MFAAllowed:
		s = panelclient.MFASettings{Type: panelclient.MFAAllowed, FactorTypes: []string{panelclient.MFAFactorEmail}}
	case panelclient.MFADisallowed:
		s = panelclient.MFASettings{Type: panelclient.MFADisallowed}
	default:
		return h.renderPage(c, statusUnprocessable, groupMFA, form, templates.FieldErrors{"mfa_type": l.T("users.err.choice")})
	}
	err = h.api.UpdateDefaultMFASettings(ctx, sess.Hash, s)
	h.audit(c, "settings.mfa_default", s.Type, err)
	if err == nil && form.Get("apply_all") == "true" {
		err = h.api.UpdateUserMFASettings(ctx, sess.Hash, panelclient.MFAAllUsers(), s)
		h.audit(c, "settings.mfa_all_users", s.Type, err)
	}
	if err != nil {
		errs, status, ok := userFormErrorsOf(l, err, func(p string) string {
			if strings.HasPrefix(p, "settings") {
				return "mfa_type"
			}
			return ""
		})
		if !ok {
			return err
		}
		return h.renderPage(c, status, groupMFA, form, errs)
	}
	setFlash(c, "ok", "settings.saved.mfa")
	return redirect(c, "/settings#settings-mfa")
}

// ---- branding images -----------------------------------------------------

// imageRule is what a branding image slot accepts: its formats and size.
type imageRule struct {
	formats []string // file extensions: png, jpg, gif, webp, ico
	max     int64
}

var (
	logoImageRule = imageRule{formats: []string{"png", "jpg", "gif", "webp"}, max: 1 << 20}
	// The admin guide leaves wallpapers unrestricted; the portal takes
	// what it takes in any upload, 10 MB.
	wallpaperImageRule = imageRule{formats: []string{"png", "jpg", "gif", "webp"}, max: 10 << 20}
	// The favicon must be an ICO of at most 1 MB (the admin guide; the API
	// takes image/x-icon for the favicon).
	faviconImageRule = imageRule{formats: []string{"ico"}, max: 1 << 20}
)

func imageRuleOf(kind string) imageRule {
	switch kind {
	case panelclient.ImageFavicon:
		return faviconImageRule
	case panelclient.ImageLoginWallpaper, panelclient.ImageDesktopWallpaper:
		return wallpaperImageRule
	}
	return logoImageRule
}

// imageMIME are the accept= types of each format.
var imageMIME = map[string]string{
	"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp", "ico": "image/x-icon,.ico",
}

// sniffImage names the format of an image's bytes, "" when it is none the
// Panel accepts.
func sniffImage(b []byte) string {
	switch {
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		return "png"
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "jpg"
	case len(b) >= 6 && (string(b[:6]) == "GIF87a" || string(b[:6]) == "GIF89a"):
		return "gif"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	case len(b) >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 1 && b[3] == 0:
		return "ico"
	}
	return ""
}

// imageSlotPath is the path or URL a slot holds in the service settings.
func imageSlotPath(s *panelclient.ServiceSettings, kind string) string {
	switch kind {
	case panelclient.ImageLogo:
		return s.Logo
	case panelclient.ImageFavicon:
		return s.Favicon
	case panelclient.ImageLoginWallpaper:
		return s.LoginWallpaper
	case panelclient.ImageDesktopWallpaper:
		return s.DesktopWallpaper
	case panelclient.ImageMonitoringLogo:
		return s.MonitoringLogo
	case panelclient.ImageDocumentLogo:
		return s.DocumentLogo
	case panelclient.ImageAppLogo:
		return s.AppLogo
	}
	return ""
}

// imagesView lists the image slots with their previews. A slot whose
// branding feature the dealer lacks (branding_mobile for the app logo,
// branding_web for the rest) is shown without upload controls, as the
// official console disables them; when the dealer is unknown (no
// base: get_dealer_info) the Panel decides (code 236).
func (h *settingsHandlers) imagesView(s *panelclient.ServiceSettings, d *panelclient.Dealer, p auth.Permissions) []templates.SettingsImage {
	var out []templates.SettingsImage
	for _, kind := range panelclient.ImageTypes {
		rule := imageRuleOf(kind)
		img := templates.SettingsImage{Type: kind, Path: imageSlotPath(s, kind), MaxBytes: rule.max, Formats: rule.formats, Allowed: true}
		var accept []string
		for _, f := range rule.formats {
			accept = append(accept, imageMIME[f])
		}
		img.Accept = strings.Join(accept, ",")
		if d != nil {
			feature := "branding_web"
			if kind == panelclient.ImageAppLogo {
				feature = "branding_mobile"
			}
			img.Allowed = d.HasFeature(feature)
		}
		switch {
		case img.Path == "":
		case isHTTPSURL(img.Path):
			img.Preview = img.Path
		case h.o.BrandingImageURL != "":
			img.Preview = "/settings/images/" + kind + "?v=" + url.QueryEscape(img.Path)
		}
		out = append(out, img)
	}
	return out
}

func isHTTPSURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != ""
}

func validImageType(kind string) bool { return slices.Contains(panelclient.ImageTypes, kind) }

// uploadImage checks an image against its slot (format by content, not by
// name; size) before anything is sent, then uploads it
// (dealer/settings/image/upload) named after its real format, so the part
// carries the right MIME type.
func (h *settingsHandlers) uploadImage(c echo.Context) error {
	kind := c.Param("type")
	if !validImageType(kind) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	group := "image." + kind
	rule := imageRuleOf(kind)
	fail := func(msg string) error {
		return h.renderPage(c, statusUnprocessable, group, nil, templates.FieldErrors{"file": msg})
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return fail(l.T("settings.image.err.none"))
	}
	if fh.Size > rule.max {
		return fail(l.T("settings.image.err.size", settingsMB(rule.max)))
	}
	f, err := fh.Open()
	if err != nil {
		return fail(l.T("settings.image.err.none"))
	}
	data, err := io.ReadAll(io.LimitReader(f, rule.max+1))
	_ = f.Close()
	switch {
	case err != nil || len(data) == 0:
		return fail(l.T("settings.image.err.none"))
	case int64(len(data)) > rule.max:
		return fail(l.T("settings.image.err.size", settingsMB(rule.max)))
	}
	format := sniffImage(data)
	if format == "" || !slices.Contains(rule.formats, format) {
		return fail(l.T("settings.image.err.format", strings.ToUpper(strings.Join(rule.formats, ", "))))
	}
	err = h.api.UploadBrandingImage(ctx, sess.Hash, kind, kind+"."+format, bytes.NewReader(data))
	h.audit(c, "settings.image.upload", kind, err)
	if err != nil {
		return h.imageRefused(c, kind, err)
	}
	setFlash(c, "ok", "settings.image.uploaded")
	return redirect(c, "/settings#image-"+kind)
}

func settingsMB(n int64) string { return strconv.FormatInt(n>>20, 10) }

// imageRefused words the Panel's refusal of an image on the slot.
func (h *settingsHandlers) imageRefused(c echo.Context, kind string, err error) error {
	l := i18n.From(c.Request().Context())
	var ae *panelclient.APIError
	if panelclient.IsSessionEnded(err) || panelclient.IsForbidden(err) || !errors.As(err, &ae) {
		errs, status, ok := userFormErrorsOf(l, err, func(string) string { return "" })
		if !ok {
			return err
		}
		return h.renderPage(c, status, "image."+kind, nil, templates.FieldErrors{"file": errs[""]})
	}
	msg := apiMessage(l, ae)
	if key := "settings.image.api." + strconv.Itoa(ae.Code); i18n.Has(key) {
		msg = l.T(key)
	}
	status := statusUnprocessable
	if ae.HTTPStatus >= 500 {
		status = http.StatusBadGateway
	}
	return h.renderPage(c, status, "image."+kind, nil, templates.FieldErrors{"file": msg})
}

// deleteImage empties a slot (dealer/settings/image/delete).
func (h *settingsHandlers) deleteImage(c echo.Context) error {
	kind := c.Param("type")
	if !validImageType(kind) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	sess := session(c)
	err := h.api.DeleteBrandingImage(c.Request().Context(), sess.Hash, kind)
	h.audit(c, "settings.image.delete", kind, err)
	if err != nil {
		return h.imageRefused(c, kind, err)
	}
	setFlash(c, "ok", "settings.image.deleted")
	return redirect(c, "/settings#image-"+kind)
}

// maxPreviewBytes bounds a preview the portal passes on.
const maxPreviewBytes = 10 << 20

// previewTypes are the image types a preview may be answered as.
var previewTypes = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
	"image/x-icon": true, "image/vnd.microsoft.icon": true,
}

// imagePreview passes a slot's image on to the browser from where the
// Panel keeps it (Options.BrandingImageURL): same origin, so the page
// needs no other image source, and nothing but an image of an accepted
// type comes back.
func (h *settingsHandlers) imagePreview(c echo.Context) error {
	kind := c.Param("type")
	if !validImageType(kind) || h.o.BrandingImageURL == "" {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	sess := session(c)
	ctx := c.Request().Context()
	s, err := h.api.ReadServiceSettings(ctx, sess.Hash)
	if err != nil {
		return err
	}
	src := imageSourceURL(h.o.BrandingImageURL, imageSlotPath(s, kind))
	if src == "" {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	resp, err := h.images.Do(req)
	if err != nil {
		h.log().Warn("branding preview unreachable", "request_id", requestID(c), "type", kind, "error", err.Error())
		return echo.NewHTTPError(http.StatusNotFound)
	}
	defer resp.Body.Close()
	ctype := strings.ToLower(strings.TrimSpace(strings.Split(resp.Header.Get("Content-Type"), ";")[0]))
	if resp.StatusCode != http.StatusOK || !previewTypes[ctype] {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxPreviewBytes+1))
	if err != nil || len(data) > maxPreviewBytes {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	hd := c.Response().Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, ctype, data)
}

// imageSourceURL is where a relative image path is fetched from: the
// template with {path} replaced by the path, each segment escaped. An
// absolute URL or a path that climbs (..) gives "".
func imageSourceURL(tpl, path string) string {
	path = strings.TrimPrefix(strings.TrimSpace(path), "/")
	if path == "" || strings.Contains(path, "://") || strings.Contains(path, "\\") {
		return ""
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if s == "" || s == "." || s == ".." {
			return ""
		}
		segs[i] = url.PathEscape(s)
	}
	return strings.ReplaceAll(tpl, "{path}", strings.Join(segs, "/"))
}
