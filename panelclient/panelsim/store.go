package panelsim

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"
)

// Date and time formats of the Panel API (user-api "Data types"): dates
// and times are UTC strings, never numbers.
const (
	dateTimeLayout = "2006-01-02 15:04:05"
	dateLayout     = "2006-01-02"
)

// DateTime is a moment written as "YYYY-MM-DD HH:MM:SS" in UTC, the
// platform's default date/time format (user creation_date, transaction
// timestamp, tracker last_connection).
type DateTime struct{ time.Time }

// MarshalJSON writes the platform format.
func (d DateTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + d.UTC().Format(dateTimeLayout) + `"`), nil
}

// UnmarshalJSON reads the platform format.
func (d *DateTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(dateTimeLayout, s)
	if err != nil {
		return err
	}
	d.Time = t
	return nil
}

// String returns the platform format.
func (d DateTime) String() string { return d.UTC().Format(dateTimeLayout) }

// Date is a calendar day written as "YYYY-MM-DD" (tracker creation_date,
// tariff_end_date, discount end_date, dealer paas_activation_date).
type Date struct{ time.Time }

// MarshalJSON writes the platform format.
func (d Date) MarshalJSON() ([]byte, error) {
	return []byte(`"` + d.UTC().Format(dateLayout) + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD", and also a full date/time, keeping the day.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		if t, err = time.Parse(dateTimeLayout, s); err != nil {
			return err
		}
	}
	d.Time = t.Truncate(24 * time.Hour)
	return nil
}

// String returns the platform format.
func (d Date) String() string { return d.UTC().Format(dateLayout) }

// dayOf returns a pointer to the Date of t, for nullable date fields.
func dayOf(t time.Time) *Date {
	d := Date{t.UTC().Truncate(24 * time.Hour)}
	return &d
}

// Dealer is the dealer (PaaS partner) whose panel the staff use: the
// dealer/get_info object. The active tracker counts are computed when read.
type Dealer struct {
	ID                   int            `json:"id"`
	SellerID             int            `json:"seller_id"`
	ParentDealerID       int            `json:"parent_dealer_id"`
	ContractType         string         `json:"contract_type"`
	TariffID             int            `json:"tariff_id"`
	Tariff               PaasTariff     `json:"tariff"`
	DemoTariff           bool           `json:"demo_tariff"`
	TrackerTariffEndDate *Date          `json:"tracker_tariff_end_date"`
	StorePeriod          string         `json:"store_period"`
	DemoEnds             *Date          `json:"demo_ends"`
	Title                string         `json:"title"`
	BlockStatus          string         `json:"block_status"`
	LegalName            string         `json:"legal_name"`
	ActiveAmount         int            `json:"active_amount"`
	ActiveAmountOwn      int            `json:"active_amount_own"`
	ActiveAmountSubpaas  int            `json:"active_amount_subpaas"`
	ActiveLimit          int            `json:"active_limit"`
	Locale               string         `json:"locale"`
	Domain               string         `json:"domain"`
	Favicon              *string        `json:"favicon"`
	Logo                 *string        `json:"logo"`
	EnableTrackers       bool           `json:"enable_trackers"`
	EnableCameras        bool           `json:"enable_cameras"`
	Subpaas              bool           `json:"subpaas"`
	AllowBranding        bool           `json:"allow_branding"`
	PasswordPolicy       PasswordPolicy `json:"password_policy"`
	PaasActivationDate   *Date          `json:"paas_activation_date"`
	LicenseBalance       float64        `json:"license_balance"`
	SellerCurrency       string         `json:"seller_currency"`
	Features             []string       `json:"features"`
	DefaultUserTimeZone  string         `json:"default_user_time_zone"`
}

// PaasTariff is the dealer's own PaaS plan (dealer/get_info `tariff`).
type PaasTariff struct {
	ID            int           `json:"id"`
	Name          string        `json:"name"`
	Type          string        `json:"type"`
	Algorithm     string        `json:"algorithm"`
	Currency      string        `json:"currency"`
	LicensePrice  *float64      `json:"license_price"`
	MinLicensePay *float64      `json:"min_license_pay"`
	VAT           bool          `json:"vat"`
	Trial         bool          `json:"trial"`
	PremiumGIS    bool          `json:"premium_gis"`
	ServicePrices ServicePrices `json:"service_prices"`
	StorePeriod   string        `json:"store_period"`
}

