package panelsim

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Error codes of the tracker and plan actions (errors.md). They carry the
// resource in their names so they cannot clash with codes another
// resource file declares for itself.
const (
	codeTrackerDeviceBlocked    = 208
	codeTrackerSpanTooBig       = 211
	codeTrackerUnsupported      = 214
	codeTrackerLimitExceeded    = 221
	codeTrackerNotForEntity     = 230
	codeTariffInvalid           = 237
	codeTariffChangeNotAllowed  = 238
	codeTariffNewMissing        = 239
	codeTariffChangeTooOften    = 240
	codeTariffDuplicateName     = 244
	codeTrackerClonesOnly       = 249
	codeTrackerDeleted          = 250
	codeTrackerRetryTimeout     = 264
	trackerLabelMaxRunes        = 60
	trackerCommentMaxRunes      = 3000
	trackerRegisterRetryEvery   = 120 * time.Second
	trackerActiveHistoryMaxSpan = 12 // months, from and to included
)

// registerTrackerActions wires tracker.md (every action but bundle/*) and
// the air console socket.
//
// Required permissions are each action's "required permissions" line,
// except tracker/active/history/list: the markdown says trackers: read,
// the OpenAPI file and the official console gate it on trackers: report;
// the emulator asks for both, so a session that passes here passes under
// either reading.
func (s *Server) registerTrackerActions() {
	s.devices = newDeviceRuntime()

	s.register("tracker/list", need("trackers", "read"), s.trackerList)
	s.register("tracker/read", need("trackers", "read"), s.trackerRead)
	s.register("tracker/clone", need("trackers", "create"), s.trackerClone)
	s.register("tracker/batch_clone", need("trackers", "create"), s.trackerBatchClone)
	s.register("tracker/delete_clone", need("trackers", "delete"), s.trackerDeleteClone)
	s.register("tracker/batch_delete_clones", need("trackers", "delete"), s.trackerBatchDeleteClones)
	s.register("tracker/corrupt", need("trackers", "corrupt"), s.trackerCorrupt)
	s.register("tracker/move", need("trackers", "create", "delete"), s.trackerMove)
	s.register("tracker/register_retry", need("trackers", "update"), s.trackerRegisterRetry)
	s.register("tracker/settings/update", need("trackers", "update"), s.trackerSettingsUpdate)
	s.register("tracker/source/update", need("trackers", "update"), s.trackerSourceUpdate)
	s.register("tracker/tariff/change", need("trackers", "update").and("transactions", "create").and("tariffs", "read"), s.trackerTariffChange)
	s.register("tracker/console/connect", need("trackers", "update"), s.trackerConsoleConnect)
	s.register("tracker/raw_command/send", need("trackers", "update"), s.trackerRawCommandSend)
	s.register("tracker/active/history/list", need("trackers", "read", "report"), s.trackerActiveHistoryList)
}

// trackerOrderKeys are tracker/list's documented order_by values.
var trackerOrderKeys = []string{"id", "label", "status", "model", "device_id", "phone",
	"creation_date", "last_connection", "tariff_id", "business_status"}

// Values of clones_filter. The markdown documents them under
// tracker/bundle/list (exclude_clones, only_include_clones, not_set); the
// OpenAPI file accepts clones_filter on tracker/list without listing
// values; the official console sends include_clones_only for "Clones".
// All four are accepted, anything else is code 7.
var trackerClonesFilters = []string{"exclude_clones", "only_include_clones", "not_set", "include_clones_only"}

// trackerListReply is the answer of tracker/list.
type trackerListReply struct {
	List  []Tracker `json:"list"`
	Count int       `json:"count"`
}

