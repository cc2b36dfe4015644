package panelsim

import (
	"bytes"
	"cmp"
	"slices"
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
// not yet paged. Without a filter, reordering or hiding inactive users it
// is st.users itself: callers must not modify the slice. Only the
// matching users are sorted. Caller holds st.mu.
func (st *Store) selectUsersLocked(q userQuery) []*User {
	matched := st.users
	if q.filter != "" {
		matched = st.searchUsersLocked(q.filter) // a fresh slice, ours to change
	}
	if q.orderBy == "id" && q.ascending && !q.hideInactive {
		return matched
	}
	if q.filter == "" {
		matched = slices.Clone(matched)
	}
	if q.hideInactive {
		matched = slices.DeleteFunc(matched, func(u *User) bool { return !u.Activated })
	}
	st.sortUsersLocked(matched, q.orderBy, q.ascending)
	return matched
}

// pageUsersLocked returns the page of users q asks user/list for and the
// number of users matching q. In the list's default order, id ascending
// with inactive users shown, a filter's matches are counted in id order
// as the search finds them and only the page's users are kept, appended
// to dst: no list of every match is made. Otherwise the page is cut out
// of the selection (selectUsersLocked) and may be part of the store's own
// list: callers must not modify it. Caller holds st.mu.
func (st *Store) pageUsersLocked(q userQuery, dst []*User) (page []*User, count int) {
	if q.filter == "" || q.orderBy != "id" || !q.ascending || q.hideInactive {
		matched := st.selectUsersLocked(q)
		return q.page(matched), len(matched)
	}
	// As page: no limit is every user from the offset on, limit 0 none.
	unlimited := !q.hasLimit && q.limit == 0
	page = dst
	st.eachMatchLocked(q.filter, func(u *User) {
		if count >= q.offset && (unlimited || count-q.offset < q.limit) {
			page = append(page, u)
		}
		count++
	})
	return page, count
}

// searchUsersLocked works out the users whose text matches filter, in id
// order (eachMatchLocked). Caller holds st.mu.
func (st *Store) searchUsersLocked(filter string) []*User {
	var out []*User
	st.eachMatchLocked(filter, func(u *User) { out = append(out, u) })
	return out
}

// eachMatchLocked calls yield, in id order, with every user whose text
// matches filter: the search index (user_index.go) yields candidates and
// the matcher decides. A filter the index cannot narrow down is a scan
// that allocates nothing per user. Caller holds st.mu.
func (st *Store) eachMatchLocked(filter string, yield func(u *User)) {
	m := newUserMatcher(filter)
	keep := func(id int, u *User) {
		if m.matchText(st.userSearch.textOf(id)) {
			yield(u)
		}
	}
	if !st.userSearch.search(filter, keep) {
		for _, u := range st.users {
			keep(u.ID, u)
		}
	}
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
	case "mfa_allowed", "trackers_count":
		st.sortUsersByCountLocked(users, key, ascending)
		return
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

// sortUsersByCountLocked orders users by a computed number, worked out
// once per user rather than in every comparison.
func (st *Store) sortUsersByCountLocked(users []*User, key string, ascending bool) {
	type keyed struct {
		u *User
		n int
	}
	ks := make([]keyed, len(users))
	for i, u := range users {
		n := 0
		switch {
		case key == "trackers_count":
			n = st.liveTrackerCountLocked(u.ID)
		case u.MFA.Type == "allowed":
			n = 1
		}
		ks[i] = keyed{u, n}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		c := a.n - b.n
		if !ascending {
			c = -c
		}
		if c != 0 {
			return c
		}
		return a.u.ID - b.u.ID
	})
	for i, k := range ks {
		users[i] = k.u
	}
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
// substring of one of the documented fields, or of the id. Both sides are
// compared folded rune by rune (foldKey): a user's folded text
// (appendUserText) keeps each field apart, so a filter never matches
// across two of them.
type userMatcher struct {
	needle []byte // the filter, folded
}

func newUserMatcher(filter string) userMatcher {
	return userMatcher{needle: appendFolded(nil, filter)}
}

// matchText reports whether a user whose folded text is text matches.
func (m *userMatcher) matchText(text []byte) bool {
	return len(m.needle) == 0 || bytes.Contains(text, m.needle)
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// compareFold compares two strings ignoring case, without allocating.
func compareFold(a, b string) int {
	for a != "" && b != "" {
		if c1, c2 := a[0], b[0]; c1 < utf8.RuneSelf && c2 < utf8.RuneSelf {
			if l1, l2 := lowerASCII(c1), lowerASCII(c2); l1 != l2 {
				return cmp.Compare(l1, l2)
			}
			a, b = a[1:], b[1:]
			continue
		}
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
