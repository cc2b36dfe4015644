package panelsim

import (
	"math/bits"
	"slices"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// The user list's search box sends user/list a filter on every keystroke,
// and user/export takes the same filter. A dealer with 100,000 users would
// wait tens of milliseconds per keystroke if every search read the
// eighteen text fields of every user, where a real Panel answers from its
// database's indexes. userIndex is the emulator's index: it finds the few
// users that can match a filter without touching the others.
//
// It is a trigram index. Each searched field (userSearchField, and the id
// written in digits) is folded rune by rune the way the filter compares
// runes (foldKey) and cut into overlapping three-rune keys; each key lists
// the ids of the users holding it. A filter of three runes or more can
// only match a user holding every key of the filter, so the rarest key's
// list, checked against the others, gives the candidates. A filter of one
// or two runes is a prefix of keys: the last two keys of a field are
// padded with an end mark, so every rune of a field starts a key, and the
// candidates are the union of the keys that start with the filter.
//
// The index only narrows the search. Every candidate is checked again by
// userMatcher, which alone decides, so a user matches a filter the same
// way with or without the index; keys of a filter found in different
// fields, or in the wrong order, merely add a candidate the matcher
// rejects. The check reads the candidate's folded text, which the index
// keeps in one block (text), not the user itself.
//
// The index must follow every change of a user's searched text: the
// store adds and removes users through insertUserLocked and
// removeUserLocked, the seed indexes its users at once
// (indexUsersForSearchLocked), and text changes go through
// changeUserTextLocked (changeLoginLocked for the login).
type userIndex struct {
	// byID holds the indexed users by id; nil where there is none.
	byID []*User
	// universe is the id range a common key's bitmap is sized for: the
	// expected number of users while the seed fills the index, then the
	// highest id seen.
	universe int
	// text holds the folded text (appendUserText) of every indexed user,
	// the user with id i at spans[i]: a search checks its candidates there,
	// in one block of memory, instead of reading eighteen strings of each
	// user from wherever they are. A change appends the user's new text;
	// the old one is dropped when half of text is stale.
	text  []byte
	spans []textSpan
	stale int // bytes of text no span covers
	// ords numbers the keys; postings[ord] is the set of users holding
	// one.
	ords     map[uint64]int32
	postings []posting
	// prefix1 and prefix2 list the keys that start with a rune or two
	// runes, for filters shorter than a key.
	prefix1 map[rune][]int32
	prefix2 map[uint64][]int32
	// scratch collects one user's keys while it is indexed. A user often
	// holds a key twice (an address repeated as the registered one);
	// seen[ord] == pass marks a key this pass of add has already put the
	// user in. Only used under the store's write lock.
	scratch []uint64
	seen    []uint64
	pass    uint64
}

// posting is the set of users holding one key. A rare key lists the ids;
// once more than one user in 32 holds it (where the list would outgrow a
// bitmap over every id), it becomes a bitmap, and a list again if it
// falls to half that share.
type posting struct {
	ids   []int32  // sorted user ids, while sparse
	bits  []uint64 // bit per user id, while dense
	n     int32    // users holding the key
	dense bool
}

// userSearchFieldCount is the number of text fields user/list's filter
// searches: the fields the markdown lists for user/list, the id aside.
const userSearchFieldCount = 18

// userSearchField returns the i-th searched field, 0 <= i <
// userSearchFieldCount: the fields whose folded text a user's search text
// holds, each kept apart from the next.
func userSearchField(u *User, i int) string {
	switch i {
	case 0:
		return u.Login
	case 1:
		return u.LastName
	case 2:
		return u.FirstName
	case 3:
		return u.MiddleName
	case 4:
		return u.Phone
	case 5:
		return u.PostCity
	case 6:
		return u.PostRegion
	case 7:
		return u.PostCountry
	case 8:
		return u.PostIndex
	case 9:
		return u.PostStreetAddress
	case 10:
		return u.RegisteredCountry
	case 11:
		return u.RegisteredIndex
	case 12:
		return u.RegisteredRegion
	case 13:
		return u.RegisteredCity
	case 14:
		return u.RegisteredStreetAddress
	case 15:
		return u.TIN
	case 16:
		return u.IEC
	case 17:
		return u.LegalName
	}
	panic("panelsim: no searched user field " + strconv.Itoa(i))
}

// userSearchFields are all the searched fields of a user, for indexing
// and for noticing that a change left them alone.
func userSearchFields(u *User) (fields [userSearchFieldCount]string) {
	for i := range fields {
		fields[i] = userSearchField(u, i)
	}
	return fields
}

// endMark pads the end of each field: a value no rune folds to.
const endMark rune = unicode.MaxRune + 1

// Keys pack three folded runes (21 bits each, the end mark included).
func trigramKey(a, b, c rune) uint64 { return uint64(a)<<42 | uint64(b)<<21 | uint64(c) }
func bigramKey(a, b rune) uint64     { return uint64(a)<<21 | uint64(b) }

// foldKey is the rune a field's or a filter's rune is indexed as. The
// filter takes two runes as equal when they are the same or lower-case the
// same (both sides are folded the same way, appendFolded; an invalid byte
// decodes as utf8.RuneError), so runes the filter takes as equal always
// get the same key.
func foldKey(r rune) rune {
	if r < utf8.RuneSelf {
		return rune(lowerASCII(byte(r)))
	}
	return unicode.ToLower(r)
}

// appendTrigrams appends the key of every run of three runes of s
// (folded, foldKey), and gives its last two runes and its length in runes.
func appendTrigrams(dst []uint64, s string) (keys []uint64, a, b rune, n int) {
	a, b = endMark, endMark
	for _, r := range s {
		r = foldKey(r)
		if n >= 2 {
			dst = append(dst, trigramKey(a, b, r))
		}
		a, b = b, r
		n++
	}
	return dst, a, b, n
}

// appendFieldKeys appends the keys of one field: one per rune, the last
// two padded with the end mark.
func appendFieldKeys(dst []uint64, s string) []uint64 {
	if s == "" {
		return dst
	}
	dst, a, b, n := appendTrigrams(dst, s)
	if n >= 2 {
		dst = append(dst, trigramKey(a, b, endMark))
	}
	return append(dst, trigramKey(b, endMark, endMark))
}

// appendUserKeys appends the keys of a user's fields and id, unsorted and
// possibly repeated.
func appendUserKeys(dst []uint64, id int, fields *[userSearchFieldCount]string) []uint64 {
	for _, f := range fields {
		dst = appendFieldKeys(dst, f)
	}
	var buf [20]byte
	return appendFieldKeys(dst, string(strconv.AppendInt(buf[:0], int64(id), 10)))
}

// newUserIndex makes an empty index for about expected users.
func newUserIndex(expected int) *userIndex {
	return &userIndex{
		byID:     make([]*User, 0, expected+1),
		universe: expected + 1,
		ords:     make(map[uint64]int32),
		prefix1:  make(map[rune][]int32),
		prefix2:  make(map[uint64][]int32),
	}
}

// ord returns a key's number, numbering a new key.
func (ix *userIndex) ord(key uint64) int32 {
	if o, ok := ix.ords[key]; ok {
		return o
	}
	o := int32(len(ix.postings))
	ix.postings = append(ix.postings, posting{})
	ix.seen = append(ix.seen, 0)
	ix.ords[key] = o
	a, b := rune(key>>42), rune(key>>21&(1<<21-1))
	ix.prefix1[a] = append(ix.prefix1[a], o)
	if b != endMark {
		ix.prefix2[bigramKey(a, b)] = append(ix.prefix2[bigramKey(a, b)], o)
	}
	return o
}

// add indexes a user that is not indexed yet.
func (ix *userIndex) add(u *User) {
	// ix.postings is read only once ord has numbered the key: ord may grow it.
	ix.place(u, func(o int32) { ix.postings[o].add(int32(u.ID), ix.universe) })
}

// place records u by its id and its folded text, and calls each with the
// number of every key u holds, once per key.
func (ix *userIndex) place(u *User, each func(o int32)) {
	if u.ID >= len(ix.byID) {
		ix.byID = append(ix.byID, make([]*User, u.ID+1-len(ix.byID))...)
		ix.spans = append(ix.spans, make([]textSpan, u.ID+1-len(ix.spans))...)
		ix.universe = max(ix.universe, len(ix.byID))
	}
	ix.byID[u.ID] = u
	ix.setText(u.ID, u)
	fields := userSearchFields(u)
	ix.scratch = appendUserKeys(ix.scratch[:0], u.ID, &fields)
	ix.pass++
	for _, k := range ix.scratch {
		if o := ix.ord(k); ix.seen[o] != ix.pass {
			ix.seen[o] = ix.pass
			each(o)
		}
	}
}

// addAll indexes users sorted by id, all above the ids indexed so far:
// the seed's bulk path of add. The users go in blocks; a block's (key,
// user) pairs are grouped by key before they are appended, so each list
// grows once per block and the lists are visited in order, where adding
// user by user jumps between thousands of lists for every user.
func (ix *userIndex) addAll(users []*User) {
	const blockSize = 1024
	var pairs []uint64 // ord<<32 | id
	var grouped, ends []int32
	for len(users) > 0 {
		block := users[:min(blockSize, len(users))]
		users = users[len(block):]
		pairs = pairs[:0]
		for _, u := range block {
			ix.place(u, func(o int32) { pairs = append(pairs, uint64(o)<<32|uint64(u.ID)) })
		}
		// A counting sort by key keeps each key's users in id order.
		ends = append(ends[:0], make([]int32, len(ix.postings))...)
		for _, pr := range pairs {
			ends[pr>>32]++
		}
		var sum int32
		for o, n := range ends {
			ends[o] = sum
			sum += n
		}
		grouped = append(grouped[:0], make([]int32, len(pairs))...)
		for _, pr := range pairs {
			o := pr >> 32
			grouped[ends[o]] = int32(uint32(pr))
			ends[o]++
		}
		start := int32(0)
		for o, end := range ends {
			if end > start {
				ix.postings[o].addRun(grouped[start:end], ix.universe)
			}
			start = end
		}
	}
}

// remove forgets a user, whose searched text must be the text it was
// indexed with.
func (ix *userIndex) remove(u *User) {
	fields := userSearchFields(u)
	ix.removeKeys(u.ID, &fields)
	if u.ID < len(ix.byID) {
		ix.byID[u.ID] = nil
		ix.setText(u.ID, nil)
	}
}

// textSpan is where a user's folded text is in userIndex.text.
type textSpan struct{ start, end uint32 }

// setText keeps u's folded text for id (none for nil), dropping the
// stale texts once they are half of what is kept.
func (ix *userIndex) setText(id int, u *User) {
	old := ix.spans[id]
	ix.stale += int(old.end - old.start)
	ix.spans[id] = textSpan{}
	if u != nil {
		start := len(ix.text)
		ix.text = appendUserText(ix.text, u)
		ix.spans[id] = textSpan{uint32(start), uint32(len(ix.text))}
	}
	if ix.stale > 1<<20 && ix.stale > len(ix.text)/2 {
		text := make([]byte, 0, len(ix.text)-ix.stale)
		for i, sp := range ix.spans {
			if sp.end > sp.start {
				start := len(text)
				text = append(text, ix.text[sp.start:sp.end]...)
				ix.spans[i] = textSpan{uint32(start), uint32(len(text))}
			}
		}
		ix.text, ix.stale = text, 0
	}
}

// textOf returns the folded text of the indexed user with id. It reads
// the index only: a candidate the text rules out is never read itself.
func (ix *userIndex) textOf(id int) []byte {
	sp := ix.spans[id]
	return ix.text[sp.start:sp.end]
}

// fieldEnd ends each field of a user's folded text: a byte UTF-8 never
// holds, which a folded filter therefore never holds either.
const fieldEnd = 0xFF

// appendFolded appends s folded rune by rune (foldKey); an invalid byte
// folds as utf8.RuneError, as in the keys.
func appendFolded(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < utf8.RuneSelf {
			dst = append(dst, lowerASCII(c))
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		dst = utf8.AppendRune(dst, foldKey(r))
		i += size - 1
	}
	return dst
}

// appendUserText appends the text user/list's filter searches: each field
// folded and ended by fieldEnd, then the id in digits (which only a filter
// of digits can match).
func appendUserText(dst []byte, u *User) []byte {
	for i := range userSearchFieldCount {
		dst = append(appendFolded(dst, userSearchField(u, i)), fieldEnd)
	}
	return strconv.AppendInt(dst, int64(u.ID), 10)
}

// update re-indexes a user whose searched text was old.
func (ix *userIndex) update(u *User, old *[userSearchFieldCount]string) {
	if userSearchFields(u) == *old {
		return
	}
	ix.removeKeys(u.ID, old)
	ix.add(u)
}

// removeKeys takes a user out of the sets of the keys of fields.
func (ix *userIndex) removeKeys(id int, fields *[userSearchFieldCount]string) {
	ix.scratch = appendUserKeys(ix.scratch[:0], id, fields)
	for _, k := range ix.scratch {
		if o, ok := ix.ords[k]; ok {
			ix.postings[o].remove(int32(id))
		}
	}
}

// compact gives every list exactly the room it uses, in one allocation,
// once the seed has appended its users one by one (appending grows a list
// by up to double). A later insertion copies the list out.
func (ix *userIndex) compact() {
	total := 0
	for i := range ix.postings {
		total += len(ix.postings[i].ids)
	}
	backing := make([]int32, total)
	for i := range ix.postings {
		p := &ix.postings[i]
		if p.dense {
			continue
		}
		n := copy(backing, p.ids)
		p.ids, backing = backing[:n:n], backing[n:]
	}
}

// add puts id in the set; adding it twice is harmless. universe sizes the
// bitmap when the key becomes common.
func (p *posting) add(id int32, universe int) {
	if p.dense {
		w, bit := int(id>>6), uint64(1)<<(id&63)
		if w >= len(p.bits) {
			p.bits = append(p.bits, make([]uint64, w+1-len(p.bits))...)
		}
		if p.bits[w]&bit == 0 {
			p.bits[w] |= bit
			p.n++
		}
		return
	}
	switch n := len(p.ids); {
	case n == 0 || p.ids[n-1] < id:
		p.ids = append(p.ids, id)
	case p.ids[n-1] == id:
		return
	default:
		i, found := slices.BinarySearch(p.ids, id)
		if found {
			return
		}
		p.ids = slices.Insert(p.ids, i, id)
	}
	p.n++
	p.promote(universe)
}

// addRun puts ids, ascending, in the set.
func (p *posting) addRun(ids []int32, universe int) {
	if p.dense || len(p.ids) > 0 && p.ids[len(p.ids)-1] >= ids[0] {
		for _, id := range ids {
			p.add(id, universe)
		}
		return
	}
	p.ids = append(p.ids, ids...)
	p.n += int32(len(ids))
	p.promote(universe)
}

// promote turns a list held by more than one user in 32 into a bitmap.
func (p *posting) promote(universe int) {
	if p.dense || int(p.n)*32 <= universe {
		return
	}
	p.bits = make([]uint64, universe>>6+1)
	for _, v := range p.ids {
		p.bits[v>>6] |= 1 << (v & 63)
	}
	p.ids, p.dense = nil, true
}

// remove takes id out of the set, if it is there.
func (p *posting) remove(id int32) {
	if !p.dense {
		if i, found := slices.BinarySearch(p.ids, id); found {
			p.ids = slices.Delete(p.ids, i, i+1)
			p.n--
		}
		return
	}
	if w, bit := int(id>>6), uint64(1)<<(id&63); w < len(p.bits) && p.bits[w]&bit != 0 {
		p.bits[w] &^= bit
		p.n--
	}
	if int(p.n) < len(p.bits) { // one user in 64 of the bitmap's range
		p.ids = make([]int32, 0, p.n)
		for i, w := range p.bits {
			for ; w != 0; w &= w - 1 {
				p.ids = append(p.ids, int32(i<<6+bits.TrailingZeros64(w)))
			}
		}
		p.bits, p.dense = nil, false
	}
}

// has reports whether id is in the set. For a list it searches from
// *from onwards and moves *from past the ids below id, so a walk in
// ascending id order reads each list once.
func (p *posting) has(id int32, from *int) bool {
	if p.dense {
		w := int(id >> 6)
		return w < len(p.bits) && p.bits[w]&(1<<(id&63)) != 0
	}
	rest := p.ids[*from:]
	hi := 1 // gallop: the next id is usually near
	for hi < len(rest) && rest[hi-1] < id {
		hi *= 2
	}
	i, found := slices.BinarySearch(rest[:min(hi, len(rest))], id)
	*from += i
	return found
}

// cost is a rough count of the words read to merge the set.
func (p *posting) cost() int {
	if p.dense {
		return len(p.bits)
	}
	return int(p.n)
}

// search calls yield, in ascending id order, with every indexed user that
// may hold filter, and with others the caller's matcher rejects. It
// returns false, without calling yield, when the index cannot narrow the
// search down: the caller then checks every user.
func (ix *userIndex) search(filter string, yield func(id int, u *User)) bool {
	var first [2]rune
	n := 0
	for _, r := range filter {
		if n < len(first) {
			first[n] = foldKey(r)
		}
		n++
	}
	switch n {
	case 0:
		return false
	case 1:
		return ix.union(ix.prefix1[first[0]], yield)
	case 2:
		return ix.union(ix.prefix2[bigramKey(first[0], first[1])], yield)
	}
	keys, _, _, _ := appendTrigrams(make([]uint64, 0, n-2), filter)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	sets := make([]*posting, len(keys))
	for i, k := range keys {
		o, ok := ix.ords[k]
		if !ok {
			return true // a key no user holds: nobody matches
		}
		sets[i] = &ix.postings[o]
	}
	ix.intersect(sets, yield)
	return true
}

// intersect yields the users in every set. The shortest list drives and
// the other sets are probed; when every set is a bitmap, they are ANDed.
func (ix *userIndex) intersect(sets []*posting, yield func(id int, u *User)) {
	slices.SortFunc(sets, func(a, b *posting) int {
		if a.dense != b.dense {
			if a.dense {
				return 1
			}
			return -1
		}
		return int(a.n) - int(b.n)
	})
	first := sets[0]
	if first.n == 0 {
		return
	}
	if first.dense {
		words := slices.Clone(first.bits)
		for _, s := range sets[1:] {
			words = words[:min(len(words), len(s.bits))]
			for i := range words {
				words[i] &= s.bits[i]
			}
		}
		ix.yieldBits(words, yield)
		return
	}
	from := make([]int, len(sets))
next:
	for _, id := range first.ids {
		for j := 1; j < len(sets); j++ {
			if !sets[j].has(id, &from[j]) {
				continue next
			}
		}
		if u := ix.byID[id]; u != nil {
			yield(int(id), u)
		}
	}
}

// unionScanRatio bounds a short filter's union: past this many words read
// per indexed user, reading every user is as quick.
const unionScanRatio = 4

// union yields the users in any of the sets ords, or returns false when
// that costs more than reading every user.
func (ix *userIndex) union(ords []int32, yield func(id int, u *User)) bool {
	cost := 0
	for _, o := range ords {
		cost += ix.postings[o].cost()
	}
	if cost > unionScanRatio*len(ix.byID) {
		return false
	}
	words := make([]uint64, len(ix.byID)>>6+1)
	for _, o := range ords {
		p := &ix.postings[o]
		if p.dense {
			for i, w := range p.bits[:min(len(p.bits), len(words))] {
				words[i] |= w
			}
			continue
		}
		for _, id := range p.ids {
			words[id>>6] |= 1 << (id & 63)
		}
	}
	ix.yieldBits(words, yield)
	return true
}

// yieldBits yields the users whose bits are set, in id order.
func (ix *userIndex) yieldBits(words []uint64, yield func(id int, u *User)) {
	for i, w := range words {
		for ; w != 0; w &= w - 1 {
			if id := i<<6 + bits.TrailingZeros64(w); id < len(ix.byID) {
				if u := ix.byID[id]; u != nil {
					yield(id, u)
				}
			}
		}
	}
}

// memory estimates the bytes the index holds, for load-test reports.
func (ix *userIndex) memory() int {
	const postingSize, mapEntry = 56, 24
	n := cap(ix.byID)*8 + cap(ix.postings)*postingSize + cap(ix.seen)*8 + len(ix.ords)*mapEntry +
		cap(ix.text) + cap(ix.spans)*8
	for _, p := range ix.postings {
		n += cap(p.ids)*4 + cap(p.bits)*8
	}
	for _, l := range ix.prefix1 {
		n += mapEntry + cap(l)*4
	}
	for _, l := range ix.prefix2 {
		n += mapEntry + cap(l)*4
	}
	return n
}
