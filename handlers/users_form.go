package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// userTextFields are the text fields of the user object the forms edit,
// named as the Panel API names them.
var userTextFields = []string{
	"login", "first_name", "middle_name", "last_name", "legal_name", "phone",
	"post_country", "post_region", "post_city", "post_index", "post_street_address",
	"registered_country", "registered_region", "registered_city", "registered_index", "registered_street_address",
	"state_reg_num", "tin", "okpo_code", "iec",
}

// userOtherFields are the create and update parameters outside the user
// object, and the user object's flags.
var userOtherFields = []string{
	"legal_type", "locale", "time_zone", "comment", "default_tariff_id",
	"discount.value", "discount.min_trackers", "discount.end_date", "discount.strategy",
}

var userCheckFields = []string{"activated", "verified", "dealer_mfa_settings.type"}

// userCompanyRequired are the fields a legal entity or a sole trader must
// fill in (user/upload documents them for both; a sole trader has no
// legal name).
var userCompanyRequired = []string{
	"post_country", "post_region", "post_city", "post_street_address", "post_index",
	"registered_country", "registered_region", "registered_city", "registered_street_address", "registered_index",
}

// userTextMax are the documented maximum lengths, in characters (the
// markdown's state_reg_num, the OpenAPI file's user schemas for the rest).
var userTextMax = map[string]int{
	"login": 255, "first_name": 100, "middle_name": 100, "last_name": 100,
	"post_country": 100, "post_region": 100, "post_city": 100, "post_street_address": 200,
	"registered_country": 100, "registered_region": 100, "registered_city": 100, "registered_street_address": 200,
	"legal_name": 255, "tin": 255, "iec": 255, "state_reg_num": 15,
}

// readUserValues reads the submitted user form: text trimmed, checkboxes
// as "true" or "". Passwords are read separately and never kept.
func readUserValues(c echo.Context) map[string]string {
	v := map[string]string{}
	for _, f := range userTextFields {
		v[f] = strings.TrimSpace(c.FormValue(f))
	}
	for _, f := range userOtherFields {
		v[f] = strings.TrimSpace(c.FormValue(f))
	}
	for _, f := range userCheckFields {
		if c.FormValue(f) == "true" {
			v[f] = "true"
		}
	}
	return v
}

// userValuesOf prefills the edit form with what the Panel has.
func userValuesOf(d *panelclient.UserDetails) map[string]string {
	u := d.User
	v := map[string]string{
		"login": u.Login, "first_name": u.FirstName, "middle_name": u.MiddleName, "last_name": u.LastName,
		"legal_name": u.LegalName, "legal_type": u.LegalType, "phone": u.Phone,
		"post_country": u.PostCountry, "post_region": u.PostRegion, "post_city": u.PostCity,
		"post_index": u.PostIndex, "post_street_address": u.PostStreetAddress,
		"registered_country": u.RegisteredCountry, "registered_region": u.RegisteredRegion,
		"registered_city": u.RegisteredCity, "registered_index": u.RegisteredIndex,
		"registered_street_address": u.RegisteredStreetAddress,
		"state_reg_num":             u.StateRegNum, "tin": u.TIN, "okpo_code": u.OKPOCode, "iec": u.IEC,
		"comment": u.Comment,
	}
	if u.Activated {
		v["activated"] = "true"
	}
	if u.Verified {
		v["verified"] = "true"
	}
	if d.DefaultTariffID != nil && *d.DefaultTariffID > 0 {
		v["default_tariff_id"] = strconv.Itoa(*d.DefaultTariffID)
	}
	if ds := d.Discount; ds != nil {
		if ds.Value != 0 || ds.MinTrackers != 0 || ds.EndDate != "" {
			v["discount.value"] = strconv.FormatFloat(ds.Value, 'f', -1, 64)
			v["discount.min_trackers"] = strconv.Itoa(ds.MinTrackers)
			v["discount.end_date"] = ds.EndDate
		}
		v["discount.strategy"] = ds.Strategy
	}
	return v
}

