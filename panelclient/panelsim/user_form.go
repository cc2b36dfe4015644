package panelsim

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file reads and validates the nested objects of the user actions:
// the user object of user/create, user/update and each user/upload row,
// the discount object and the MFA settings. Every problem becomes a code 7
// entry named after the parameter path ("user.login", "discount.value"),
// so a staff member sees every wrong field of a form at once.

// Messages of the user validation rules.
const (
	msgBlank       = "Must not be empty"
	msgEmail       = "E-mail must be valid"
	msgPhone       = "Must be 10 to 15 digits, without the + sign"
	msgNamePattern = `May contain only letters, digits, spaces and the characters - ' " . , : /`
	msgPrintable   = "Must contain only printable characters"
	msgDigits      = "Must contain digits only"
	msgOKPO        = "Must be 8 to 10 digits"
	msgLegalType   = "Should be one of [individual, legal_entity, sole_trader]"
	msgDateTime    = "Must be a date/time as YYYY-MM-DD HH:MM:SS"
	msgDate        = "Must be a date as YYYY-MM-DD"
	msgPositiveID  = "Must be a positive integer"
	msgRecentlyPwd = "Password was recently used"
)

// Legal types of a user (resources/user "User Object Structure").
const (
	legalIndividual  = "individual"
	legalSoleTrader  = "sole_trader"
	legalLegalEntity = "legal_entity"
)

// legalLevel orders the legal types the way the OpenAPI file builds them:
// a sole trader is an individual plus registration details, a legal entity
// a sole trader plus a company name and IEC. -1 for an unknown type.
func legalLevel(legalType string) int {
	switch legalType {
	case legalIndividual:
		return 0
	case legalSoleTrader:
		return 1
	case legalLegalEntity:
		return 2
	}
	return -1
}

// fieldReader reads the fields of one JSON object parameter, recording
// problems in the request's params as "<prefix><field>" entries.
type fieldReader struct {
	p      *params
	prefix string
	fields map[string]json.RawMessage
}

// objectFields opens an object parameter (a JSON object, or a JSON-encoded
// object in a form field). ok is false when it was not sent or is not an
// object (recorded).
func (p *params) objectFields(name string, required bool) (*fieldReader, bool) {
	raw, ok := p.rawJSON(name)
	if !ok {
		if required {
			p.invalid(name, msgMissing)
		}
		return nil, false
	}
	return p.fieldsOf(name, raw)
}

func (p *params) fieldsOf(name string, raw json.RawMessage) (*fieldReader, bool) {
	var m map[string]json.RawMessage
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		p.invalid(name, msgNotObject)
		return nil, false
	}
	return &fieldReader{p: p, prefix: name + ".", fields: m}, true
}

// sentNull reports whether a parameter was sent as an explicit null, which
// clears a nullable setting (discount, default_tariff_id) on update.
func (p *params) sentNull(name string) bool {
	v, ok := p.values[name]
	return ok && isNull(v.raw)
}

// object opens a nested object field.
func (fr *fieldReader) object(name string) (*fieldReader, bool) {
	raw, ok := fr.raw(name)
	if !ok {
		return nil, false
	}
	return fr.p.fieldsOf(fr.prefix+name, unwrapJSONString(raw))
}

// raw returns a present, non-null field.
func (fr *fieldReader) raw(name string) (json.RawMessage, bool) {
	v, ok := fr.fields[name]
	if !ok || isNull(v) {
		return nil, false
	}
	return v, true
}

// sent reports whether a field is present (null included).
func (fr *fieldReader) sent(name string) bool {
	_, ok := fr.fields[name]
	return ok
}

func (fr *fieldReader) invalid(name, problem string) {
	fr.p.invalid(fr.prefix+name, problem)
}

// need records a missing required field and reports whether it is there.
func (fr *fieldReader) need(name string, required bool) (json.RawMessage, bool) {
	raw, ok := fr.raw(name)
	if !ok && required {
		fr.invalid(name, msgMissing)
	}
	return raw, ok
}

