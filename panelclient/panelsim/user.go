package panelsim

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// registerUserActions wires the user/* actions of resources/user/README.md
// and resources/user/mfa-settings.md.
func (s *Server) registerUserActions() {
	s.register("user/list", need("users", "read"), s.userList)
	s.register("user/read", need("users", "read"), s.userRead)
	// The markdown lists `[users: "corrupt", "global"]` for user/create;
	// the official console gates creation on users: create and employees
	// may add users (DESIGN.md), so creation needs users: create.
	s.register("user/create", need("users", "create"), s.userCreate)
	s.register("user/update", need("users", "update"), s.userUpdate)
	s.register("user/change_password", need("users", "update"), s.userChangePassword)
	s.register("user/corrupt", need("users", "corrupt"), s.userCorrupt)
	// `[users: "update", user_sessions: ["create", "global"]]`, "global"
	// being optional. (The console shows its buttons on users: read and
	// user_sessions: create; the API's own rule is the stricter one.)
	// user/session/create documents users: update and user_sessions:
	// create; the official console offers "Log in as user" with users:
	// read and user_sessions: create, and DESIGN follows the console.
	s.register("user/session/create", need("users", "read").and("user_sessions", "create"), s.userSessionCreate)
	s.register("user/export", need("users", "read"), s.userExport)
	s.register("user/upload", need("users", "create"), s.userUpload)
	s.register("user/transaction/list", need("users", "read").and("transactions", "read"), s.userTransactionList)
	s.register("user/transaction/change_balance", need("users", "update").and("transactions", "create"), s.userTransactionChangeBalance)
	s.register("user/mfa/settings/update", need("users", "update"), s.userMFASettingsUpdate)
	s.register("user/mfa/settings/default/read", need("users", "read"), s.userMFADefaultRead)
	s.register("user/mfa/settings/default/update", need("users", "update"), s.userMFADefaultUpdate)
}

// userSideTables is what the user actions keep beside the User records.
// Guarded by Store.mu like the rest of the store.
type userSideTables struct {
	// sessions are the end-user sessions user/session/create opened, by
	// hash. They are for the user API (not the Panel API): the Panel API
	// never accepts them. Look one up with userSessionLocked.
	sessions map[string]userSession
	// passwordHistory holds each user's earlier passwords, oldest first,
	// at most passwordHistorySize of them with the current one
	// (password-requirements.md).
	passwordHistory map[int][]string
	// mfaDefault is the dealer's default MFA policy for new users; nil
	// until user/mfa/settings/default/update sets one.
	mfaDefault *MFASettings
}

// userSession is an end user's session, opened by a dealer on the user's
// behalf (user/session/create).
type userSession struct {
	userID  int
	created time.Time
}

// passwordHistorySize is how many passwords, the current one included, a
// user may not reuse (password-requirements.md: "your last 10 passwords").
const passwordHistorySize = 10

// userSessionLocked finds an end-user session by hash. Sessions of a user
// who has since been corrupted are gone. Caller holds st.mu.
func (st *Store) userSessionLocked(hash string) (userSession, bool) {
	us, ok := st.userSide.sessions[hash]
	return us, ok
}

// newHash returns 32 lowercase hex digits from crypto/rand, the shape of
// every platform hash.
func newHash() string {
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	return hex.EncodeToString(raw[:])
}

// userListReply is the answer of user/list.
type userListReply struct {
	List  []User `json:"list"`
	Count int    `json:"count"`
}

// userListRoom is the room userList keeps on its stack for a page's
// users: the largest page size the console offers. A longer page grows
// onto the heap.
const userListRoom = 100

// userList answers a page of the dealer's users, filtered and ordered as
// asked, with the number of matching users.
func (s *Server) userList(c *call) (any, error) {
	q := readUserQuery(c.params)
	if err := c.params.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	var room [userListRoom]*User
	page, count := st.pageUsersLocked(q, room[:0])
	out := userListReply{List: make([]User, len(page)), Count: count}
	for i, u := range page {
		out.List[i] = st.userViewLocked(u)
	}
	return out, nil
}

// userReadReply is the answer of user/read: the user object under
// `value` and its settings as siblings. block_parameters (OpenAPI only)
// is always null: the emulator does not block users.
type userReadReply struct {
	Value             User        `json:"value"`
	Discount          *Discount   `json:"discount"`
	DealerMFASettings MFASettings `json:"dealer_mfa_settings"`
	DefaultTariffID   *int        `json:"default_tariff_id"`
	BlockParameters   any         `json:"block_parameters"`
}

// userRead answers one user's card.
func (s *Server) userRead(c *call) (any, error) {
	id := userIDParam(c.params, "user_id")
	if err := c.params.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	u := st.userLocked(id)
	if u == nil {
		return nil, newError(codeNotFound)
	}
	v := st.userViewLocked(u)
	mfa := v.MFA
	if mfa.Type == "" {
		mfa.Type = "disallowed"
	}
	return userReadReply{Value: v, Discount: v.Discount, DealerMFASettings: mfa, DefaultTariffID: v.DefaultTariffID}, nil
}