// checkUser applies the documented rules of the user object and the
// create/update parameters before anything is sent. create adds the
// password, locale and time zone; zones and locales, when known, are the
// values offered.
func checkUser(l *i18n.Localizer, v map[string]string, create bool, password, confirm string, zones, locales []templates.UserChoice) templates.FieldErrors {
	errs := templates.FieldErrors{}
	if msg := checkUserEmail(l, v["login"]); msg != "" {
		errs["login"] = msg
	}
	if create {
		if msg := checkUserPassword(l, password); msg != "" {
			errs["password"] = msg
		} else if confirm != password {
			errs["password_confirm"] = l.T("users.err.password_confirm")
		}
		if v["locale"] == "" {
			errs["locale"] = l.T("users.err.required")
		} else if len(locales) > 0 && !hasUserChoice(locales, v["locale"]) {
			errs["locale"] = l.T("users.err.choice")
		}
		if v["time_zone"] == "" {
			errs["time_zone"] = l.T("users.err.required")
		} else if len(zones) > 0 && !hasUserChoice(zones, v["time_zone"]) {
			errs["time_zone"] = l.T("users.err.choice")
		}
	}
	lt := v["legal_type"]
	switch lt {
	case panelclient.LegalTypeIndividual, panelclient.LegalTypeLegalEntity, panelclient.LegalTypeSoleTrader:
	default:
		errs["legal_type"] = l.T("users.err.choice")
	}
	for _, f := range []string{"last_name", "first_name"} {
		if v[f] == "" {
			errs[f] = l.T("users.err.required")
		}
	}
	if lt == panelclient.LegalTypeLegalEntity || lt == panelclient.LegalTypeSoleTrader {
		for _, f := range userCompanyRequired {
			if v[f] == "" {
				errs[f] = l.T("users.err.required_company")
			}
		}
		if lt == panelclient.LegalTypeLegalEntity && v["legal_name"] == "" {
			errs["legal_name"] = l.T("users.err.required_legal")
		}
	}
	if p := v["phone"]; p != "" {
		digits := normalizeUserPhone(p)
		if !userAllDigits(digits) || len(digits) < 10 || len(digits) > 15 {
			errs["phone"] = l.T("users.err.phone")
		} else {
			v["phone"] = digits
		}
	}
	for f, max := range userTextMax {
		if _, done := errs[f]; !done && utf8.RuneCountInString(v[f]) > max {
			errs[f] = l.T("users.err.max", max)
		}
	}
	if s := v["state_reg_num"]; s != "" && errs["state_reg_num"] == "" && !userAllDigits(s) {
		errs["state_reg_num"] = l.T("users.err.digits")
	}
	if s := v["okpo_code"]; s != "" && (!userAllDigits(s) || len(s) < 8 || len(s) > 10) {
		errs["okpo_code"] = l.T("users.err.okpo")
	}
	if msg := checkUserComment(l, v["comment"]); msg != "" {
		errs["comment"] = msg
	}
	if s := v["default_tariff_id"]; s != "" {
		if n, err := strconv.Atoi(s); err != nil || n <= 0 {
			errs["default_tariff_id"] = l.T("users.err.choice")
		}
	}
	if s := v["discount.value"]; s != "" {
		f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		if err != nil || f < 0 || f > 100 {
			errs["discount.value"] = l.T("users.err.discount_value")
		}
	}
	if s := v["discount.min_trackers"]; s != "" {
		if n, err := strconv.Atoi(s); err != nil || n < 0 {
			errs["discount.min_trackers"] = l.T("users.err.discount_min")
		}
	}
	if s := v["discount.end_date"]; s != "" {
		if _, err := time.Parse(panelclient.DateLayout, s); err != nil {
			errs["discount.end_date"] = l.T("users.err.date")
		}
	}
	switch v["discount.strategy"] {
	case "", panelclient.DiscountNoSumming, panelclient.DiscountSumWithProgressive:
	default:
		errs["discount.strategy"] = l.T("users.err.choice")
	}
	return errs
}

func checkUserEmail(l *i18n.Localizer, s string) string {
	if s == "" {
		return l.T("users.err.required")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || strings.ContainsAny(s, " \t<>") {
		return l.T("users.err.email")
	}
	_, domain, _ := strings.Cut(s, "@")
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return l.T("users.err.email")
	}
	return ""
}

