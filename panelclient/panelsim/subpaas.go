package panelsim

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Resellers, or sub-dealers (resources/subpaas/).
//
// The markdown names no required permissions for these calls; the official
// console gates the list, the card and "Access admin panel"
// (session/create) on `subpaas: read`, creation on `subpaas: create`, and
// editing and the password change on `subpaas: update`
// (official-console-inventory.md, section 10), and so does the emulator.
//
// Every call first checks that the session's dealer may have resellers
// (code 13 otherwise): a PAAS contract, block status NOT_BLOCKED, the
// `subpaas` feature, and not being a reseller itself ("Resellers aren't
// allowed ... Create their own resellers", admin guide).
//
// A reseller is a dealer with its own panel: its login is its id ("5002")
// and subpaas/session/create opens a session of that login. Such a session
// is the reseller's: dealer/get_info answers the reseller's card, and the
// settings, branding, gateway, preset and password calls act on the
// reseller's own data. (The user, tracker and plan calls still show the
// demo dealer's data: the emulator holds one dealer's customers.) The
// seeded resellers can also sign in with account/auth, login "5002" etc.
// and password SeedResellerPassword(id).

func (s *Server) registerSubpaasActions() {
	s.register("subpaas/list", need("subpaas", "read"), s.subpaasList)
	s.register("subpaas/read", need("subpaas", "read"), s.subpaasRead)
	s.register("subpaas/create", need("subpaas", "create"), s.subpaasCreate)
	s.register("subpaas/update", need("subpaas", "update"), s.subpaasUpdate)
	s.register("subpaas/password/change", need("subpaas", "update"), s.subpaasPasswordChange)
	s.register("subpaas/session/create", need("subpaas", "read"), s.subpaasSessionCreate)

	// The seeded resellers' panel logins.
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	for _, sp := range s.store.dealerSide.subpaases {
		if sp.BlockType != blockDeleted {
			s.AddAccount(sp.Login, SeedResellerPassword(sp.ID), adminPermissions())
		}
	}
}

// SeedResellerPassword is the panel password of a seeded reseller (login:
// its id). It satisfies the password policy.
func SeedResellerPassword(id int) string { return fmt.Sprintf("Reseller#%dPw", id) }

// featureSubpaas is the dealer feature that allows resellers.
const featureSubpaas = "subpaas"

// Block statuses of a reseller. DELETED is not in the documented enum of
// the reseller object (markdown or OpenAPI), but subpaas/update documents
// it as a status a found reseller may have, and the official console's
// grid shows it ("Removed"): list and read answer it.
const (
	blockNotBlocked = "NOT_BLOCKED"
	blockInitial    = "INITIAL_BLOCK"
	blockLogin      = "BLOCK_LOGIN"
	blockClients    = "CLIENTS_BLOCKED"
	blockDeleted    = "DELETED"
)

var (
	subpaasBlockTypes = []string{blockNotBlocked, blockInitial, blockLogin, blockClients}
	subpaasOrderKeys  = []string{"subpaas_id", "title", "jur_name", "login", "block_type", "creation_date"}
	// blockTypeRank orders block_type like the platform's enum, INITIAL_BLOCK
	// first: the official console asks order_by=block_type&limit=1 to learn
	// whether any reseller is still unpaid.
	blockTypeRank = map[string]int{blockInitial: 0, blockNotBlocked: 1, blockLogin: 2, blockClients: 3, blockDeleted: 4}
)

// Subpaas is a reseller as subpaas/read answers it (the OpenAPI Subpaas
// schema: the markdown's object plus login, creation date and counts).
type Subpaas struct {
	ID                  int    `json:"subpaas_id"`
	BlockType           string `json:"block_type"`
	CreationDate        Date   `json:"creation_date"`
	Login               string `json:"login"`
	Title               string `json:"title"`
	JurName             string `json:"jur_name"`
	Email               string `json:"email"`
	JurCountry          string `json:"jur_country"`
	LinkMonitoring      string `json:"link_monitoring"` // the reseller's settings domain, filled when read
	ContactFIO          string `json:"contact_fio"`
	ContactPost         string `json:"contact_post"`
	ContactPhone        string `json:"contact_phone"`
	UsersCount          int    `json:"users_count"`
	ActiveUsersCount    int    `json:"active_users_count"`
	TrackersCount       int    `json:"trackers_count"`
	ActiveTrackersCount int    `json:"active_trackers_count"`
	// Parent is the dealer the reseller belongs to.
	Parent int `json:"-"`
}

