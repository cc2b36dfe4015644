package panelsim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Error codes of the bundle actions (errors.md), named after the resource
// so they cannot clash with another file's.
const (
	codeBundleSIMBlocked = 208
	codeBundleSIMInUse   = 223
	codeBundleWrongICCID = 226
	codeBundleSIMDeleted = 250
)

// registerBundleActions wires tracker.md's tracker/bundle/* actions and
// equipment.md. Permissions are the markdown's.
//
// "Bundle not found" is 201 (Not found in the database, HTTP 400), as every
// bundle action's error list says; errors.md's 258 "Bundle not found" (HTTP
// 404) is named by no action, so the emulator never answers it.
func (s *Server) registerBundleActions() {
	s.register("tracker/bundle/list", need("tracker_bundles", "read"), s.bundleList)
	s.register("tracker/bundle/read", need("tracker_bundles", "read"), s.bundleRead)
	s.register("tracker/bundle/assign", need("tracker_bundles", "update"), s.bundleAssign)
	s.register("tracker/bundle/order/assign", need("tracker_bundles", "update"), s.bundleOrderAssign)
	s.register("tracker/bundle/import", need("tracker_bundles", "create"), s.bundleImport)
	s.register("tracker/bundle/update", need("tracker_bundles", "update"), s.bundleUpdate)
	s.register("equipment/list", need("tracker_bundles", "read"), s.equipmentList)
}

// bundleOrderKeys maps bundle/list's order_by values to the bundle field
// they sort by. The markdown's list (id, label, status, model, device_id,
// phone, creation_date, user_id, comment) is tracker/list's, copied; the
// official console sorts by its grid's columns (id, imei, iccid, order_id,
// model_code, assign_time). Both are accepted: the tracker names map to
// the bundle field they correspond to, and label, status, user_id and
// comment, which a bundle lacks, sort by id.
var bundleOrderKeys = map[string]string{
	"id": "id", "imei": "imei", "iccid": "iccid", "order_id": "order_id", "model_code": "model_code",
	"assign_time": "assign_time", "equip_id": "equip_id",
	"model": "model_code", "device_id": "imei", "phone": "iccid", "creation_date": "assign_time",
	"label": "id", "status": "id", "user_id": "id", "comment": "id",
}

