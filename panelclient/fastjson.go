package panelclient

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// The portal decodes a user/list answer on every users page, and with
// encoding/json that was half of its own work per page (reflection, a
// validation pass before the decoding pass, one allocation per string).
// The shapes on that path decode through jsonReader instead: one forward
// pass that validates what it reads the way encoding/json does, and keeps
// strings as substrings of a single copy of the answer. A 50-user page costs
// a few allocations instead of hundreds. Everything else still goes
// through encoding/json; FuzzFastDecodeMatchesEncodingJSON holds the two to
// the same results.

// fastDecoder is an answer shape with a hand-written decoder. decodeFrom
// reads one JSON value (null included) at the reader's cursor.
type fastDecoder interface {
	decodeFrom(r *jsonReader)
}

// decodeFast decodes the JSON document data into out, like json.Unmarshal:
// the whole document must be valid JSON with nothing after it.
func decodeFast(data []byte, out fastDecoder) error {
	return decodeDocument(&jsonReader{data: data, s: string(data)}, out)
}

// decodeDocument reads the whole document of r into out.
func decodeDocument(r *jsonReader, out fastDecoder) error {
	out.decodeFrom(r)
	r.ws()
	if r.err == nil && r.i < len(r.data) {
		r.fail("data after the top-level value")
	}
	return r.err
}

// inPlace asks parseAnswer to decode a UserList whose strings may be
// parts of the answer's bytes (decodeInPlace).
type inPlace struct{ *UserList }

// decodeInPlace is decodeFast without the copy: strings without escapes
// are read as parts of data itself. The caller keeps data unchanged for
// as long as any of them is in use (Client.decode hands it to the list).
func decodeInPlace(data []byte, out fastDecoder) error {
	return decodeDocument(&jsonReader{data: data, s: unsafe.String(unsafe.SliceData(data), len(data))}, out)
}

// maxJSONDepth is encoding/json's nesting limit.
const maxJSONDepth = 10000

// jsonReader reads one JSON document from the front. After the first
// error every method does nothing, so decoders read straight through and
// the caller checks err once at the end.
type jsonReader struct {
	data  []byte
	s     string // data as one string; unescaped strings are substrings of it
	i     int
	depth int
	err   error
}

func (r *jsonReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("invalid JSON at offset %d: %s", r.i, what)
	}
}