// PasswordPolicy is the dealer's password rules (password-requirements.md).
type PasswordPolicy struct {
	MinLength            int    `json:"min_length"`
	MaxLength            int    `json:"max_length"`
	SpecialChars         string `json:"special_chars"`
	MinSpecialCharsCount int    `json:"min_special_chars_count"`
	MinDigitsCount       int    `json:"min_digits_count"`
	MinUppercaseCount    int    `json:"min_uppercase_count"`
	MinLowercaseCount    int    `json:"min_lowercase_count"`
}

// ServicePrices are per-unit prices of SMS, calls and traffic.
type ServicePrices struct {
	IncomingSMS float64 `json:"incoming_sms"`
	OutgoingSMS float64 `json:"outgoing_sms"`
	ServiceSMS  float64 `json:"service_sms"`
	PhoneCall   float64 `json:"phone_call"`
	Traffic     float64 `json:"traffic"`
}

// User is an end customer of the dealer (an organisation or a person). It
// encodes as the documented user object: flat, every field present, empty
// strings where a legal field does not apply. Fields tagged "-" are not
// part of that object: user/read answers some of them as siblings
// (discount, default_tariff_id, dealer_mfa_settings), the rest are
// settings given at creation (time_zone, locale, password). The text
// fields user/list searches (userSearchFields) are indexed: change them on
// a stored user through changeUserTextLocked or changeLoginLocked.
type User struct {
	ID                      int      `json:"id"`
	DealerID                int      `json:"dealer_id"`
	Login                   string   `json:"login"`
	Activated               bool     `json:"activated"`
	Verified                bool     `json:"verified"`
	PhoneVerified           bool     `json:"phone_verified"`
	LegalType               string   `json:"legal_type"`
	FirstName               string   `json:"first_name"`
	MiddleName              string   `json:"middle_name"`
	LastName                string   `json:"last_name"`
	LegalName               string   `json:"legal_name"`
	Phone                   string   `json:"phone"`
	PostCountry             string   `json:"post_country"`
	PostIndex               string   `json:"post_index"`
	PostRegion              string   `json:"post_region"`
	PostCity                string   `json:"post_city"`
	PostStreetAddress       string   `json:"post_street_address"`
	RegisteredCountry       string   `json:"registered_country"`
	RegisteredIndex         string   `json:"registered_index"`
	RegisteredRegion        string   `json:"registered_region"`
	RegisteredCity          string   `json:"registered_city"`
	RegisteredStreetAddress string   `json:"registered_street_address"`
	StateRegNum             string   `json:"state_reg_num"`
	TIN                     string   `json:"tin"`
	OKPOCode                string   `json:"okpo_code"`
	IEC                     string   `json:"iec"`
	Balance                 float64  `json:"balance"`
	Bonus                   float64  `json:"bonus"`
	CreationDate            DateTime `json:"creation_date"`
	// TrackersCount is computed when the user is read: trackers (clones
	// included) the user owns that are not deleted.
	TrackersCount int    `json:"trackers_count"`
	Comment       string `json:"comment"`
	MenuPresetID  *int   `json:"menu_preset_id"`
	// MFAAllowed is computed when read, from MFA.
	MFAAllowed bool `json:"mfa_allowed"`

	Discount        *Discount   `json:"-"`
	DefaultTariffID *int        `json:"-"`
	MFA             MFASettings `json:"-"`
	TimeZone        string      `json:"-"`
	Locale          string      `json:"-"`
	Password        string      `json:"-"`

	// seeded marks a user of the seed, whose transaction history is
	// generated on first read.
	seeded bool
}

// Discount is a user's personal discount (markdown field names; the OpenAPI
// file names them percent/device_limit).
type Discount struct {
	Value       float64 `json:"value"`
	MinTrackers int     `json:"min_trackers"`
	EndDate     *Date   `json:"end_date"`
	Strategy    string  `json:"strategy"`
}