// userSettings are the parameters of user/create and user/update that sit
// beside the user object.
type userSettings struct {
	discount     *Discount
	discountSent bool // an object or an explicit null
	tariffID     *int
	tariffSent   bool // an id or an explicit null
	comment      string
	commentSent  bool
}

func readUserSettings(p *params) userSettings {
	var us userSettings
	if fr, ok := p.objectFields("discount", false); ok {
		if d, ok := readDiscount(fr); ok {
			us.discount = &d
		}
		us.discountSent = true
	} else if p.sentNull("discount") {
		us.discountSent = true
	}
	if id, ok := p.optInt("default_tariff_id"); ok {
		us.tariffID, us.tariffSent = &id, true
	} else if p.sentNull("default_tariff_id") {
		us.tariffSent = true
	}
	us.comment, us.commentSent = readComment(p)
	return us
}

// checkLocked validates what needs the store: the default plan must exist.
// Caller holds st.mu.
func (us *userSettings) checkLocked(st *Store, p *params) {
	if us.tariffID != nil && st.tariffLocked(*us.tariffID) == nil {
		p.invalid("default_tariff_id", "Plan not found")
	}
}

func (us *userSettings) apply(u *User) {
	if us.discountSent {
		u.Discount = us.discount
	}
	if us.tariffSent {
		u.DefaultTariffID = us.tariffID
	}
	if us.commentSent {
		u.Comment = us.comment
	}
}

// userCreate adds a user: the user object, the top-level password, locale
// and time zone (all required, as the OpenAPI file says), and optionally
// a discount, default plan and comment. A user object without
// dealer_mfa_settings gets the dealer's default MFA policy. A login in use
// answers 206; every invalid field answers 7 first.
func (s *Server) userCreate(c *call) (any, error) {
	p := c.params
	var form userForm
	if fr, ok := p.objectFields("user", true); ok {
		form = readUserForm(fr, formCreate, "")
	}
	password, hasPassword := p.readString("password", true)
	locale, hasLocale := p.readString("locale", true)
	timeZone, hasTimeZone := p.readString("time_zone", true)
	settings := readUserSettings(p)

	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	if hasPassword {
		if problem := passwordProblem(password, st.dealer.PasswordPolicy); problem != "" {
			p.invalid("password", problem)
		}
	}
	if hasLocale && !validLocale(locale) {
		p.invalid("locale", "Must be a locale such as en_US")
	}
	if hasTimeZone && !st.knownTimeZoneLocked(timeZone) {
		p.invalid("time_zone", "Unknown time zone")
	}
	settings.checkLocked(st, p)
	if err := p.err(); err != nil {
		return nil, err
	}
	if st.userByLoginLocked(form.loginOf()) != nil {
		return nil, newError(codeLoginInUse)
	}
	u := st.newUserLocked(form, c.now)
	u.Password, u.Locale, u.TimeZone = password, locale, timeZone
	settings.apply(u)
	st.insertUserLocked(u)
	return struct {
		ID int `json:"id"`
	}{u.ID}, nil
}

// newUserLocked builds a user of the dealer from a validated form, with
// the dealer's default MFA policy unless the form sets one.
func (st *Store) newUserLocked(form userForm, now time.Time) *User {
	u := &User{
		DealerID:     st.dealer.ID,
		LegalType:    form.legalType,
		CreationDate: DateTime{now.UTC().Truncate(time.Second)},
		MFA:          st.defaultMFALocked(),
	}
	form.apply(u)
	return u
}

// defaultMFALocked is the policy new users get: the dealer's default, or
// "disallowed" while none is set.
func (st *Store) defaultMFALocked() MFASettings {
	if d := st.userSide.mfaDefault; d != nil {
		return MFASettings{Type: d.Type, FactorTypes: slices.Clone(d.FactorTypes)}
	}
	return MFASettings{Type: "disallowed"}
}

// knownTimeZoneLocked reports whether id is a zone of timezone/list (an
// alternative id included).
func (st *Store) knownTimeZoneLocked(id string) bool {
	for _, tz := range st.timezones {
		if tz.ZoneID == id || slices.Contains(tz.AltIDs, id) {
			return true
		}
	}
	return false
}

