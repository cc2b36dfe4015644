package panelsim

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// registerTariffActions wires tariff.md.
func (s *Server) registerTariffActions() {
	s.register("tariff/list", need("tariffs", "read"), s.tariffList)
	s.register("tariff/read", need("tariffs", "read"), s.tariffRead)
	s.register("tariff/create", need("tariffs", "create"), s.tariffCreate)
	s.register("tariff/update", need("tariffs", "update"), s.tariffUpdate)
	s.register("tariff/defaults/read", need("tariffs", "read"), s.tariffDefaultsRead)
	s.register("tariff/defaults/update", need("tariffs", "update"), s.tariffDefaultsUpdate)
}

var (
	tariffOrderKeys  = []string{"id", "name", "device_type", "group_id", "price"}
	tariffDeviceType = []string{"tracker", "camera", "socket"}
	tariffPlanTypes  = []string{"monthly", "activeday"}
	// tariffStorePeriod is the short duration of store_period: "2h", "3d",
	// "5m", "1y".
	tariffStorePeriod = regexp.MustCompile(`^[1-9][0-9]{0,3}[hdmy]$`)
)

const tariffNameMaxRunes = 100

// tariffListReply is the answer of tariff/list.
type tariffListReply struct {
	List                   []Tariff      `json:"list"`
	WholesaleServicePrices ServicePrices `json:"wholesale_service_prices"`
	Count                  int           `json:"count"`
}

// tariffList answers the dealer's plans, filtered by device type and by a
// case-insensitive substring of id, name, price or device_type, ordered
// (ties by id) and paged, with the wholesale service prices.
func (s *Server) tariffList(c *call) (any, error) {
	p := c.params
	deviceType := p.oneOf("device_type", "", tariffDeviceType...)
	filter, _ := p.optString("filter")
	orderBy := p.oneOf("order_by", "id", tariffOrderKeys...)
	ascending := true
	if b, ok := p.optBool("ascending"); ok {
		ascending = b
	}
	offset, limit := trackerPaging(p)
	if err := p.err(); err != nil {
		return nil, err
	}
	needle := strings.ToLower(strings.TrimSpace(filter))

	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	var matched []*Tariff
	for _, t := range st.tariffs {
		if deviceType != "" && t.DeviceType != deviceType {
			continue
		}
		if needle != "" && !strings.Contains(strconv.Itoa(t.ID), needle) &&
			!strings.Contains(strings.ToLower(t.Name), needle) &&
			!strings.Contains(strconv.FormatFloat(t.Price, 'f', -1, 64), needle) &&
			!strings.Contains(t.DeviceType, needle) {
			continue
		}
		matched = append(matched, t)
	}
	slices.SortStableFunc(matched, func(a, b *Tariff) int {
		c := 0
		switch orderBy {
		case "name":
			c = strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		case "device_type":
			c = strings.Compare(a.DeviceType, b.DeviceType)
		case "group_id":
			c = a.GroupID - b.GroupID
		case "price":
			switch {
			case a.Price < b.Price:
				c = -1
			case a.Price > b.Price:
				c = 1
			}
		}
		if c == 0 {
			c = a.ID - b.ID
		}
		if !ascending {
			c = -c
		}
		return c
	})
	page := pageOf(matched, offset, limit)
	out := tariffListReply{List: make([]Tariff, len(page)), WholesaleServicePrices: st.wholesale, Count: len(matched)}
	for i, t := range page {
		out.List[i] = tariffView(t)
	}
	return out, nil
}

// tariffRead answers one plan.
func (s *Server) tariffRead(c *call) (any, error) {
	id := c.params.int("tariff_id")
	if err := c.params.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	t := st.tariffLocked(id)
	if t == nil {
		return nil, newError(codeNotFound)
	}
	return struct {
		Value Tariff `json:"value"`
	}{tariffView(t)}, nil
}

// tariffNullFloat is a JSON number that may be null, remembering whether it
// was sent at all.
type tariffNullFloat struct {
	set bool
	v   *float64
}