// SubpaasListEntry is a reseller as subpaas/list answers it (the
// markdown's list example and the OpenAPI SubpaasListEntry).
type SubpaasListEntry struct {
	ID                  int    `json:"subpaas_id"`
	Title               string `json:"title"`
	JurName             string `json:"jur_name"`
	Login               string `json:"login"`
	CreationDate        Date   `json:"creation_date"`
	BlockType           string `json:"block_type"`
	UsersCount          int    `json:"users_count"`
	ActiveUsersCount    int    `json:"active_users_count"`
	TrackersCount       int    `json:"trackers_count"`
	ActiveTrackersCount int    `json:"active_trackers_count"`
}

// resellerTariff is the PaaS plan of every reseller's card.
var resellerTariff = PaasTariff{
	ID: 6, Name: "Reseller PaaS", Type: "monthly", Algorithm: "plain", Currency: "USD",
	LicensePrice: ptr(1.5), MinLicensePay: ptr(50.0),
	ServicePrices: ServicePrices{IncomingSMS: 0.03, OutgoingSMS: 0.06, ServiceSMS: 0.06, PhoneCall: 0.2, Traffic: 0.02},
	StorePeriod:   "P1Y",
}

// subpaasLocked finds a reseller by id, or nil.
func (st *Store) subpaasLocked(id int) *Subpaas {
	return findByID(st.dealerSide.subpaases, id, func(sp *Subpaas) int { return sp.ID })
}

// subpaasViewLocked copies a reseller for a reply, with its domain.
func (st *Store) subpaasViewLocked(sp *Subpaas) Subpaas {
	v := *sp
	v.LinkMonitoring = st.settingsLocked(sp.ID).service.Domain
	return v
}

// Subpaases returns copies of every reseller, by id, deleted ones included.
func (st *Store) Subpaases() []Subpaas {
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := make([]Subpaas, len(st.dealerSide.subpaases))
	for i, sp := range st.dealerSide.subpaases {
		out[i] = st.subpaasViewLocked(sp)
	}
	return out
}

// dealerCardLocked returns the card of a dealer: the demo dealer's as
// stored (its slices shared: read only, and active counts not computed),
// or a reseller's, built from its record and settings.
func (st *Store) dealerCardLocked(dealer int) Dealer {
	if dealer != st.dealer.ID {
		if sp := st.subpaasLocked(dealer); sp != nil {
			return st.resellerCardLocked(sp)
		}
	}
	return st.dealer
}

// resellerCardLocked builds what dealer/get_info answers a reseller: its
// title, legal name, block status and active trackers, its own settings
// (domain, locale, logo, favicon, default time zone), `subpaas: true`, the
// parent as parent and seller, the parent's features but `subpaas`.
func (st *Store) resellerCardLocked(sp *Subpaas) Dealer {
	parent := &st.dealer
	sv := st.settingsLocked(sp.ID).service
	var activation *Date
	if sp.BlockType != blockInitial {
		activation = dayOf(sp.CreationDate.Time)
	}
	return Dealer{
		ID: sp.ID, SellerID: parent.ID, ParentDealerID: parent.ID, ContractType: "PAAS",
		TariffID: resellerTariff.ID, Tariff: resellerTariff, TrackerTariffEndDate: copyPtr(parent.TrackerTariffEndDate),
		StorePeriod: parent.StorePeriod, Title: sp.Title, BlockStatus: sp.BlockType, LegalName: sp.JurName,
		ActiveAmount: sp.ActiveTrackersCount, ActiveAmountOwn: sp.ActiveTrackersCount, ActiveLimit: 100,
		Locale: sv.Locale, Domain: sv.Domain, Favicon: copyPtr(sv.Favicon), Logo: copyPtr(sv.Logo),
		EnableTrackers: true, EnableCameras: parent.EnableCameras, Subpaas: true, AllowBranding: parent.AllowBranding,
		PasswordPolicy: parent.PasswordPolicy, PaasActivationDate: activation, SellerCurrency: parent.SellerCurrency,
		Features:            slices.DeleteFunc(slices.Clone(parent.Features), func(f string) bool { return f == featureSubpaas }),
		DefaultUserTimeZone: sv.DefaultUserTimeZone,
	}
}

