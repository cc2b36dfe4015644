package panelsim

import (
	"bytes"
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// userOrderKeys are the order_by values of user/list and user/export: the
// seven the markdown documents, then the four the official console's user
// grid also sends (official-console-inventory.md, section 13), which the
// real API therefore accepts. Anything else answers code 7.
var userOrderKeys = []string{"id", "login", "last_name", "balance", "bonus", "phone", "post_city",
	"legal_name", "trackers_count", "mfa_allowed", "creation_date"}

// userQuery is the filter, order and page of user/list and user/export.
type userQuery struct {
	filter       string
	orderBy      string
	ascending    bool
	offset       int
	limit        int
	hasLimit     bool
	hideInactive bool
}

// readUserQuery reads the list parameters. A negative offset or limit is
// code 7; limit 0 answers an empty page (count still counts).
func readUserQuery(p *params) userQuery {
	q := userQuery{ascending: true}
	if f, ok := p.optString("filter"); ok {
		q.filter = strings.TrimSpace(f) // a filter of spaces only is no filter
	}
	q.orderBy = p.oneOf("order_by", "id", userOrderKeys...)
	if a, ok := p.optBool("ascending"); ok {
		q.ascending = a
	}
	if n, ok := p.optInt("offset"); ok {
		if n < 0 {
			p.invalid("offset", "Must not be negative")
		}
		q.offset = n
	}
	if n, ok := p.optInt("limit"); ok {
		if n < 0 {
			p.invalid("limit", "Must not be negative")
		}
		q.limit, q.hasLimit = n, true
	}
	q.hideInactive, _ = p.optBool("hide_inactive")
	return q
}

// page cuts the requested page out of the matching users.
func (q userQuery) page(users []*User) []*User {
	if q.hasLimit && q.limit == 0 {
		return nil
	}
	return pageOf(users, q.offset, q.limit)
}

// selectUsersLocked returns the users matching q's filter, in q's order,
// not yet paged. When nothing filters or reorders, it is st.users itself:
// callers must not modify the slice. Filtering is a scan that allocates
// nothing per user; only the matching users are sorted. Caller holds st.mu.
func (st *Store) selectUsersLocked(q userQuery) []*User {
	all := st.users
	if q.filter == "" && !q.hideInactive && q.orderBy == "id" && q.ascending {
		return all
	}
	var out []*User
	if q.filter == "" && !q.hideInactive {
		out = slices.Clone(all)
	} else {
		m := newUserMatcher(q.filter)
		for _, u := range all {
			if q.hideInactive && !u.Activated {
				continue
			}
			if m.match(u) {
				out = append(out, u)
			}
		}
	}
	st.sortUsersLocked(out, q.orderBy, q.ascending)
	return out
}

// sortUsersLocked orders users by key; ties keep id order.
func (st *Store) sortUsersLocked(users []*User, key string, ascending bool) {
	var byKey func(a, b *User) int
	switch key {
	case "id":
		if !ascending {
			slices.Reverse(users)
		}
		return
	case "login":
		byKey = func(a, b *User) int { return compareFold(a.Login, b.Login) }
	case "last_name":
		byKey = func(a, b *User) int { return compareFold(a.LastName, b.LastName) }
	case "phone":
		byKey = func(a, b *User) int { return strings.Compare(a.Phone, b.Phone) }
	case "post_city":
		byKey = func(a, b *User) int { return compareFold(a.PostCity, b.PostCity) }
	case "legal_name":
		byKey = func(a, b *User) int { return compareFold(a.LegalName, b.LegalName) }
	case "balance":
		byKey = func(a, b *User) int { return cmp.Compare(a.Balance, b.Balance) }
	case "bonus":
		byKey = func(a, b *User) int { return cmp.Compare(a.Bonus, b.Bonus) }
	case "creation_date":
		byKey = func(a, b *User) int { return a.CreationDate.Compare(b.CreationDate.Time) }
	case "mfa_allowed":
		allowed := func(u *User) int {
			if u.MFA.Type == "allowed" {
				return 1
			}
			return 0
		}
		byKey = func(a, b *User) int { return allowed(a) - allowed(b) }
	case "trackers_count":
		counts := make(map[int]int, len(users))
		for _, u := range users {
			counts[u.ID] = st.liveTrackerCountLocked(u.ID)
		}
		byKey = func(a, b *User) int { return counts[a.ID] - counts[b.ID] }
	}
	slices.SortFunc(users, func(a, b *User) int {
		c := byKey(a, b)
		if !ascending {
			c = -c
		}
		if c != 0 {
			return c
		}
		return a.ID - b.ID
	})
}

// liveTrackerCountLocked is the user's trackers_count: owned trackers,
// clones included, that are not deleted.
func (st *Store) liveTrackerCountLocked(userID int) int {
	n := 0
	for _, t := range st.trackersByUser[userID] {
		if !t.Deleted {
			n++
		}
	}
	return n
}

// userMatcher is the text filter of user/list: a case-insensitive
// substring of any of the documented fields.
type userMatcher struct {
	needle string
	// idNeedle is set when the needle can match the id (only digits).
	idNeedle []byte
}

func newUserMatcher(filter string) userMatcher {
	m := userMatcher{needle: filter}
	if allDigits(filter) {
		m.idNeedle = []byte(filter)
	}
	return m
}

// match reports whether u matches. An empty needle matches everyone.
func (m *userMatcher) match(u *User) bool {
	if m.needle == "" {
		return true
	}
	if m.idNeedle != nil {
		var buf [20]byte
		if bytes.Contains(strconv.AppendInt(buf[:0], int64(u.ID), 10), m.idNeedle) {
			return true
		}
	}
	// The documented filter fields, id aside. An array, not a slice: it
	// stays on the stack.
	fields := [...]string{u.Login, u.LastName, u.FirstName, u.MiddleName, u.Phone, u.PostCity, u.PostRegion,
		u.PostCountry, u.PostIndex, u.PostStreetAddress, u.RegisteredCountry, u.RegisteredIndex,
		u.RegisteredRegion, u.RegisteredCity, u.RegisteredStreetAddress, u.TIN, u.IEC, u.LegalName}
	for _, f := range fields {
		if containsFold(f, m.needle) {
			return true
		}
	}
	return false
}

// containsFold reports whether sub is in s, ignoring case, without
// allocating.
func containsFold(s, sub string) bool {
	if len(sub) == 0 {
		return true
	}
	if isASCII(sub) {
		first := lowerASCII(sub[0])
		for i := 0; i+len(sub) <= len(s); i++ {
			if lowerASCII(s[i]) == first && equalFoldASCII(s[i:i+len(sub)], sub) {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(s); {
		if hasPrefixFold(s[i:], sub) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func equalFoldASCII(a, b string) bool {
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

// hasPrefixFold reports whether s starts with prefix, ignoring case rune
// by rune (the two may differ in byte length).
func hasPrefixFold(s, prefix string) bool {
	for prefix != "" {
		if s == "" {
			return false
		}
		r1, n1 := utf8.DecodeRuneInString(s)
		r2, n2 := utf8.DecodeRuneInString(prefix)
		if r1 != r2 && unicode.ToLower(r1) != unicode.ToLower(r2) {
			return false
		}
		s, prefix = s[n1:], prefix[n2:]
	}
	return true
}

// compareFold compares two strings ignoring case, without allocating.
func compareFold(a, b string) int {
	for a != "" && b != "" {
		r1, n1 := utf8.DecodeRuneInString(a)
		r2, n2 := utf8.DecodeRuneInString(b)
		if r1 != r2 {
			if c := cmp.Compare(unicode.ToLower(r1), unicode.ToLower(r2)); c != 0 {
				return c
			}
		}
		a, b = a[n1:], b[n2:]
	}
	return cmp.Compare(len(a), len(b))
}