// userPasswordSpecials are the special characters the password policy names.
const userPasswordSpecials = "!@#$%^&*"

// checkUserPassword applies password-requirements.md: 12 to 20 printable
// characters with an uppercase letter, a lowercase letter, a digit and
// one of !@#$%^&*. (The Panel also refuses any of the user's last ten
// passwords; only it can tell.)
func checkUserPassword(l *i18n.Localizer, p string) string {
	if p == "" {
		return l.T("users.err.required")
	}
	n := utf8.RuneCountInString(p)
	if n < 12 || n > 20 {
		return l.T("users.err.password_length")
	}
	var upper, lower, digit, special bool
	for _, r := range p {
		switch {
		case r < 0x20 || r > 0x7e:
			return l.T("users.err.password_chars")
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(userPasswordSpecials, r):
			special = true
		}
	}
	var missing []string
	if !upper {
		missing = append(missing, l.T("users.err.password_upper"))
	}
	if !lower {
		missing = append(missing, l.T("users.err.password_lower"))
	}
	if !digit {
		missing = append(missing, l.T("users.err.password_digit"))
	}
	if !special {
		missing = append(missing, l.T("users.err.password_special"))
	}
	if len(missing) > 0 {
		return l.T("users.err.password_needs", strings.Join(missing, ", "))
	}
	return ""
}

// checkUserComment: at most 255 printable characters (no line breaks or tabs).
func checkUserComment(l *i18n.Localizer, s string) string {
	if utf8.RuneCountInString(s) > 255 {
		return l.T("users.err.comment_length")
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return l.T("users.err.comment_chars")
		}
	}
	return ""
}

// normalizeUserPhone keeps the digits of a phone number typed with spaces,
// dashes, dots, brackets or a leading "+", which the Panel does not take.
func normalizeUserPhone(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "+")
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '(', ')', '.':
			return -1
		}
		return r
	}, s)
}

func userAllDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func hasUserChoice(opts []templates.UserChoice, v string) bool {
	return slices.ContainsFunc(opts, func(o templates.UserChoice) bool { return o.Value == v })
}

// userFormOf builds the Panel's user object from checked values.
func userFormOf(v map[string]string) panelclient.UserForm {
	return panelclient.UserForm{
		Activated: v["activated"] == "true",
		Login:     v["login"], LegalType: v["legal_type"],
		FirstName: v["first_name"], MiddleName: v["middle_name"], LastName: v["last_name"],
		LegalName: v["legal_name"], Phone: v["phone"],
		PostCountry: v["post_country"], PostIndex: v["post_index"], PostRegion: v["post_region"],
		PostCity: v["post_city"], PostStreetAddress: v["post_street_address"],
		RegisteredCountry: v["registered_country"], RegisteredIndex: v["registered_index"],
		RegisteredRegion: v["registered_region"], RegisteredCity: v["registered_city"],
		RegisteredStreetAddress: v["registered_street_address"],
		StateRegNum:             v["state_reg_num"], TIN: v["tin"], OKPOCode: v["okpo_code"], IEC: v["iec"],
	}
}

// discountOf builds the discount from checked values; nil when the form
// leaves every discount field empty.
func discountOf(v map[string]string) *panelclient.Discount {
	if v["discount.value"] == "" && v["discount.min_trackers"] == "" && v["discount.end_date"] == "" {
		return nil
	}
	d := &panelclient.Discount{EndDate: v["discount.end_date"], Strategy: v["discount.strategy"]}
	d.Value, _ = strconv.ParseFloat(strings.Replace(v["discount.value"], ",", ".", 1), 64)
	d.MinTrackers, _ = strconv.Atoi(v["discount.min_trackers"])
	if d.Strategy == "" {
		d.Strategy = panelclient.DiscountNoSumming
	}
	return d
}

func tariffIDOf(v map[string]string) *int {
	if n, err := strconv.Atoi(v["default_tariff_id"]); err == nil && n > 0 {
		return &n
	}
	return nil
}