// bundleOrderNames is bundleOrderKeys' keys, sorted, for the code 7 message.
var bundleOrderNames = func() []string {
	names := make([]string, 0, len(bundleOrderKeys))
	for k := range bundleOrderKeys {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}()

// bundleClonesFilters are clones_filter's documented values. Bundles are
// never clones: the parameter is checked and has no effect.
var bundleClonesFilters = []string{"exclude_clones", "only_include_clones", "not_set"}

// bundleICCIDMax and bundleICCIDMin bound an ICCID (tracker.md).
const (
	bundleICCIDMin = 3
	bundleICCIDMax = 20
)

// bundleListReply is the answer of tracker/bundle/list.
type bundleListReply struct {
	List  []Bundle `json:"list"`
	Count int      `json:"count"`
}

// bundleList answers the bundles, filtered by a case-insensitive substring
// of id, imei, model_code, iccid or assign_time ("YYYY-MM-DD HH:MM:SS"),
// ordered (ties by id; unset values first when ascending) and paged. count
// ignores offset and limit. The markdown's error "201 if user_id or
// tariff_id specified but was not found" belongs to tracker/list: bundle/list
// takes neither.
func (s *Server) bundleList(c *call) (any, error) {
	p := c.params
	filter, _ := p.optString("filter")
	orderBy := "id"
	if key, ok := p.optString("order_by"); ok {
		if field, known := bundleOrderKeys[key]; known {
			orderBy = field
		} else {
			p.invalid("order_by", "Should be one of ["+strings.Join(bundleOrderNames, ", ")+"]")
		}
	}
	p.oneOf("clones_filter", "not_set", bundleClonesFilters...)
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
	var rows []*Bundle
	for _, b := range st.stock.bundles {
		if needle == "" || bundleMatches(st, b, needle) {
			rows = append(rows, b)
		}
	}
	slices.SortStableFunc(rows, func(x, y *Bundle) int {
		cmp := 0
		switch orderBy {
		case "imei":
			cmp = strings.Compare(x.IMEI, y.IMEI)
		case "iccid":
			cmp = strings.Compare(derefString(x.ICCID), derefString(y.ICCID))
		case "order_id":
			cmp = derefInt(x.OrderID) - derefInt(y.OrderID)
		case "model_code":
			cmp = strings.Compare(st.bundleModelCodeLocked(x), st.bundleModelCodeLocked(y))
		case "assign_time":
			cmp = assignTimeOf(x).Compare(assignTimeOf(y).Time)
		case "equip_id":
			cmp = x.EquipID - y.EquipID
		}
		if cmp == 0 {
			cmp = x.ID - y.ID
		}
		if !ascending {
			cmp = -cmp
		}
		return cmp
	})
	page := pageOf(rows, offset, limit)
	out := bundleListReply{List: make([]Bundle, len(page)), Count: len(rows)}
	for i, b := range page {
		out.List[i] = st.bundleViewLocked(b)
	}
	return out, nil
}

func bundleMatches(st *Store, b *Bundle, needle string) bool {
	if strings.Contains(strconv.Itoa(b.ID), needle) || strings.Contains(strings.ToLower(b.IMEI), needle) ||
		strings.Contains(strings.ToLower(st.bundleModelCodeLocked(b)), needle) {
		return true
	}
	if b.ICCID != nil && strings.Contains(strings.ToLower(*b.ICCID), needle) {
		return true
	}
	return b.AssignTime != nil && strings.Contains(b.AssignTime.String(), needle)
}

func (st *Store) bundleModelCodeLocked(b *Bundle) string {
	if e := st.stock.equipByID[b.EquipID]; e != nil {
		return e.ModelCode
	}
	return ""
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefInt(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

func assignTimeOf(b *Bundle) DateTime {
	if b.AssignTime == nil {
		return DateTime{}
	}
	return *b.AssignTime
}

// bundleRead answers the bundle of an IMEI (exact match).
func (s *Server) bundleRead(c *call) (any, error) {
	p := c.params
	imei, ok := p.readString("imei", true)
	imei = strings.TrimSpace(imei)
	if ok && imei == "" {
		p.invalid("imei", "Must not be empty")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	b := st.stock.bundleByIMEI[imei]
	if b == nil {
		return nil, newError(codeNotFound)
	}
	return struct {
		Value Bundle `json:"value"`
	}{st.bundleViewLocked(b)}, nil
}

// bundleAssign pairs a bundle with the SIM card of an ICCID, replacing
// (and freeing) the one it had, or, when iccid is not sent, frees the
// bundle's card: the official console sends {bundle_id} alone to unassign.
// The card must be one the platform knows (226), not deleted (250), not
// blocked (208), not used by a device (223) and not paired with another
// bundle (247). Assigning the card a bundle already has changes nothing.
// assign_time becomes the time of the assignment.
func (s *Server) bundleAssign(c *call) (any, error) {
	p := c.params
	id := p.int("bundle_id")
	iccid, assign := p.optString("iccid")
	if assign {
		if n := utf8.RuneCountInString(iccid); n < bundleICCIDMin || n > bundleICCIDMax || !bundlePrintable(iccid) {
			p.invalid("iccid", "Must consist of printable characters and have length between 3 and 20")
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	sk := &st.stock
	b := sk.bundleByID[id]
	if b == nil {
		return nil, newError(codeNotFound)
	}
	if !assign {
		sk.releaseSIMLocked(b)
		return nil, nil
	}
	card := sk.sims[iccid]
	switch {
	case card == nil:
		return nil, newError(codeBundleWrongICCID)
	case card.BundleID == b.ID:
		return nil, nil
	case card.Deleted:
		return nil, newError(codeBundleSIMDeleted)
	case card.Blocked:
		return nil, newError(codeBundleSIMBlocked)
	case card.InUse:
		return nil, newError(codeBundleSIMInUse)
	case card.BundleID != 0:
		return nil, newError(codeEntityExists)
	}
	sk.releaseSIMLocked(b)
	card.BundleID = b.ID
	b.ICCID = ptr(card.ICCID)
	b.AssignTime = &DateTime{c.now.UTC().Truncate(time.Second)}
	return nil, nil
}

// releaseSIMLocked unpairs a bundle from its SIM card, if any.
func (sk *stockTables) releaseSIMLocked(b *Bundle) {
	if b.ICCID == nil {
		return
	}
	if card := sk.sims[*b.ICCID]; card != nil && card.BundleID == b.ID {
		card.BundleID = 0
	}
	b.ICCID, b.AssignTime = nil, nil
}

func bundlePrintable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// bundleOrderAssign attaches a bundle to an order of this dealer, or
// detaches it when order_id is null. tracker.md calls order_id "Nullable";
// the official console detaches with {order_id: null} in a form, which
// arrives as an empty field, so null, an empty value and a missing
// order_id all detach. An unknown order (or another dealer's) is 201 like
// an unknown bundle.
func (s *Server) bundleOrderAssign(c *call) (any, error) {
	p := c.params
	id := p.int("bundle_id")
	orderID, attach := 0, false
	if text, sent := p.text("order_id"); sent && strings.TrimSpace(text) != "" && text != "null" {
		orderID, attach = p.int("order_id"), true
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	b := st.stock.bundleByID[id]
	if b == nil {
		return nil, newError(codeNotFound)
	}
	if !attach {
		b.OrderID = nil
		return nil, nil
	}
	if st.orderLocked(orderID) == nil {
		return nil, newError(codeNotFound)
	}
	b.OrderID = ptr(orderID)
	return nil, nil
}

// bundleImport adds a bundle for each new IMEI, of one equipment, with
// no ICCID and no order. Repeated IMEIs in the request count once. If any
// IMEI already has a bundle nothing is imported (247); an unknown equip_id
// is 204. The markdown's "201 if bundle not found" does not apply: import
// names no bundle. factory_preset is required like the other parameters
// (the markdown marks none optional).
func (s *Server) bundleImport(c *call) (any, error) {
	p := c.params
	imeis, ok := p.readStringList("imeis", true)
	equipID := p.int("equip_id")
	preset := p.bool("factory_preset")
	var clean []string
	if ok {
		if len(imeis) == 0 {
			p.invalid("imeis", "Must not be empty")
		}
		seen := make(map[string]bool, len(imeis))
		for i, raw := range imeis {
			imei := strings.TrimSpace(raw)
			if imei == "" || !bundlePrintable(imei) {
				p.invalid(fmt.Sprintf("imeis[%d]", i), "Must be a non-empty string of printable characters")
				continue
			}
			if !seen[imei] {
				seen[imei] = true
				clean = append(clean, imei)
			}
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	sk := &st.stock
	if sk.equipByID[equipID] == nil {
		return nil, newError(codeEntityNotFound)
	}
	for _, imei := range clean {
		if sk.bundleByIMEI[imei] != nil {
			return nil, newError(codeEntityExists)
		}
	}
	for _, imei := range clean {
		b := &Bundle{ID: sk.nextBundleID, EquipID: equipID, IMEI: imei, FactoryPreset: preset}
		sk.nextBundleID++
		sk.bundles = append(sk.bundles, b)
		sk.bundleByID[b.ID] = b
		sk.bundleByIMEI[imei] = b
	}
	return nil, nil
}

// bundleUpdate gives a bundle another equipment: 201 for an unknown
// bundle, 204 for an unknown equip_id.
func (s *Server) bundleUpdate(c *call) (any, error) {
	p := c.params
	id := p.int("bundle_id")
	equipID := p.int("equip_id")
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	b := st.stock.bundleByID[id]
	if b == nil {
		return nil, newError(codeNotFound)
	}
	if st.stock.equipByID[equipID] == nil {
		return nil, newError(codeEntityNotFound)
	}
	b.EquipID = equipID
	return nil, nil
}

// equipmentListReply is the answer of equipment/list.
type equipmentListReply struct {
	List []Equipment `json:"list"`
}

// equipmentList answers the whole catalogue by equip_id; it takes no
// parameters but the session.
func (s *Server) equipmentList(c *call) (any, error) {
	return equipmentListReply{List: s.store.EquipmentList()}, nil
}
