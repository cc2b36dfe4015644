package panelclient

import (
	"context"
	"encoding/json"
)

// ServiceSettings are the dealer's monitoring service settings
// (dealer/settings/service/read): branding texts and image paths, maps,
// regional defaults, registration and demo access, and the defaults new
// end users start with.
//
// The markdown (service.md) lists the first thirty fields; the OpenAPI
// file's ServiceSettings adds the rest (email_special, monitoring logo,
// has_https, the auto-create flags, providers, information_center...). The
// client reads both. Nullable texts (payment_link, promo_url, the image
// paths, login_footer, privacy_policy_link, tos) read as "" when null.
type ServiceSettings struct {
	ServiceTitle string `json:"service_title"`
	// Locale is the dealer's default locale, e.g. "en_US".
	Locale       string `json:"locale"`
	DemoLogin    string `json:"demo_login"`
	DemoPassword string `json:"demo_password"`
	// Maps are the maps offered in the monitoring, a subset of AllowedMaps.
	Maps       []string   `json:"maps"`
	DefaultMap DefaultMap `json:"default_map"`
	// Currency is a three-letter code shown in the interface ("EUR").
	Currency       string `json:"currency"`
	PaymentLink    string `json:"payment_link"`
	PromoURL       string `json:"promo_url"`
	GoogleClientID string `json:"google_client_id"`
	Domain         string `json:"domain"`
	// The branding images: paths ("paas/5001/logo.png") or URLs, "" when
	// none. They change through UploadBrandingImage and
	// DeleteBrandingImage, never through UpdateServiceSettings.
	Favicon          string `json:"favicon"`
	AppLogo          string `json:"app_logo"`
	Logo             string `json:"logo"`
	DocumentLogo     string `json:"document_logo"`
	LoginWallpaper   string `json:"login_wallpaper"`
	DesktopWallpaper string `json:"desktop_wallpaper"`
	MonitoringLogo   string `json:"monitoring_logo"`

	LoginFooter              string              `json:"login_footer"`
	AllowRegistration        bool                `json:"allow_registration"`
	ShowMobileApps           bool                `json:"show_mobile_apps"`
	DefaultUserSettings      DefaultUserSettings `json:"default_user_settings"`
	DisplayModelFeaturesLink bool                `json:"display_model_features_link"`
	// LimitedDomain and AllowedMaps are set by the platform owner.
	LimitedDomain       bool     `json:"limited_domain"`
	AllowedMaps         []string `json:"allowed_maps"`
	ColorTheme          string   `json:"color_theme"`
	AppColorTheme       string   `json:"app_color_theme"`
	PrivacyPolicyLink   string   `json:"privacy_policy_link"`
	TOS                 string   `json:"tos"`
	NoRegisterCommands  bool     `json:"no_register_commands"`
	DefaultUserTimeZone string   `json:"default_user_time_zone"`

	// The OpenAPI file's additions.

	// EmailSpecial is the address of the daily PaaS reports; the same
	// value as NotificationSettings.EmailSpecial.
	EmailSpecial            string `json:"email_special"`
	MonitoringLogoClickable bool   `json:"monitoring_logo_clickable"`
	HasHTTPS                bool   `json:"has_https"`
	NoAutoCreateRules       bool   `json:"no_auto_create_rules"`
	NoAutoCreateSensors     bool   `json:"no_auto_create_sensors"`
	DisplayReleaseNotes     bool   `json:"display_release_notes"`
	ShowCallNotifications   bool   `json:"show_call_notifications"`
	CaptchaProvider         string `json:"captcha_provider"`
	GISPackage              string `json:"gis_package"`
	// GISPackageDefinition is kept as sent (an object, or null).
	GISPackageDefinition json.RawMessage    `json:"gis_package_definition,omitempty"`
	Geocoders            []string           `json:"geocoders"`
	RouteProviders       []string           `json:"route_providers"`
	LBSProviders         []string           `json:"lbs_providers"`
	MatrixProviders      []string           `json:"matrix_providers"`
	InformationCenter    *InformationCenter `json:"information_center,omitempty"`
}

// DefaultMap is the map, centre and zoom the monitoring opens on.
type DefaultMap struct {
	// Type is a map code, one of ServiceSettings.Maps.
	Type     string      `json:"type"`
	Location MapLocation `json:"location"`
	Zoom     int         `json:"zoom"`
}