// userFieldOf maps a parameter the Panel names in a validation error
// ("user.login", "discount.value", "password") to the form field, "" when
// the form has no such field.
func userFieldOf(param string) string {
	f := strings.TrimPrefix(param, "user.")
	if slices.Contains(userTextFields, f) || slices.Contains(userOtherFields, f) || slices.Contains(userCheckFields, f) || f == "password" {
		return f
	}
	return ""
}

// userFormErrorsOf turns a Panel refusal of a form into messages by field.
// It reports false for failures a form cannot show (the session ended,
// not allowed), which go to the error page instead.
func userFormErrorsOf(l *i18n.Localizer, err error, fieldOf func(string) string) (templates.FieldErrors, int, bool) {
	if panelclient.IsSessionEnded(err) || panelclient.IsForbidden(err) {
		return nil, 0, false
	}
	errs := templates.FieldErrors{}
	var apiErr *panelclient.APIError
	if !errors.As(err, &apiErr) {
		var tErr *panelclient.TransportError
		if errors.As(err, &tErr) {
			status := http.StatusBadGateway
			if tErr.Kind == panelclient.KindTimeout {
				status = http.StatusGatewayTimeout
			}
			errs[""] = transportMessage(l, tErr)
			return errs, status, true
		}
		return nil, 0, false
	}
	status := http.StatusUnprocessableEntity
	if apiErr.HTTPStatus >= 500 {
		status = http.StatusBadGateway
	}
	switch apiErr.Code {
	case 7:
		var other []string
		for param, msg := range apiErr.FieldMessages() {
			if f := fieldOf(param); f != "" {
				errs[f] = msg
			} else {
				other = append(other, param+": "+msg)
			}
		}
		sort.Strings(other)
		if len(other) > 0 || len(errs) == 0 {
			errs[""] = strings.TrimSpace(l.T("api.invalid") + " " + strings.Join(other, "; "))
		}
	case 206:
		if fieldOf("login") != "" {
			errs["login"] = l.T("users.err.login_taken")
		} else {
			errs[""] = l.T("users.err.login_taken")
		}
	default:
		errs[""] = usersAPIMessage(l, apiErr)
	}
	return errs, status, true
}

// usersAPIMessage words the Panel's refusals the Users section meets.
func usersAPIMessage(l *i18n.Localizer, e *panelclient.APIError) string {
	key := "users.api." + strconv.Itoa(e.Code)
	if i18n.Has(key) {
		return l.T(key)
	}
	return apiMessage(l, e)
}

// newForm shows the create form: the dealer's default time zone and
// language preselected, the plan picker when plans can be read.
func (h *usersHandlers) newForm(c echo.Context) error {
	v := templates.UserFormView{V: map[string]string{"activated": "true", "legal_type": panelclient.LegalTypeIndividual}}
	if err := h.fillFormOptions(c, &v, true); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, templates.UserFormPage(v))
}

