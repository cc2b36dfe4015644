package panelsim

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// The dealer's stock: activation codes (resources/dealer/activation_code.md),
// the equipment catalogue (resources/equipment.md), tracker bundles
// (tracker.md, tracker/bundle/*), the SIM cards bundles are paired with, and
// equipment orders (resources/order.md). The records live in stockTables
// beside the rest of the Store, guarded by Store.mu; the actions are in
// activation_code.go, bundle.go and order.go.

// ActivationCode is a code a customer enters to activate a device with a
// preset plan, bonus and free period (activation_code.md "Activation Code
// Object"). TariffName is computed from the plan when read.
type ActivationCode struct {
	TariffID       int       `json:"tariff_id"`
	BonusAmount    int       `json:"bonus_amount"`
	FreeDays       int       `json:"free_days"`
	MoneyAmount    int       `json:"money_amount"`
	DeviceType     string    `json:"device_type"`
	Code           string    `json:"code"`
	Activated      bool      `json:"activated"`
	ActivationDate *DateTime `json:"activation_date"`
	DeviceID       int       `json:"device_id"`
	TariffName     string    `json:"tariff_name"`

	// seq is the creation order, the list's order when none is asked for.
	seq int
}

// Equipment is a device model bundles can be made of (equipment.md).
type Equipment struct {
	EquipID   int    `json:"equip_id"`
	ModelName string `json:"model_name"`
	ModelCode string `json:"model_code"`
	Vendor    string `json:"vendor"`
	Name      string `json:"name"`
}

// Bundle is a device prepared for shipping: an IMEI of some equipment,
// optionally paired with a SIM card (ICCID) and attached to an order. The
// markdown never spells the bundle object out (tracker.md says `<bundle>`);
// its fields are those of the bundles inside order.md's order/read example.
// The equip_* fields and model_code are computed from the equipment when
// read. iccid, assign_time and order_id are null while unset; assign_time is
// when the current ICCID was assigned.
type Bundle struct {
	ID          int       `json:"id"`
	EquipID     int       `json:"equip_id"`
	EquipVendor string    `json:"equip_vendor"`
	EquipName   string    `json:"equip_name"`
	EquipModel  string    `json:"equip_model"`
	ModelCode   string    `json:"model_code"`
	IMEI        string    `json:"imei"`
	ICCID       *string   `json:"iccid"`
	AssignTime  *DateTime `json:"assign_time"`
	OrderID     *int      `json:"order_id"`

	// FactoryPreset is tracker/bundle/import's factory_preset; no read
	// shows it.
	FactoryPreset bool `json:"-"`
}

// SIMCard is a SIM card the platform knows, which tracker/bundle/assign
// pairs with a bundle by ICCID. The Panel API has no action that lists
// them: Store.SIMCards exposes them to tests, which need an ICCID that
// assigns and ones that fail with each documented error.
type SIMCard struct {
	ICCID string
	Phone string
	// Blocked SIM cards answer 208, deleted ones 250, and ones already in
	// use by a device 223.
	Blocked, Deleted, InUse bool
	// BundleID is the bundle the card is paired with, 0 when free (a
	// second bundle gets 247).
	BundleID int
}

// free reports whether tracker/bundle/assign may pair the card.
func (c *SIMCard) free() bool { return !c.Blocked && !c.Deleted && !c.InUse && c.BundleID == 0 }

// Order is an equipment order (order.md). bundles (the markdown) and
// positions (the OpenAPI file) are both answered; remark is omitted when
// empty, as the OpenAPI file says of null fields. Bundles is computed when
// read: the bundles attached to the order, by id.
type Order struct {
	ID           int             `json:"id"`
	UserID       int             `json:"user_id"`
	SellerID     int             `json:"seller_id"`
	Amount       int             `json:"amount"`
	Sum          float64         `json:"sum"`
	Type         string          `json:"type"`
	Payer        string          `json:"payer"`
	Recipient    string          `json:"recipient"`
	Contacts     string          `json:"contacts"`
	Place        string          `json:"place"`
	Comment      string          `json:"comment"`
	Remark       string          `json:"remark,omitempty"`
	CreationTime DateTime        `json:"creation_time"`
	Status       string          `json:"status"`
	WithVAT      bool            `json:"with_vat"`
	Positions    []OrderPosition `json:"positions"`
	Bundles      []Bundle        `json:"bundles"`

	// DealerID is whose order it is: order/read answers 201 for another
	// dealer's order, as for a missing one (the OpenAPI description).
	DealerID int `json:"-"`
}

