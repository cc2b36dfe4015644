package panelsim

import (
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The user API is the one a dealer's customers and their web application
// use (user-api-docs/). A Navixy platform serves it at /v2/<resource>/
// <action>, the Panel API being the /v2/panel/ subtree of the same host.
// The emulator answers the few user API calls the portal makes with a user
// session that the Panel's user/session/create opened:
//
//   - tracker/list_models: the models the platform integrates (optionally
//     only the `codes` asked for);
//   - plugin/list: the plugins the user may use (44, 35 and the trip
//     report for everyone; 37 and 68 instead of 44 and 35 for the
//     customer ActivationCodeUserID, whose dealer requires activation
//     codes);
//   - tracker/register: a new tracker in the user's account, shown from
//     then on by the Panel's tracker/list like any other.
//
// Same conventions as the Panel side: parameters as JSON, form fields or
// query, the hash as `Authorization: NVX`, a `hash` parameter or query;
// the documented error codes with errors.md's HTTP statuses. A malformed
// hash is 3; a hash that is not a live user session (unknown, older than
// 24 hours, its user deleted, or a Panel session) is 4. Fault knobs, call
// counts and attempts use the action's name with UserAPIActionPrefix
// ("userapi/tracker/register").

// userAPIPrefix is where the user API lives.
const userAPIPrefix = "/v2/"

// UserAPIActionPrefix names user API actions for SetFault, Attempts and
// CallCount, e.g. "userapi/tracker/register", so they never collide with
// the Panel's own action names.
const UserAPIActionPrefix = "userapi/"

// ActivationCodeUserID is the seeded customer whose account requires an
// activation code for every registration: plugin/list offers plugins 37 and
// 68, not 44 and 35.
const ActivationCodeUserID = 7

// Registration plugin ids of activate-device.md.
const (
	pluginDeviceOptional = 44
	pluginDeviceRequired = 37
	pluginAppOptional    = 35
	pluginAppRequired    = 68
	pluginTripReport     = 4
)

// Error codes of tracker/register (errors.md).
const (
	codeUnknownModel     = 220
	codePluginNotFound   = 222
	codePhoneInUse       = 223
	codeDeviceIDInUse    = 224
	codeWrongActivation  = 227
	userAPIAPNMaxRunes   = 40
	userAPIPhoneMinDigit = 5
	userAPIPhoneMaxDigit = 15
)

// userAPIActionName turns "/v2/tracker/register/" into "tracker/register".
// Paths of the Panel API (/v2/panel...) are not the user API's.
func userAPIActionName(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, userAPIPrefix)
	if !ok || rest == "panel" || strings.HasPrefix(rest, "panel/") {
		return "", false
	}
	rest = strings.TrimSuffix(rest, "/")
	if rest == "" || rest[0] == '/' || strings.Contains(rest, "//") {
		return "", false
	}
	return rest, true
}

// userAPIRun runs one user API action for the user whose session called.
type userAPIRun func(c *call, userID int) (any, error)

func (s *Server) userAPIAction(name string) (userAPIRun, bool) {
	switch name {
	case "tracker/list_models":
		return s.userAPIListModels, true
	case "plugin/list":
		return s.userAPIPluginList, true
	case "tracker/register":
		return s.userAPITrackerRegister, true
	}
	return nil, false
}

// UserAPIActions lists the user API actions the emulator answers.
func (s *Server) UserAPIActions() []string {
	return []string{"plugin/list", "tracker/list_models", "tracker/register"}
}

// serveUserAPI answers one user API request, with the same fault knobs as
// the Panel's actions.
func (s *Server) serveUserAPI(w http.ResponseWriter, r *http.Request, name string) {
	start := time.Now()
	key := UserAPIActionPrefix + name
	s.calls.countAttempt(key)
	f := s.faults.lookup(key)
	if f.Latency > 0 {
		bufferBody(r)
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if f.Drop {
		dropConnection(w)
		return
	}
	if f.Status != 0 || f.Body != "" {
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.Header().Set("Content-Type", http.DetectContentType([]byte(f.Body)))
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
		return
	}
	var rep reply
	if f.Code != 0 {
		rep = newError(f.Code).render()
	} else {
		rep = s.dispatchUserAPI(r, name, key)
	}
	if f.Truncate && len(rep.body) > 1 {
		rep.body = rep.body[:len(rep.body)/2]
	}
	writeReply(w, rep)
	if s.log.Enabled(r.Context(), slog.LevelDebug) {
		s.log.Debug("panelsim user api request", "action", name, "status", rep.status,
			"code", replyCode(rep), "duration", time.Since(start))
	}
}

// dispatchUserAPI checks the method, reads the parameters, finds the user
// of the session and runs the action.
func (s *Server) dispatchUserAPI(r *http.Request, name, key string) reply {
	run, ok := s.userAPIAction(name)
	if !ok {
		return newError(codeWrongHandler).render()
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return newError(codeWrongMethod).render()
	}
	p, perr := readParams(r)
	if perr != nil {
		return perr.render()
	}
	c := &call{params: p, now: s.clock(), req: r}
	hash, herr := requestHash(r, p)
	if herr != nil {
		return herr.render()
	}
	userID, ok := s.userSessionUser(hash, c.now)
	if !ok {
		return newError(codeSessionEnded).render()
	}
	s.calls.countRun(key)
	payload, err := run(c, userID)
	if err != nil {
		if ae, ok := err.(*apiError); ok {
			return ae.render()
		}
		s.log.Error("panelsim user api action failed", "action", name, "error", err)
		return newError(codeUnexpected).render()
	}
	return successReply(payload)
}

// userSessionUser is the user of a live user session: opened by
// user/session/create less than 24 hours ago, its user not deleted.
func (s *Server) userSessionUser(hash string, now time.Time) (int, bool) {
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	us, ok := st.userSessionLocked(hash)
	if !ok || !now.Before(us.created.Add(sessionLifetime)) || st.userLocked(us.userID) == nil {
		return 0, false
	}
	return us.userID, true
}

// UserAPIModel is a model of tracker/list_models (tracker.md), with the
// fields the docs describe that matter for registration and a few others.
type UserAPIModel struct {
	ID                  int      `json:"id"`
	Vendor              string   `json:"vendor"`
	Code                string   `json:"code"`
	ParentCode          *string  `json:"parent_code"`
	Type                string   `json:"type"`
	Name                string   `json:"name"`
	IDType              string   `json:"id_type"`
	HasPhone            bool     `json:"has_phone"`
	HasAPNSettings      bool     `json:"has_apn_settings"`
	Register            bool     `json:"register"`
	HasAutoRegistration bool     `json:"has_auto_registration"`
	Port                *int     `json:"port"`
	AnalogInputs        int      `json:"analog_inputs"`
	DigitalInputs       int      `json:"digital_inputs"`
	DigitalOutputs      int      `json:"digital_outputs"`
	RS232Inputs         int      `json:"rs232_inputs"`
	OutputControl       string   `json:"output_control"`
	SpecialControl      string   `json:"special_control"`
	Rules               []string `json:"rules"`
	Inputs              []string `json:"inputs"`
	StateFields         []string `json:"state_fields"`
	SpecialSettings     []string `json:"special_settings"`
	SMSControl          []string `json:"sms_control"`
	HasOdometer         bool     `json:"has_odometer"`
	HasLBS              bool     `json:"has_lbs"`
	HasMotionSensor     bool     `json:"has_motion_sensor"`

	camera bool
}

// userAPIModelList is the platform's model catalogue: the models the seed
// uses (id_type imei for devices with an IMEI, a generated 12-digit ID for
// the X-GPS apps) and one model of every other documented ID type.
var userAPIModelList = buildUserAPIModels()

func buildUserAPIModels() []UserAPIModel {
	port := func(n int) *int { return &n }
	vehicle := func(id int, m deviceModel, p int) UserAPIModel {
		vendor, _, _ := strings.Cut(m.name, " ")
		return UserAPIModel{
			ID: id, Vendor: vendor, Code: m.code, Type: "vehicle", Name: m.name, IDType: "imei",
			HasPhone: true, HasAPNSettings: true, Register: true, HasAutoRegistration: true, Port: port(p),
			AnalogInputs: 2, DigitalInputs: 4, DigitalOutputs: 2, OutputControl: "default", SpecialControl: "none",
			Rules:       []string{"speedup", "inoutzone", "offline", "sos", "input_change"},
			Inputs:      []string{"board_voltage", "hw_mileage"},
			StateFields: []string{"moving"}, SpecialSettings: []string{"none"}, SMSControl: []string{},
			HasOdometer: true, HasLBS: true, HasMotionSensor: true, camera: m.camera,
		}
	}
	var out []UserAPIModel
	id := 100
	for i, m := range hardwareModels {
		id++
		out = append(out, vehicle(id, m, 47776+i))
	}
	for i, m := range cameraModels {
		id++
		out = append(out, vehicle(id, m, 48800+i))
	}
	app := func(id int, code, name string, register bool, parent *string) UserAPIModel {
		return UserAPIModel{
			ID: id, Vendor: "Navixy", Code: code, ParentCode: parent, Type: "personal", Name: name, IDType: "12,1",
			Register: register, OutputControl: "none", SpecialControl: "none",
			Rules: []string{"inoutzone", "offline", "sos"}, Inputs: []string{}, StateFields: []string{},
			SpecialSettings: []string{"none"}, SMSControl: []string{}, HasLBS: true,
		}
	}
	unknownApp := "mobile_unknown_xgps"
	out = append(out,
		app(201, "mobile_unknown_xgps", "X-GPS Tracker", true, nil),
		app(202, mobileModels[0].code, mobileModels[0].name, false, &unknownApp),
		app(203, mobileModels[1].code, mobileModels[1].name, false, &unknownApp),
		UserAPIModel{
			ID: 2450, Vendor: "Navixy", Code: "navixy_ngp", Type: "vehicle", Name: "Navixy Generic Protocol",
			IDType: "ascii,6,64", Register: true, AnalogInputs: 32, DigitalInputs: 8, DigitalOutputs: 8,
			OutputControl: "default", SpecialControl: "none", Rules: []string{"speedup", "inoutzone", "offline"},
			Inputs: []string{"analog_32", "board_voltage"}, StateFields: []string{"event_id", "moving"},
			SpecialSettings: []string{"none"}, SMSControl: []string{}, HasOdometer: true, HasLBS: true, HasMotionSensor: true,
		},
		UserAPIModel{
			ID: 301, Vendor: "Xirgo", Code: "xirgo_xt4750", Type: "vehicle", Name: "Xirgo XT-4750 (CDMA)",
			IDType: "meid", HasPhone: true, Register: true, Port: port(47990), OutputControl: "default",
			SpecialControl: "none", Rules: []string{"speedup", "offline"}, Inputs: []string{}, StateFields: []string{},
			SpecialSettings: []string{"none"}, SMSControl: []string{},
		},
		UserAPIModel{
			ID: 302, Vendor: "Digital Matter", Code: "dm_oyster3", Type: "portable", Name: "Digital Matter Oyster3",
			IDType: "id,7", HasPhone: true, HasAPNSettings: true, Register: true, Port: port(47991),
			OutputControl: "none", SpecialControl: "none", Rules: []string{"offline"}, Inputs: []string{},
			StateFields: []string{}, SpecialSettings: []string{"none"}, SMSControl: []string{},
		},
		UserAPIModel{
			ID: 303, Vendor: "Concox", Code: "concox_gt02", Type: "vehicle", Name: "Concox GT02 (discontinued)",
			IDType: "imei", HasPhone: true, HasAPNSettings: true, Register: false, Port: port(47992),
			OutputControl: "none", SpecialControl: "none", Rules: []string{"offline"}, Inputs: []string{},
			StateFields: []string{}, SpecialSettings: []string{"none"}, SMSControl: []string{},
		},
	)
	return out
}

// userAPIModel finds a model by code.
func userAPIModel(code string) (UserAPIModel, bool) {
	for _, m := range userAPIModelList {
		if m.Code == code {
			return m, true
		}
	}
	return UserAPIModel{}, false
}

// UserAPIModels returns the emulator's model catalogue (tracker/list_models).
func (s *Server) UserAPIModels() []UserAPIModel {
	return append([]UserAPIModel(nil), userAPIModelList...)
}

// userAPIListModels answers tracker/list_models: every model, or those
// named in `codes` (unknown codes are left out). compact_view and
// compact_index are accepted and change nothing here.
func (s *Server) userAPIListModels(c *call, _ int) (any, error) {
	p := c.params
	codes, hasCodes := p.optStringList("codes")
	p.optBool("compact_view")
	p.optBool("compact_index")
	if err := p.err(); err != nil {
		return nil, err
	}
	list := make([]UserAPIModel, 0, len(userAPIModelList))
	for _, m := range userAPIModelList {
		if hasCodes && !containsString(codes, m.Code) {
			continue
		}
		list = append(list, m)
	}
	return struct {
		List []UserAPIModel `json:"list"`
	}{list}, nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// userAPIPlugin is plugins.md's plugin object.
type userAPIPlugin struct {
	ID       int                 `json:"id"`
	Type     string              `json:"type"`
	Module   string              `json:"module"`
	UIModule string              `json:"ui_module"`
	Filter   userAPIPluginFilter `json:"filter"`
}

type userAPIPluginFilter struct {
	Exclusion bool     `json:"exclusion"`
	Values    []string `json:"values"`
}

// supports reports whether the plugin applies to a model: each value is a
// regular expression over the whole model code.
func (p userAPIPlugin) supports(model string) bool {
	hit := false
	for _, v := range p.Filter.Values {
		if re, err := regexp.Compile("^(?:" + v + ")$"); err == nil && re.MatchString(model) {
			hit = true
			break
		}
	}
	return hit != p.Filter.Exclusion
}

var (
	appModels       = []string{"mobile_unknown.*", "navixymobile.*", "iosnavixytracker"}
	userAPIPluginBy = map[int]userAPIPlugin{
		pluginDeviceOptional: {ID: pluginDeviceOptional, Type: "tracker_register", Module: "com.navixy.plugin.tracker.register.default",
			UIModule: "Registration.appPlugins.Default", Filter: userAPIPluginFilter{Exclusion: true, Values: appModels}},
		pluginDeviceRequired: {ID: pluginDeviceRequired, Type: "tracker_register", Module: "com.navixy.plugin.tracker.register.activation_code",
			UIModule: "Registration.appPlugins.ActivationCode", Filter: userAPIPluginFilter{Exclusion: true, Values: appModels}},
		pluginAppOptional: {ID: pluginAppOptional, Type: "tracker_register", Module: "com.navixy.plugin.tracker.register.mobile",
			UIModule: "Registration.appPlugins.Mobile", Filter: userAPIPluginFilter{Values: appModels}},
		pluginAppRequired: {ID: pluginAppRequired, Type: "tracker_register", Module: "com.navixy.plugin.tracker.register.mobile_activation_code",
			UIModule: "Registration.appPlugins.MobileActivationCode", Filter: userAPIPluginFilter{Values: appModels}},
		pluginTripReport: {ID: pluginTripReport, Type: "tracker_report", Module: "com.navixy.plugin.tracker.report.trip",
			UIModule: "Trip", Filter: userAPIPluginFilter{Exclusion: true, Values: []string{}}},
	}
)

// userPluginIDs are the plugins a user may use.
func userPluginIDs(userID int) []int {
	if userID == ActivationCodeUserID {
		return []int{pluginTripReport, pluginDeviceRequired, pluginAppRequired}
	}
	return []int{pluginTripReport, pluginDeviceOptional, pluginAppOptional}
}

// userAPIPluginList answers plugin/list: the user's plugins.
func (s *Server) userAPIPluginList(_ *call, userID int) (any, error) {
	ids := userPluginIDs(userID)
	list := make([]userAPIPlugin, 0, len(ids))
	for _, id := range ids {
		list = append(list, userAPIPluginBy[id])
	}
	return struct {
		List []userAPIPlugin `json:"list"`
	}{list}, nil
}

// userAPITracker is a tracker as the user API shows it (tracker.md,
// "Tracker object structure").
type userAPITracker struct {
	ID      int              `json:"id"`
	Label   string           `json:"label"`
	GroupID int              `json:"group_id"`
	Source  userAPISourceOut `json:"source"`
	Clone   bool             `json:"clone"`
}

type userAPISourceOut struct {
	ID              int     `json:"id"`
	DeviceID        string  `json:"device_id"`
	Model           string  `json:"model"`
	Blocked         bool    `json:"blocked"`
	TariffID        int     `json:"tariff_id"`
	Phone           *string `json:"phone"`
	StatusListingID *int    `json:"status_listing_id"`
	CreationDate    Date    `json:"creation_date"`
	TariffEndDate   *Date   `json:"tariff_end_date"`
}

// userAPITrackerRegister registers a GPS device or a mobile app in the
// session user's account (tracker.md "register", activate-device.md).
// Checks, in this order:
//
//   - 7: label 1-60 printable characters; group_id, model, plugin_id
//     present; phone digits only (5 to 15, no "+"); apn_name, apn_user,
//     apn_password at most 40 characters; with a model known: device_id
//     present and of the model's id_type (imei 15 digits, meid 14 hex
//     digits, id,n n digits, ascii,min,max printable ASCII; a generated
//     "n,m" type takes none and makes one up), phone present when the
//     model has one, apn_name present when it has APN settings, an
//     activation_code with plugins 37 and 68;
//   - 220 unknown model, or one that cannot be registered (register false);
//   - 222 a plugin the user does not have, not a registration plugin, or
//     not for this model;
//   - 204 a group other than 0 (the emulator keeps no tracker groups);
//   - 224 the device ID of a device registered in the platform (any
//     dealer's, clones aside, unless its registration was cancelled);
//   - 223 the phone number of such a device;
//   - 227 an activation code that does not exist or is used;
//   - 221 the owner's plan's device_limit reached: the plan is the user's
//     default plan (user/read default_tariff_id), else the dealer's default
//     plan for the device type; a limit of 0 means none.
//
// The tracker gets the plan (or the activation code's), a tariff end date
// after the default's free days for a monthly plan, and the status
// just_registered; tracker/list shows it at once.
func (s *Server) userAPITrackerRegister(c *call, userID int) (any, error) {
	p := c.params
	label := p.string("label")
	groupID := p.int("group_id")
	modelCode := p.string("model")
	pluginID := p.int("plugin_id")
	deviceID, hasDevice := p.optString("device_id")
	phone, _ := p.optString("phone")
	apnName, _ := p.optString("apn_name")
	apnUser, _ := p.optString("apn_user")
	apnPassword, _ := p.optString("apn_password")
	code, hasCode := p.optString("activation_code")
	p.optBool("send_register_commands")
	if p.has("label") {
		checkTrackerLabel(p, "label", label, false)
	}
	deviceID = strings.TrimSpace(deviceID)
	if phone != "" && (!allDigits(phone) || len(phone) < userAPIPhoneMinDigit || len(phone) > userAPIPhoneMaxDigit) {
		p.invalid("phone", "Must be 5 to 15 digits with the country code, without +")
	}
	for name, v := range map[string]string{"apn_name": apnName, "apn_user": apnUser, "apn_password": apnPassword} {
		if utf8.RuneCountInString(v) > userAPIAPNMaxRunes {
			p.invalid(name, "Length must be at most 40")
		}
	}
	m, known := userAPIModel(modelCode)
	idType := parseUserAPIIDType(m.IDType)
	if known {
		switch {
		case idType.generated:
			deviceID = ""
		case !hasDevice || deviceID == "":
			p.invalid("device_id", msgMissing)
		case !idType.fits(deviceID):
			p.invalid("device_id", "Does not match the model's ID type "+m.IDType)
		}
		if m.HasPhone && phone == "" {
			p.invalid("phone", msgMissing)
		}
		if m.HasAPNSettings && apnName == "" {
			p.invalid("apn_name", msgMissing)
		}
	}
	if (pluginID == pluginDeviceRequired || pluginID == pluginAppRequired) && (!hasCode || code == "") {
		p.invalid("activation_code", msgMissing)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if !known || !m.Register {
		return nil, newError(codeUnknownModel)
	}
	plugin, ok := userAPIPluginBy[pluginID]
	if !ok || !containsInt(userPluginIDs(userID), pluginID) || plugin.Type != "tracker_register" || !plugin.supports(m.Code) {
		return nil, newError(codePluginNotFound)
	}
	if groupID != 0 {
		return nil, newError(codeEntityNotFound)
	}

	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	u := st.userLocked(userID)
	if u == nil {
		return nil, newError(codeSessionEnded)
	}
	if idType.generated {
		deviceID = st.generatedDeviceIDLocked(idType)
	} else if st.deviceInUseLocked(func(src *Source) bool { return strings.EqualFold(src.DeviceID, deviceID) }) {
		return nil, newError(codeDeviceIDInUse)
	}
	if phone != "" && st.deviceInUseLocked(func(src *Source) bool { return src.Phone != nil && *src.Phone == phone }) {
		return nil, newError(codePhoneInUse)
	}
	var ac *ActivationCode
	if hasCode && code != "" {
		ac = st.stock.codeByCode[code]
		if ac == nil || ac.Activated {
			return nil, newError(codeWrongActivation)
		}
	}
	defaults := st.trackerDefault
	if m.camera {
		defaults = st.cameraDefault
	}
	plan := st.tariffLocked(defaults.TariffID)
	if u.DefaultTariffID != nil && !m.camera {
		if dp := st.tariffLocked(*u.DefaultTariffID); dp != nil && dp.DeviceType == "tracker" {
			plan = dp
		}
	}
	if ac != nil {
		if cp := st.tariffLocked(ac.TariffID); cp != nil {
			plan = cp
		}
	}
	if plan != nil && plan.DeviceLimit > 0 && !m.camera && st.userViewLocked(u).TrackersCount >= plan.DeviceLimit {
		return nil, newError(codeTrackerLimitExceeded)
	}

	now := c.now.UTC()
	today := Date{now.Truncate(24 * time.Hour)}
	src := &Source{
		ID: st.newSourceIDLocked(), DeviceID: deviceID, Model: m.Code,
		ConnectionStatus: "just_registered", CreationDate: today,
	}
	if phone != "" || m.HasPhone {
		src.Phone = ptr(phone)
	}
	if plan != nil {
		src.TariffID = plan.ID
		if plan.Type == "monthly" {
			src.TariffEndDate = &Date{today.AddDate(0, 0, max(defaults.FreeDays, 1))}
		}
	}
	t := &Tracker{UserID: u.ID, DealerID: st.dealer.ID, Label: label, ModelName: m.Name, Source: src, CreationDate: today}
	st.insertTrackerLocked(t)
	if ac != nil {
		ac.Activated, ac.ActivationDate, ac.DeviceID = true, &DateTime{now.Truncate(time.Second)}, src.ID
	}
	out := userAPITracker{ID: t.ID, Label: t.Label, GroupID: t.GroupID, Source: userAPISourceOut{
		ID: src.ID, DeviceID: src.DeviceID, Model: src.Model, TariffID: src.TariffID,
		CreationDate: src.CreationDate, TariffEndDate: src.TariffEndDate,
	}}
	if src.Phone != nil {
		out.Source.Phone = ptr(*src.Phone)
	}
	return struct {
		Value userAPITracker `json:"value"`
	}{out}, nil
}

func containsInt(list []int, n int) bool {
	for _, v := range list {
		if v == n {
			return true
		}
	}
	return false
}

// deviceInUseLocked reports whether a device registered in the platform
// matches: an original tracker's source whose registration was not
// cancelled (deleted trackers still hold their device).
func (st *Store) deviceInUseLocked(match func(*Source) bool) bool {
	for _, t := range st.trackers {
		if !t.Clone && !t.Source.Corrupted && match(t.Source) {
			return true
		}
	}
	return false
}

// generatedDeviceIDLocked makes up a free device ID of a generated type:
// Length digits starting with Prefix.
func (st *Store) generatedDeviceIDLocked(t userAPIIDType) string {
	width := max(t.length-len(t.prefix), 1)
	limit := 1
	for range min(width, 9) {
		limit *= 10
	}
	for n := st.nextSourceID * 7919 % limit; ; n = (n + 1) % limit {
		s := strconv.Itoa(n)
		id := t.prefix + strings.Repeat("0", max(width-len(s), 0)) + s
		if !st.deviceInUseLocked(func(src *Source) bool { return src.DeviceID == id }) {
			return id
		}
	}
}

// userAPIIDType is the emulator's own reading of a model's id_type
// (tracker.md "ID type").
type userAPIIDType struct {
	kind           string // imei, meid, id, generated, ascii, other
	length         int
	prefix         string
	minLen, maxLen int
	generated      bool
}

func parseUserAPIIDType(s string) userAPIIDType {
	parts := strings.Split(s, ",")
	switch {
	case s == "imei" || s == "meid":
		return userAPIIDType{kind: s}
	case len(parts) == 2 && parts[0] == "id":
		if n, err := strconv.Atoi(parts[1]); err == nil {
			return userAPIIDType{kind: "id", length: n}
		}
	case len(parts) == 3 && parts[0] == "ascii":
		lo, err1 := strconv.Atoi(parts[1])
		hi, err2 := strconv.Atoi(parts[2])
		if err1 == nil && err2 == nil {
			return userAPIIDType{kind: "ascii", minLen: lo, maxLen: hi}
		}
	case len(parts) == 2:
		if n, err := strconv.Atoi(parts[0]); err == nil && allDigits(parts[1]) {
			return userAPIIDType{kind: "generated", length: n, prefix: parts[1], generated: true}
		}
	}
	return userAPIIDType{kind: "other"}
}

func (t userAPIIDType) fits(id string) bool {
	switch t.kind {
	case "imei":
		return len(id) == 15 && allDigits(id)
	case "meid":
		if len(id) != 14 {
			return false
		}
		for i := 0; i < len(id); i++ {
			c := id[i] | 0x20
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return false
			}
		}
		return true
	case "id":
		return len(id) == t.length && allDigits(id)
	case "ascii":
		if len(id) < t.minLen || len(id) > t.maxLen {
			return false
		}
		for i := 0; i < len(id); i++ {
			if id[i] < 0x21 || id[i] > 0x7e {
				return false
			}
		}
		return true
	}
	return id != "" && len(id) <= 64 && printable(id)
}
