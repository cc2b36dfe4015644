package panelsim

import (
	"slices"
	"strconv"
	"strings"
)

// registerActivationCodeActions wires resources/dealer/activation_code.md.
// Permissions are the markdown's: create needs read and create. (The
// official console never checks activation_code: update before its bulk
// edit; the API's own rule stands, so a session without it gets 13.)
func (s *Server) registerActivationCodeActions() {
	s.register("dealer/activation_code/list", need("activation_code", "read"), s.activationCodeList)
	s.register("dealer/activation_code/create", need("activation_code", "read", "create"), s.activationCodeCreate)
	s.register("dealer/activation_code/update", need("activation_code", "update"), s.activationCodeUpdate)
}

// activationCodeOrderKeys are list's documented order_by values.
var activationCodeOrderKeys = []string{"code", "activated", "tariff_id", "tariff_name", "device_type",
	"money_amount", "bonus_amount", "free_days"}

// activationCodeCreateMax is the most codes one create makes. Both
// references say create answers the count "actually created", which "can
// be lower than requested": above this, the emulator makes this many and
// says so, so a client's "created n of m" path can be exercised.
const activationCodeCreateMax = 1000

// activationCodeListReply is the answer of dealer/activation_code/list.
type activationCodeListReply struct {
	List  []ActivationCode `json:"list"`
	Count int              `json:"count"`
}

// countReply is the answer of create and update: how many codes changed.
type countReply struct {
	Count int `json:"count"`
}

// activationCodeList answers the dealer's codes, filtered by a
// case-insensitive substring of code, tariff_id, device_id or device_type,
// ordered (ties in creation order) and paged. With no order_by the codes
// come in creation order. count ignores offset and limit. The markdown
// documents no filter on activation state: order_by "activated" (false
// first when ascending) is how a page groups them.
func (s *Server) activationCodeList(c *call) (any, error) {
	p := c.params
	filter, _ := p.optString("filter")
	orderBy := p.oneOf("order_by", "", activationCodeOrderKeys...)
	ascending := true
	if b, ok := p.optBool("ascending"); ok {
		ascending = b
	}
	offset, limit := stockPaging(p)
	if err := p.err(); err != nil {
		return nil, err
	}
	needle := strings.ToLower(strings.TrimSpace(filter))

	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	type row struct {
		c    *ActivationCode
		name string
	}
	var rows []row
	for _, ac := range st.stock.codes {
		if needle != "" && !strings.Contains(ac.Code, needle) &&
			!strings.Contains(strconv.Itoa(ac.TariffID), needle) &&
			!strings.Contains(strconv.Itoa(ac.DeviceID), needle) &&
			!strings.Contains(strings.ToLower(ac.DeviceType), needle) {
			continue
		}
		r := row{c: ac}
		if orderBy == "tariff_name" {
			if t := st.tariffByID[ac.TariffID]; t != nil {
				r.name = strings.ToLower(t.Name)
			}
		}
		rows = append(rows, r)
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		x, y := a.c, b.c
		cmp := 0
		switch orderBy {
		case "code":
			cmp = strings.Compare(x.Code, y.Code)
		case "activated":
			cmp = boolCompare(x.Activated, y.Activated)
		case "tariff_id":
			cmp = x.TariffID - y.TariffID
		case "tariff_name":
			cmp = strings.Compare(a.name, b.name)
		case "device_type":
			cmp = strings.Compare(x.DeviceType, y.DeviceType)
		case "money_amount":
			cmp = x.MoneyAmount - y.MoneyAmount
		case "bonus_amount":
			cmp = x.BonusAmount - y.BonusAmount
		case "free_days":
			cmp = x.FreeDays - y.FreeDays
		}
		if cmp == 0 {
			cmp = x.seq - y.seq
		}
		if !ascending {
			cmp = -cmp
		}
		return cmp
	})
	page := pageOf(rows, offset, limit)
	out := activationCodeListReply{List: make([]ActivationCode, len(page)), Count: len(rows)}
	for i, r := range page {
		out.List[i] = st.activationCodeViewLocked(r.c)
	}
	return out, nil
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// readCodeTerms reads tariff_id, bonus_amount and free_days, which create
// and update share; all three are required (the OpenAPI file; the markdown
// marks none optional) and free_days may not be negative (OpenAPI minimum).
func readCodeTerms(p *params) (tariffID, bonus, freeDays int) {
	tariffID = p.int("tariff_id")
	bonus = p.int("bonus_amount")
	freeDays, ok := p.readInt("free_days", true)
	if ok && freeDays < 0 {
		p.invalid("free_days", "Must be non-negative")
	}
	return tariffID, bonus, freeDays
}

// activationCodeCreate makes count new codes (at most
// activationCodeCreateMax) on a plan of this dealer, with the plan's
// device type, the given bonus and free days, no money amount, not
// activated. It answers only the count, as both references document: the
// new codes are found with list (they come last in creation order).
func (s *Server) activationCodeCreate(c *call) (any, error) {
	p := c.params
	count, ok := p.readInt("count", true)
	if ok && count < 1 {
		p.invalid("count", "Must be at least 1")
	}
	tariffID, bonus, freeDays := readCodeTerms(p)
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	t := st.tariffLocked(tariffID)
	if t == nil {
		return nil, newError(codeNotFound)
	}
	n := min(count, activationCodeCreateMax)
	for range n {
		st.stock.addCode(&ActivationCode{
			TariffID: t.ID, BonusAmount: bonus, FreeDays: freeDays, DeviceType: t.DeviceType,
		}, st.stock.codeRand)
	}
	return countReply{Count: n}, nil
}

// activationCodeUpdate sets the plan, bonus and free days of the listed
// codes that exist, are not activated yet and have the new plan's device
// type; the others are skipped without an error, as both references say,
// and count tells how many changed (a code listed twice counts once).
func (s *Server) activationCodeUpdate(c *call) (any, error) {
	p := c.params
	codes, ok := p.readStringList("codes", true)
	if ok && len(codes) == 0 {
		p.invalid("codes", "Must not be empty")
	}
	tariffID, bonus, freeDays := readCodeTerms(p)
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	t := st.tariffLocked(tariffID)
	if t == nil {
		return nil, newError(codeNotFound)
	}
	n := 0
	done := make(map[*ActivationCode]bool, len(codes))
	for _, code := range codes {
		ac := st.stock.codeByCode[strings.TrimSpace(code)]
		if ac == nil || ac.Activated || ac.DeviceType != t.DeviceType || done[ac] {
			continue
		}
		ac.TariffID, ac.BonusAmount, ac.FreeDays = t.ID, bonus, freeDays
		done[ac] = true
		n++
	}
	return countReply{Count: n}, nil
}

// stockPaging reads the optional offset and limit of the stock lists. A
// missing or zero limit means no limit.
func stockPaging(p *params) (offset, limit int) {
	offset, _ = p.optInt("offset")
	limit, _ = p.optInt("limit")
	if offset < 0 {
		p.invalid("offset", "Must be non-negative")
	}
	if limit < 0 {
		p.invalid("limit", "Must be non-negative")
	}
	return offset, limit
}