// OrderPosition is a line item of an order (OpenAPI OrderPosition).
type OrderPosition struct {
	ID      int     `json:"id"`
	OrderID int     `json:"order_id"`
	EquipID int     `json:"equip_id"`
	Type    string  `json:"type"`
	Name    string  `json:"name"`
	Amount  int     `json:"amount"`
	Price   float64 `json:"price"`
}

// stockTables holds the stock records. Guarded by Store.mu.
type stockTables struct {
	codes      []*ActivationCode // creation order
	codeByCode map[string]*ActivationCode
	// codeRand draws new codes; seeded, so the same calls give the same codes.
	codeRand *rand.Rand

	equipment    []*Equipment // by equip_id
	equipByID    map[int]*Equipment
	bundles      []*Bundle // by id
	bundleByID   map[int]*Bundle
	bundleByIMEI map[string]*Bundle
	sims         map[string]*SIMCard
	simOrder     []*SIMCard // seed order, for Store.SIMCards
	orders       []*Order   // by id
	nextBundleID int
	nextCodeSeq  int
}

// Seed sizes and ids of the stock.
const (
	seedActivationCodes = 300
	seedBundles         = 300
	seedFreeSIMs        = 200
	// firstBundleID is the first seeded bundle's id: 1001 has an ICCID,
	// 1002 has none, 1003 carries a hostile ICCID and 1004 is attached to
	// order 1 (see seedBundlesStock).
	firstBundleID = 1001
	// foreignOrderID is an order of another dealer: order/read answers 201.
	foreignOrderID = 9
	foreignDealer  = 4242
	stockStream    = 0x5eed0004
	codeStream     = 0x5eed0005
)

// hostileICCID is the ICCID of bundle 1003: printable and at most 20
// characters, as tracker/bundle/assign demands, and still markup.
const hostileICCID = `"><svg onload=1>`

// seedEquipment is the catalogue: the equipment.md example (33), the
// order.md example (117), the seeded tracker models and one hostile entry.
var seedEquipment = []Equipment{
	{33, "SPT10 SB", "pt10", "3. NAVIXY S Series (personal)", "NAVIXY S10"},
	{117, "FM1200", "gv500", "Trackers of different manufacturers", "GPS/GSM terminal Teltonika FM1100"},
	{120, "FMB120", "telfmb120", "Teltonika", "Teltonika FMB120"},
	{121, "FMB920", "telfmb920", "Teltonika", "Teltonika FMB920"},
	{122, "FMC130", "telfmc130", "Teltonika", "Teltonika FMC130"},
	{140, "GV300", "qlgv300", "Queclink", "Queclink GV300"},
	{141, "GV55", "qlgv55", "Queclink", "Queclink GV55"},
	{150, "GT06N", "concox_gt06n", "Concox", "Concox GT06N"},
	{160, "FM-Eco4", "ruptela_eco4", "Ruptela", "Ruptela FM-Eco4"},
	{170, "Galileosky 7.0", "galileosky_v7", "Galileosky", "Galileosky 7.0 Base"},
	{180, "AD Plus 2.0", "streamax_ad_plus2", "Streamax", "Streamax AD Plus 2.0 dashcam"},
	{190, `<img src=x onerror=alert("equip")>`, "acme_t1", `"Acme" <Trackers> & Co`, `Трекер «Тест» 'quoted' </td>`},
}

// seedStock fills the stock tables from the seeded plans, users and
// trackers, deterministically.
func seedStock(st *Store) {
	sk := &st.stock
	r := rand.New(rand.NewPCG(stockStream, streamSalt))
	sk.codeRand = rand.New(rand.NewPCG(codeStream, streamSalt))
	sk.codeByCode = map[string]*ActivationCode{}
	sk.equipByID = map[int]*Equipment{}
	sk.bundleByID = map[int]*Bundle{}
	sk.bundleByIMEI = map[string]*Bundle{}
	sk.sims = map[string]*SIMCard{}
	sk.nextBundleID = firstBundleID

	for _, e := range seedEquipment {
		e := e
		sk.equipment = append(sk.equipment, &e)
		sk.equipByID[e.EquipID] = &e
	}
	seedOrders(st, r)
	seedBundlesStock(st, r)
	seedActivationCodesStock(st, r)
}