// fillFormOptions loads, in parallel, what the form's pickers offer: time
// zones and the dealer's defaults (create), plans (tariffs: read).
// Failures leave a picker short rather than the form unusable; only an
// ended session is an error.
func (h *usersHandlers) fillFormOptions(c echo.Context, v *templates.UserFormView, create bool) error {
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	can := userCan(sess.Perms)
	v.ShowPlans = can.Plans
	v.Locales = userLocales
	var (
		wg     sync.WaitGroup
		zones  []panelclient.Timezone
		zErr   error
		dealer *panelclient.Dealer
		dErr   error
		plans  *panelclient.TariffList
		pErr   error
	)
	if create {
		v.ShowMFA = sess.Perms.CanAll(usersPermUpdate)
		wg.Go(func() { zones, zErr = h.tz.get(ctx, h.api, string(l.Lang)) })
		if v.V["time_zone"] == "" || v.V["locale"] == "" {
			wg.Go(func() { dealer, dErr = h.api.DealerInfo(ctx, sess.Hash) })
		}
	}
	if can.Plans {
		wg.Go(func() {
			plans, pErr = h.api.ListTariffs(ctx, sess.Hash, panelclient.TariffListParams{DeviceType: panelclient.DeviceTracker, OrderBy: "name", Limit: 1000})
		})
	}
	wg.Wait()
	for _, err := range []error{zErr, dErr, pErr} {
		if err == nil {
			continue
		}
		if panelclient.IsSessionEnded(err) {
			return err
		}
		h.log().Warn("user form: a picker could not be loaded", "request_id", requestID(c), "error", err.Error())
	}
	if create {
		if dealer != nil {
			if v.V["time_zone"] == "" {
				v.V["time_zone"] = dealer.DefaultUserTimeZone
			}
			if v.V["locale"] == "" && hasUserChoice(userLocales, dealer.Locale) {
				v.V["locale"] = dealer.Locale
			}
		}
		if v.V["locale"] == "" {
			v.V["locale"] = "en_US"
		}
		v.TimeZones = userTimezoneOptions(zones)
		if len(v.TimeZones) == 0 && v.V["time_zone"] != "" {
			v.TimeZones = []templates.UserChoice{{Value: v.V["time_zone"], Label: v.V["time_zone"]}}
		}
	}
	if plans != nil {
		for _, p := range plans.List {
			v.Plans = append(v.Plans, templates.UserChoice{Value: strconv.Itoa(p.ID), Label: fmt.Sprintf("%s (#%d)", p.Name, p.ID)})
		}
	}
	if cur := v.V["default_tariff_id"]; cur != "" && !hasUserChoice(v.Plans, cur) {
		v.Plans = append(v.Plans, templates.UserChoice{Value: cur, Label: "#" + cur})
	}
	return nil
}

// create checks the form, creates the user (user/create) and, when the
// staff member ticked it, turns MFA on for the new user
// (user/mfa/settings/update), as the official console does.
func (h *usersHandlers) create(c echo.Context) error {
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	v := templates.UserFormView{V: readUserValues(c)}
	if err := h.fillFormOptions(c, &v, true); err != nil {
		return err
	}
	password, confirm := c.FormValue("password"), c.FormValue("password_confirm")
	v.Errs = checkUser(l, v.V, true, password, confirm, v.TimeZones, v.Locales)
	if len(v.Errs) > 0 {
		return h.render(c, statusUnprocessable, templates.UserFormPage(v))
	}
	p := panelclient.UserCreateParams{
		User:     userFormOf(v.V),
		TimeZone: v.V["time_zone"], Locale: v.V["locale"], Password: password,
		Discount: discountOf(v.V), DefaultTariffID: tariffIDOf(v.V), Comment: v.V["comment"],
	}
	id, err := h.api.CreateUser(ctx, sess.Hash, p)
	h.audit(c, "user.create", v.V["login"], err)
	if err != nil {
		errs, status, ok := userFormErrorsOf(l, err, userFieldOf)
		if !ok {
			return err
		}
		v.Errs = errs
		return h.render(c, status, templates.UserFormPage(v))
	}
	if v.V["dealer_mfa_settings.type"] == "true" && v.ShowMFA {
		err := h.api.UpdateUserMFASettings(ctx, sess.Hash, panelclient.MFASelectedUsers(id),
			panelclient.MFASettings{Type: panelclient.MFAAllowed, FactorTypes: []string{panelclient.MFAFactorEmail}})
		h.audit(c, "user.mfa.update", id, err)
		if err != nil {
			setFlash(c, "warn", "users.created_mfa_failed", v.V["login"])
			return redirect(c, userURL(id))
		}
	}
	setFlash(c, "ok", "users.created", v.V["login"])
	return redirect(c, userURL(id))
}

// editForm shows the edit form filled with what the Panel has.
func (h *usersHandlers) editForm(c echo.Context) error {
	id, d, err := h.userFromPath(c)
	if err != nil {
		return err
	}
	v := templates.UserFormView{Edit: true, ID: id, Name: userName(d.User), V: userValuesOf(d)}
	if err := h.fillFormOptions(c, &v, false); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, templates.UserFormPage(v))
}