// trackerList answers a page of the dealer's trackers, clones and deleted
// ones included, filtered by owner, plan, clone status and a text filter
// (a case-insensitive substring of id, label, source id, device id, model,
// phone or owner id), ordered and paged. count ignores offset and limit.
//
// Built for 300,000 trackers: the id order (the default) pages straight
// off the id-sorted index without sorting, an owner filter walks only that
// owner's trackers, and other orders sort only the matching trackers by a
// precomputed key, and only the requested page is fully sorted.
func (s *Server) trackerList(c *call) (any, error) {
	p := c.params
	userID, hasUser := p.optInt("user_id")
	tariffID, hasTariff := p.optInt("tariff_id")
	filter, _ := p.optString("filter")
	orderBy := p.oneOf("order_by", "id", trackerOrderKeys...)
	clones := p.oneOf("clones_filter", "not_set", trackerClonesFilters...)
	ascending := true
	if b, ok := p.optBool("ascending"); ok {
		ascending = b
	}
	offset, limit := trackerPaging(p)
	if hasUser && userID < 1 {
		p.invalid("user_id", "Must be a positive integer")
	}
	if hasTariff && tariffID < 1 {
		p.invalid("tariff_id", "Must be a positive integer")
	}
	if err := p.err(); err != nil {
		return nil, err
	}

	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	if hasUser && st.userLocked(userID) == nil {
		return nil, newError(codeNotFound)
	}
	if hasTariff && st.tariffLocked(tariffID) == nil {
		return nil, newError(codeNotFound)
	}

	m := newTrackerMatcher(filter)
	match := func(t *Tracker) bool {
		switch clones {
		case "exclude_clones":
			if t.Clone {
				return false
			}
		case "only_include_clones", "include_clones_only":
			if !t.Clone {
				return false
			}
		}
		if hasTariff && t.Source.TariffID != tariffID {
			return false
		}
		return m.match(t)
	}
	base := st.trackers
	if hasUser {
		base = st.trackersOfLocked(userID)
	}

	var page []*Tracker
	count := 0
	if orderBy == "id" {
		page, count = pageInIDOrder(base, match, ascending, offset, limit)
	} else {
		rows := make([]trackerRow, 0, min(len(base), 4096))
		for _, t := range base {
			if match(t) {
				rows = append(rows, newTrackerRow(t, orderBy))
			}
		}
		count = len(rows)
		page = pageSortedRows(rows, ascending, offset, limit)
	}

	out := trackerListReply{List: make([]Tracker, len(page)), Count: count}
	for i, t := range page {
		out.List[i] = st.trackerViewLocked(t)
	}
	return out, nil
}