func (r *jsonReader) ws() {
	for r.i < len(r.data) {
		switch r.data[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// next skips white space and returns the byte at the cursor, 0 at the end
// or after an error.
func (r *jsonReader) next() byte {
	// The Panel sends compact JSON: the cursor is nearly always on a token.
	if r.i < len(r.data) && r.data[r.i] > ' ' && r.err == nil {
		return r.data[r.i]
	}
	r.ws()
	if r.err != nil || r.i >= len(r.data) {
		if r.err == nil {
			r.fail("unexpected end")
		}
		return 0
	}
	return r.data[r.i]
}

// literal consumes word ("null", "true", "false") at the cursor.
func (r *jsonReader) literal(word string) {
	if !strings.HasPrefix(r.s[r.i:], word) {
		r.fail("invalid literal")
		return
	}
	r.i += len(word)
}

// null consumes a null at the cursor and reports whether there was one.
func (r *jsonReader) null() bool {
	if r.next() != 'n' {
		return false
	}
	r.literal("null")
	return true
}

func (r *jsonReader) enter() bool {
	r.depth++
	if r.depth > maxJSONDepth {
		r.fail("nested too deeply")
		return false
	}
	return true
}

// openObject reads an object's opening brace and reports whether members
// follow, the cursor then on the first. A null or an empty object is read
// whole and reports false, as does an error. On true the object counts
// towards the nesting limit until the caller decrements r.depth.
func (r *jsonReader) openObject() bool {
	switch r.next() {
	case 'n':
		r.literal("null")
		return false
	case '{':
	default:
		r.fail("expected an object")
		return false
	}
	if !r.enter() {
		return false
	}
	r.i++
	if r.next() == '}' {
		r.i++
		r.depth--
		return false
	}
	return true
}

// moreMembers reads what follows an object's member: true for a comma,
// false for the closing brace or an error.
func (r *jsonReader) moreMembers() bool {
	switch r.next() {
	case ',':
		r.i++
		return true
	case '}':
		r.i++
	default:
		r.fail("expected ',' or '}'")
	}
	return false
}

// object reads an object, calling member for each key with the cursor on
// its value; member must read exactly one value. A null is read as nothing.
func (r *jsonReader) object(member func(key string)) {
	if !r.openObject() {
		return
	}
	defer func() { r.depth-- }()
	for r.err == nil {
		if r.next() != '"' {
			r.fail("expected a member name")
			return
		}
		key := r.str()
		if r.next() != ':' {
			r.fail("expected ':'")
			return
		}
		r.i++
		member(key)
		if !r.moreMembers() {
			return
		}
	}
}

// array reads an array, calling elem with the cursor on each element;
// elem must read exactly one value. It reports whether the value was an
// array (false for null and on error).
func (r *jsonReader) array(elem func()) bool {
	switch r.next() {
	case 'n':
		r.literal("null")
		return false
	case '[':
	default:
		r.fail("expected an array")
		return false
	}
	if !r.enter() {
		return false
	}
	defer func() { r.depth-- }()
	r.i++
	if r.next() == ']' {
		r.i++
		return true
	}
	for r.err == nil {
		elem()
		switch r.next() {
		case ',':
			r.i++
		case ']':
			r.i++
			return true
		default:
			r.fail("expected ',' or ']'")
		}
	}
	return false
}

// strSpecial marks the bytes a string scan must stop at: the closing
// quote, a backslash, control characters and the bytes of non-ASCII runes.
var strSpecial = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf
	}
	return t
}()

// plainRun is the index of the first byte at or after j that a string scan
// must stop at (see strSpecial), or len(d).
func plainRun(d []byte, j int) int { return scanRun(d, j, true) }

// textRun is plainRun for the rest of a string known not to be ASCII: it
// goes past the bytes of non-ASCII runes.
func textRun(d []byte, j int) int { return scanRun(d, j, false) }

// scanRun tests eight bytes at a time. In each mask below a byte's top bit
// is set when the byte is one to stop at; borrows can set more bits, but
// only above a byte that is truly set, so the lowest set bit marks the
// first such byte exactly.
func scanRun(d []byte, j int, stopAtHigh bool) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	var high uint64
	if stopAtHigh {
		high = highs
	}
	for ; j+8 <= len(d); j += 8 {
		w := binary.LittleEndian.Uint64(d[j:])
		quote := w ^ ('"' * ones)
		slash := w ^ ('\\' * ones)
		m := (quote - ones) &^ quote // a zero byte: '"'
		m |= (slash - ones) &^ slash // '\\'
		m |= (w - 0x20*ones) &^ w    // below 0x20
		m |= w & high                // 0x80 and above
		if m &= highs; m != 0 {
			return j + bits.TrailingZeros64(m)>>3
		}
	}
	for j < len(d) && !(strSpecial[d[j]] && (stopAtHigh || d[j] < utf8.RuneSelf)) {
		j++
	}
	return j
}