// MFASettings is a multi-factor policy: {"type":"disallowed"} or
// {"type":"allowed","factor_types":["email"]}.
type MFASettings struct {
	Type        string   `json:"type"`
	FactorTypes []string `json:"factor_types,omitempty"`
}

// Tracker is a device as one user sees it. A clone is a second tracker
// (own id, label, owner) over the same Source as its original, so
// blocking or re-planning the device shows on every clone.
type Tracker struct {
	ID       int    `json:"id"`
	Label    string `json:"label"`
	GroupID  int    `json:"group_id"`
	UserID   int    `json:"user_id"`
	DealerID int    `json:"dealer_id"`
	// OwnerName is computed when read: the owner's first and last name.
	OwnerName      string    `json:"owner_name"`
	AvatarFileName string    `json:"avatar_file_name,omitempty"`
	Clone          bool      `json:"clone"`
	Deleted        bool      `json:"deleted"`
	Comment        string    `json:"comment"`
	CreationDate   Date      `json:"creation_date"`
	ModelName      string    `json:"model_name"`
	LastConnection *DateTime `json:"last_connection"`
	Source         *Source   `json:"source"`
}

// Source is the physical device behind one or more trackers.
type Source struct {
	ID               int     `json:"id"`
	DeviceID         string  `json:"device_id"`
	Model            string  `json:"model"`
	Blocked          bool    `json:"blocked"`
	Phone            *string `json:"phone"`
	TariffID         int     `json:"tariff_id"`
	TariffEndDate    *Date   `json:"tariff_end_date"`
	ConnectionStatus string  `json:"connection_status"`
	CreationDate     Date    `json:"creation_date"`
	// Corrupted is omitted when false, as tracker.md says.
	Corrupted bool `json:"corrupted,omitempty"`

	// holders are the trackers over this source, the original first.
	holders []*Tracker
}

// active reports whether the tracker counts against the dealer's active
// limit: a live, unblocked original.
func (t *Tracker) active() bool {
	return !t.Deleted && !t.Clone && !t.Source.Blocked && !t.Source.Corrupted
}

// Tariff is a plan the dealer sells to users (tariff.md "Plan object").
type Tariff struct {
	ID                 int           `json:"id"`
	Name               string        `json:"name"`
	GroupID            int           `json:"group_id"`
	Active             bool          `json:"active"`
	Type               string        `json:"type"`
	Price              float64       `json:"price"`
	EarlyChangePrice   *float64      `json:"early_change_price"`
	DeviceLimit        int           `json:"device_limit"`
	HasReports         bool          `json:"has_reports"`
	StorePeriod        string        `json:"store_period"`
	DeviceType         string        `json:"device_type"`
	ProportionalCharge bool          `json:"proportional_charge"`
	AutoProlong        bool          `json:"auto_prolong"`
	Features           []string      `json:"features"`
	ServicePrices      ServicePrices `json:"service_prices"`
}

// TariffDefaults is the default plan and welcome terms for one device type
// (tariff/defaults/read).
type TariffDefaults struct {
	TariffID            int     `json:"tariff_id"`
	ActivationBonus     float64 `json:"activation_bonus"`
	FreeDays            int     `json:"free_days"`
	FreeDaysDeviceLimit *int    `json:"free_days_device_limit"`
}

// Transaction is one line of a user's billing history
// (user/transaction/list, markdown fields plus the OpenAPI id).
type Transaction struct {
	ID          int      `json:"id"`
	Description string   `json:"description"`
	Type        string   `json:"type"`
	Subtype     string   `json:"subtype"`
	Timestamp   DateTime `json:"timestamp"`
	UserID      int      `json:"user_id"`
	DealerID    int      `json:"dealer_id"`
	TrackerID   int      `json:"tracker_id"`
	Amount      float64  `json:"amount"`
	NewBalance  float64  `json:"new_balance"`
	OldBalance  float64  `json:"old_balance"`
	BonusAmount float64  `json:"bonus_amount"`
	NewBonus    float64  `json:"new_bonus"`
	OldBonus    float64  `json:"old_bonus"`
}

// TimeZone is a supported time zone (timezone/list). Description is set
// for the requested locale when read.
type TimeZone struct {
	ZoneID      string   `json:"zone_id"`
	Description string   `json:"description"`
	BaseOffset  float64  `json:"base_offset"`
	DstOffset   int      `json:"dst_offset"`
	CountryCode string   `json:"country_code"`
	AltIDs      []string `json:"alt_ids,omitempty"`

	English string `json:"-"`
	Russian string `json:"-"`
}

// Store is the emulator's data: one dealer and its users, trackers, plans
// and billing history, held in memory behind one RWMutex.
//
// Sized for load tests (100,000 users, 300,000 trackers): users and
// trackers are kept in slices sorted by id (the default list order, so a
// page by id is a slice) plus maps by id, trackers also by owner. Actions
// take s.store.mu themselves (RLock to read, Lock to change) and use the
// ...Locked helpers; anything that leaves the lock (a reply payload) must
// be a copy made by userViewLocked/trackerViewLocked, never a pointer
// into the store.
type Store struct {
	mu sync.RWMutex

	// anchor is the seed's "now": every seeded date is relative to it, so
	// the data is the same on every start.
	anchor time.Time

	dealer Dealer

	users       []*User          // sorted by id; found by binary search
	userByLogin map[string]*User // lower-cased login
	userSearch  *userIndex       // user_index.go: the text filter of user/list and user/export

	trackers       []*Tracker         // sorted by id; found by binary search
	trackersByUser map[int][]*Tracker // each sorted by id

	tariffs        []*Tariff
	tariffByID     map[int]*Tariff
	trackerDefault TariffDefaults
	cameraDefault  TariffDefaults
	wholesale      ServicePrices

	timezones []TimeZone

	// ledgers are the users' transactions, oldest first, materialised on
	// first use (see ledgerLocked).
	ledgers map[int][]Transaction

	userSide   userSideTables   // user.go: end-user sessions, password history, default MFA
	stock      stockTables      // inventory.go: activation codes, equipment, bundles, SIM cards, orders
	dealerSide dealerSideTables // settings.go: settings, branding images, email gateways, menu presets, resellers

	nextUserID, nextTrackerID, nextSourceID, nextTariffID, nextTransactionID int
}

func newStore(anchor time.Time, users, trackers int) *Store {
	return &Store{
		anchor:         anchor,
		users:          make([]*User, 0, users),
		userByLogin:    make(map[string]*User, users),
		userSearch:     newUserIndex(users),
		trackers:       make([]*Tracker, 0, trackers),
		trackersByUser: make(map[int][]*Tracker, users),
		tariffByID:     map[int]*Tariff{},
		ledgers:        map[int][]Transaction{},
		nextUserID:     1,
		nextTrackerID:  1,
		nextSourceID:   1,
		nextTariffID:   1,
	}
}

// Dealer returns the dealer card as dealer/get_info shows it.
func (st *Store) Dealer() Dealer {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.dealerViewLocked()
}

// User returns a copy of a user.
func (st *Store) User(id int) (User, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	u := st.userLocked(id)
	if u == nil {
		return User{}, false
	}
	return st.userViewLocked(u), true
}

// Users returns copies of up to limit users in id order, from offset.
func (st *Store) Users(offset, limit int) []User {
	st.mu.RLock()
	defer st.mu.RUnlock()
	page := pageOf(st.users, offset, limit)
	out := make([]User, len(page))
	for i, u := range page {
		out[i] = st.userViewLocked(u)
	}
	return out
}

// UserCount is the number of users.
func (st *Store) UserCount() int {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return len(st.users)
}

// Tracker returns a copy of a tracker (its source copied too).
func (st *Store) Tracker(id int) (Tracker, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	t := st.trackerLocked(id)
	if t == nil {
		return Tracker{}, false
	}
	return st.trackerViewLocked(t), true
}

// Trackers returns copies of up to limit trackers in id order, from offset.
func (st *Store) Trackers(offset, limit int) []Tracker {
	st.mu.RLock()
	defer st.mu.RUnlock()
	page := pageOf(st.trackers, offset, limit)
	out := make([]Tracker, len(page))
	for i, t := range page {
		out[i] = st.trackerViewLocked(t)
	}
	return out
}

// TrackerCount is the number of trackers, clones and deleted ones included.
func (st *Store) TrackerCount() int {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return len(st.trackers)
}

// Tariff returns a copy of a plan.
func (st *Store) Tariff(id int) (Tariff, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	t := st.tariffByID[id]
	if t == nil {
		return Tariff{}, false
	}
	return tariffView(t), true
}

// Tariffs returns copies of every plan in id order.
func (st *Store) Tariffs() []Tariff {
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := make([]Tariff, len(st.tariffs))
	for i, t := range st.tariffs {
		out[i] = tariffView(t)
	}
	return out
}

// Transactions returns a copy of a user's billing history, oldest first.
func (st *Store) Transactions(userID int) []Transaction {
	st.mu.Lock() // the history may be materialised now
	defer st.mu.Unlock()
	u := st.userLocked(userID)
	if u == nil {
		return nil
	}
	return slices.Clone(st.ledgerLocked(u))
}

// TimeZones returns the supported time zones with English descriptions.
func (st *Store) TimeZones() []TimeZone {
	return localizedTimeZones(st.timezones, "en")
}

// pageOf returns items[offset:offset+limit], clamped; limit <= 0 means all.
func pageOf[T any](items []T, offset, limit int) []T {
	if offset < 0 {
		offset = 0
	}
	if offset > len(items) {
		offset = len(items)
	}
	end := len(items)
	if limit > 0 && offset+limit < end {
		end = offset + limit
	}
	return items[offset:end]
}

// userLocked finds a user by id, or nil. Caller holds st.mu.
func (st *Store) userLocked(id int) *User { return findByID(st.users, id, userID) }

// userByLoginLocked finds a user by login, ignoring case, or nil.
func (st *Store) userByLoginLocked(login string) *User {
	return st.userByLogin[strings.ToLower(login)]
}

// trackerLocked finds a tracker by id, or nil.
func (st *Store) trackerLocked(id int) *Tracker { return findByID(st.trackers, id, trackerID) }

// tariffLocked finds a plan by id, or nil.
func (st *Store) tariffLocked(id int) *Tariff { return st.tariffByID[id] }

// trackersOfLocked returns the trackers a user owns, by id. The slice
// belongs to the store: do not modify it.
func (st *Store) trackersOfLocked(userID int) []*Tracker { return st.trackersByUser[userID] }

// userViewLocked copies a user for a reply and fills the computed fields.
func (st *Store) userViewLocked(u *User) User {
	v := *u
	v.TrackersCount = 0
	for _, t := range st.trackersByUser[u.ID] {
		if !t.Deleted {
			v.TrackersCount++
		}
	}
	v.MFAAllowed = u.MFA.Type == "allowed"
	if u.MenuPresetID != nil {
		id := *u.MenuPresetID
		v.MenuPresetID = &id
	}
	if u.Discount != nil {
		d := *u.Discount
		v.Discount = &d
	}
	if u.DefaultTariffID != nil {
		id := *u.DefaultTariffID
		v.DefaultTariffID = &id
	}
	v.MFA.FactorTypes = slices.Clone(u.MFA.FactorTypes)
	return v
}

// trackerViewLocked copies a tracker and its source for a reply and fills
// the owner's name.
func (st *Store) trackerViewLocked(t *Tracker) Tracker {
	v := *t
	src := *t.Source
	src.holders = nil
	v.Source = &src
	if owner := st.userLocked(t.UserID); owner != nil {
		v.OwnerName = strings.TrimSpace(owner.FirstName + " " + owner.LastName)
	}
	return v
}

func tariffView(t *Tariff) Tariff {
	v := *t
	v.Features = slices.Clone(t.Features)
	return v
}

// dealerViewLocked copies the dealer and counts its active trackers.
func (st *Store) dealerViewLocked() Dealer {
	d := st.dealer
	d.Features = slices.Clone(st.dealer.Features)
	own := 0
	for _, t := range st.trackers {
		if t.active() {
			own++
		}
	}
	d.ActiveAmountOwn = own
	d.ActiveAmount = own + d.ActiveAmountSubpaas
	return d
}

// insertUserLocked adds a user, giving it the next id when ID is 0.
func (st *Store) insertUserLocked(u *User) {
	if u.ID == 0 {
		u.ID = st.nextUserID
	}
	st.nextUserID = max(st.nextUserID, u.ID+1)
	st.users = insertByID(st.users, u, userID)
	st.userByLogin[strings.ToLower(u.Login)] = u
	st.userSearch.add(u)
}

// removeUserLocked forgets a user (not its trackers).
func (st *Store) removeUserLocked(u *User) {
	st.users = removeByID(st.users, u.ID, userID)
	delete(st.userByLogin, strings.ToLower(u.Login))
	delete(st.ledgers, u.ID)
	st.userSearch.remove(u)
}

// changeLoginLocked re-indexes a user under a new login.
func (st *Store) changeLoginLocked(u *User, login string) {
	delete(st.userByLogin, strings.ToLower(u.Login))
	st.changeUserTextLocked(u, func(u *User) { u.Login = login })
	st.userByLogin[strings.ToLower(login)] = u
}

// changeUserTextLocked runs change, which may rewrite the text fields of
// a stored user, and re-indexes the user for the user/list filter. Every
// change of a stored user's userSearchFields goes through here (or
// changeLoginLocked); the login itself only through changeLoginLocked.
func (st *Store) changeUserTextLocked(u *User, change func(u *User)) {
	old := userSearchFields(u)
	change(u)
	st.userSearch.update(u, &old)
}

// newSourceIDLocked allocates a source id for a new device.
func (st *Store) newSourceIDLocked() int {
	id := st.nextSourceID
	st.nextSourceID++
	return id
}

// insertTrackerLocked adds a tracker, giving it the next id when ID is 0,
// and links it to its source and owner.
func (st *Store) insertTrackerLocked(t *Tracker) {
	if t.ID == 0 {
		t.ID = st.nextTrackerID
	}
	st.nextTrackerID = max(st.nextTrackerID, t.ID+1)
	st.nextSourceID = max(st.nextSourceID, t.Source.ID+1)
	st.trackers = insertByID(st.trackers, t, trackerID)
	st.trackersByUser[t.UserID] = insertByID(st.trackersByUser[t.UserID], t, trackerID)
	if t.Clone {
		t.Source.holders = append(t.Source.holders, t)
	} else {
		t.Source.holders = append([]*Tracker{t}, t.Source.holders...)
	}
}

// appendUserLocked is the seed's fast path of insertUserLocked: u has the
// highest id so far, and the search index is built once at the end by
// indexUsersForSearchLocked.
func (st *Store) appendUserLocked(u *User) {
	st.nextUserID = u.ID + 1
	st.users = append(st.users, u)
	st.userByLogin[strings.ToLower(u.Login)] = u
}

// indexUsersForSearchLocked puts the users appended by the seed in the
// search index.
func (st *Store) indexUsersForSearchLocked() {
	st.userSearch.addAll(st.users)
	st.userSearch.compact()
}

// appendTrackerLocked is the seed's fast path of insertTrackerLocked: t
// has the highest id so far, and the by-owner index is built once at the
// end by indexTrackersByOwnerLocked.
func (st *Store) appendTrackerLocked(t *Tracker) {
	st.nextTrackerID = t.ID + 1
	st.nextSourceID = max(st.nextSourceID, t.Source.ID+1)
	st.trackers = append(st.trackers, t)
	t.Source.holders = append(t.Source.holders, t) // originals come before their clones
}

// indexTrackersByOwnerLocked rebuilds the by-owner index from the id-sorted
// tracker list.
func (st *Store) indexTrackersByOwnerLocked() {
	counts := make(map[int]int, len(st.users)/2)
	for _, t := range st.trackers {
		counts[t.UserID]++
	}
	// One backing array for every owner's list; each list gets exact
	// capacity, so a later append copies instead of overwriting a neighbour.
	backing := make([]*Tracker, len(st.trackers))
	st.trackersByUser = make(map[int][]*Tracker, len(counts))
	off := 0
	for _, t := range st.trackers {
		l, ok := st.trackersByUser[t.UserID]
		if !ok {
			n := counts[t.UserID]
			l = backing[off : off : off+n]
			off += n
		}
		st.trackersByUser[t.UserID] = append(l, t)
	}
}