// trackerPaging reads the optional offset and limit every list shares. A
// missing or zero limit means no limit.
func trackerPaging(p *params) (offset, limit int) {
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

// pageInIDOrder walks id-sorted trackers (backwards when descending),
// counting every match and keeping those inside the page.
func pageInIDOrder(base []*Tracker, match func(*Tracker) bool, ascending bool, offset, limit int) ([]*Tracker, int) {
	var page []*Tracker
	count := 0
	visit := func(t *Tracker) {
		if !match(t) {
			return
		}
		if count >= offset && (limit <= 0 || count < offset+limit) {
			page = append(page, t)
		}
		count++
	}
	if ascending {
		for _, t := range base {
			visit(t)
		}
	} else {
		for i := len(base) - 1; i >= 0; i-- {
			visit(base[i])
		}
	}
	return page, count
}

// trackerRow is a matching tracker with its sort key.
type trackerRow struct {
	t   *Tracker
	key string
	n   int64
}

// Ranks of business_status, an order_by key the docs name without
// defining: live trackers first, then blocked, deleted and corrupted ones.
const (
	businessActive = iota
	businessBlocked
	businessDeleted
	businessCorrupted
)

func trackerBusinessRank(t *Tracker) int64 {
	switch {
	case t.Source.Corrupted:
		return businessCorrupted
	case t.Deleted:
		return businessDeleted
	case t.Source.Blocked:
		return businessBlocked
	}
	return businessActive
}

func newTrackerRow(t *Tracker, orderBy string) trackerRow {
	r := trackerRow{t: t}
	src := t.Source
	switch orderBy {
	case "label":
		r.key = strings.ToLower(t.Label)
	case "status":
		r.key = src.ConnectionStatus
	case "model":
		r.key = src.Model
	case "device_id":
		r.key = src.DeviceID
	case "phone":
		if src.Phone != nil {
			r.key = *src.Phone
		}
	case "creation_date":
		r.n = t.CreationDate.Unix()
	case "last_connection":
		r.n = -1 << 62 // never connected sorts first
		if t.LastConnection != nil {
			r.n = t.LastConnection.Unix()
		}
	case "tariff_id":
		r.n = int64(src.TariffID)
	case "business_status":
		r.n = trackerBusinessRank(t)
	}
	return r
}

// compareTrackerRows orders by key, then id, so pages never overlap.
func compareTrackerRows(a, b trackerRow) int {
	if c := strings.Compare(a.key, b.key); c != 0 {
		return c
	}
	if a.n != b.n {
		if a.n < b.n {
			return -1
		}
		return 1
	}
	return a.t.ID - b.t.ID
}

// pageSortedRows returns one page of rows in order (descending reverses
// the whole order). Only the page is sorted: two quickselect passes put
// the rows before the page, the page, and the rows after it in place
// (O(n) on average), so any page of 300,000 trackers is quick.
func pageSortedRows(rows []trackerRow, ascending bool, offset, limit int) []*Tracker {
	cmp := compareTrackerRows
	if !ascending {
		cmp = func(a, b trackerRow) int { return compareTrackerRows(b, a) }
	}
	if offset >= len(rows) {
		return nil
	}
	end := len(rows)
	if limit > 0 && offset+limit < end {
		end = offset + limit
	}
	if end-offset > len(rows)/2 {
		slices.SortFunc(rows, cmp)
	} else {
		if offset > 0 {
			nthTrackerRow(rows, offset, cmp)
		}
		if end < len(rows) {
			nthTrackerRow(rows[offset:], end-offset-1, cmp)
		}
		slices.SortFunc(rows[offset:end], cmp)
	}
	page := make([]*Tracker, 0, end-offset)
	for _, r := range rows[offset:end] {
		page = append(page, r.t)
	}
	return page
}

// nthTrackerRow reorders a so that a[k] is the row a full sort would put
// there, with every row before it smaller and every row after it larger
// (quickselect; rows never compare equal, ties being broken by id).
func nthTrackerRow(a []trackerRow, k int, cmp func(a, b trackerRow) int) {
	lo, hi := 0, len(a)-1
	for hi-lo > 16 {
		mid := lo + (hi-lo)/2
		if cmp(a[mid], a[lo]) < 0 {
			a[mid], a[lo] = a[lo], a[mid]
		}
		if cmp(a[hi], a[lo]) < 0 {
			a[hi], a[lo] = a[lo], a[hi]
		}
		if cmp(a[hi], a[mid]) < 0 {
			a[hi], a[mid] = a[mid], a[hi]
		}
		pivot := a[mid]
		i, j := lo, hi
		for i <= j {
			for cmp(a[i], pivot) < 0 {
				i++
			}
			for cmp(a[j], pivot) > 0 {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
	slices.SortFunc(a[lo:hi+1], cmp)
}

// trackerMatcher applies tracker/list's text filter without allocating per
// tracker: numbers are compared as digits only when the filter is all
// digits, text fields case-insensitively.
type trackerMatcher struct {
	lower   string
	digits  []byte
	numeric bool
	ascii   bool
}

func newTrackerMatcher(filter string) trackerMatcher {
	f := strings.TrimSpace(filter)
	m := trackerMatcher{lower: strings.ToLower(f), ascii: trackerIsASCII(f)}
	if f != "" && strings.Trim(f, "0123456789") == "" {
		m.numeric, m.digits = true, []byte(f)
	}
	return m
}

func (m trackerMatcher) match(t *Tracker) bool {
	if m.lower == "" {
		return true
	}
	src := t.Source
	if m.numeric && (m.intHas(t.ID) || m.intHas(src.ID) || m.intHas(t.UserID)) {
		return true
	}
	if m.textHas(t.Label) || m.textHas(src.DeviceID) || m.textHas(src.Model) {
		return true
	}
	return src.Phone != nil && m.textHas(*src.Phone)
}

func (m trackerMatcher) intHas(n int) bool {
	var buf [20]byte
	return bytes.Contains(strconv.AppendInt(buf[:0], int64(n), 10), m.digits)
}

func (m trackerMatcher) textHas(s string) bool {
	if m.ascii && trackerIsASCII(s) {
		return containsASCIIFold(s, m.lower)
	}
	return strings.Contains(strings.ToLower(s), m.lower)
}

func trackerIsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// containsASCIIFold reports whether s contains lowerSub, ignoring ASCII
// case; lowerSub is already lower-case.
func containsASCIIFold(s, lowerSub string) bool {
	n := len(lowerSub)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lowerSub[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

// trackerRead answers one tracker. A tracker whose device was corrupted
// answers 252, as tracker.md documents; the list still shows it.
func (s *Server) trackerRead(c *call) (any, error) {
	id := c.params.int("tracker_id")
	if err := c.params.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	t := st.trackerLocked(id)
	if t == nil {
		return nil, newError(codeNotFound)
	}
	if t.Source.Corrupted {
		return nil, newError(codeDeviceCorrupted)
	}
	return struct {
		Value Tracker `json:"value"`
	}{st.trackerViewLocked(t)}, nil
}

// checkTrackerLabel validates a label: 1 to 60 printable characters, and
// for settings/update no < or >.
func checkTrackerLabel(p *params, name, label string, noAngles bool) {
	n := utf8.RuneCountInString(label)
	switch {
	case n < 1 || n > trackerLabelMaxRunes:
		p.invalid(name, "Length must be between 1 and 60")
	case !trackerPrintable(label):
		p.invalid(name, "Must consist of printable characters")
	case noAngles && strings.ContainsAny(label, "<>"):
		p.invalid(name, "Cannot contain < and > symbols")
	}
}

func trackerPrintable(s string) bool {
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

// trackerSettingsUpdate saves a tracker's label, deleted mark and comment.
// label and deleted are required (the markdown marks only comment
// optional); a comment not sent is kept.
func (s *Server) trackerSettingsUpdate(c *call) (any, error) {
	p := c.params
	id := p.int("tracker_id")
	label := p.string("label")
	deleted := p.bool("deleted")
	comment, hasComment := p.optString("comment")
	if p.has("label") {
		checkTrackerLabel(p, "label", label, true)
	}
	if hasComment && utf8.RuneCountInString(comment) > trackerCommentMaxRunes {
		p.invalid("comment", "Length must be at most 3000")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	t := st.trackerLocked(id)
	if t == nil {
		return nil, newError(codeNotFound)
	}
	if t.Source.Corrupted {
		return nil, newError(codeDeviceCorrupted)
	}
	t.Label, t.Deleted = label, deleted
	if hasComment {
		t.Comment = comment
	}
	return nil, nil
}

// trackerSourceUpdate blocks or unblocks the device behind a tracker; every
// clone over it sees the change.
func (s *Server) trackerSourceUpdate(c *call) (any, error) {
	p := c.params
	id := p.int("tracker_id")
	blocked := p.bool("blocked")
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	t := st.trackerLocked(id)
	if t == nil {
		return nil, newError(codeNotFound)
	}
	if t.Source.Corrupted {
		return nil, newError(codeDeviceCorrupted)
	}
	t.Source.Blocked = blocked
	return nil, nil
}

// mobileModelPrefixes are the app-based models register_retry refuses.
var mobileModelPrefixes = []string{"navixymobile", "mobile_unknown", "iosnavixytracker"}

// trackerRegisterRetry resends the registration commands, at most once per
// 120 s per device. Checks run in the documented order of importance:
// 201, 219, 252, 208, 214, then the 264 cooldown. Models without a GSM
// module (the mobile apps, and devices with no phone at all) answer 214.
func (s *Server) trackerRegisterRetry(c *call) (any, error) {
	p := c.params
	id := p.int("tracker_id")
	_, _ = p.optBool("send_register_commands") // null means the platform settings
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.RLock()
	t := st.trackerLocked(id)
	var apiErr *apiError
	var sourceID int
	switch {
	case t == nil:
		apiErr = newError(codeNotFound)
	case t.Clone:
		apiErr = newError(codeNotAllowedForClones)
	case t.Source.Corrupted:
		apiErr = newError(codeDeviceCorrupted)
	case t.Source.Blocked:
		apiErr = newError(codeTrackerDeviceBlocked)
	case trackerHasPrefix(t.Source.Model, mobileModelPrefixes) || t.Source.Phone == nil:
		apiErr = newError(codeTrackerUnsupported)
	default:
		sourceID = t.Source.ID
	}
	st.mu.RUnlock()
	if apiErr != nil {
		return nil, apiErr
	}
	if !s.devices.tryRegisterRetry(sourceID, c.now) {
		return nil, newError(codeTrackerRetryTimeout)
	}
	return nil, nil
}

func trackerHasPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// trackerCorrupt removes a tracker for good: it is marked deleted, its
// source corrupted, and the source's device_id and phone are rewritten
// ("corrupted_<source id>_<old value>") so the device can register again.
// Its clones are removed (corrupt_clones defaults to true); with
// corrupt_clones false and clones present it answers 253 with their ids.
// Open air consoles of the device are closed.
func (s *Server) trackerCorrupt(c *call) (any, error) {
	p := c.params
	id := p.int("tracker_id")
	corruptClones := true
	if b, ok := p.optBool("corrupt_clones"); ok {
		corruptClones = b
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	t := st.trackerLocked(id)
	if t == nil {
		st.mu.Unlock()
		return nil, newError(codeNotFound)
	}
	if t.Clone {
		st.mu.Unlock()
		return nil, newError(codeNotAllowedForClones)
	}
	src := t.Source
	if src.Corrupted {
		st.mu.Unlock()
		return nil, newError(codeDeviceCorrupted)
	}
	clones := st.clonesOfLocked(t)
	if len(clones) > 0 && !corruptClones {
		ids := make([]int, len(clones))
		for i, cl := range clones {
			ids[i] = cl.ID
		}
		st.mu.Unlock()
		return nil, newError(codeDeviceHasClones).with("list", ids)
	}
	for _, cl := range clones {
		st.removeTrackerLocked(cl)
	}
	t.Deleted = true
	src.Corrupted = true
	src.ConnectionStatus = "offline"
	prefix := "corrupted_" + strconv.Itoa(src.ID) + "_"
	src.DeviceID = prefix + src.DeviceID
	if src.Phone != nil && *src.Phone != "" {
		src.Phone = ptr(prefix + *src.Phone)
	}
	st.mu.Unlock()
	s.devices.closeSource(src.ID, "device corrupted")
	return nil, nil
}

// trackerMove gives a tracker to another user of the dealer. As the
// OpenAPI file documents, the move creates a new tracker record: the reply
// carries the NEW id, and the old id answers 201 afterwards. The new record
// keeps label, comment, model and device; it starts in no group, with
// today's creation date (the markdown shows only {"success": true}).
func (s *Server) trackerMove(c *call) (any, error) {
	p := c.params
	id := p.int("tracker_id")
	userID := p.int("user_id")
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	t := st.trackerLocked(id)
	if t == nil {
		return nil, newError(codeNotFound)
	}
	if t.Clone {
		return nil, newError(codeNotAllowedForClones)
	}
	if t.Source.Corrupted {
		return nil, newError(codeDeviceCorrupted)
	}
	if userID == t.UserID || st.userLocked(userID) == nil {
		return nil, newError(codeInvalidUserID)
	}
	if sourceHolderOf(t.Source, userID) != nil {
		return nil, newError(codeEntityExists)
	}
	st.removeTrackerLocked(t)
	t.ID, t.UserID, t.GroupID = 0, userID, 0
	t.CreationDate = Date{c.now.UTC().Truncate(24 * time.Hour)}
	st.insertTrackerLocked(t)
	return struct {
		ID int `json:"id"`
	}{t.ID}, nil
}

// sourceHolderOf returns the tracker over src that userID owns, or nil.
func sourceHolderOf(src *Source, userID int) *Tracker {
	for _, h := range src.holders {
		if h.UserID == userID {
			return h
		}
	}
	return nil
}

// activeMonth is one month of tracker/active/history/list.
type activeMonth struct {
	Month    string          `json:"month"`
	Amount   int             `json:"amount"`
	Trackers []activeTracker `json:"trackers"`
}

type activeTracker struct {
	TrackerID int    `json:"tracker_id"`
	UserID    int    `json:"user_id"`
	Label     string `json:"label"`
	DeviceID  string `json:"device_id"`
}

// activeOwner is an entry of users_map (OpenAPI only; the markdown's
// example has no users_map). Its shape is not documented: the emulator
// sends the owner's id, login and names.
type activeOwner struct {
	ID        int    `json:"id"`
	Login     string `json:"login"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	LegalName string `json:"legal_name"`
}

// trackerParseMonth reads "YYYY-MM".
func trackerParseMonth(s string) (time.Time, bool) {
	if len(s) != 7 || s[4] != '-' {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01", s)
	return t, err == nil
}

// trackerActiveHistoryList reports, month by month from `from` to `to`
// (both "YYYY-MM", at most 12 months, else 211), the trackers PaaS billing
// counted as active: originals (clones are not billed) whose device had
// registered by the end of the month and was still in service at its
// start. A blocked, deleted or corrupted device counts until its plan end
// date, the seed's record of when its service stopped. Months after the
// emulator's current month are empty.
func (s *Server) trackerActiveHistoryList(c *call) (any, error) {
	p := c.params
	fromText, toText := p.string("from"), p.string("to")
	from, okFrom := trackerParseMonth(fromText)
	to, okTo := trackerParseMonth(toText)
	if p.has("from") && !okFrom {
		p.invalid("from", "Must be a year and month, YYYY-MM")
	}
	if p.has("to") && !okTo {
		p.invalid("to", "Must be a year and month, YYYY-MM")
	}
	if okFrom && okTo && to.Before(from) {
		p.invalid("to", "Must not be before from")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	months := (to.Year()-from.Year())*12 + int(to.Month()) - int(from.Month()) + 1
	if months > trackerActiveHistoryMaxSpan {
		return nil, newError(codeTrackerSpanTooBig)
	}
	now := c.now.UTC()
	current := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)

	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	list := make([]activeMonth, 0, months)
	owners := map[int]bool{}
	for m := from; !m.After(to); m = m.AddDate(0, 1, 0) {
		entry := activeMonth{Month: m.Format("2006-01"), Trackers: []activeTracker{}}
		if !m.After(current) {
			next := m.AddDate(0, 1, 0)
			for _, t := range st.trackers {
				if t.Clone || !t.Source.CreationDate.Before(next) {
					continue
				}
				src := t.Source
				if t.Deleted || src.Blocked || src.Corrupted {
					if src.TariffEndDate == nil || !src.TariffEndDate.After(m) {
						continue
					}
				}
				entry.Trackers = append(entry.Trackers, activeTracker{TrackerID: t.ID, UserID: t.UserID, Label: t.Label, DeviceID: src.DeviceID})
				owners[t.UserID] = true
			}
		}
		entry.Amount = len(entry.Trackers)
		list = append(list, entry)
	}
	usersMap := make(map[string]activeOwner, len(owners))
	for id := range owners {
		if u := st.userLocked(id); u != nil {
			usersMap[strconv.Itoa(id)] = activeOwner{ID: u.ID, Login: u.Login, FirstName: u.FirstName, LastName: u.LastName, LegalName: u.LegalName}
		}
	}
	return struct {
		List     []activeMonth          `json:"list"`
		UsersMap map[string]activeOwner `json:"users_map"`
	}{list, usersMap}, nil
}