// update checks the form and saves it (user/update). The legal type
// cannot change: it comes from the Panel, not from the form. The user is
// read first for it and for the fields the form does not show.
func (h *usersHandlers) update(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	d, err := h.api.ReadUser(ctx, sess.Hash, id)
	if err != nil {
		return err
	}
	v := templates.UserFormView{Edit: true, ID: id, Name: userName(d.User), V: readUserValues(c)}
	v.V["legal_type"] = d.User.LegalType
	can := userCan(sess.Perms)
	if !can.Plans {
		// The picker is not shown: keep the plan the user has.
		v.V["default_tariff_id"] = ""
		if d.DefaultTariffID != nil {
			v.V["default_tariff_id"] = strconv.Itoa(*d.DefaultTariffID)
		}
	}
	v.Errs = checkUser(l, v.V, false, "", "", nil, nil)
	if len(v.Errs) > 0 {
		if err := h.fillFormOptions(c, &v, false); err != nil {
			return err
		}
		return h.render(c, statusUnprocessable, templates.UserFormPage(v))
	}
	form := userFormOf(v.V)
	form.ID, form.DealerID, form.MenuPresetID = id, d.User.DealerID, d.User.MenuPresetID
	verified := v.V["verified"] == "true"
	form.Verified = &verified
	comment := v.V["comment"]
	p := panelclient.UserUpdateParams{User: form, Discount: discountOf(v.V), DefaultTariffID: tariffIDOf(v.V), Comment: &comment}
	if p.Discount == nil && d.Discount != nil && (d.Discount.Value != 0 || d.Discount.MinTrackers != 0 || d.Discount.EndDate != "") {
		// The staff member emptied the discount fields: remove it.
		p.Discount = &panelclient.Discount{Strategy: panelclient.DiscountNoSumming}
	}
	err = h.api.UpdateUser(ctx, sess.Hash, p)
	h.audit(c, "user.update", id, err)
	if err != nil {
		errs, status, ok := userFormErrorsOf(l, err, userFieldOf)
		if !ok {
			return err
		}
		v.Errs = errs
		if err := h.fillFormOptions(c, &v, false); err != nil {
			return err
		}
		return h.render(c, status, templates.UserFormPage(v))
	}
	setFlash(c, "ok", "users.saved")
	return redirect(c, userURL(id))
}

// userLocales are the languages a user's interface can be set to, as the
// official console offers them (its list of end-user locales).
var userLocales = []templates.UserChoice{
	{Value: "en_US", Label: "English (US)"}, {Value: "en_GB", Label: "English (UK)"},
	{Value: "ru_RU", Label: "Русский"}, {Value: "uk_UA", Label: "Українська"},
	{Value: "de_DE", Label: "Deutsch"}, {Value: "es_ES", Label: "Español"},
	{Value: "fr_FR", Label: "Français"}, {Value: "it_IT", Label: "Italiano"},
	{Value: "pt_PT", Label: "Português"}, {Value: "pt_BR", Label: "Português (Brasil)"},
	{Value: "ro_RO", Label: "Română"}, {Value: "tr_TR", Label: "Türkçe"},
	{Value: "ar_AE", Label: "العربية"}, {Value: "bg_BG", Label: "Български"},
	{Value: "cs_CZ", Label: "Čeština"}, {Value: "da_DK", Label: "Dansk"},
	{Value: "el_GR", Label: "Ελληνικά"}, {Value: "et_EE", Label: "Eesti"},
	{Value: "fa_IR", Label: "فارسی"}, {Value: "fi_FI", Label: "Suomi"},
	{Value: "he_IL", Label: "עברית"}, {Value: "hu_HU", Label: "Magyar"},
	{Value: "id_ID", Label: "Bahasa Indonesia"}, {Value: "ka_GE", Label: "ქართული"},
	{Value: "kk_KZ", Label: "Қазақ тілі"}, {Value: "lt_LT", Label: "Lietuvių"},
	{Value: "lv_LV", Label: "Latviešu"}, {Value: "nl_NL", Label: "Nederlands"},
	{Value: "pl_PL", Label: "Polski"}, {Value: "sk_SK", Label: "Slovenčina"},
	{Value: "sr_RS", Label: "Српски"}, {Value: "sv_SE", Label: "Svenska"},
	{Value: "th_TH", Label: "ไทย"}, {Value: "zh_CN", Label: "中文"},
}