// str reads the string at the cursor (which is on its opening quote). A
// string without escapes that is valid UTF-8 is a substring of r.s; any
// other goes through encoding/json, which also checks the escapes and
// replaces invalid UTF-8 the way every other answer is read.
func (r *jsonReader) str() string {
	d, start := r.data, r.i+1
	j := plainRun(d, start)
	if j < len(d) && d[j] == '"' {
		r.i = j + 1
		return r.s[start:j]
	}
	ascii := true
	for ; j < len(d); j++ {
		if !ascii {
			if j = textRun(d, j); j == len(d) {
				break
			}
		}
		switch c := d[j]; {
		case c == '"':
			r.i = j + 1
			s := r.s[start:j]
			if !ascii && !utf8.ValidString(s) {
				return r.unquote(start-1, j+1)
			}
			return s
		case c == '\\':
			return r.escaped(start - 1)
		case c < 0x20:
			r.i = j
			r.fail("control character in a string")
			return ""
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	r.i = len(d)
	r.fail("unterminated string")
	return ""
}

// escaped reads the string token starting at quote, which has a backslash
// in it, decoding its escapes the way encoding/json does: a lone or broken
// surrogate becomes U+FFFD, anything but the JSON escapes is an error. A
// string with invalid UTF-8 (which encoding/json mends byte by byte) goes
// through encoding/json.
func (r *jsonReader) escaped(quote int) string {
	d := r.data
	b := make([]byte, 0, 64)
	ascii := true
	for i := quote + 1; ; {
		j := textRun(d, i)
		for k := i; ascii && k < j; k++ {
			ascii = d[k] < utf8.RuneSelf
		}
		b = append(b, d[i:j]...)
		if j >= len(d) {
			r.i = len(d)
			r.fail("unterminated string")
			return ""
		}
		switch c := d[j]; {
		case c == '"':
			if !ascii && !utf8.Valid(b) {
				end := skipString(d, quote)
				return r.unquote(quote, end)
			}
			r.i = j + 1
			return string(b)
		case c < 0x20:
			r.i = j
			r.fail("control character in a string")
			return ""
		}
		// A backslash.
		if j+1 >= len(d) {
			r.i = len(d)
			r.fail("unterminated string")
			return ""
		}
		i = j + 2
		switch e := d[j+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			rr := hex4(d, j+2)
			if rr < 0 {
				r.i = j
				r.fail("bad \\u escape")
				return ""
			}
			i = j + 6
			if utf16.IsSurrogate(rr) {
				// A pair is two escapes; anything else leaves U+FFFD and
				// reads on after the first.
				rr2 := rune(-1)
				if i+1 < len(d) && d[i] == '\\' && d[i+1] == 'u' {
					rr2 = hex4(d, i+2)
				}
				if dec := utf16.DecodeRune(rr, rr2); dec != utf8.RuneError {
					rr, i = dec, i+6
				} else {
					rr = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, rr)
		default:
			r.i = j
			r.fail("bad escape in a string")
			return ""
		}
	}
}

// hex4 reads the four hexadecimal digits at d[at:], or returns -1.
func hex4(d []byte, at int) rune {
	if at+4 > len(d) {
		return -1
	}
	var v rune
	for _, c := range d[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		v = v<<4 | rune(c)
	}
	return v
}

func (r *jsonReader) unquote(from, to int) string {
	var s string
	if err := json.Unmarshal(r.data[from:to], &s); err != nil {
		r.i = from
		r.fail("bad string")
		return ""
	}
	r.i = to
	return s
}

// number reads a number token at the cursor, checking JSON's grammar.
func (r *jsonReader) number() string {
	d, start := r.data, r.i
	j := start
	digits := func() bool {
		k := j
		for j < len(d) && d[j] >= '0' && d[j] <= '9' {
			j++
		}
		return j > k
	}
	if j < len(d) && d[j] == '-' {
		j++
	}
	switch {
	case j < len(d) && d[j] == '0':
		j++
	case !digits():
		r.fail("bad number")
		return ""
	}
	if j < len(d) && d[j] == '.' {
		j++
		if !digits() {
			r.fail("bad number")
			return ""
		}
	}
	if j < len(d) && (d[j] == 'e' || d[j] == 'E') {
		j++
		if j < len(d) && (d[j] == '+' || d[j] == '-') {
			j++
		}
		if !digits() {
			r.fail("bad number")
			return ""
		}
	}
	r.i = j
	return r.s[start:j]
}

// The typed readers below leave their destination alone on null, like
// encoding/json, and fail on a value of another type.

func (r *jsonReader) readString(dst *string) {
	switch r.next() {
	case '"':
		*dst = r.str()
	case 'n':
		r.literal("null")
	default:
		r.fail("expected a string")
	}
}

func (r *jsonReader) readInt(dst *int) {
	switch c := r.next(); {
	case c >= '1' && c <= '9':
		if n, ok := r.smallInt(); ok {
			*dst = n
			return
		}
		fallthrough
	case c == '-' || c == '0':
		n, err := strconv.ParseInt(r.number(), 10, 64)
		if err != nil {
			r.fail("expected an integer")
			return
		}
		*dst = int(n)
	case c == 'n':
		r.literal("null")
	default:
		r.fail("expected a number")
	}
}

// smallInt reads a positive integer of up to 18 digits at the cursor, the
// form ids and counts take; anything else (a fraction, an exponent, more
// digits) is left to the general reader and reports false.
func (r *jsonReader) smallInt() (int, bool) {
	d, j, n := r.data, r.i, 0
	for j < len(d) && d[j] >= '0' && d[j] <= '9' && j-r.i < 18 {
		n = n*10 + int(d[j]-'0')
		j++
	}
	if j < len(d) && (d[j] >= '0' && d[j] <= '9' || d[j] == '.' || d[j] == 'e' || d[j] == 'E') {
		return 0, false
	}
	r.i = j
	return n, true
}

// readIntPtr sets *dst to nil on null.
func (r *jsonReader) readIntPtr(dst **int) {
	if r.null() {
		*dst = nil
		return
	}
	if r.err != nil {
		return
	}
	if *dst == nil {
		*dst = new(int)
	}
	r.readInt(*dst)
}

func (r *jsonReader) readFloat(dst *float64) {
	switch c := r.next(); {
	case c == '-' || (c >= '0' && c <= '9'):
		f, err := strconv.ParseFloat(r.number(), 64)
		if err != nil {
			r.fail("number out of range")
			return
		}
		*dst = f
	case c == 'n':
		r.literal("null")
	default:
		r.fail("expected a number")
	}
}

func (r *jsonReader) readBool(dst *bool) {
	switch r.next() {
	case 't':
		r.literal("true")
		*dst = true
	case 'f':
		r.literal("false")
		*dst = false
	case 'n':
		r.literal("null")
	default:
		r.fail("expected true or false")
	}
}

// skip reads and checks any one value.
func (r *jsonReader) skip() {
	switch c := r.next(); {
	case c == '{':
		r.object(func(string) { r.skip() })
	case c == '[':
		r.array(r.skip)
	case c == '"':
		r.str()
	case c == 't':
		r.literal("true")
	case c == 'f':
		r.literal("false")
	case c == 'n':
		r.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		r.number()
	default:
		r.fail("expected a value")
	}
}

// field is one member of a shape the decoder knows by name. A string
// member also says where its value goes, so that the common case (a plain
// string right after the colon) is read without a call through read.
type field[T any] struct {
	name string
	read func(v *T, r *jsonReader)
	str  func(v *T) *string
}

// head is a member's name as it appears in compact JSON, between the
// opening quote and the value (`name":`), with its first sixteen bytes as
// two little-endian words and masks, so that the name at the cursor is
// matched by one or two word compares instead of a call to memequal.
type head struct {
	s        string
	w0, w1   uint64
	m0, m1   uint64
	beyond16 bool // longer than sixteen bytes: the rest is compared as a string
}

func newHead(s string) head {
	h := head{s: s, beyond16: len(s) > 16}
	var b [16]byte
	n := copy(b[:], s)
	h.w0, h.w1 = binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])
	h.m0, h.m1 = wordMask(min(n, 8)), wordMask(max(n-8, 0))
	return h
}

// wordMask keeps the first n (0 to 8) bytes of a little-endian word.
func wordMask(n int) uint64 {
	if n >= 8 {
		return ^uint64(0)
	}
	return 1<<(8*n) - 1
}

// at reports whether data holds h at i. It needs sixteen bytes at i; at
// the end of the data it says no, and the caller takes the general way.
func (h *head) at(data []byte, s string, i int) bool {
	if i+16 > len(data) || i+len(h.s) > len(data) {
		return false
	}
	if binary.LittleEndian.Uint64(data[i:])&h.m0 != h.w0 || binary.LittleEndian.Uint64(data[i+8:])&h.m1 != h.w1 {
		return false
	}
	return !h.beyond16 || s[i+16:i+len(h.s)] == h.s[16:]
}

// text is a string member of a shape.
func text[T any](name string, at func(v *T) *string) field[T] {
	return field[T]{name: name, str: at, read: func(v *T, r *jsonReader) { r.readString(at(v)) }}
}

// userFields are a User's members in the order the Panel sends them,
// the order shape.decode expects them in.
var userFields = []field[User]{
	{name: "id", read: func(u *User, r *jsonReader) { r.readInt(&u.ID) }},
	{name: "dealer_id", read: func(u *User, r *jsonReader) { r.readInt(&u.DealerID) }},
	text("login", func(u *User) *string { return &u.Login }),
	{name: "activated", read: func(u *User, r *jsonReader) { r.readBool(&u.Activated) }},
	{name: "verified", read: func(u *User, r *jsonReader) { r.readBool(&u.Verified) }},
	{name: "phone_verified", read: func(u *User, r *jsonReader) { r.readBool(&u.PhoneVerified) }},
	text("legal_type", func(u *User) *string { return &u.LegalType }),
	text("first_name", func(u *User) *string { return &u.FirstName }),
	text("middle_name", func(u *User) *string { return &u.MiddleName }),
	text("last_name", func(u *User) *string { return &u.LastName }),
	text("legal_name", func(u *User) *string { return &u.LegalName }),
	text("phone", func(u *User) *string { return &u.Phone }),
	text("post_country", func(u *User) *string { return &u.PostCountry }),
	text("post_index", func(u *User) *string { return &u.PostIndex }),
	text("post_region", func(u *User) *string { return &u.PostRegion }),
	text("post_city", func(u *User) *string { return &u.PostCity }),
	text("post_street_address", func(u *User) *string { return &u.PostStreetAddress }),
	text("registered_country", func(u *User) *string { return &u.RegisteredCountry }),
	text("registered_index", func(u *User) *string { return &u.RegisteredIndex }),
	text("registered_region", func(u *User) *string { return &u.RegisteredRegion }),
	text("registered_city", func(u *User) *string { return &u.RegisteredCity }),
	text("registered_street_address", func(u *User) *string { return &u.RegisteredStreetAddress }),
	text("state_reg_num", func(u *User) *string { return &u.StateRegNum }),
	text("tin", func(u *User) *string { return &u.TIN }),
	text("okpo_code", func(u *User) *string { return &u.OKPOCode }),
	text("iec", func(u *User) *string { return &u.IEC }),
	{name: "balance", read: func(u *User, r *jsonReader) { r.readFloat(&u.Balance) }},
	{name: "bonus", read: func(u *User, r *jsonReader) { r.readFloat(&u.Bonus) }},
	text("creation_date", func(u *User) *string { return &u.CreationDate }),
	{name: "trackers_count", read: func(u *User, r *jsonReader) { r.readInt(&u.TrackersCount) }},
	text("comment", func(u *User) *string { return &u.Comment }),
	{name: "menu_preset_id", read: func(u *User, r *jsonReader) { r.readIntPtr(&u.MenuPresetID) }},
	{name: "mfa_allowed", read: func(u *User, r *jsonReader) { r.readBool(&u.MFAAllowed) }},
}

// userShape is how a User is read.
var userShape = newShape(userFields)

func (u *User) decodeFrom(r *jsonReader) { userShape.decode(r, u) }

// userListShape is how a UserList is read.
var userListShape = newShape([]field[UserList]{
	{name: "list", read: func(l *UserList, r *jsonReader) { l.readUsers(r) }},
	{name: "count", read: func(l *UserList, r *jsonReader) { r.readInt(&l.Count) }},
})

func (l *UserList) decodeFrom(r *jsonReader) { userListShape.decode(r, l) }

// shape is the members of a type the decoder reads by hand, in the order
// the Panel sends them, with an index by name.
type shape[T any] struct {
	fields []field[T]
	index  map[string]int
	// heads are the members' names as they appear in compact JSON,
	// between the opening quote and the value: `name":`.
	heads []head
	// strAt are the offsets in T of the string members, where decode
	// stores a plain string without a call through the member's str;
	// noString for the other members.
	strAt []uintptr
}

const noString = ^uintptr(0)

func newShape[T any](fields []field[T]) *shape[T] {
	sh := &shape[T]{fields: fields, index: make(map[string]int, len(fields))}
	var zero T
	base, size := uintptr(unsafe.Pointer(&zero)), unsafe.Sizeof(zero)
	for i, f := range fields {
		sh.index[f.name] = i
		sh.heads = append(sh.heads, newHead(f.name+`":`))
		off := noString
		if f.str != nil {
			off = uintptr(unsafe.Pointer(f.str(&zero))) - base
			if off+unsafe.Sizeof("") > size {
				panic("panelclient: member " + f.name + " is not a string of its shape")
			}
		}
		sh.strAt = append(sh.strAt, off)
	}
	return sh
}

// find is the member a name stands for: spelled exactly, or else the first
// that matches it case-insensitively, as encoding/json matches names.
func (sh *shape[T]) find(key string) (int, bool) {
	if i, ok := sh.index[key]; ok {
		return i, true
	}
	for i, f := range sh.fields {
		if strings.EqualFold(key, f.name) {
			return i, true
		}
	}
	return 0, false
}

// decode reads an object into v. It first tries the member that followed
// the last one read: the Panel sends a shape's members in the same order
// every time, so most names are matched by one comparison with the bytes
// at the cursor instead of being read and looked up. A name that is not
// the expected one, or is spelled with escapes, or has white space before
// its colon, takes the general way (read, then find), and one the shape
// does not know is skipped.
func (sh *shape[T]) decode(r *jsonReader, v *T) {
	if !r.openObject() {
		return
	}
	defer func() { r.depth-- }()
	fs, d := sh.fields, r.data
	want := 0
	for r.err == nil {
		// In compact JSON the cursor is on the name's quote; next() is
		// only needed for white space (and reports the end of the input).
		if r.i >= len(d) || d[r.i] != '"' {
			if r.next() != '"' {
				r.fail("expected a member name")
				return
			}
		}
		at := -1
		if want < len(fs) {
			if h := &sh.heads[want]; h.at(d, r.s, r.i+1) {
				at, r.i = want, r.i+len(h.s)
			}
		}
		if at < 0 {
			key := r.str()
			if r.next() != ':' {
				r.fail("expected ':'")
				return
			}
			if i, ok := sh.find(key); ok {
				at = i
			}
		}
		r.i++ // the colon
		switch {
		case at < 0:
			r.skip()
		case sh.strAt[at] != noString && r.i < len(d) && d[r.i] == '"':
			dst := (*string)(unsafe.Add(unsafe.Pointer(v), sh.strAt[at]))
			if r.i+1 < len(d) && d[r.i+1] == '"' { // a third of a user's strings are empty
				*dst = ""
				r.i += 2
			} else {
				*dst = r.str()
			}
			want = at + 1
		default:
			fs[at].read(v, r)
			want = at + 1
		}
		if r.i < len(d) && d[r.i] == ',' && r.err == nil {
			r.i++
			continue
		}
		if !r.moreMembers() {
			return
		}
	}
}

// readUsers reads the list the way encoding/json fills a slice: null
// empties it, elements decode over what the backing array already holds.
func (l *UserList) readUsers(r *jsonReader) {
	list := l.List[:0]
	isArray := r.array(func() {
		if len(list) < cap(list) {
			list = list[:len(list)+1]
		} else {
			list = append(list, User{})
		}
		list[len(list)-1].decodeFrom(r)
	})
	switch {
	case r.err != nil:
	case !isArray:
		l.List = nil
	case list == nil:
		l.List = []User{}
	default:
		l.List = list
	}
}