// iccidFor builds a 20-digit ICCID (89 telecom, 701 country, 01 issuer, a
// 12-digit serial and a Luhn check digit).
func iccidFor(serial int) string {
	b := appendPadded([]byte("8970101"), uint64(serial), 12)
	sum := 0
	for i := len(b) - 1; i >= 0; i-- {
		d := int(b[i] - '0')
		if (len(b)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return string(append(b, byte('0'+(10-sum%10)%10)))
}

// tacFor is the type allocation code seeded IMEIs of an equipment start
// with; it differs from every seeded tracker model's.
func tacFor(equipID int) string {
	return string(appendPadded([]byte("864"), uint64(equipID), 5))
}

func (sk *stockTables) addSIM(c *SIMCard) {
	sk.sims[c.ICCID] = c
	sk.simOrder = append(sk.simOrder, c)
}

func seedOrders(st *Store, r *rand.Rand) {
	users := max(len(st.users), 1)
	type draft struct {
		status, payer, recipient, contacts, place, comment, remark string
		equip                                                      []int
		vat                                                        bool
	}
	drafts := []draft{
		{"created", `<script>alert("payer")</script>`, `O'Brien "Bob" & Sons`, "+1 555 0100", `"><img src=x onerror=alert(1)>`, "{{7*7}} ${7*7}", "", []int{120, 140}, true},
		{"settled", "Leonard Bernstein", "Leonard Bernstein", "", "111111 Leipzig, Leipzig Tieckstrasse, 2", "", "", []int{117}, false},
		{"gathered", "Acme Logistics LLC", "Warehouse 3", "ops@example.com", "900 Sunset Blvd, Los Angeles", "Deliver before noon", "Paid by invoice", []int{121, 150}, true},
		{"shipped", "ООО «Север»", "Иван Иванов", "+7 999 123-45-67", "Москва, Тверская ул., 1", "Доставка курьером", "", []int{122}, false},
		{"shipped_partially", "Globex Delivery", "Globex Delivery", "", "Av. Paulista 1000, São Paulo", "", "", []int{160, 170}, true},
		{"canceled", "Stark Haulage", "Stark Haulage", "", "Baker Street 221b, London", "Customer changed their mind", "", []int{141}, false},
		{"created", "شركة التوصيل", "محمد العتيبي", "", "طريق الملك فهد ١٢٣، الرياض", "", "", []int{180}, true},
		{"settled", "Tom &amp; Jerry's", "</td></tr></table>", "", "Line one\nLine two", "", "", []int{33, 190}, false},
	}
	sk := &st.stock
	posID := 1
	for i, d := range drafts {
		o := &Order{
			ID: i + 1, UserID: 1 + (i*7)%users, SellerID: st.dealer.SellerID, Type: "equip",
			Payer: d.payer, Recipient: d.recipient, Contacts: d.contacts, Place: d.place,
			Comment: d.comment, Remark: d.remark, Status: d.status, WithVAT: d.vat,
			CreationTime: DateTime{st.anchor.AddDate(0, 0, -20*(len(drafts)-i)).Add(time.Duration(r.IntN(86400)) * time.Second)},
			DealerID:     st.dealer.ID,
		}
		for _, eq := range d.equip {
			e := sk.equipByID[eq]
			pos := OrderPosition{ID: posID, OrderID: o.ID, EquipID: eq, Type: "equip", Name: e.Name,
				Amount: 1 + r.IntN(5), Price: float64(50+r.IntN(200)) + 0.5*float64(r.IntN(2))}
			posID++
			o.Positions = append(o.Positions, pos)
			o.Amount += pos.Amount
			o.Sum = round2(o.Sum + float64(pos.Amount)*pos.Price)
		}
		sk.orders = append(sk.orders, o)
	}
	sk.orders = append(sk.orders, &Order{
		ID: foreignOrderID, UserID: 1, SellerID: st.dealer.SellerID, Type: "equip", Status: "created",
		Payer: "Another dealer's customer", Recipient: "Another dealer's customer", Amount: 1, Sum: 99,
		CreationTime: DateTime{st.anchor.AddDate(0, -1, 0)}, DealerID: foreignDealer,
		Positions: []OrderPosition{{ID: posID, OrderID: foreignOrderID, EquipID: 120, Type: "equip", Name: "Teltonika FMB120", Amount: 1, Price: 99}},
	})
}

func seedBundlesStock(st *Store, r *rand.Rand) {
	sk := &st.stock
	simSerial := 1
	newSIM := func() *SIMCard {
		c := &SIMCard{ICCID: iccidFor(simSerial), Phone: digitsAfter(r, "7999", 7)}
		simSerial++
		return c
	}
	// Bundles attached to the eight orders of this dealer, at most their
	// amount each; bundle 1004 goes to order 1.
	attached := map[int]int{}
	for i := range seedBundles {
		id := firstBundleID + i
		e := sk.equipment[r.IntN(len(sk.equipment))]
		b := &Bundle{ID: id, EquipID: e.EquipID, IMEI: imei(tacFor(e.EquipID), 100000+i), FactoryPreset: r.IntN(3) == 0}
		withICCID := r.IntN(100) < 60
		orderID := 0
		if r.IntN(100) < 15 {
			orderID = 1 + r.IntN(8)
		}
		switch id {
		case 1001:
			withICCID, orderID = true, 0
		case 1002:
			withICCID, orderID = false, 0
		case 1003:
			withICCID, orderID = false, 0
			b.ICCID = ptr(hostileICCID)
			sk.addSIM(&SIMCard{ICCID: hostileICCID, Phone: "79990000000", BundleID: id})
		case 1004:
			withICCID, orderID = true, 1
		}
		if withICCID {
			c := newSIM()
			c.BundleID = id
			sk.addSIM(c)
			b.ICCID = ptr(c.ICCID)
		}
		if b.ICCID != nil {
			b.AssignTime = &DateTime{st.anchor.Add(-time.Duration(1+r.IntN(730*24)) * time.Hour).Truncate(time.Second)}
		}
		if orderID > 0 && (id == 1004 || attached[orderID] < sk.orders[orderID-1].Amount) {
			attached[orderID]++
			b.OrderID = ptr(orderID)
		}
		sk.bundles = append(sk.bundles, b)
		sk.bundleByID[id] = b
		sk.bundleByIMEI[b.IMEI] = b
		sk.nextBundleID = id + 1
	}
	for range seedFreeSIMs {
		sk.addSIM(newSIM())
	}
	// Three SIM cards for each documented failure of tracker/bundle/assign.
	for range 3 {
		c := newSIM()
		c.Blocked = true
		sk.addSIM(c)
		c = newSIM()
		c.Deleted = true
		sk.addSIM(c)
		c = newSIM()
		c.InUse = true
		sk.addSIM(c)
	}
}

func seedActivationCodesStock(st *Store, r *rand.Rand) {
	byType := map[string][]int{}
	for _, t := range st.tariffs {
		if t.Active {
			byType[t.DeviceType] = append(byType[t.DeviceType], t.ID)
		}
	}
	var devices []*Tracker
	for _, t := range st.trackers {
		if !t.Clone && !t.Source.Corrupted && st.tariffByID[t.Source.TariffID] != nil {
			devices = append(devices, t)
		}
	}
	bonuses := []int{0, 0, 0, 3, 5, 10}
	freeDays := []int{0, 7, 14, 14, 30}
	money := []int{0, 0, 0, 5, 10}
	for i := range seedActivationCodes {
		c := &ActivationCode{
			BonusAmount: bonuses[r.IntN(len(bonuses))],
			FreeDays:    freeDays[r.IntN(len(freeDays))],
			MoneyAmount: money[r.IntN(len(money))],
		}
		activated := r.IntN(100) < 35
		switch {
		case i == 0:
			c.TariffID, activated = planHostile, false
		case i == 1:
			c.TariffID, activated = planCyrillic, false
		case i == 2 && len(devices) > 0:
			activated = true
		case i == 3:
			c.TariffID, activated = planVideo, false
		}
		if activated {
			if len(devices) > 0 {
				d := devices[r.IntN(len(devices))]
				c.DeviceID, c.TariffID = d.ID, d.Source.TariffID
				c.ActivationDate = &DateTime{d.CreationDate.Add(time.Duration(8+r.IntN(10)) * time.Hour)}
			} else {
				c.DeviceID = 900000 + i
				c.ActivationDate = &DateTime{st.anchor.AddDate(0, 0, -1-i)}
			}
			c.Activated = true
		}
		if c.TariffID == 0 {
			kind := "tracker"
			switch k := r.IntN(100); {
			case k < 12:
				kind = "camera"
			case k < 18:
				kind = "socket"
			}
			ids := byType[kind]
			if len(ids) == 0 {
				ids = byType["tracker"]
			}
			c.TariffID = ids[r.IntN(len(ids))]
		}
		if t := st.tariffByID[c.TariffID]; t != nil {
			c.DeviceType = t.DeviceType
		}
		st.stock.addCode(c, r)
	}
}

// addCode gives c a fresh unique 10-digit code and stores it.
func (sk *stockTables) addCode(c *ActivationCode, r *rand.Rand) {
	for {
		code := strconv.FormatUint(1_000_000_000+r.Uint64N(9_000_000_000), 10)
		if _, taken := sk.codeByCode[code]; !taken {
			c.Code = code
			break
		}
	}
	c.seq = sk.nextCodeSeq
	sk.nextCodeSeq++
	sk.codes = append(sk.codes, c)
	sk.codeByCode[c.Code] = c
}

// activationCodeViewLocked copies a code for a reply with its plan's name.
func (st *Store) activationCodeViewLocked(c *ActivationCode) ActivationCode {
	v := *c
	if c.ActivationDate != nil {
		d := *c.ActivationDate
		v.ActivationDate = &d
	}
	if t := st.tariffByID[c.TariffID]; t != nil {
		v.TariffName = t.Name
	}
	return v
}

// bundleViewLocked copies a bundle for a reply with its equipment's fields.
func (st *Store) bundleViewLocked(b *Bundle) Bundle {
	v := *b
	if b.ICCID != nil {
		v.ICCID = ptr(*b.ICCID)
	}
	if b.AssignTime != nil {
		v.AssignTime = &DateTime{b.AssignTime.Time}
	}
	if b.OrderID != nil {
		v.OrderID = ptr(*b.OrderID)
	}
	if e := st.stock.equipByID[b.EquipID]; e != nil {
		v.EquipVendor, v.EquipName, v.EquipModel, v.ModelCode = e.Vendor, e.Name, e.ModelName, e.ModelCode
	}
	return v
}

// orderLocked finds an order of this dealer by id, or nil.
func (st *Store) orderLocked(id int) *Order {
	for _, o := range st.stock.orders {
		if o.ID == id {
			if o.DealerID != st.dealer.ID {
				return nil
			}
			return o
		}
	}
	return nil
}

// orderViewLocked copies an order for a reply with its attached bundles.
func (st *Store) orderViewLocked(o *Order) Order {
	v := *o
	v.Positions = slices.Clone(o.Positions)
	if v.Positions == nil {
		v.Positions = []OrderPosition{}
	}
	v.Bundles = []Bundle{}
	for _, b := range st.stock.bundles {
		if b.OrderID != nil && *b.OrderID == o.ID {
			v.Bundles = append(v.Bundles, st.bundleViewLocked(b))
		}
	}
	return v
}

// ActivationCodes returns copies of every activation code in creation order.
func (st *Store) ActivationCodes() []ActivationCode {
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := make([]ActivationCode, len(st.stock.codes))
	for i, c := range st.stock.codes {
		out[i] = st.activationCodeViewLocked(c)
	}
	return out
}

// EquipmentList returns the equipment catalogue by equip_id.
func (st *Store) EquipmentList() []Equipment {
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := make([]Equipment, len(st.stock.equipment))
	for i, e := range st.stock.equipment {
		out[i] = *e
	}
	return out
}

// Bundles returns copies of every bundle by id.
func (st *Store) Bundles() []Bundle {
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := make([]Bundle, len(st.stock.bundles))
	for i, b := range st.stock.bundles {
		out[i] = st.bundleViewLocked(b)
	}
	return out
}

// SIMCards returns copies of the SIM cards the platform knows, in seed
// order: the seeded bundles' cards, then free ones, then blocked, deleted
// and in-use ones.
func (st *Store) SIMCards() []SIMCard {
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := make([]SIMCard, len(st.stock.simOrder))
	for i, c := range st.stock.simOrder {
		out[i] = *c
	}
	return out
}

// Order returns a copy of an order of this dealer with its bundles.
func (st *Store) Order(id int) (Order, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	o := st.orderLocked(id)
	if o == nil {
		return Order{}, false
	}
	return st.orderViewLocked(o), true
}

// OrderIDs lists the ids of this dealer's orders.
func (st *Store) OrderIDs() []int {
	st.mu.RLock()
	defer st.mu.RUnlock()
	var ids []int
	for _, o := range st.stock.orders {
		if o.DealerID == st.dealer.ID {
			ids = append(ids, o.ID)
		}
	}
	return ids
}