// str reads a string field; a number or boolean is taken as its text, as
// the top-level readers do.
func (fr *fieldReader) str(name string, required bool) (string, bool) {
	raw, ok := fr.need(name, required)
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	if t := strings.TrimSpace(string(raw)); t != "" && t[0] != '{' && t[0] != '[' {
		return t, true
	}
	fr.invalid(name, msgNotString)
	return "", false
}

func (fr *fieldReader) boolean(name string, required bool) (bool, bool) {
	raw, ok := fr.need(name, required)
	if !ok {
		return false, false
	}
	switch strings.ToLower(strings.TrimSpace(scalarText(raw))) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	fr.invalid(name, msgNotBool)
	return false, false
}

func (fr *fieldReader) integer(name string, required bool) (int, bool) {
	raw, ok := fr.need(name, required)
	if !ok {
		return 0, false
	}
	n, ok := parseInt(scalarText(raw))
	if !ok {
		fr.invalid(name, msgNotInt)
		return 0, false
	}
	return n, true
}

func (fr *fieldReader) number(name string, required bool) (float64, bool) {
	raw, ok := fr.need(name, required)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(scalarText(raw)), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		fr.invalid(name, msgNotNumber)
		return 0, false
	}
	return f, true
}

func (fr *fieldReader) strList(name string, required bool) ([]string, bool) {
	raw, ok := fr.need(name, required)
	if !ok {
		return nil, false
	}
	var items []string
	if json.Unmarshal(unwrapJSONString(raw), &items) != nil {
		fr.invalid(name, "Must be a JSON array of strings")
		return nil, false
	}
	return items, true
}