// resellerDealerOf returns the card dealer/get_info answers a session of
// login when it is a reseller's panel login; ok is false for the demo
// dealer's logins.
func (st *Store) resellerDealerOf(login string) (Dealer, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	id := st.dealerOfLocked(login)
	if id == st.dealer.ID {
		return Dealer{}, false
	}
	return st.resellerCardLocked(st.subpaasLocked(id)), true
}

// subpaasAllowedLocked reports whether a dealer may have resellers.
func (st *Store) subpaasAllowedLocked(dealer int) bool {
	d := &st.dealer
	return dealer == d.ID && d.ContractType == "PAAS" && d.BlockStatus == blockNotBlocked &&
		slices.Contains(d.Features, featureSubpaas)
}

// ownSubpaasLocked finds one of the caller's resellers: 13 when the
// caller may not have resellers, 201 for an unknown id.
func (st *Store) ownSubpaasLocked(c *call, id int) (*Subpaas, *apiError) {
	dealer := st.sessionDealerLocked(c)
	if !st.subpaasAllowedLocked(dealer) {
		return nil, newError(codeNotPermitted)
	}
	sp := st.subpaasLocked(id)
	if sp == nil || sp.Parent != dealer {
		return nil, newError(codeNotFound)
	}
	return sp, nil
}

// subpaasList answers the dealer's resellers: filtered by a
// case-insensitive substring of id, title, legal name, login, email or
// domain (`filter`, OpenAPI), ordered by order_by (ties by id; block_type
// in the platform's order, INITIAL_BLOCK first), paged (offset, limit: a
// missing or zero limit means all), with `count`, the number of matches.
func (s *Server) subpaasList(c *call) (any, error) {
	p := c.params
	filter, _ := p.optString("filter")
	orderBy := p.oneOf("order_by", "subpaas_id", subpaasOrderKeys...)
	ascending := true
	if b, ok := p.optBool("ascending"); ok {
		ascending = b
	}
	offset, limit := trackerPaging(p)
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	dealer := st.sessionDealerLocked(c)
	if !st.subpaasAllowedLocked(dealer) {
		return nil, newError(codeNotPermitted)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	needle := strings.ToLower(strings.TrimSpace(filter))
	var matched []Subpaas
	for _, sp := range st.dealerSide.subpaases {
		if sp.Parent != dealer {
			continue
		}
		v := st.subpaasViewLocked(sp)
		if needle != "" && !slices.ContainsFunc([]string{strconv.Itoa(v.ID), v.Title, v.JurName, v.Login, v.Email, v.LinkMonitoring},
			func(f string) bool { return strings.Contains(strings.ToLower(f), needle) }) {
			continue
		}
		matched = append(matched, v)
	}
	slices.SortStableFunc(matched, func(a, b Subpaas) int {
		c := 0
		switch orderBy {
		case "title":
			c = compareFold(a.Title, b.Title)
		case "jur_name":
			c = compareFold(a.JurName, b.JurName)
		case "login":
			c = cmp.Compare(a.Login, b.Login)
		case "block_type":
			c = cmp.Compare(blockTypeRank[a.BlockType], blockTypeRank[b.BlockType])
		case "creation_date":
			c = a.CreationDate.Compare(b.CreationDate.Time)
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if !ascending {
			c = -c
		}
		return c
	})
	page := pageOf(matched, offset, limit)
	out := struct {
		List  []SubpaasListEntry `json:"list"`
		Count int                `json:"count"`
	}{List: make([]SubpaasListEntry, len(page)), Count: len(matched)}
	for i, v := range page {
		out.List[i] = SubpaasListEntry{ID: v.ID, Title: v.Title, JurName: v.JurName, Login: v.Login,
			CreationDate: v.CreationDate, BlockType: v.BlockType, UsersCount: v.UsersCount,
			ActiveUsersCount: v.ActiveUsersCount, TrackersCount: v.TrackersCount, ActiveTrackersCount: v.ActiveTrackersCount}
	}
	return out, nil
}

// subpaasIDParam reads a required positive subpaas_id.
func subpaasIDParam(p *params) int {
	id := p.int("subpaas_id")
	if p.has("subpaas_id") && id < 1 {
		p.invalid("subpaas_id", msgPositiveID)
	}
	return id
}

// subpaasRead answers one reseller under `value`; 201 for an unknown id.
func (s *Server) subpaasRead(c *call) (any, error) {
	id := subpaasIDParam(c.params)
	if err := c.params.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	sp, err := st.ownSubpaasLocked(c, id)
	if err != nil {
		return nil, err
	}
	return struct {
		Value Subpaas `json:"value"`
	}{st.subpaasViewLocked(sp)}, nil
}

// subpaasForm is the reseller fields of create and update.
type subpaasForm struct {
	title, jurName, email, jurCountry, link string
	contact                                 [3]*string // fio, post, phone; nil when not sent
}

var subpaasContactFields = [3]struct {
	name string
	max  int
}{{"contact_fio", 100}, {"contact_post", 50}, {"contact_phone", 255}}

// readSubpaasForm reads and checks the fields (OpenAPI lengths): title 1
// to 50 characters, jur_name up to 100, email an address, jur_country up
// to 255, link_monitoring a domain name up to 255, contact_fio up to 100,
// contact_post up to 50, contact_phone up to 255 (these three optional).
func readSubpaasForm(p *params) subpaasForm {
	var f subpaasForm
	f.title = strings.TrimSpace(maxRunesParam(p, "title", 50, true))
	if p.has("title") && f.title == "" {
		p.invalid("title", msgBlank)
	}
	f.jurName = strings.TrimSpace(maxRunesParam(p, "jur_name", 100, true))
	f.email = strings.TrimSpace(p.string("email"))
	if p.has("email") && !validEmail(f.email) {
		p.invalid("email", msgEmail)
	}
	f.jurCountry = strings.TrimSpace(maxRunesParam(p, "jur_country", 255, true))
	f.link = strings.TrimSpace(maxRunesParam(p, "link_monitoring", 255, true))
	if p.has("link_monitoring") && !validDomainName(f.link) {
		p.invalid("link_monitoring", msgDomain)
	}
	for i, cf := range subpaasContactFields {
		if v, ok := p.optString(cf.name); ok {
			v = strings.TrimSpace(v)
			if utf8.RuneCountInString(v) > cf.max {
				p.invalid(cf.name, fmt.Sprintf("Must be at most %d characters long", cf.max))
			}
			f.contact[i] = &v
		}
	}
	return f
}

// apply writes the form to a reseller and its settings.
func (f subpaasForm) apply(st *Store, sp *Subpaas) {
	sp.Title, sp.JurName, sp.Email, sp.JurCountry = f.title, f.jurName, f.email, f.jurCountry
	for i, p := range []*string{&sp.ContactFIO, &sp.ContactPost, &sp.ContactPhone} {
		if f.contact[i] != nil {
			*p = *f.contact[i]
		}
	}
	st.settingsLocked(sp.ID).service.Domain = f.link
}

// subpaasCreate adds a reseller in INITIAL_BLOCK ("Not paid") and answers
// its id (OpenAPI; the markdown shows only success). Its panel login is
// its id; password is checked against the password policy (7). A domain
// another dealer serves is 247, as for service settings.
func (s *Server) subpaasCreate(c *call) (any, error) {
	p := c.params
	password := strings.TrimSpace(p.string("password"))
	f := readSubpaasForm(p)
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	dealer := st.sessionDealerLocked(c)
	if !st.subpaasAllowedLocked(dealer) {
		return nil, newError(codeNotPermitted)
	}
	if p.has("password") {
		if problem := passwordProblem(password, st.dealer.PasswordPolicy); problem != "" {
			p.invalid("password", problem)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if st.domainTakenLocked(f.link, 0) {
		return nil, newError(codeEntityExists)
	}
	id := st.dealerSide.nextSubpaasID
	st.dealerSide.nextSubpaasID++
	sp := &Subpaas{ID: id, BlockType: blockInitial, CreationDate: *dayOf(c.now), Login: strconv.Itoa(id), Parent: dealer}
	st.dealerSide.settings[id] = newDealerSettings(f.title, f.link, &st.dealer)
	f.apply(st, sp)
	st.dealerSide.subpaases = insertByID(st.dealerSide.subpaases, sp, func(sp *Subpaas) int { return sp.ID })
	s.AddAccount(sp.Login, password, adminPermissions())
	return struct {
		ID int `json:"id"`
	}{id}, nil
}

// subpaasUpdate replaces a reseller's fields and block status. subpaas_id,
// block_type, title, jur_name, email, jur_country and link_monitoring are
// required (OpenAPI); the contact fields keep their values when not sent.
// `password` is not accepted here (OpenAPI: use password/change; the
// markdown lists it): it is ignored. Code 13, as documented, when
// block_type is DELETED, the reseller is DELETED, or the change enters or
// leaves INITIAL_BLOCK (only payment ends it); 201 for an unknown id; 247
// for a domain another dealer serves.
func (s *Server) subpaasUpdate(c *call) (any, error) {
	p := c.params
	id := subpaasIDParam(p)
	blockType := p.string("block_type")
	if p.has("block_type") && blockType != blockDeleted && !slices.Contains(subpaasBlockTypes, blockType) {
		p.invalid("block_type", "Should be one of ["+strings.Join(subpaasBlockTypes, ", ")+"]")
	}
	f := readSubpaasForm(p)
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	sp, err := st.ownSubpaasLocked(c, id)
	if err != nil {
		return nil, err
	}
	if blockType == blockDeleted || sp.BlockType == blockDeleted ||
		(sp.BlockType == blockInitial) != (blockType == blockInitial) {
		return nil, newError(codeNotPermitted)
	}
	if st.domainTakenLocked(f.link, sp.ID) {
		return nil, newError(codeEntityExists)
	}
	f.apply(st, sp)
	sp.BlockType = blockType
	return nil, nil
}

// subpaasPasswordChange sets a reseller's panel password without the
// current one. The policy applies and none of the login's last ten
// passwords may be reused (7 on new_password); 201 for an unknown id; 13
// for a DELETED reseller.
func (s *Server) subpaasPasswordChange(c *call) (any, error) {
	p := c.params
	id := subpaasIDParam(p)
	newPw := strings.TrimSpace(p.string("new_password"))
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	sp, err := st.ownSubpaasLocked(c, id)
	if err != nil {
		return nil, err
	}
	if sp.BlockType == blockDeleted {
		return nil, newError(codeNotPermitted)
	}
	if err := st.changePanelPasswordLocked(s, sp.Login, s.accounts.passwordOf(sp.Login), newPw, sp.ID); err != nil {
		return nil, err
	}
	return nil, nil
}

// passwordOf returns a panel login's current password.
func (b *accountBook) passwordOf(login string) string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.byLogin[login].password
}

// subpaasSessionCreate opens a session of the reseller's own panel and
// answers its hash, usable like one from account/auth (24 hours). Only a
// NOT_BLOCKED reseller: 13 otherwise; 201 for an unknown id.
func (s *Server) subpaasSessionCreate(c *call) (any, error) {
	id := subpaasIDParam(c.params)
	if err := c.params.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.RLock()
	sp, err := st.ownSubpaasLocked(c, id)
	var login string
	if err == nil {
		if sp.BlockType != blockNotBlocked {
			err = newError(codeNotPermitted)
		}
		login = sp.Login
	}
	st.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	sess := s.sessions.create(login, c.now)
	return struct {
		Hash string `json:"hash"`
	}{sess.hash}, nil
}

// Seeded reseller ids.
const (
	resellerNorthstar = 5002
	resellerHostile   = 5003
	resellerBlocked   = 5004
	resellerClients   = 5005
	resellerUnpaid    = 5006
	resellerDeleted   = 5007
)

// seedSubpaases adds six resellers, one per block status plus a hostile
// one, with their settings. Their active trackers (12 + 7) are the demo
// dealer's active_amount_subpaas.
func seedSubpaases(st *Store) {
	day := func(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }
	type seeded struct {
		sp     Subpaas
		domain string
	}
	list := []seeded{
		{Subpaas{ID: resellerNorthstar, BlockType: blockNotBlocked, CreationDate: day(2021, time.April, 12),
			Title: "Northstar Telematics", JurName: "Northstar Telematics LLC", Email: "ops@northstar.example.com",
			JurCountry: "United States", ContactFIO: "Jane Doe", ContactPost: "CTO", ContactPhone: "15551234567",
			UsersCount: 48, ActiveUsersCount: 41, TrackersCount: 160, ActiveTrackersCount: 12}, "track.northstar.example.com"},
		{Subpaas{ID: resellerHostile, BlockType: blockNotBlocked, CreationDate: day(2022, time.August, 1),
			Title: `<script>alert("reseller")</script> & 'Sons'`, JurName: `ООО «Сибирские "Транспортные" Решения» & 株式会社`,
			Email: "info@sibir.example.com", JurCountry: "Россия", ContactFIO: "Анна-Мария О'Коннор-Смирнова",
			ContactPost: `<img src=x onerror=alert(1)>`, ContactPhone: "79991234567",
			UsersCount: 12, ActiveUsersCount: 10, TrackersCount: 40, ActiveTrackersCount: 7}, "трекинг.пример.рф"},
		{Subpaas{ID: resellerBlocked, BlockType: blockLogin, CreationDate: day(2020, time.February, 20),
			Title: "Geo Rastreo México", JurName: "Geo Rastreo México S.A. de C.V.", Email: "admin@georastreo.example.com",
			JurCountry: "Mexico", UsersCount: 5, TrackersCount: 30}, "gps.georastreo.example.com"},
		{Subpaas{ID: resellerClients, BlockType: blockClients, CreationDate: day(2019, time.November, 5),
			Title: "Baltic Fleet Services", JurName: "Baltic Fleet Services OÜ", Email: "info@balticfleet.example.com",
			JurCountry: "Estonia", ContactFIO: "Mart Tamm", UsersCount: 3, TrackersCount: 10}, "fleet.baltic.example.com"},
		{Subpaas{ID: resellerUnpaid, BlockType: blockInitial, CreationDate: day(2026, time.November, 18),
			Title: "Sunrise GPS", JurName: "Sunrise GPS Pty Ltd", Email: "hello@sunrisegps.example.com",
			JurCountry: "Australia"}, "sunrise.example.com"},
		{Subpaas{ID: resellerDeleted, BlockType: blockDeleted, CreationDate: day(2018, time.June, 1),
			Title: "Old Partner", JurName: "Old Partner Ltd", Email: "old@partner.example.com",
			JurCountry: "United Kingdom"}, "old.partner.example.com"},
	}
	active := 0
	for _, s := range list {
		sp := s.sp
		sp.Login, sp.Parent = strconv.Itoa(sp.ID), st.dealer.ID
		st.dealerSide.subpaases = append(st.dealerSide.subpaases, &sp)
		ds := newDealerSettings(sp.Title, s.domain, &st.dealer)
		ds.notification = NotificationSettings{EmailFrom: "no-reply@" + asciiDomain(s.domain),
			EmailFooter: "\n\n" + sp.JurName, SMSOriginator: "GPS", CallerID: "GPS"}
		st.dealerSide.settings[sp.ID] = ds
		if sp.BlockType != blockDeleted {
			active += sp.ActiveTrackersCount
		}
	}
	st.dealerSide.nextSubpaasID = resellerDeleted + 1
	st.dealer.ActiveAmountSubpaas = active
}

// asciiDomain is a domain in its ASCII (punycode) form.
func asciiDomain(d string) string {
	if a, err := idna.Lookup.ToASCII(d); err == nil {
		return a
	}
	return d
}