// removeTrackerLocked forgets a tracker. tracker/move re-inserts the
// device under a new id, as the OpenAPI file documents.
func (st *Store) removeTrackerLocked(t *Tracker) {
	st.trackers = removeByID(st.trackers, t.ID, trackerID)
	st.trackersByUser[t.UserID] = removeByID(st.trackersByUser[t.UserID], t.ID, trackerID)
	if len(st.trackersByUser[t.UserID]) == 0 {
		delete(st.trackersByUser, t.UserID)
	}
	t.Source.holders = slices.DeleteFunc(t.Source.holders, func(h *Tracker) bool { return h == t })
}

// setTrackerOwnerLocked gives a tracker to another user.
func (st *Store) setTrackerOwnerLocked(t *Tracker, userID int) {
	st.trackersByUser[t.UserID] = removeByID(st.trackersByUser[t.UserID], t.ID, trackerID)
	t.UserID = userID
	st.trackersByUser[userID] = insertByID(st.trackersByUser[userID], t, trackerID)
}

// clonesOfLocked returns the clones over a tracker's source, excluding t.
func (st *Store) clonesOfLocked(t *Tracker) []*Tracker {
	var out []*Tracker
	for _, h := range t.Source.holders {
		if h != t && h.Clone {
			out = append(out, h)
		}
	}
	return out
}

// insertTariffLocked adds a plan, giving it the next id when ID is 0.
func (st *Store) insertTariffLocked(t *Tariff) {
	if t.ID == 0 {
		t.ID = st.nextTariffID
	}
	st.nextTariffID = max(st.nextTariffID, t.ID+1)
	st.tariffs = insertByID(st.tariffs, t, tariffID)
	st.tariffByID[t.ID] = t
}

// ledgerLocked returns a user's transactions, oldest first, generating the
// seeded history on first use (deterministically, from the user's id).
// Caller holds st.mu for writing. The slice belongs to the store.
func (st *Store) ledgerLocked(u *User) []Transaction {
	if l, ok := st.ledgers[u.ID]; ok {
		return l
	}
	var l []Transaction
	if u.seeded {
		ids := make([]int, 0, len(st.trackersByUser[u.ID]))
		for _, t := range st.trackersByUser[u.ID] {
			ids = append(ids, t.ID)
		}
		seedLedger(newLedgerRand(u.ID), u, st.anchor, st.dealer.ID, ids, func(t Transaction) { l = append(l, t) })
	}
	st.ledgers[u.ID] = l
	return l
}

// appendTransactionLocked records a new transaction of a user (whose
// balance the caller has already changed), giving it the next id.
func (st *Store) appendTransactionLocked(u *User, t Transaction) Transaction {
	l := st.ledgerLocked(u)
	t.ID = st.nextTransactionID
	st.nextTransactionID++
	t.UserID, t.DealerID = u.ID, st.dealer.ID
	st.ledgers[u.ID] = append(l, t)
	return t
}

func userID(u *User) int       { return u.ID }
func trackerID(t *Tracker) int { return t.ID }
func tariffID(t *Tariff) int   { return t.ID }

// findByID finds the element with the given id in s, sorted by id, or
// returns the zero value (nil for pointers).
func findByID[T any](s []T, target int, id func(T) int) T {
	i, found := slices.BinarySearchFunc(s, target, func(e T, t int) int { return id(e) - t })
	if !found {
		var zero T
		return zero
	}
	return s[i]
}

// insertByID inserts v into s, kept sorted by id; appending is the fast path.
func insertByID[T any](s []T, v T, id func(T) int) []T {
	n := len(s)
	if n == 0 || id(s[n-1]) < id(v) {
		return append(s, v)
	}
	i, _ := slices.BinarySearchFunc(s, id(v), func(e T, target int) int { return id(e) - target })
	return slices.Insert(s, i, v)
}

// removeByID removes the element with the given id from s, sorted by id.
func removeByID[T any](s []T, target int, id func(T) int) []T {
	i, found := slices.BinarySearchFunc(s, target, func(e T, t int) int { return id(e) - t })
	if !found {
		return s
	}
	return slices.Delete(s, i, i+1)
}