func (n *tariffNullFloat) UnmarshalJSON(b []byte) error {
	n.set = true
	if string(b) == "null" {
		n.v = nil
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	n.v = &f
	return nil
}

// tariffNullInt is a JSON integer that may be null, remembering whether it
// was sent at all.
type tariffNullInt struct {
	set bool
	v   *int
}

func (n *tariffNullInt) UnmarshalJSON(b []byte) error {
	n.set = true
	if string(b) == "null" {
		n.v = nil
		return nil
	}
	var i int
	if err := json.Unmarshal(b, &i); err != nil {
		return err
	}
	n.v = &i
	return nil
}

// tariffInput is the `tariff` object of tariff/create and tariff/update:
// pointers tell a field sent from one left out. map_filter is accepted
// and not stored.
type tariffInput struct {
	ID                 *int            `json:"id"`
	Name               *string         `json:"name"`
	GroupID            *int            `json:"group_id"`
	Active             *bool           `json:"active"`
	Type               *string         `json:"type"`
	Price              *float64        `json:"price"`
	EarlyChangePrice   tariffNullFloat `json:"early_change_price"`
	DeviceLimit        *int            `json:"device_limit"`
	HasReports         *bool           `json:"has_reports"`
	StorePeriod        *string         `json:"store_period"`
	DeviceType         *string         `json:"device_type"`
	ProportionalCharge *bool           `json:"proportional_charge"`
	AutoProlong        *bool           `json:"auto_prolong"`
	Features           *[]string       `json:"features"`
	ServicePrices      *ServicePrices  `json:"service_prices"`
	MapFilter          json.RawMessage `json:"map_filter"`
}

// check validates the fields sent; required names the ones that must be.
func (in *tariffInput) check(p *params, required ...string) {
	missing := func(name string, sent bool) {
		if !sent && slices.Contains(required, name) {
			p.invalid("tariff."+name, msgMissing)
		}
	}
	missing("id", in.ID != nil)
	missing("name", in.Name != nil)
	missing("type", in.Type != nil)
	missing("price", in.Price != nil)
	missing("device_type", in.DeviceType != nil)
	if in.Name != nil {
		n := utf8.RuneCountInString(strings.TrimSpace(*in.Name))
		if n < 1 || n > tariffNameMaxRunes || !trackerPrintable(*in.Name) {
			p.invalid("tariff.name", "Must consist of printable characters and have length between 1 and 100")
		}
	}
	if in.Type != nil && !slices.Contains(tariffPlanTypes, *in.Type) {
		p.invalid("tariff.type", "Should be one of ["+strings.Join(tariffPlanTypes, ", ")+"]")
	}
	if in.DeviceType != nil && !slices.Contains(tariffDeviceType, *in.DeviceType) {
		p.invalid("tariff.device_type", "Should be one of ["+strings.Join(tariffDeviceType, ", ")+"]")
	}
	if in.Price != nil && *in.Price < 0 {
		p.invalid("tariff.price", "Must be non-negative")
	}
	if in.EarlyChangePrice.v != nil && *in.EarlyChangePrice.v < 0 {
		p.invalid("tariff.early_change_price", "Must be non-negative")
	}
	if in.DeviceLimit != nil && *in.DeviceLimit < 0 {
		p.invalid("tariff.device_limit", "Must be non-negative")
	}
	if in.GroupID != nil && *in.GroupID < 0 {
		p.invalid("tariff.group_id", "Must be non-negative")
	}
	if in.StorePeriod != nil && !tariffStorePeriod.MatchString(*in.StorePeriod) {
		p.invalid("tariff.store_period", "Must be a period like 2h, 3d, 5m or 1y")
	}
	if sp := in.ServicePrices; sp != nil && (sp.IncomingSMS < 0 || sp.OutgoingSMS < 0 || sp.ServiceSMS < 0 || sp.PhoneCall < 0 || sp.Traffic < 0) {
		p.invalid("tariff.service_prices", "Prices must be non-negative")
	}
}

// apply copies the fields sent onto t.
func (in *tariffInput) apply(t *Tariff) {
	if in.Name != nil {
		t.Name = strings.TrimSpace(*in.Name)
	}
	if in.GroupID != nil {
		t.GroupID = *in.GroupID
	}
	if in.Active != nil {
		t.Active = *in.Active
	}
	if in.Type != nil {
		t.Type = *in.Type
	}
	if in.Price != nil {
		t.Price = *in.Price
	}
	if in.EarlyChangePrice.set {
		t.EarlyChangePrice = nil
		if in.EarlyChangePrice.v != nil {
			t.EarlyChangePrice = ptr(*in.EarlyChangePrice.v)
		}
	}
	if in.DeviceLimit != nil {
		t.DeviceLimit = *in.DeviceLimit
	}
	if in.HasReports != nil {
		t.HasReports = *in.HasReports
	}
	if in.StorePeriod != nil {
		t.StorePeriod = *in.StorePeriod
	}
	if in.ProportionalCharge != nil {
		t.ProportionalCharge = *in.ProportionalCharge
	}
	if in.AutoProlong != nil {
		t.AutoProlong = *in.AutoProlong
	}
	if in.Features != nil {
		t.Features = slices.Clone(*in.Features)
		if t.Features == nil {
			t.Features = []string{}
		}
	}
	if in.ServicePrices != nil {
		t.ServicePrices = *in.ServicePrices
	}
}

// tariffNameTakenLocked reports whether another plan of the dealer has the
// name, ignoring case and surrounding spaces.
func (st *Store) tariffNameTakenLocked(name string, except int) bool {
	name = strings.TrimSpace(name)
	for _, t := range st.tariffs {
		if t.ID != except && strings.EqualFold(strings.TrimSpace(t.Name), name) {
			return true
		}
	}
	return false
}

// tariffCreate adds a plan. name, type, price and device_type are required;
// the other fields default to zero values (store_period "1m"). An id sent
// is ignored. 214 for activeday on a camera or socket plan, 244 for a name
// another plan has.
func (s *Server) tariffCreate(c *call) (any, error) {
	p := c.params
	var in tariffInput
	if p.readObject("tariff", &in, true) {
		in.check(p, "name", "type", "price", "device_type")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if *in.Type == "activeday" && *in.DeviceType != "tracker" {
		return nil, newError(codeTrackerUnsupported)
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.tariffNameTakenLocked(*in.Name, 0) {
		return nil, newError(codeTariffDuplicateName)
	}
	t := &Tariff{DeviceType: *in.DeviceType, StorePeriod: "1m", Features: []string{}}
	in.apply(t)
	st.insertTariffLocked(t)
	return struct {
		ID int `json:"id"`
	}{t.ID}, nil
}

// tariffUpdate changes the fields sent of an existing plan (id required).
// device_type cannot change: a device_type sent is ignored, as the docs'
// "Tariff object without device_type field" implies.
func (s *Server) tariffUpdate(c *call) (any, error) {
	p := c.params
	var in tariffInput
	if p.readObject("tariff", &in, true) {
		in.check(p, "id")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	t := st.tariffLocked(*in.ID)
	if t == nil {
		return nil, newError(codeNotFound)
	}
	planType := t.Type
	if in.Type != nil {
		planType = *in.Type
	}
	if planType == "activeday" && t.DeviceType != "tracker" {
		return nil, newError(codeTrackerUnsupported)
	}
	if in.Name != nil && st.tariffNameTakenLocked(*in.Name, t.ID) {
		return nil, newError(codeTariffDuplicateName)
	}
	in.apply(t)
	return nil, nil
}

// tariffDefaultsRead answers the defaults of trackers and cameras at the
// top level of the reply (markdown; the OpenAPI file saw only tracker).
func (s *Server) tariffDefaultsRead(c *call) (any, error) {
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	return struct {
		Tracker TariffDefaults `json:"tracker"`
		Camera  TariffDefaults `json:"camera"`
	}{tariffDefaultsView(st.trackerDefault), tariffDefaultsView(st.cameraDefault)}, nil
}

func tariffDefaultsView(d TariffDefaults) TariffDefaults {
	if d.FreeDaysDeviceLimit != nil {
		d.FreeDaysDeviceLimit = ptr(*d.FreeDaysDeviceLimit)
	}
	return d
}

// tariffDefaultsInput is a defaults object of tariff/defaults/update.
type tariffDefaultsInput struct {
	TariffID            *int          `json:"tariff_id"`
	ActivationBonus     *float64      `json:"activation_bonus"`
	FreeDays            *int          `json:"free_days"`
	FreeDaysDeviceLimit tariffNullInt `json:"free_days_device_limit"`
}

func (in *tariffDefaultsInput) check(p *params, name string) {
	if in.TariffID == nil {
		p.invalid(name+".tariff_id", msgMissing)
	}
	if in.ActivationBonus != nil && *in.ActivationBonus < 0 {
		p.invalid(name+".activation_bonus", "Must be non-negative")
	}
	if in.FreeDays != nil && *in.FreeDays < 0 {
		p.invalid(name+".free_days", "Must be non-negative")
	}
	if in.FreeDaysDeviceLimit.v != nil && *in.FreeDaysDeviceLimit.v < 0 {
		p.invalid(name+".free_days_device_limit", "Must be non-negative")
	}
}

func (in *tariffDefaultsInput) apply(d *TariffDefaults) {
	d.TariffID = *in.TariffID
	if in.ActivationBonus != nil {
		d.ActivationBonus = *in.ActivationBonus
	}
	if in.FreeDays != nil {
		d.FreeDays = *in.FreeDays
	}
	if in.FreeDaysDeviceLimit.set {
		d.FreeDaysDeviceLimit = nil
		if in.FreeDaysDeviceLimit.v != nil {
			d.FreeDaysDeviceLimit = ptr(*in.FreeDaysDeviceLimit.v)
		}
	}
}

// tariffDefaultsUpdate changes the tracker defaults (required) and, when
// sent, the camera defaults, as the official console does. tariff_id is
// required in each; the other fields sent replace the stored ones
// (free_days_device_limit null means no limit). 239 for a plan that does
// not exist, 237 for a plan of another device type. Nothing changes
// unless both objects are valid.
func (s *Server) tariffDefaultsUpdate(c *call) (any, error) {
	p := c.params
	var tracker, camera tariffDefaultsInput
	if p.readObject("tracker", &tracker, true) {
		tracker.check(p, "tracker")
	}
	hasCamera := p.optObject("camera", &camera)
	if hasCamera {
		camera.check(p, "camera")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	checkPlan := func(id int, deviceType string) *apiError {
		t := st.tariffLocked(id)
		if t == nil {
			return newError(codeTariffNewMissing)
		}
		if t.DeviceType != deviceType {
			return newError(codeTariffInvalid)
		}
		return nil
	}
	if err := checkPlan(*tracker.TariffID, "tracker"); err != nil {
		return nil, err
	}
	if hasCamera {
		if err := checkPlan(*camera.TariffID, "camera"); err != nil {
			return nil, err
		}
		camera.apply(&st.cameraDefault)
	}
	tracker.apply(&st.trackerDefault)
	return nil, nil
}