func (fr *fieldReader) intList(name string, required bool) ([]int, bool) {
	raw, ok := fr.need(name, required)
	if !ok {
		return nil, false
	}
	var items []json.RawMessage
	if json.Unmarshal(unwrapJSONString(raw), &items) != nil {
		fr.invalid(name, msgNotArray)
		return nil, false
	}
	out := make([]int, 0, len(items))
	for i, item := range items {
		n, ok := parseInt(scalarText(item))
		if !ok {
			fr.invalid(fmt.Sprintf("%s[%d]", name, i), msgNotInt)
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// textKind is the rule a user text field follows.
type textKind int

const (
	kindText   textKind = iota // printable characters
	kindName                   // the platform name pattern (OpenAPI UserEditForm)
	kindEmail                  // the login
	kindPhone                  // empty or 10-15 digits
	kindDigits                 // empty or digits only
	kindOKPO                   // empty or 8 to 10 digits
)

// userTextField is one string field of the user object: its rule, maximum
// length in characters (0: none documented), the lowest legal level it
// applies to (0 every user, 1 sole traders and legal entities, 2 legal
// entities), whether the key must be present when it applies (OpenAPI
// "required", empty allowed), and from which legal level it must not be
// blank (3: never).
type userTextField struct {
	name      string
	kind      textKind
	max       int
	level     int
	required  bool
	nonBlank  int
	fieldAddr func(u *User) *string
}

// userTextFields are the string fields of the user object, from the
// markdown's field list with the limits and per-type rules of the OpenAPI
// UserIndividual, UserSoleTrader and UserLegalEntity schemas.
var userTextFields = [...]userTextField{
	{"login", kindEmail, 255, 0, true, 0, func(u *User) *string { return &u.Login }},
	{"first_name", kindName, 100, 0, true, 0, func(u *User) *string { return &u.FirstName }},
	{"middle_name", kindName, 100, 0, true, 3, func(u *User) *string { return &u.MiddleName }},
	{"last_name", kindName, 100, 0, true, 0, func(u *User) *string { return &u.LastName }},
	{"phone", kindPhone, 15, 0, true, 3, func(u *User) *string { return &u.Phone }},
	{"post_country", kindName, 100, 0, true, 1, func(u *User) *string { return &u.PostCountry }},
	{"post_region", kindName, 100, 0, true, 1, func(u *User) *string { return &u.PostRegion }},
	{"post_city", kindName, 100, 0, true, 1, func(u *User) *string { return &u.PostCity }},
	{"post_street_address", kindName, 200, 0, true, 1, func(u *User) *string { return &u.PostStreetAddress }},
	{"post_index", kindText, 0, 0, true, 1, func(u *User) *string { return &u.PostIndex }},
	{"registered_country", kindName, 100, 1, true, 1, func(u *User) *string { return &u.RegisteredCountry }},
	{"registered_region", kindName, 100, 1, true, 1, func(u *User) *string { return &u.RegisteredRegion }},
	{"registered_city", kindName, 100, 1, true, 1, func(u *User) *string { return &u.RegisteredCity }},
	{"registered_street_address", kindName, 200, 1, true, 1, func(u *User) *string { return &u.RegisteredStreetAddress }},
	{"registered_index", kindText, 0, 1, true, 1, func(u *User) *string { return &u.RegisteredIndex }},
	{"tin", kindName, 255, 1, true, 3, func(u *User) *string { return &u.TIN }},
	{"state_reg_num", kindDigits, 15, 1, false, 3, func(u *User) *string { return &u.StateRegNum }},
	{"okpo_code", kindOKPO, 10, 1, false, 3, func(u *User) *string { return &u.OKPOCode }},
	{"legal_name", kindName, 255, 2, true, 2, func(u *User) *string { return &u.LegalName }},
	{"iec", kindName, 255, 2, true, 3, func(u *User) *string { return &u.IEC }},
}

// formMode is where a user object comes from.
type formMode int

const (
	formCreate formMode = iota
	formUpdate
	formUpload // a user/upload row: every column key is present, maybe empty
)

// userForm is a validated user object, ready to be applied to a User.
type userForm struct {
	id        int
	legalType string
	activated bool
	// verified is nil when not sent: it then follows activated.
	verified *bool
	text     [len(userTextFields)]string
	textSent [len(userTextFields)]bool
	// menuPresetSent says whether menu_preset_id was sent (null clears it).
	menuPresetSent bool
	menuPresetID   *int
	mfa            *MFASettings
}

// readUserForm validates a user object. For update, legalType is the
// stored one: the markdown says a sent legal_type "will not be changed",
// so the fields are checked against the type the user keeps. For an
// upload row it is the row's Legal status (checked by the caller). For
// create it is read from the object.
func readUserForm(fr *fieldReader, mode formMode, legalType string) userForm {
	var f userForm
	switch mode {
	case formUpdate:
		f.id, _ = fr.integer("id", true)
		if lt, ok := fr.str("legal_type", false); ok && legalLevel(lt) < 0 {
			fr.invalid("legal_type", msgLegalType)
		}
	case formCreate:
		lt, ok := fr.str("legal_type", true)
		if ok && legalLevel(lt) < 0 {
			fr.invalid("legal_type", msgLegalType)
			ok = false
		}
		if ok {
			legalType = lt
		}
	}
	f.legalType = legalType
	// An unknown or missing type (already reported) is checked as an
	// individual, so the other fields' problems are listed too.
	level := max(legalLevel(legalType), 0)

	f.activated, _ = fr.boolean("activated", mode == formUpdate)
	if v, ok := fr.boolean("verified", false); ok {
		f.verified = &v
	}

	for i, tf := range userTextFields {
		if level < tf.level {
			continue // not meaningful for this legal type: stored empty
		}
		s, ok := fr.str(tf.name, tf.required && mode != formUpload)
		if !ok {
			continue
		}
		s = strings.TrimSpace(s)
		f.text[i], f.textSent[i] = s, true
		nonBlank := tf.nonBlank
		if mode == formUpload && tf.name == "registered_country" {
			// The upload's list of columns a company must fill leaves out
			// "Registration country".
			nonBlank = 3
		}
		if s == "" {
			if level >= nonBlank {
				fr.invalid(tf.name, msgBlank)
			}
			continue
		}
		if problem := textProblem(tf, s); problem != "" {
			fr.invalid(tf.name, problem)
		}
	}

	if fr.sent("menu_preset_id") {
		f.menuPresetSent = true
		if id, ok := fr.integer("menu_preset_id", false); ok {
			f.menuPresetID = &id
		}
	}
	if mfa, ok := fr.object("dealer_mfa_settings"); ok {
		if m, ok := readMFASettings(mfa); ok {
			f.mfa = &m
		}
	}
	// birth_date and passport (OpenAPI only, "not returned by the read
	// operations") are accepted and not kept.
	return f
}

// textProblem checks one non-empty text value against its rule.
func textProblem(tf userTextField, s string) string {
	if tf.max > 0 && utf8.RuneCountInString(s) > tf.max {
		return fmt.Sprintf("Must be at most %d characters long", tf.max)
	}
	switch tf.kind {
	case kindEmail:
		if !validEmail(s) {
			return msgEmail
		}
	case kindPhone:
		if !allDigits(s) || len(s) < 10 || len(s) > 15 {
			return msgPhone
		}
	case kindDigits:
		if !allDigits(s) {
			return msgDigits
		}
	case kindOKPO:
		if !allDigits(s) || len(s) < 8 || len(s) > 10 {
			return msgOKPO
		}
	case kindName:
		if !nameLike(s) {
			return msgNamePattern
		}
	default:
		if !printable(s) {
			return msgPrintable
		}
	}
	return ""
}

// apply copies a validated form onto u. Fields that do not apply to the
// user's legal type are cleared, so the flat user object carries empty
// strings for them, as the OpenAPI User schema describes. On update, a
// field that was not sent keeps its value.
func (f *userForm) apply(u *User) {
	level := legalLevel(u.LegalType)
	for i, tf := range userTextFields {
		p := tf.fieldAddr(u)
		switch {
		case level < tf.level:
			*p = ""
		case f.textSent[i]:
			*p = f.text[i]
		}
	}
	u.Activated = f.activated
	u.Verified = f.activated
	if f.verified != nil {
		u.Verified = *f.verified
	}
	if f.menuPresetSent {
		u.MenuPresetID = f.menuPresetID
	}
	if f.mfa != nil {
		u.MFA = *f.mfa
	}
}

// loginOf returns the login the form carries ("" when absent).
func (f *userForm) loginOf() string { return f.text[0] }

// readDiscount validates a discount object (markdown "Discount Object
// Structure": value 0-100, min_trackers >= 0, end_date nullable, strategy
// no_summing or sum_with_progressive). min_trackers defaults to 0 and
// strategy to no_summing, the value the official console always sends.
// The OpenAPI file's names (percent, device_limit) are not read: a
// discount sent that way lacks `value`.
func readDiscount(fr *fieldReader) (Discount, bool) {
	before := len(fr.p.errs)
	var d Discount
	if v, ok := fr.number("value", true); ok {
		if v < 0 || v > 100 {
			fr.invalid("value", "Must be between 0 and 100")
		}
		d.Value = v
	}
	if n, ok := fr.integer("min_trackers", false); ok {
		if n < 0 {
			fr.invalid("min_trackers", "Must not be negative")
		}
		d.MinTrackers = n
	}
	if s, ok := fr.str("end_date", false); ok {
		if day, ok := parseDay(s); ok {
			d.EndDate = &day
		} else {
			fr.invalid("end_date", msgDate)
		}
	}
	d.Strategy = "no_summing"
	if s, ok := fr.str("strategy", false); ok {
		if s != "no_summing" && s != "sum_with_progressive" {
			fr.invalid("strategy", "Should be one of [no_summing, sum_with_progressive]")
		}
		d.Strategy = s
	}
	return d, len(fr.p.errs) == before
}

// readMFASettings validates MFA settings (mfa-settings.md "MFA settings"):
// type allowed with a non-empty factor_types of "email", or disallowed.
func readMFASettings(fr *fieldReader) (MFASettings, bool) {
	before := len(fr.p.errs)
	var m MFASettings
	t, ok := fr.str("type", true)
	switch {
	case !ok:
	case t == "allowed":
		m.Type = t
		types, ok := fr.strList("factor_types", true)
		if ok && len(types) == 0 {
			fr.invalid("factor_types", "Must not be empty when type is allowed")
		}
		for _, ft := range types {
			if ft != "email" {
				fr.invalid("factor_types", "Should be one of [email]")
				break
			}
		}
		m.FactorTypes = types
	case t == "disallowed":
		m.Type = t
	default:
		fr.invalid("type", "Should be one of [allowed, disallowed]")
	}
	return m, len(fr.p.errs) == before
}

// readComment reads the optional comment of user/create and user/update:
// at most 255 printable characters.
func readComment(p *params) (string, bool) {
	c, ok := p.optString("comment")
	if !ok {
		return "", false
	}
	if utf8.RuneCountInString(c) > 255 {
		p.invalid("comment", "Must be at most 255 characters long")
	} else if !printable(c) {
		p.invalid("comment", msgPrintable)
	}
	return c, true
}

// passwordProblem checks a password against the dealer's policy
// (password-requirements.md: 12 to 20 printable characters with at least
// one uppercase letter, lowercase letter, digit and one of !@#$%^&*).
func passwordProblem(pw string, pol PasswordPolicy) string {
	n := utf8.RuneCountInString(pw)
	if n < pol.MinLength || n > pol.MaxLength {
		return fmt.Sprintf("Must be %d to %d characters long", pol.MinLength, pol.MaxLength)
	}
	var upper, lower, digit, special int
	for _, r := range pw {
		switch {
		case r < 0x20 || r > 0x7e:
			return "Must contain only printable ASCII characters"
		case r >= 'A' && r <= 'Z':
			upper++
		case r >= 'a' && r <= 'z':
			lower++
		case r >= '0' && r <= '9':
			digit++
		case strings.ContainsRune(pol.SpecialChars, r):
			special++
		}
	}
	switch {
	case upper < pol.MinUppercaseCount:
		return "Must contain an uppercase letter"
	case lower < pol.MinLowercaseCount:
		return "Must contain a lowercase letter"
	case digit < pol.MinDigitsCount:
		return "Must contain a digit"
	case special < pol.MinSpecialCharsCount:
		return "Must contain one of the special characters " + pol.SpecialChars
	}
	return ""
}

// validEmail accepts local@domain.tld with the usual local-part characters
// and a dotted domain whose last label has two letters or more.
func validEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || len(local) > 64 || domain == "" || strings.Contains(domain, "@") {
		return false
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !isAlnum(c) && !strings.ContainsRune(".!#$%&'*+/=?^_`{|}~-", rune(c)) {
			return false
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !isAlnum(l[i]) && l[i] != '-' {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if !(tld[i] >= 'a' && tld[i] <= 'z' || tld[i] >= 'A' && tld[i] <= 'Z') {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// nameLike is the platform name pattern of the OpenAPI file: letters,
// digits and the characters - ' " . , : / (and spaces).
func nameLike(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == ' ' || strings.ContainsRune(`-'".,:/`, r) {
			continue
		}
		return false
	}
	return true
}

// printable reports whether s has no control or format characters
// (newlines, tabs, direction overrides).
func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// parseDay reads "YYYY-MM-DD" (or a full date/time, keeping the day).
func parseDay(s string) (Date, bool) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		if t, err = time.Parse(dateTimeLayout, s); err != nil {
			return Date{}, false
		}
	}
	return Date{t.Truncate(24 * time.Hour)}, true
}

// userIDParam reads a required positive user id.
func userIDParam(p *params, name string) int {
	id, ok := p.readInt(name, true)
	if ok && id < 1 {
		p.invalid(name, msgPositiveID)
	}
	return id
}

// round4 rounds money to the four decimals the platform shows.
func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }
