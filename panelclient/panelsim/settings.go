package panelsim

import (
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// This file holds the dealer-side tables (settings, branding images, email
// gateways, menu presets, sub-dealers) and the service and notification
// settings actions of resources/dealer/settings/.
//
// Every one of these tables is kept per dealer: the demo dealer (5001) and
// each of its sub-dealers (resellers, subpaas.go), because a session opened
// by subpaas/session/create is a session of the reseller's own panel. Which
// dealer a session belongs to follows from its login: a reseller's panel
// login is its numeric id ("5002"), as Navixy panel logins are
// ("your_numeric_panel_ID", authentication.md); every other login is the
// demo dealer's. See dealerOfLocked.

func (s *Server) registerSettingsActions() { // plus one line in registerActions
	s.register("dealer/settings/service/read", need("service_settings", "read"), s.serviceSettingsRead)
	s.register("dealer/settings/service/update", need("service_settings", "update"), s.serviceSettingsUpdate)
	s.register("dealer/settings/notification/read", need("notification_settings", "read"), s.notificationSettingsRead)
	s.register("dealer/settings/notification/update", need("notification_settings", "update"), s.notificationSettingsUpdate)
	s.registerImageActions()
	s.registerGatewayActions()
	s.registerDealerPasswordActions()
	s.registerPresetActions()
	s.registerSubpaasActions()
}

// dealerSideTables are the per-dealer data of this file and of image.go,
// gateways.go, password.go, preset.go and subpaas.go. They live in the
// Store, behind its mutex.
type dealerSideTables struct {
	// settings are the service and notification settings by dealer id.
	settings map[int]*dealerSettings
	// images are the uploaded branding images by path ("paas/5001/logo.png").
	images map[string]brandImage
	// gateways are the email gateways each dealer owns and binds; leasable
	// are the platform owner's, offered to every dealer.
	gateways map[int]*gatewayBook
	leasable []LeasableEmailGateway
	// presets are the menu presets, platform-owned (dealer 0) and the
	// dealers' own, by id; defaultPreset is each dealer's default preset.
	presets       []*presetRecord
	defaultPreset map[int]int
	nextPresetID  int
	// subpaases are the demo dealer's resellers, by id.
	subpaases     []*Subpaas
	nextSubpaasID int
	// passwordHistory holds the earlier panel passwords of each login,
	// oldest first (password-requirements.md: "your last 10 passwords").
	passwordHistory map[string][]string
}

// dealerSettings is everything the settings actions keep for one dealer.
// email_special is one value shared by the service and notification
// settings (OpenAPI: "the same underlying value"); it lives in service.
type dealerSettings struct {
	service      ServiceSettings
	notification NotificationSettings
}

// ServiceSettings is the service settings object (service.md, with the
// extra fields of the OpenAPI file's ServiceSettings schema).
type ServiceSettings struct {
	ServiceTitle             string              `json:"service_title"`
	Locale                   string              `json:"locale"`
	DemoLogin                string              `json:"demo_login"`
	DemoPassword             string              `json:"demo_password"`
	Maps                     []string            `json:"maps"`
	DefaultMap               DefaultMap          `json:"default_map"`
	Currency                 string              `json:"currency"`
	PaymentLink              *string             `json:"payment_link"`
	PromoURL                 *string             `json:"promo_url"`
	GoogleClientID           string              `json:"google_client_id"`
	Domain                   string              `json:"domain"`
	Favicon                  *string             `json:"favicon"`
	AppLogo                  *string             `json:"app_logo"`
	Logo                     *string             `json:"logo"`
	DocumentLogo             *string             `json:"document_logo"`
	LoginWallpaper           *string             `json:"login_wallpaper"`
	DesktopWallpaper         *string             `json:"desktop_wallpaper"`
	LoginFooter              *string             `json:"login_footer"`
	AllowRegistration        bool                `json:"allow_registration"`
	ShowMobileApps           bool                `json:"show_mobile_apps"`
	DefaultUserSettings      DefaultUserSettings `json:"default_user_settings"`
	DisplayModelFeaturesLink bool                `json:"display_model_features_link"`
	LimitedDomain            bool                `json:"limited_domain"`
	AllowedMaps              []string            `json:"allowed_maps"`
	ColorTheme               string              `json:"color_theme"`
	AppColorTheme            string              `json:"app_color_theme"`
	PrivacyPolicyLink        *string             `json:"privacy_policy_link"`
	TOS                      *string             `json:"tos"`
	NoRegisterCommands       bool                `json:"no_register_commands"`
	DefaultUserTimeZone      string              `json:"default_user_time_zone"`
	// The fields below are the OpenAPI file's additions. email_special is
	// "" when cleared: the read schema has it as a plain string.
	EmailSpecial            string            `json:"email_special"`
	MonitoringLogo          *string           `json:"monitoring_logo"`
	MonitoringLogoClickable bool              `json:"monitoring_logo_clickable"`
	HasHTTPS                bool              `json:"has_https"`
	NoAutoCreateRules       bool              `json:"no_auto_create_rules"`
	NoAutoCreateSensors     bool              `json:"no_auto_create_sensors"`
	DisplayReleaseNotes     bool              `json:"display_release_notes"`
	ShowCallNotifications   bool              `json:"show_call_notifications"`
	CaptchaProvider         string            `json:"captcha_provider"`
	GISPackage              string            `json:"gis_package"`
	GISPackageDefinition    map[string]any    `json:"gis_package_definition"`
	Geocoders               []string          `json:"geocoders"`
	RouteProviders          []string          `json:"route_providers"`
	LBSProviders            []string          `json:"lbs_providers"`
	MatrixProviders         []string          `json:"matrix_providers"`
	InformationCenter       InformationCenter `json:"information_center"`
}

// DefaultMap is the map, position and zoom the monitoring opens on.
type DefaultMap struct {
	Type     string   `json:"type"`
	Location Location `json:"location"`
	Zoom     int      `json:"zoom"`
}

// Location is a point (user-api data types).
type Location struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// DefaultUserSettings are the settings new end users start with.
type DefaultUserSettings struct {
	Geocoder          string `json:"geocoder"`
	RouteProvider     string `json:"route_provider"`
	MeasurementSystem string `json:"measurement_system"`
	DateFormat        string `json:"date_format,omitempty"`
	HourMode          string `json:"hour_mode,omitempty"`
	Translit          bool   `json:"translit"`
}

// InformationCenter is the visibility and source of the end users' help
// panels (OpenAPI only; read-only here).
type InformationCenter struct {
	ReleaseNotes InformationCenterSection `json:"release_notes"`
	UserGuides   InformationCenterSection `json:"user_guides"`
}

// InformationCenterSection is one help panel.
type InformationCenterSection struct {
	Visible bool `json:"visible"`
	Content struct {
		Type string `json:"type"`
	} `json:"content"`
}

// NotificationSettings is the notification settings object
// (notification.md). EmailSpecial is null when cleared.
type NotificationSettings struct {
	EmailFrom     string  `json:"email_from"`
	EmailFooter   string  `json:"email_footer"`
	EmailSpecial  *string `json:"email_special"`
	SMSOriginator string  `json:"sms_originator"`
	CallerID      string  `json:"caller_id"`
}

// Platform values of the settings: the maps a dealer may offer, and what
// an omitted optional field of service/update resets to.
var (
	platformAllowedMaps = []string{"roadmap", "satellite", "hybrid", "terrain", "osm", "osmmapnik", "wikimapia",
		"cdcom", "doublegis", "yandex", "bing", "bing_satellite", "bing_hybrid", "kosmosnimki"}
	platformUserDefaults = DefaultUserSettings{Geocoder: "google", RouteProvider: "osrm", MeasurementSystem: "metric"}
)

const platformDefaultTimeZone = "Europe/London"

// Validation rules of the settings (service.md, notification.md and the
// OpenAPI schemas ServiceSettingsUpdate and NotificationSettings).
var (
	// originatorPattern is the SMS and voice originator pattern of
	// notification.md, `(\p{L}|\d|[-'" .,:/])*`, with Java's ASCII \d.
	originatorPattern = regexp.MustCompile(`^(?:\p{L}|[0-9]|[-'" .,:/])*$`)
	currencyPattern   = regexp.MustCompile(`^[A-Z]{3}$`)
	measurementSystem = []string{"metric", "imperial"}
	hourModes         = []string{"TWELVE_HOURS", "TWENTY_FOUR_HOURS"}
)

// ---- seed ------------------------------------------------------------------

// seedDealerSide fills the dealer-side tables: the demo dealer's settings,
// branding images, email gateways and menu presets, and its resellers with
// theirs. The seed calls it once the users exist (presets are assigned to
// some of them).
func seedDealerSide(st *Store) {
	ds := &st.dealerSide
	ds.settings = map[int]*dealerSettings{}
	ds.images = map[string]brandImage{}
	ds.gateways = map[int]*gatewayBook{}
	ds.defaultPreset = map[int]int{}
	ds.passwordHistory = map[string][]string{}

	d := &st.dealer
	if !slices.Contains(d.Features, featureSubpaas) {
		// The official console offers resellers only to dealers with this
		// feature (isSubPaasAvailable); the demo dealer has resellers.
		d.Features = append(d.Features, featureSubpaas)
	}
	ds.settings[d.ID] = &dealerSettings{
		service: ServiceSettings{
			ServiceTitle: "Navixy Demo monitoring", Locale: d.Locale, DemoLogin: "demo", DemoPassword: "demo",
			Maps:        []string{"roadmap", "satellite", "osm", "osmmapnik"},
			DefaultMap:  DefaultMap{Type: "osm", Location: Location{Lat: 51.5074, Lng: -0.1278}, Zoom: 10},
			Currency:    "USD",
			PaymentLink: ptr("https://pay.example.com/navixy-demo"), PromoURL: ptr("https://www.example.com/about"),
			Domain:  d.Domain,
			Favicon: d.Favicon, Logo: d.Logo,
			LoginFooter:       ptr(`© Navixy Demo — <b>all</b> rights "reserved" & more`),
			AllowRegistration: true, ShowMobileApps: true,
			DefaultUserSettings: DefaultUserSettings{Geocoder: "google", RouteProvider: "osrm", MeasurementSystem: "metric",
				DateFormat: "ddMMyyyy_dots", HourMode: "TWENTY_FOUR_HOURS"},
			AllowedMaps: slices.Clone(platformAllowedMaps), ColorTheme: "aqua", AppColorTheme: "blue_1",
			PrivacyPolicyLink: ptr("https://www.example.com/privacy"), TOS: ptr("Terms of service.\nBe nice."),
			DefaultUserTimeZone: d.DefaultUserTimeZone, EmailSpecial: "reports@example.com",
			MonitoringLogoClickable: true, HasHTTPS: true, NoAutoCreateRules: true, DisplayReleaseNotes: true,
			CaptchaProvider: "internal", GISPackage: "premium",
			Geocoders: []string{}, RouteProviders: []string{}, LBSProviders: []string{}, MatrixProviders: []string{},
			InformationCenter: defaultInformationCenter(),
		},
		notification: NotificationSettings{
			EmailFrom: "Navixy Demo <no-reply@demo.navixy.com>", EmailFooter: "\n\n--\nSincerely, Navixy Demo",
			SMSOriginator: "demo.navixy.com", CallerID: "491761234543",
		},
	}
	seedBrandImages(st)
	seedGateways(st)
	seedPresets(st)
	seedSubpaases(st)
}

func defaultInformationCenter() InformationCenter {
	var ic InformationCenter
	ic.ReleaseNotes.Visible, ic.ReleaseNotes.Content.Type = true, "default"
	ic.UserGuides.Visible, ic.UserGuides.Content.Type = true, "default"
	return ic
}

// newDealerSettings are the settings a new reseller starts with.
func newDealerSettings(title, domain string, parent *Dealer) *dealerSettings {
	return &dealerSettings{
		service: ServiceSettings{
			ServiceTitle: title, Locale: parent.Locale, Maps: []string{"osm", "osmmapnik"},
			DefaultMap: DefaultMap{Type: "osm", Location: Location{Lat: 0, Lng: 0}, Zoom: 2},
			Currency:   parent.SellerCurrency, Domain: domain,
			DefaultUserSettings: platformUserDefaults, AllowedMaps: slices.Clone(platformAllowedMaps),
			DefaultUserTimeZone: platformDefaultTimeZone, ShowMobileApps: true,
			CaptchaProvider: "internal", GISPackage: "premium",
			Geocoders: []string{}, RouteProviders: []string{}, LBSProviders: []string{}, MatrixProviders: []string{},
			InformationCenter: defaultInformationCenter(),
		},
		notification: NotificationSettings{EmailFrom: "no-reply@" + asciiDomain(domain)},
	}
}

// ---- which dealer a session serves ------------------------------------------

// dealerOfLocked returns the id of the dealer whose panel login belongs to:
// a live reseller whose numeric id it is, else the demo dealer. Caller
// holds st.mu.
func (st *Store) dealerOfLocked(login string) int {
	if id, err := strconv.Atoi(login); err == nil && strconv.Itoa(id) == login {
		if sp := st.subpaasLocked(id); sp != nil && sp.BlockType != blockDeleted {
			return id
		}
	}
	return st.dealer.ID
}

// sessionDealerLocked is dealerOfLocked for the caller of an action.
func (st *Store) sessionDealerLocked(c *call) int {
	return st.dealerOfLocked(c.session.login)
}

// settingsLocked returns a dealer's settings. Every dealer of the store
// has them (seedDealerSide, subpaas/create); a throwaway default answers
// for one that somehow has not. Caller holds st.mu.
func (st *Store) settingsLocked(dealer int) *dealerSettings {
	if ds := st.dealerSide.settings[dealer]; ds != nil {
		return ds
	}
	return newDealerSettings(st.dealer.Title, st.dealer.Domain, &st.dealer)
}

// ServiceSettings returns a copy of a dealer's service settings.
func (st *Store) ServiceSettings(dealer int) (ServiceSettings, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	ds := st.dealerSide.settings[dealer]
	if ds == nil {
		return ServiceSettings{}, false
	}
	return serviceView(ds.service), true
}

// serviceView copies service settings for a reply.
func serviceView(v ServiceSettings) ServiceSettings {
	v.Maps = slices.Clone(v.Maps)
	v.AllowedMaps = slices.Clone(v.AllowedMaps)
	v.Geocoders = slices.Clone(v.Geocoders)
	v.RouteProviders = slices.Clone(v.RouteProviders)
	v.LBSProviders = slices.Clone(v.LBSProviders)
	v.MatrixProviders = slices.Clone(v.MatrixProviders)
	for _, p := range []**string{&v.PaymentLink, &v.PromoURL, &v.Favicon, &v.AppLogo, &v.Logo, &v.DocumentLogo,
		&v.LoginWallpaper, &v.DesktopWallpaper, &v.LoginFooter, &v.PrivacyPolicyLink, &v.TOS, &v.MonitoringLogo} {
		if *p != nil {
			*p = ptr(**p)
		}
	}
	return v
}

// syncDealerLocked copies the settings dealer/get_info also shows (domain,
// locale, default time zone, logo, favicon) to the demo dealer's card, so
// both reads agree and user/upload uses the new defaults.
func (st *Store) syncDealerLocked(dealer int) {
	if dealer != st.dealer.ID {
		return // a reseller's card is built from its settings when read
	}
	sv := st.settingsLocked(dealer).service
	d := &st.dealer
	d.Domain, d.Locale, d.DefaultUserTimeZone = sv.Domain, sv.Locale, sv.DefaultUserTimeZone
	d.Logo, d.Favicon = copyPtr(sv.Logo), copyPtr(sv.Favicon)
}

func copyPtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// domainTakenLocked reports whether another dealer than self serves domain.
func (st *Store) domainTakenLocked(domain string, self int) bool {
	for id, ds := range st.dealerSide.settings {
		if id == self {
			continue
		}
		if sp := st.subpaasLocked(id); sp != nil && sp.BlockType == blockDeleted {
			continue // a removed reseller's domain is free again
		}
		if strings.EqualFold(ds.service.Domain, domain) {
			return true
		}
	}
	return false
}

// ---- service settings --------------------------------------------------------

// serviceSettingsRead answers the dealer's service settings under `value`.
func (s *Server) serviceSettingsRead(c *call) (any, error) {
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	v := serviceView(st.settingsLocked(st.sessionDealerLocked(c)).service)
	return struct {
		Value ServiceSettings `json:"value"`
	}{v}, nil
}

// serviceSettingsUpdate replaces the dealer's writable service settings.
//
// It is a full replacement, as the OpenAPI file observed: domain,
// service_title, locale, demo_login, demo_password, maps, default_map,
// currency, color_theme and app_color_theme are required (code 7 when
// missing); every other writable field that is omitted resets to its
// default (nullable texts to null, google_client_id to "", flags to
// false, default_user_settings to the platform defaults,
// default_user_time_zone to Europe/London, email_special cleared). The
// images, allowed_maps and limited_domain are not writable here: the
// markdown lists the last two as parameters, the OpenAPI file says the
// platform owner sets them; they are accepted and ignored.
//
// Rules: lengths of the OpenAPI schema (service_title 100, demo login and
// password 50, domain and email_special 255, color themes 128,
// privacy_policy_link 200, tos 20000), maps a subset of allowed_maps,
// default_map.type one of maps, lat/lng in range, zoom 0 to 22, currency
// three capital letters, links absolute http(s) URLs, domain a valid
// (internationalised) domain name, a known time zone, a locale like en_US,
// measurement_system and hour_mode from their enums. A domain served by
// another dealer is code 247.
func (s *Server) serviceSettingsUpdate(c *call) (any, error) {
	p := c.params
	var in ServiceSettings
	in.ServiceTitle = maxRunesParam(p, "service_title", 100, true)
	in.DemoLogin = maxRunesParam(p, "demo_login", 50, true)
	in.DemoPassword = maxRunesParam(p, "demo_password", 50, true)
	in.Domain = strings.TrimSpace(maxRunesParam(p, "domain", 255, true))
	if p.has("domain") && !validDomainName(in.Domain) {
		p.invalid("domain", msgDomain)
	}
	in.Locale = p.string("locale")
	if p.has("locale") && !validLocale(in.Locale) {
		p.invalid("locale", "Must be a locale such as en_US")
	}
	in.Maps = p.stringList("maps")
	in.DefaultMap = readDefaultMap(p)
	in.Currency = p.string("currency")
	if p.has("currency") && !currencyPattern.MatchString(in.Currency) {
		p.invalid("currency", "Must be a three-letter currency code such as EUR")
	}
	in.ColorTheme = maxRunesParam(p, "color_theme", 128, true)
	in.AppColorTheme = maxRunesParam(p, "app_color_theme", 128, true)

	in.PaymentLink = urlParam(p, "payment_link")
	in.PromoURL = urlParam(p, "promo_url")
	in.GoogleClientID, _ = p.optString("google_client_id")
	in.LoginFooter = nullableParam(p, "login_footer", 0)
	in.PrivacyPolicyLink = nullableParam(p, "privacy_policy_link", 200)
	in.TOS = nullableParam(p, "tos", 20000)
	if e := nullableParam(p, "email_special", 255); e != nil {
		if *e != "" && !validEmail(*e) {
			p.invalid("email_special", msgEmail)
		}
		in.EmailSpecial = *e
	}
	in.AllowRegistration, _ = p.optBool("allow_registration")
	in.ShowMobileApps, _ = p.optBool("show_mobile_apps")
	in.DisplayModelFeaturesLink, _ = p.optBool("display_model_features_link")
	in.NoRegisterCommands, _ = p.optBool("no_register_commands")
	in.NoAutoCreateRules, _ = p.optBool("no_auto_create_rules")
	in.MonitoringLogoClickable, _ = p.optBool("monitoring_logo_clickable")
	in.DefaultUserSettings = readDefaultUserSettings(p)
	in.DefaultUserTimeZone = platformDefaultTimeZone
	if tz, ok := p.optString("default_user_time_zone"); ok {
		in.DefaultUserTimeZone = tz
	}
	if err := p.err(); err != nil {
		return nil, err
	}

	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	dealer := st.sessionDealerLocked(c)
	ds := st.settingsLocked(dealer)
	for i, m := range in.Maps {
		if !slices.Contains(ds.service.AllowedMaps, m) {
			p.invalid("maps["+strconv.Itoa(i)+"]", "Must be one of allowed_maps")
		}
	}
	in.Maps = slices.Compact(in.Maps)
	if !slices.Contains(in.Maps, in.DefaultMap.Type) {
		p.invalid("default_map.type", "Must be one of maps")
	}
	if !st.knownTimeZoneLocked(in.DefaultUserTimeZone) {
		p.invalid("default_user_time_zone", "Unknown time zone")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if st.domainTakenLocked(in.Domain, dealer) {
		return nil, newError(codeEntityExists)
	}

	// Keep what this call cannot change.
	old := ds.service
	in.Favicon, in.AppLogo, in.Logo, in.DocumentLogo = old.Favicon, old.AppLogo, old.Logo, old.DocumentLogo
	in.LoginWallpaper, in.DesktopWallpaper, in.MonitoringLogo = old.LoginWallpaper, old.DesktopWallpaper, old.MonitoringLogo
	in.LimitedDomain, in.AllowedMaps, in.HasHTTPS = old.LimitedDomain, old.AllowedMaps, old.HasHTTPS
	in.NoAutoCreateSensors, in.DisplayReleaseNotes, in.ShowCallNotifications = old.NoAutoCreateSensors, old.DisplayReleaseNotes, old.ShowCallNotifications
	in.CaptchaProvider, in.GISPackage, in.GISPackageDefinition = old.CaptchaProvider, old.GISPackage, old.GISPackageDefinition
	in.Geocoders, in.RouteProviders, in.LBSProviders, in.MatrixProviders = old.Geocoders, old.RouteProviders, old.LBSProviders, old.MatrixProviders
	in.InformationCenter = old.InformationCenter
	ds.service = in
	st.syncDealerLocked(dealer)
	return nil, nil
}

// Messages of the settings rules.
const (
	msgDomain = "Must be a valid domain name"
	msgURL    = "Must be an absolute http(s) URL"
)

// maxRunesParam reads a string of at most max characters.
func maxRunesParam(p *params, name string, max int, required bool) string {
	v, ok := p.readString(name, required)
	if ok && utf8.RuneCountInString(v) > max {
		p.invalid(name, "Must be at most "+strconv.Itoa(max)+" characters long")
	}
	return v
}

// nullableParam reads an optional string that may be null; nil when
// omitted or null. max 0 means no limit.
func nullableParam(p *params, name string, max int) *string {
	v, ok := p.optString(name)
	if !ok {
		return nil
	}
	if max > 0 && utf8.RuneCountInString(v) > max {
		p.invalid(name, "Must be at most "+strconv.Itoa(max)+" characters long")
	}
	return &v
}

// urlParam reads an optional, nullable link: empty, or an absolute
// http(s) URL (OpenAPI format uri).
func urlParam(p *params, name string) *string {
	v := nullableParam(p, name, 2048)
	if v != nil && *v != "" && !validHTTPURL(*v) {
		p.invalid(name, msgURL)
	}
	return v
}

func validHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.IsAbs() && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// validDomainName accepts a host name of two or more labels, Unicode
// labels included (an internationalised domain name, as the OpenAPI file
// asks of link_monitoring), with no scheme, port or path.
func validDomainName(s string) bool {
	if s == "" || strings.ContainsAny(s, "/:@ ") {
		return false
	}
	ascii, err := idna.Lookup.ToASCII(s)
	if err != nil || len(ascii) > 253 || !strings.Contains(ascii, ".") {
		return false
	}
	for _, label := range strings.Split(ascii, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if !isAlnum(label[i]) && label[i] != '-' {
				return false
			}
		}
	}
	return true
}

// defaultMapInput is default_map as sent; pointers tell missing fields.
type defaultMapInput struct {
	Type     *string `json:"type"`
	Location *struct {
		Lat *float64 `json:"lat"`
		Lng *float64 `json:"lng"`
	} `json:"location"`
	Zoom *int `json:"zoom"`
}

func readDefaultMap(p *params) DefaultMap {
	var in defaultMapInput
	if !p.readObject("default_map", &in, true) {
		return DefaultMap{}
	}
	var out DefaultMap
	if in.Type == nil || *in.Type == "" {
		p.invalid("default_map.type", msgMissing)
	} else {
		out.Type = *in.Type
	}
	switch {
	case in.Location == nil || in.Location.Lat == nil || in.Location.Lng == nil:
		p.invalid("default_map.location", msgMissing)
	case *in.Location.Lat < -90 || *in.Location.Lat > 90:
		p.invalid("default_map.location.lat", "Must be between -90 and 90")
	case *in.Location.Lng < -180 || *in.Location.Lng > 180:
		p.invalid("default_map.location.lng", "Must be between -180 and 180")
	default:
		out.Location = Location{Lat: *in.Location.Lat, Lng: *in.Location.Lng}
	}
	switch {
	case in.Zoom == nil:
		p.invalid("default_map.zoom", msgMissing)
	case *in.Zoom < 0 || *in.Zoom > 22:
		p.invalid("default_map.zoom", "Must be between 0 and 22")
	default:
		out.Zoom = *in.Zoom
	}
	return out
}

// readDefaultUserSettings reads the optional default_user_settings; when
// omitted, or for fields it omits, the platform defaults apply.
func readDefaultUserSettings(p *params) DefaultUserSettings {
	out := platformUserDefaults
	var in struct {
		Geocoder          *string `json:"geocoder"`
		RouteProvider     *string `json:"route_provider"`
		MeasurementSystem *string `json:"measurement_system"`
		DateFormat        *string `json:"date_format"`
		HourMode          *string `json:"hour_mode"`
		Translit          *bool   `json:"translit"`
	}
	if !p.optObject("default_user_settings", &in) {
		return out
	}
	if in.Geocoder != nil && *in.Geocoder != "" {
		out.Geocoder = *in.Geocoder
	}
	if in.RouteProvider != nil && *in.RouteProvider != "" {
		out.RouteProvider = *in.RouteProvider
	}
	if in.MeasurementSystem != nil {
		if !slices.Contains(measurementSystem, *in.MeasurementSystem) {
			p.invalid("default_user_settings.measurement_system", "Should be one of ["+strings.Join(measurementSystem, ", ")+"]")
		}
		out.MeasurementSystem = *in.MeasurementSystem
	}
	if in.DateFormat != nil {
		out.DateFormat = *in.DateFormat
	}
	if in.HourMode != nil && *in.HourMode != "" {
		if !slices.Contains(hourModes, *in.HourMode) {
			p.invalid("default_user_settings.hour_mode", "Should be one of ["+strings.Join(hourModes, ", ")+"]")
		}
		out.HourMode = *in.HourMode
	}
	if in.Translit != nil {
		out.Translit = *in.Translit
	}
	return out
}

// ---- notification settings ---------------------------------------------------

// notificationSettingsRead answers the dealer's notification settings
// under `value`; email_special is null when cleared.
func (s *Server) notificationSettingsRead(c *call) (any, error) {
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	ds := st.settingsLocked(st.sessionDealerLocked(c))
	v := ds.notification
	if ds.service.EmailSpecial != "" {
		v.EmailSpecial = ptr(ds.service.EmailSpecial)
	}
	return struct {
		Value NotificationSettings `json:"value"`
	}{v}, nil
}

// notificationSettingsUpdate replaces the dealer's notification settings.
// email_from, email_footer, sms_originator and caller_id are required
// (OpenAPI); email_special is optional and omitting it clears it (it is
// the value service settings call email_special too).
//
// Rules: email_from at most 100 characters, an address or "Name
// <address>"; email_footer at most 600; email_special at most 255 and an
// address; sms_originator and caller_id at most 20 and matching
// `(\p{L}|\d|[-'" .,:/])*`.
func (s *Server) notificationSettingsUpdate(c *call) (any, error) {
	p := c.params
	var in NotificationSettings
	in.EmailFrom = strings.TrimSpace(maxRunesParam(p, "email_from", 100, true))
	if p.has("email_from") && !validSender(in.EmailFrom) {
		p.invalid("email_from", "Must be an e-mail address, optionally with a name: Name <address>")
	}
	in.EmailFooter = maxRunesParam(p, "email_footer", 600, true)
	in.SMSOriginator = originatorParam(p, "sms_originator")
	in.CallerID = originatorParam(p, "caller_id")
	special := ""
	if e := nullableParam(p, "email_special", 255); e != nil {
		special = strings.TrimSpace(*e)
		if special != "" && !validEmail(special) {
			p.invalid("email_special", msgEmail)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	ds := st.settingsLocked(st.sessionDealerLocked(c))
	ds.notification = in
	ds.service.EmailSpecial = special
	return nil, nil
}

func originatorParam(p *params, name string) string {
	v := maxRunesParam(p, name, 20, true)
	if !originatorPattern.MatchString(v) {
		p.invalid(name, `May contain only letters, digits, spaces and the characters - ' " . , : /`)
	}
	return v
}

// validSender accepts "address" or "Name <address>".
func validSender(s string) bool {
	if strings.ContainsAny(s, "\r\n") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && validEmail(a.Address)
}