// MapLocation is a point in degrees.
type MapLocation struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// DefaultUserSettings are the profile settings new end users start with.
type DefaultUserSettings struct {
	Geocoder      string `json:"geocoder"`
	RouteProvider string `json:"route_provider"`
	// MeasurementSystem is "metric" or "imperial" (the OpenAPI enum).
	MeasurementSystem string `json:"measurement_system"`
	// DateFormat (e.g. "ddMMyyyy_dots") and HourMode ("TWELVE_HOURS",
	// "TWENTY_FOUR_HOURS") are optional: "" leaves the platform default.
	DateFormat string `json:"date_format,omitempty"`
	HourMode   string `json:"hour_mode,omitempty"`
	Translit   bool   `json:"translit"`
}

// Hour modes of DefaultUserSettings.HourMode.
const (
	HourMode12 = "TWELVE_HOURS"
	HourMode24 = "TWENTY_FOUR_HOURS"
)

// InformationCenter is what the end users' help panels show (OpenAPI
// only).
type InformationCenter struct {
	ReleaseNotes InformationCenterSection `json:"release_notes"`
	UserGuides   InformationCenterSection `json:"user_guides"`
}

// InformationCenterSection is one help panel: shown or not, and where its
// content comes from ("default": Navixy's own).
type InformationCenterSection struct {
	Visible bool                     `json:"visible"`
	Content InformationCenterContent `json:"content"`
}

// InformationCenterContent is the source of a help panel. The OpenAPI
// file documents only Type; URL is what the official console edits for a
// custom source and is sent only when set.
type InformationCenterContent struct {
	Type string `json:"type"`
	URL  string `json:"url,omitempty"`
}

// ServiceSettingsUpdate is the whole writable part of the service
// settings, as dealer/settings/service/update takes it.
//
// The call is a full replacement (the OpenAPI file): a writable setting
// left out is reset to its default, including settings the schema does not
// list. Build it from what ServiceSettings returned (ServiceSettings.Update)
// and change only what the staff member changed. Nullable texts are sent
// as null when empty.
type ServiceSettingsUpdate struct {
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
	LoginFooter              *string             `json:"login_footer"`
	AllowRegistration        bool                `json:"allow_registration"`
	ShowMobileApps           bool                `json:"show_mobile_apps"`
	DefaultUserSettings      DefaultUserSettings `json:"default_user_settings"`
	DisplayModelFeaturesLink bool                `json:"display_model_features_link"`
	ColorTheme               string              `json:"color_theme"`
	AppColorTheme            string              `json:"app_color_theme"`
	PrivacyPolicyLink        *string             `json:"privacy_policy_link"`
	TOS                      *string             `json:"tos"`
	NoRegisterCommands       bool                `json:"no_register_commands"`
	DefaultUserTimeZone      string              `json:"default_user_time_zone"`
	EmailSpecial             *string             `json:"email_special"`
	NoAutoCreateRules        bool                `json:"no_auto_create_rules"`
	MonitoringLogoClickable  bool                `json:"monitoring_logo_clickable"`
	// Sent back as read, so the replacement does not reset them: the
	// official console saves them with the service settings.
	NoAutoCreateSensors bool               `json:"no_auto_create_sensors"`
	Geocoders           []string           `json:"geocoders,omitempty"`
	RouteProviders      []string           `json:"route_providers,omitempty"`
	LBSProviders        []string           `json:"lbs_providers,omitempty"`
	InformationCenter   *InformationCenter `json:"information_center,omitempty"`
}

// Update returns the writable settings as read, ready to be changed and
// sent back with UpdateServiceSettings.
func (s *ServiceSettings) Update() ServiceSettingsUpdate {
	u := ServiceSettingsUpdate{
		ServiceTitle: s.ServiceTitle, Locale: s.Locale, DemoLogin: s.DemoLogin, DemoPassword: s.DemoPassword,
		Maps: append([]string(nil), s.Maps...), DefaultMap: s.DefaultMap, Currency: s.Currency,
		GoogleClientID: s.GoogleClientID, Domain: s.Domain,
		AllowRegistration: s.AllowRegistration, ShowMobileApps: s.ShowMobileApps,
		DefaultUserSettings: s.DefaultUserSettings, DisplayModelFeaturesLink: s.DisplayModelFeaturesLink,
		ColorTheme: s.ColorTheme, AppColorTheme: s.AppColorTheme,
		NoRegisterCommands: s.NoRegisterCommands, DefaultUserTimeZone: s.DefaultUserTimeZone,
		NoAutoCreateRules: s.NoAutoCreateRules, MonitoringLogoClickable: s.MonitoringLogoClickable,
		NoAutoCreateSensors: s.NoAutoCreateSensors,
		Geocoders:           append([]string(nil), s.Geocoders...),
		RouteProviders:      append([]string(nil), s.RouteProviders...),
		LBSProviders:        append([]string(nil), s.LBSProviders...),
	}
	u.PaymentLink = NullIfEmpty(s.PaymentLink)
	u.PromoURL = NullIfEmpty(s.PromoURL)
	u.LoginFooter = NullIfEmpty(s.LoginFooter)
	u.PrivacyPolicyLink = NullIfEmpty(s.PrivacyPolicyLink)
	u.TOS = NullIfEmpty(s.TOS)
	u.EmailSpecial = NullIfEmpty(s.EmailSpecial)
	if s.InformationCenter != nil {
		ic := *s.InformationCenter
		u.InformationCenter = &ic
	}
	return u
}

// NullIfEmpty is nil for "" (sent as JSON null) and a pointer to s
// otherwise, for the nullable texts of the settings.
func NullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ReadServiceSettings returns the dealer's service settings
// (dealer/settings/service/read; service_settings: read).
func (c *Client) ReadServiceSettings(ctx context.Context, hash string) (*ServiceSettings, error) {
	var out struct {
		Value ServiceSettings `json:"value"`
	}
	if err := c.call(ctx, readOnly, hash, "dealer/settings/service/read", nil, &out); err != nil {
		return nil, err
	}
	return &out.Value, nil
}

// UpdateServiceSettings replaces the dealer's writable service settings
// (dealer/settings/service/update; service_settings: update). A domain
// another dealer uses fails with code 247; invalid values with code 7 and
// the failing parameters.
func (c *Client) UpdateServiceSettings(ctx context.Context, hash string, s ServiceSettingsUpdate) error {
	return c.call(ctx, mutation, hash, "dealer/settings/service/update", s, nil)
}

// NotificationSettings are the originators of the notifications the
// platform sends the dealer's end users (dealer/settings/notification).
// EmailSpecial reads as "" when null.
type NotificationSettings struct {
	// EmailFrom is an address, or "Name <address>" (at most 100).
	EmailFrom string `json:"email_from"`
	// EmailFooter is appended to every notification email (at most 600).
	EmailFooter string `json:"email_footer"`
	// EmailSpecial is the address of the PaaS reports, shared with
	// ServiceSettings.EmailSpecial.
	EmailSpecial string `json:"email_special"`
	// SMSOriginator and CallerID are at most 20 letters, digits, spaces
	// and - ' " . , : /
	SMSOriginator string `json:"sms_originator"`
	CallerID      string `json:"caller_id"`
}

// ReadNotificationSettings returns the dealer's notification settings
// (dealer/settings/notification/read; notification_settings: read).
func (c *Client) ReadNotificationSettings(ctx context.Context, hash string) (*NotificationSettings, error) {
	var out struct {
		Value NotificationSettings `json:"value"`
	}
	if err := c.call(ctx, readOnly, hash, "dealer/settings/notification/read", nil, &out); err != nil {
		return nil, err
	}
	return &out.Value, nil
}

// UpdateNotificationSettings replaces the dealer's notification settings
// (dealer/settings/notification/update; notification_settings: update).
// It is a full replacement: an empty EmailSpecial is sent as null and
// clears the address.
func (c *Client) UpdateNotificationSettings(ctx context.Context, hash string, s NotificationSettings) error {
	params := struct {
		EmailFrom     string  `json:"email_from"`
		EmailFooter   string  `json:"email_footer"`
		EmailSpecial  *string `json:"email_special"`
		SMSOriginator string  `json:"sms_originator"`
		CallerID      string  `json:"caller_id"`
	}{s.EmailFrom, s.EmailFooter, NullIfEmpty(s.EmailSpecial), s.SMSOriginator, s.CallerID}
	return c.call(ctx, mutation, hash, "dealer/settings/notification/update", params, nil)
}