// validLocale accepts "en" or "en_US" shaped locales.
func validLocale(s string) bool {
	lang, region, hasRegion := strings.Cut(s, "_")
	isLower := func(s string) bool { return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz") == "" }
	isUpper := func(s string) bool { return strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" }
	if len(lang) != 2 || !isLower(lang) {
		return false
	}
	return !hasRegion || len(region) == 2 && isUpper(region)
}

// userUpdate replaces a user's fields. user.id and user.activated are
// required (OpenAPI); the fields the user's legal type requires must be
// present. legal_type cannot change: a sent value is ignored, as the
// markdown says, and the fields are checked against the stored type.
// discount, default_tariff_id and comment keep their values when not
// sent; an explicit null clears discount and default_tariff_id.
func (s *Server) userUpdate(c *call) (any, error) {
	p := c.params
	fr, ok := p.objectFields("user", true)
	var id int
	if ok {
		id, _ = fr.integer("id", true)
		if _, sent := fr.raw("activated"); !sent {
			fr.invalid("activated", msgMissing)
		}
	}
	settings := readUserSettings(p)
	if err := p.err(); err != nil {
		return nil, err
	}

	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	u := st.userLocked(id)
	if u == nil {
		return nil, newError(codeNotFound)
	}
	form := readUserForm(fr, formUpdate, u.LegalType)
	settings.checkLocked(st, p)
	if err := p.err(); err != nil {
		return nil, err
	}
	if other := st.userByLoginLocked(form.loginOf()); other != nil && other != u {
		return nil, newError(codeLoginInUse)
	}
	if login := form.loginOf(); login != u.Login {
		st.changeLoginLocked(u, login)
	}
	st.changeUserTextLocked(u, form.apply)
	settings.apply(u)
	return nil, nil
}

// userChangePassword sets a user's password. The dealer's policy applies,
// and none of the user's last ten passwords (the current one included)
// may be reused: code 7 "Password was recently used" on `password`.
func (s *Server) userChangePassword(c *call) (any, error) {
	p := c.params
	id := userIDParam(p, "user_id")
	password := p.string("password")
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	if problem := passwordProblem(password, st.dealer.PasswordPolicy); problem != "" {
		return nil, invalidParams("password", problem)
	}
	u := st.userLocked(id)
	if u == nil {
		return nil, newError(codeNotFound)
	}
	if st.recentPasswordLocked(u, password) {
		return nil, invalidParams("password", msgRecentlyPwd)
	}
	st.setPasswordLocked(u, password)
	return nil, nil
}

// recentPasswordLocked reports whether password is the user's current
// one or one of the earlier ones kept in the history.
func (st *Store) recentPasswordLocked(u *User, password string) bool {
	return u.Password == password || slices.Contains(st.userSide.passwordHistory[u.ID], password)
}

// setPasswordLocked changes a password, remembering the old one.
func (st *Store) setPasswordLocked(u *User, password string) {
	if st.userSide.passwordHistory == nil {
		st.userSide.passwordHistory = map[int][]string{}
	}
	h := append(st.userSide.passwordHistory[u.ID], u.Password)
	if len(h) > passwordHistorySize-1 {
		h = h[len(h)-(passwordHistorySize-1):]
	}
	st.userSide.passwordHistory[u.ID] = h
	u.Password = password
}

// userCorrupt deletes a user for good: the user's trackers are marked
// deleted and their devices corrupted, and with corrupt_clones (default
// true) the clones other users hold of them are deleted too. The login
// must match the user's (a confirmation step; compared ignoring case).
//
//   - 201 when the user does not exist;
//   - 252 when one of the user's trackers is already corrupted;
//   - 253 when corrupt_clones is false and another user holds a clone of
//     one of the user's trackers (deleted clones do not count).
//
// The user then disappears from user/list and user/read answers 201; its
// billing history, password history and end-user sessions go with it. A
// clone the user holds of someone else's device is deleted without
// corrupting that device.
func (s *Server) userCorrupt(c *call) (any, error) {
	p := c.params
	id := userIDParam(p, "user_id")
	login := p.string("login")
	corruptClones, sent := p.optBool("corrupt_clones")
	if !sent {
		corruptClones = true
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	u := st.userLocked(id)
	if u == nil {
		return nil, newError(codeNotFound)
	}
	if !strings.EqualFold(strings.TrimSpace(login), u.Login) {
		return nil, invalidParams("login", "Must match the login of the user")
	}
	owned := st.trackersOfLocked(u.ID)
	for _, t := range owned {
		if t.Source.Corrupted {
			return nil, newError(codeDeviceCorrupted)
		}
	}
	if !corruptClones {
		for _, t := range owned {
			if t.Clone {
				continue
			}
			for _, h := range st.clonesOfLocked(t) {
				if h.UserID != u.ID && !h.Deleted {
					return nil, newError(codeDeviceHasClones)
				}
			}
		}
	}
	for _, t := range owned {
		t.Deleted = true
		if t.Clone {
			continue
		}
		t.Source.Corrupted = true
		if corruptClones {
			for _, h := range st.clonesOfLocked(t) {
				h.Deleted = true
			}
		}
	}
	st.removeUserLocked(u)
	delete(st.userSide.passwordHistory, u.ID)
	for hash, us := range st.userSide.sessions {
		if us.userID == u.ID {
			delete(st.userSide.sessions, hash)
		}
	}
	return nil, nil
}

// userSessionCreate opens an end-user session for a user and answers its
// hash (for the user API, not the Panel API).
func (s *Server) userSessionCreate(c *call) (any, error) {
	id := userIDParam(c.params, "user_id")
	if err := c.params.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	u := st.userLocked(id)
	if u == nil {
		return nil, newError(codeNotFound)
	}
	if st.userSide.sessions == nil {
		st.userSide.sessions = map[string]userSession{}
	}
	hash := newHash()
	st.userSide.sessions[hash] = userSession{userID: u.ID, created: c.now}
	return struct {
		Hash string `json:"hash"`
	}{hash}, nil
}
