package panelclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// UserAPIActionPrefix starts the action names the user API client reports
// to the WithObserver callback ("userapi/tracker/register"), so its calls
// are told apart from the Panel's own in metrics.
const UserAPIActionPrefix = "userapi/"

// UserAPI calls the Navixy user API, the one a dealer's customers and
// their web application use, with a user session hash that
// Client.CreateUserSession returned (Panel user/session/create). The portal
// uses it for what the Panel API has no call for, such as registering a
// tracker in a customer's account.
//
// It shares its Client's HTTP connection pool, timeout and User-Agent, and
// answers with the same error types: *APIError (the user API refused; its
// codes are the platform's errors.md, so 4 here means the USER session is
// gone, not the staff member's) and *TransportError. Mutations are never
// resent; reads are resent once like the Panel's.
//
// The user session hash is a credential of the customer: it is sent only
// in the Authorization header and never appears in an error message.
type UserAPI struct {
	c *Client
}

// DefaultUserAPIURL derives the user API's base URL from the Panel API's:
// a Navixy platform serves the Panel API at <api>/v2/panel (on premise
// <api>/panel) and the user API at <api>/v2 (<api>). It returns "" when
// panelURL does not end in /panel.
func DefaultUserAPIURL(panelURL string) string {
	u, err := url.Parse(strings.TrimSpace(panelURL))
	if err != nil || u.Host == "" {
		return ""
	}
	rest, ok := strings.CutSuffix(strings.TrimRight(u.Path, "/"), "/panel")
	if !ok {
		return ""
	}
	u.Path, u.RawPath = rest, ""
	return u.String()
}

// BaseURL is the address the client calls actions under, as New cleaned
// it (no trailing slash).
func (c *Client) BaseURL() string { return c.base.String() }

// UserAPI returns a client for the user API at baseURL (for example
// "https://api.eu.navixy.com/v2", see DefaultUserAPIURL), sharing c's HTTP
// client, timeout, User-Agent and observer. The observer sees its actions
// with UserAPIActionPrefix.
func (c *Client) UserAPI(baseURL string) (*UserAPI, error) {
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, fmt.Errorf("user API: %w", err)
	}
	uc := &Client{base: base, hc: c.hc, timeout: c.timeout, userAgent: c.userAgent}
	if obs := c.observe; obs != nil {
		uc.observe = func(action string, code int, d time.Duration) { obs(UserAPIActionPrefix+action, code, d) }
	}
	return &UserAPI{c: uc}, nil
}

// BaseURL is the user API address the client calls.
func (u *UserAPI) BaseURL() string { return u.c.BaseURL() }

// TrackerModel is a device model the platform integrates (user API
// tracker/list_models): what registering a device of this model needs.
// Only the fields the portal reads are kept.
type TrackerModel struct {
	ID     int    `json:"id"`
	Vendor string `json:"vendor"`
	// Code is the model's code, the `model` parameter of tracker/register.
	Code       string `json:"code"`
	ParentCode string `json:"parent_code"`
	// Type is logger, portable, vehicle or personal.
	Type string `json:"type"`
	Name string `json:"name"`
	// IDType says what a device ID of this model looks like; read it with
	// ParseDeviceIDType.
	IDType string `json:"id_type"`
	// HasPhone: the device has a SIM card and a phone number.
	HasPhone bool `json:"has_phone"`
	// HasAPNSettings: the device needs the SIM's APN.
	HasAPNSettings bool `json:"has_apn_settings"`
	// Register is false for a model that cannot be registered.
	Register            bool `json:"register"`
	HasAutoRegistration bool `json:"has_auto_registration"`
}

// modelList reads tracker/list_models. The markdown's response example
// shows one bare model object where the call answers `list`; both are
// read.
type modelList []TrackerModel

func (m *modelList) UnmarshalJSON(b []byte) error {
	var w struct {
		List *[]TrackerModel `json:"list"`
		Code *string         `json:"code"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	switch {
	case w.List != nil:
		*m = *w.List
	case w.Code != nil:
		var one TrackerModel
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*m = []TrackerModel{one}
	default:
		return fmt.Errorf("tracker/list_models: neither `list` nor a model object")
	}
	return nil
}

// ListModels returns the models the platform integrates (user API
// tracker/list_models), only those named in codes when codes is not empty.
// An unknown code is left out of the answer, not refused.
func (u *UserAPI) ListModels(ctx context.Context, userHash string, codes []string) ([]TrackerModel, error) {
	params := struct {
		Codes []string `json:"codes,omitempty"`
	}{codes}
	var out modelList
	if err := u.c.call(ctx, readOnly, userHash, "tracker/list_models", params, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Registration plugins of activate-device.md: which one tracker/register
// uses decides whether an activation code is needed.
const (
	// PluginDeviceCodeOptional registers a GPS device; the activation code
	// is optional.
	PluginDeviceCodeOptional = 44
	// PluginDeviceCodeRequired registers a GPS device with an activation
	// code.
	PluginDeviceCodeRequired = 37
	// PluginAppCodeOptional registers the X-GPS mobile app; the code is
	// optional.
	PluginAppCodeOptional = 35
	// PluginAppCodeRequired registers the X-GPS mobile app with a code.
	PluginAppCodeRequired = 68
)

// PluginTypeTrackerRegister is the type of the registration plugins.
const PluginTypeTrackerRegister = "tracker_register"

// Plugin is a software module that changes how an API call behaves, for
// example how tracker/register registers a device (plugins.md).
type Plugin struct {
	ID       int          `json:"id"`
	Type     string       `json:"type"`
	UIModule string       `json:"ui_module"`
	Module   string       `json:"module"`
	Filter   PluginFilter `json:"filter"`
	// Parameters are plugin-specific; usually absent.
	Parameters json.RawMessage `json:"parameters,omitempty"`
}

// PluginFilter says which models a plugin applies to.
type PluginFilter struct {
	// Exclusion: Values lists the models the plugin does NOT apply to.
	Exclusion bool `json:"exclusion"`
	// Values are regular expressions over model codes.
	Values []string `json:"values"`
}

// Supports reports whether the plugin applies to a model code: a value
// matches when its regular expression matches the whole code (a value that
// is not a valid expression must equal the code).
func (p Plugin) Supports(model string) bool {
	matched := false
	for _, v := range p.Filter.Values {
		if re, err := regexp.Compile(`^(?:` + v + `)$`); err == nil {
			matched = re.MatchString(model)
		} else {
			matched = v == model
		}
		if matched {
			break
		}
	}
	return matched != p.Filter.Exclusion
}

// ListPlugins returns the plugins available to the user (user API
// plugin/list): only these may register trackers.
func (u *UserAPI) ListPlugins(ctx context.Context, userHash string) ([]Plugin, error) {
	var out struct {
		List []Plugin `json:"list"`
	}
	if err := u.c.call(ctx, readOnly, userHash, "plugin/list", nil, &out); err != nil {
		return nil, err
	}
	return out.List, nil
}

// TrackerRegisterParams are the parameters of tracker/register with the
// GPS-device plugins (44, 37). Empty optional strings are left out.
type TrackerRegisterParams struct {
	// Label is 1 to 60 printable characters.
	Label string `json:"label"`
	// GroupID is 0 for no group.
	GroupID int `json:"group_id"`
	// Model is a code of tracker/list_models.
	Model string `json:"model"`
	// PluginID is one of the user's plugins that supports the model.
	PluginID int `json:"plugin_id"`
	// DeviceID is required for models with a fixed ID (not generated).
	DeviceID string `json:"device_id,omitempty"`
	// Phone is the SIM's number with the country code, without "+".
	Phone string `json:"phone,omitempty"`
	// APNName, APNUser and APNPassword are at most 40 characters each.
	APNName     string `json:"apn_name,omitempty"`
	APNUser     string `json:"apn_user,omitempty"`
	APNPassword string `json:"apn_password,omitempty"`
	// ActivationCode is required by plugin 37, optional with 44.
	ActivationCode string `json:"activation_code,omitempty"`
	// SendRegisterCommands nil leaves it to the platform's settings.
	SendRegisterCommands *bool `json:"send_register_commands,omitempty"`
}

// RegisteredTracker is the tracker tracker/register created, as the user
// API shows it.
type RegisteredTracker struct {
	ID      int              `json:"id"`
	Label   string           `json:"label"`
	GroupID int              `json:"group_id"`
	Clone   bool             `json:"clone"`
	Source  RegisteredSource `json:"source"`
}

// RegisteredSource is the device behind a registered tracker.
type RegisteredSource struct {
	ID int `json:"id"`
	// DeviceID is read whether the API sends it as a string or, as some
	// of the user API's examples show it, as a number.
	DeviceID      string `json:"-"`
	Model         string `json:"model"`
	Blocked       bool   `json:"blocked"`
	TariffID      int    `json:"tariff_id"`
	Phone         string `json:"phone"`
	CreationDate  string `json:"creation_date"`
	TariffEndDate string `json:"tariff_end_date"`
}

// UnmarshalJSON reads device_id as a string or a number.
func (s *RegisteredSource) UnmarshalJSON(b []byte) error {
	type plain RegisteredSource
	var w struct {
		plain
		DeviceID json.RawMessage `json:"device_id"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = RegisteredSource(w.plain)
	s.DeviceID = jsonScalarText(w.DeviceID)
	return nil
}

// jsonScalarText is the text of a JSON string or number ("" for null).
func jsonScalarText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// RegisterTracker registers a device in the user's account (user API
// tracker/register) and returns the new tracker. It is a mutation: never
// resent; after a timeout the device may or may not be registered, so look
// it up before trying again. The documented refusals come back as
// *APIError: 7 (parameters), 13, 204 (group), 220 (unknown model), 221
// (device limit), 222 (plugin), 223 (phone in use), 224 (device ID in
// use), 225, 226, 227 (activation code), 258.
func (u *UserAPI) RegisterTracker(ctx context.Context, userHash string, p TrackerRegisterParams) (*RegisteredTracker, error) {
	var out struct {
		Value RegisteredTracker `json:"value"`
	}
	if err := u.c.call(ctx, mutation, userHash, "tracker/register", p, &out); err != nil {
		return nil, err
	}
	return &out.Value, nil
}

// Kinds of DeviceIDType.
const (
	// IDKindIMEI: 15 digits.
	IDKindIMEI = "imei"
	// IDKindMEID: 14 hexadecimal digits.
	IDKindMEID = "meid"
	// IDKindDigits: a factory ID of exactly Length digits ("id,n").
	IDKindDigits = "digits"
	// IDKindGenerated: the platform generates a Length-digit ID starting
	// with Prefix ("n,m"); none is passed at registration.
	IDKindGenerated = "generated"
	// IDKindASCII: printable ASCII of MinLen to MaxLen characters
	// ("ascii,6,64", the Navixy Generic Protocol example).
	IDKindASCII = "ascii"
	// IDKindUnknown: an id_type the docs do not describe.
	IDKindUnknown = "unknown"
)

// DeviceIDType is a model's id_type read (tracker.md, "ID type").
type DeviceIDType struct {
	Kind string
	// Length is the number of digits of IDKindDigits and IDKindGenerated.
	Length int
	// Prefix starts a generated ID.
	Prefix string
	// MinLen and MaxLen bound an IDKindASCII ID.
	MinLen, MaxLen int
	// Raw is the id_type as the API gave it.
	Raw string
}

// ParseDeviceIDType reads an id_type: "imei", "meid", "id,n", "n,m" and
// "ascii,min,max".
func ParseDeviceIDType(s string) DeviceIDType {
	t := DeviceIDType{Kind: IDKindUnknown, Raw: s}
	parts := strings.Split(strings.ToLower(strings.TrimSpace(s)), ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	switch {
	case len(parts) == 1 && parts[0] == "imei":
		t.Kind = IDKindIMEI
	case len(parts) == 1 && parts[0] == "meid":
		t.Kind = IDKindMEID
	case len(parts) == 2 && parts[0] == "id":
		if n, err := strconv.Atoi(parts[1]); err == nil && n > 0 {
			t.Kind, t.Length = IDKindDigits, n
		}
	case len(parts) == 3 && parts[0] == "ascii":
		lo, err1 := strconv.Atoi(parts[1])
		hi, err2 := strconv.Atoi(parts[2])
		if err1 == nil && err2 == nil && lo >= 0 && hi >= lo && hi > 0 {
			t.Kind, t.MinLen, t.MaxLen = IDKindASCII, lo, hi
		}
	case len(parts) == 2:
		if n, err := strconv.Atoi(parts[0]); err == nil && n > 0 && isDigits(parts[1]) {
			t.Kind, t.Length, t.Prefix = IDKindGenerated, n, parts[1]
		}
	}
	return t
}

// Generated reports whether the platform makes the device ID up itself.
func (t DeviceIDType) Generated() bool { return t.Kind == IDKindGenerated }

// Fits reports whether id has the shape the type requires. A generated
// type fits only an empty id; an unknown type fits any printable ID of 1
// to 64 characters.
func (t DeviceIDType) Fits(id string) bool {
	switch t.Kind {
	case IDKindIMEI:
		return len(id) == 15 && isDigits(id)
	case IDKindMEID:
		if len(id) != 14 {
			return false
		}
		for i := 0; i < len(id); i++ {
			if !strings.ContainsRune("0123456789abcdefABCDEF", rune(id[i])) {
				return false
			}
		}
		return true
	case IDKindDigits:
		return len(id) == t.Length && isDigits(id)
	case IDKindGenerated:
		return id == ""
	case IDKindASCII:
		return len(id) >= max(t.MinLen, 1) && len(id) <= t.MaxLen && printableASCII(id)
	}
	n := utf8.RuneCountInString(id)
	return n >= 1 && n <= 64 && printableASCII(id)
}

// LuhnValid reports whether a 15-digit IMEI's last digit is its Luhn
// check digit. Real IMEIs have one; a mismatch usually means a typo.
func LuhnValid(imei string) bool {
	if len(imei) != 15 || !isDigits(imei) {
		return false
	}
	sum := 0
	for i := 0; i < 15; i++ {
		d := int(imei[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
