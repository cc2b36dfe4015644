package panelsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"
)

// scanUsersLocked is user/list's selection without the search index: the
// matcher over every user in id order, then the same sort. The index must
// never change an answer, so this is the reference.
func (st *Store) scanUsersLocked(q userQuery) []*User {
	m := newUserMatcher(q.filter)
	var out []*User
	var text []byte
	for _, u := range st.users {
		text = appendUserText(text[:0], u)
		if (!q.hideInactive || u.Activated) && m.matchText(text) {
			out = append(out, u)
		}
	}
	st.sortUsersLocked(out, q.orderBy, q.ascending)
	return out
}

func userIDs(users []*User) []int {
	ids := make([]int, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	return ids
}

// indexChecker compares the indexed selection with the scan and counts
// what it compared.
type indexChecker struct {
	t       *testing.T
	st      *Store
	queries int
	matched int // queries with at least one match
	indexed int // queries the index answered without a scan
}

// check compares one filter under a few orders and hide_inactive.
func (c *indexChecker) check(filter string) {
	c.t.Helper()
	st := c.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	// One scan is the reference for every variant: hide_inactive keeps
	// the activated users of it, an order sorts it.
	scanned := st.scanUsersLocked(userQuery{filter: filter, orderBy: "id", ascending: true})
	if len(scanned) > 0 {
		c.matched++
	}
	if got := st.searchUsersLocked(filter); !slices.Equal(userIDs(got), userIDs(scanned)) {
		c.t.Errorf("filter %q: index %d users %v, scan %d users %v",
			filter, len(got), head(userIDs(got)), len(scanned), head(userIDs(scanned)))
	}
	// The store's answers in other orders and with inactive users hidden.
	for _, q := range []userQuery{
		{filter: filter, orderBy: "id", ascending: true},
		{filter: filter, orderBy: "id", ascending: true, hideInactive: true},
		{filter: filter, orderBy: "last_name", ascending: false},
	} {
		want := slices.DeleteFunc(slices.Clone(scanned), func(u *User) bool { return q.hideInactive && !u.Activated })
		st.sortUsersLocked(want, q.orderBy, q.ascending)
		if got := st.selectUsersLocked(q); !slices.Equal(userIDs(got), userIDs(want)) {
			c.t.Errorf("filter %q (hide_inactive %v, by %s): index %d users %v, scan %d users %v",
				filter, q.hideInactive, q.orderBy, len(got), head(userIDs(got)), len(want), head(userIDs(want)))
		}
	}
	if st.userSearch.search(filter, func(int, *User) {}) {
		c.indexed++
	}
	c.queries++
}

func head(ids []int) []int { return ids[:min(len(ids), 12)] }

// consistent fails unless the index holds exactly the keys of the
// store's users, worked out here without the index's own code: every
// change of a user's text reached it, and nothing stale is left.
func (c *indexChecker) consistent() {
	c.t.Helper()
	st := c.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	want := map[uint64][]int32{}
	for _, u := range st.users {
		fields := userSearchFields(u)
		keys := appendUserKeys(nil, u.ID, &fields)
		slices.Sort(keys)
		for _, k := range slices.Compact(keys) {
			want[k] = append(want[k], int32(u.ID))
		}
	}
	ix := st.userSearch
	for key, o := range ix.ords {
		p := &ix.postings[o]
		got := slices.Clone(p.ids)
		if p.dense {
			got = nil
			for id := range len(p.bits) * 64 {
				if p.bits[id>>6]&(1<<(id&63)) != 0 {
					got = append(got, int32(id))
				}
			}
		}
		if int(p.n) != len(got) {
			c.t.Errorf("key %x: count %d of %d users", key, p.n, len(got))
		}
		if !slices.Equal(got, want[key]) {
			c.t.Errorf("key %x: index holds %v, the users %v", key, got, want[key])
		}
	}
	for key, ids := range want {
		if _, ok := ix.ords[key]; !ok {
			c.t.Errorf("key %x of users %v missing from the index", key, ids)
		}
	}
	for id, u := range ix.byID {
		if want := st.userLocked(id); u != want {
			c.t.Errorf("user %d: index holds %p, store %p", id, u, want)
		}
	}
	for _, u := range st.users {
		if u.ID >= len(ix.byID) {
			c.t.Errorf("user %d missing from the index", u.ID)
		}
	}
}

// someRunes is a substring of s: n runes from rune i, clamped.
func someRunes(s string, i, n int) string {
	rs := []rune(s)
	i = min(i, len(rs))
	return string(rs[i:min(len(rs), i+n)])
}

// shuffleCase upper-cases or lower-cases each rune at random.
func shuffleCase(r *rand.Rand, s string) string {
	var b strings.Builder
	for _, c := range s {
		switch r.IntN(3) {
		case 0:
			c = unicode.ToUpper(c)
		case 1:
			c = unicode.ToLower(c)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// fixedFilters are filters chosen for the seed's records and for the
// folding rules: short and long, every script of the hostile users,
// runes whose case folding is irregular, ids and digits, invalid UTF-8.
var fixedFilters = []string{
	"smith", "SMITH", "Smi", "sMiTh", "sm", "s", "S", "a", "e", "z", "@", ".", "-", " ", "'", `"`,
	"example", "EXAMPLE.COM", "example.com", "fleet.example", "ith", "mith1", "john smith", "smith john",
	"иван", "ИВАН", "Иванов", "ив", "и", "И", "Москва", "МОСКВ", "ооо «рога", "«", "кв. 12",
	"İstanbul", "istanbul", "ISTANBUL", "İ", "i̇", "ı", "I", "i", "\u212a", "k", "K", "\u212aelvin", "ſ", "s\u017f",
	"straße", "STRASSE", "ß", "ẞ", "σ", "Σ", "ς", "Ω", "\u2126", "ǅ", "ǆ", "Ǆ",
	"王", "北京", "小明", "北京快运物流有限公司", "88号", "ال", "الرياض", "١٢٣", "١", "🚚", "🚚 f", "🚚 FLEET", "💰",
	"\u202e", "owner\u202egnp", "<script>", "&amp;", "&lt;b&gt;", "o'brien", "o'brien \"bob\"", "{{", "{{.hash}}", "${jndi",
	"drop table", "javascript:", "svg/onload", "wolfeschlegelsteinhausenbergerdorff-wolfe",
	strings.Repeat("Wolfeschlegelsteinhausenbergerdorff-", 3), strings.Repeat("very long industrial estate road ", 2),
	"1", "7", "12", "42", "123", "1234", "12345", "0", "00", "000", "100000", "101000", "60", "61", "2135551234",
	"zzzzzz", "qxj", "nobody matches this", "xq", "ъ", "ж",
	"\xff", "a\xffb", "\xffsmith", "smi\xff", "\xef\xbf\xbd", "\xc3", "\xc3\xa9", "é", "É", "ü", "Ü", "müller", "MÜLLER",
}

func TestUserIndexMatchesScan(t *testing.T) {
	for _, sc := range []SeedConfig{{Users: 60, Trackers: 200}, {Users: 2000, Trackers: 3000}} {
		t.Run(fmt.Sprintf("%d users", sc.Users), func(t *testing.T) {
			s := New(WithSeed(sc))
			c := &indexChecker{t: t, st: s.Store()}
			r := rand.New(rand.NewPCG(uint64(sc.Users), 7))
			checkAll := func(stage string) {
				t.Helper()
				queries, matched, indexed := c.queries, c.matched, c.indexed
				for _, f := range fixedFilters {
					c.check(f)
				}
				c.checkDrawn(r, 300)
				c.consistent()
				t.Logf("%s: %d filters, %d matched someone, %d answered by the index",
					stage, c.queries-queries, c.matched-matched, c.indexed-indexed)
			}
			checkAll("seeded")
			c.mutate(s, r)
			checkAll("after changes")
			if c.indexed < c.queries*3/4 {
				t.Errorf("the index answered only %d of %d filters", c.indexed, c.queries)
			}
			if c.matched < c.queries/2 {
				t.Errorf("only %d of %d filters matched anyone: the comparison proves little", c.matched, c.queries)
			}
		})
	}
}

// checkDrawn checks n filters drawn from the stored users (drawFilter).
func (c *indexChecker) checkDrawn(r *rand.Rand, n int) {
	c.t.Helper()
	c.st.mu.RLock()
	users := slices.Clone(c.st.users)
	c.st.mu.RUnlock()
	for range n {
		c.check(drawFilter(r, users))
	}
}

// drawFilter draws a filter from one of users' fields: a piece of a field
// in mixed case, a piece running across two fields (which must not match
// unless one field holds it), the id or part of it, a piece with one rune
// changed, or a whole field.
func drawFilter(r *rand.Rand, users []*User) string {
	u := users[r.IntN(len(users))]
	fields := userSearchFields(u)
	f := fields[r.IntN(len(fields))]
	switch k := r.IntN(10); {
	case k < 5: // a piece of one field
		return shuffleCase(r, someRunes(f, r.IntN(utf8.RuneCountInString(f)+1), 1+r.IntN(8)))
	case k < 7: // the end of one field and the start of the next
		i := r.IntN(len(fields) - 1)
		a, b := fields[i], fields[i+1]
		na := utf8.RuneCountInString(a)
		return someRunes(a, max(0, na-1-r.IntN(4)), 5) + someRunes(b, 0, 1+r.IntN(4))
	case k < 8: // the id, or part of it
		id := strconv.Itoa(u.ID)
		return id[r.IntN(len(id)):]
	case k < 9: // one rune changed
		rs := []rune(someRunes(f, 0, 2+r.IntN(6)))
		if len(rs) > 0 {
			rs[r.IntN(len(rs))] = rune('a' + r.IntN(26))
		}
		return string(rs)
	default: // a whole field
		return f
	}
}

// mutate changes the users every way the API can: create (one-off
// scripts and folding cases), update (renames, a new login, cleared
// fields), corrupt (deletes), upload, and the store's own paths.
func (c *indexChecker) mutate(s *Server, r *rand.Rand) {
	t := c.t
	t.Helper()
	admin := login(t, s, "admin", "admin")
	created := []int{}
	for i, edit := range []func(user map[string]any){
		func(u map[string]any) {
			u["last_name"], u["first_name"], u["post_city"] = "Yılmaz", "İbrahim", "İzmir"
		},
		func(u map[string]any) { u["last_name"], u["first_name"] = "Σίσυφος", "ΟΔΥΣΣΕΑΣ" },
		func(u map[string]any) { u["last_name"], u["first_name"] = "\u212aelvin", "Stra\u017fe" },
		func(u map[string]any) { u["last_name"], u["first_name"] = "Qzxv", "Wjky" }, // for the cross-field check below
		func(u map[string]any) { u["last_name"] = "Smith"; u["activated"] = false },
		func(u map[string]any) { u["phone"] = "123456789012345" },
	} {
		body := createBody(t, fmt.Sprintf("index.test%d@example.com", i), legalLegalEntity, func(_, u map[string]any) { edit(u) })
		created = append(created, createUser(t, s, admin, body))
	}
	for _, f := range []string{"yılmaz", "YILMAZ", "ibrahim", "İBRAHİM", "izmir", "σίσυφος", "ΣΊΣΥΦΟΣ", "οδυσσεας", "kelvin",
		"KELVIN", "strase", "straſe", "qzxv", "wjky", "qzxvwjky", "xvwj", "wjkyqzxv", "123456789012345", "index.test"} {
		c.check(f)
	}
	// Qzxv and Wjky are the last and first name of one user, side by side
	// in userSearchFields: the keys of "xvwj" span the two fields, and the
	// filter must not match.
	c.st.mu.RLock()
	if got := c.st.selectUsersLocked(userQuery{filter: "xvwj", orderBy: "id", ascending: true}); len(got) != 0 {
		t.Errorf("filter across two fields matches %v", userIDs(got))
	}
	if got := c.st.selectUsersLocked(userQuery{filter: "qzxv", orderBy: "id", ascending: true}); len(got) != 1 {
		t.Errorf("qzxv matches %v", userIDs(got))
	}
	c.st.mu.RUnlock()

	// Updates: names, a login, phones and company names rewritten,
	// optional fields cleared, and a change of activated alone, which
	// leaves the search text as it was.
	update := func(id int, edit func(u map[string]any)) {
		t.Helper()
		cur := readUser(t, s, admin, id)["value"].(map[string]any)
		u := map[string]any{"id": id, "activated": cur["activated"]}
		for _, tf := range userTextFields {
			if v, ok := cur[tf.name]; ok {
				u[tf.name] = v
			}
		}
		edit(u)
		res := userCall(t, s, admin, "user/update", userJSON(t, map[string]any{"user": u}))
		if !res.success() {
			t.Fatalf("update %d: %s", id, res.body)
		}
	}
	c.check("σίσυφος")
	update(created[1], func(u map[string]any) { u["activated"] = false })
	c.check("σίσυφος")
	update(created[3], func(u map[string]any) {
		u["last_name"], u["first_name"], u["middle_name"], u["iec"] = "Renamed", "Person", "", ""
	})
	update(created[0], func(u map[string]any) { u["login"] = "moved.away@example.org"; u["post_city"] = "Ankara" })
	for range 40 {
		id := 1 + len(hostileUsers) + r.IntN(c.st.UserCount()-len(hostileUsers)) // the hostile users fail validation
		if _, ok := c.st.User(id); !ok {
			continue
		}
		update(id, func(u map[string]any) {
			u["last_name"] = []string{"Smithson", "Смит", "Nguyễn", "O'Neil", "Zz"}[r.IntN(5)]
			u["phone"] = strconv.Itoa(1000000000 + r.IntN(9000000000))
			if _, ok := u["legal_name"]; ok && r.IntN(2) == 0 {
				u["legal_name"] = "Renamed Holding " + strconv.Itoa(id)
			}
		})
	}
	for _, f := range []string{"renamed", "person", "qzxv", "wjky", "william", "773101001", "yılmaz", "moved.away", "ankara",
		"izmir", "smithson", "смит", "nguyễn"} {
		c.check(f)
	}

	// Deletes: user/corrupt, skipping users whose devices are corrupted.
	deleted := 0
	targets := []int{created[2], created[4]}
	for _, i := range r.Perm(created[0] - 1)[:30] { // seeded users
		targets = append(targets, i+1)
	}
	for _, id := range targets {
		u, ok := c.st.User(id)
		if !ok {
			continue
		}
		res := userCall(t, s, admin, "user/corrupt", userJSON(t, map[string]any{"user_id": u.ID, "login": u.Login}))
		if res.success() {
			deleted++
		} else if res.code() != codeDeviceCorrupted {
			t.Fatalf("corrupt %d: %s", u.ID, res.body)
		}
	}
	if deleted < 10 {
		t.Fatalf("only %d users deleted", deleted)
	}
	for _, f := range []string{"kelvin", "straſe", "smith", "index.test"} {
		c.check(f)
	}

	// An upload.
	res := postUpload(t, s, admin, "users.csv", csvFile(englishHeaders,
		uploadRow("uploaded.one@example.com", "1", "1", "Ærøskøbing", "Ödön", nil),
		uploadRow("uploaded.two@example.com", "0", "2", "Ünal", "Çağrı", nil)))
	wantUserOK(t, res)

	// The store's own paths, with values no API form accepts: invalid
	// UTF-8, a lone replacement character, control characters.
	c.st.mu.Lock()
	for i, name := range []string{"in\xffvalid", "\xef\xbf\xbdrepl", "tab\there", "\xc3(", "x\xe2\x82"} {
		c.st.insertUserLocked(&User{Login: fmt.Sprintf("raw%d@example.com", i), LastName: name, Activated: true, DealerID: dealerID})
	}
	u := c.st.userLocked(created[5])
	c.st.changeUserTextLocked(u, func(u *User) { u.TIN, u.IEC, u.LegalName = "", "", "Changed In Place" })
	c.st.changeLoginLocked(u, "changed.login@example.net")
	c.st.mu.Unlock()
	for _, f := range []string{"ærø", "ÆRØSKØBING", "ödön", "ünal", "çağrı", "ÇAĞRI", "in\xffvalid", "in\xfevalid", "n\xff",
		"\xef\xbf\xbd", "\xffrepl", "tab\t", "\t", "\xc3(", "x\xe2\x82", "changed in place", "changed.login", "raw"} {
		c.check(f)
	}
}

// TestUserIndexNarrows checks that a selective filter reads few users.
func TestUserIndexNarrows(t *testing.T) {
	st := seed(SeedConfig{Users: 5000, Trackers: 0})
	st.mu.RLock()
	defer st.mu.RUnlock()
	for _, tc := range []struct {
		filter string
		most   int // candidates the index may yield
	}{
		{"smith", 400},
		{"smi", 400},
		{"zzzz", 0},
		{"иван", 150},
		{"sm", 600},
		{"4321", 60},
	} {
		candidates := 0
		if !st.userSearch.search(tc.filter, func(int, *User) { candidates++ }) {
			t.Errorf("%q: the index fell back to a scan", tc.filter)
		}
		matches := len(st.scanUsersLocked(userQuery{filter: tc.filter, orderBy: "id", ascending: true}))
		if candidates > tc.most || candidates < matches {
			t.Errorf("%q: %d candidates for %d matches, want at most %d", tc.filter, candidates, matches, tc.most)
		}
	}
}

// checkPages compares, for one filter, user/list's page (pageUsersLocked)
// with the page cut out of the whole selection (selectUsersLocked), under
// offsets and limits around the page size and the number of matches, and
// returns that number.
func checkPages(t *testing.T, st *Store, filter string) int {
	t.Helper()
	st.mu.RLock()
	defer st.mu.RUnlock()
	count := len(st.scanUsersLocked(userQuery{filter: filter, orderBy: "id", ascending: true}))
	type page struct {
		offset, limit int
		hasLimit      bool
	}
	var pages []page
	for _, offset := range []int{0, 1, 49, 50, count - 1, count, count + 5} {
		for _, l := range []page{{limit: 0}, {limit: 0, hasLimit: true}, {limit: 1, hasLimit: true}, {limit: 50, hasLimit: true}} {
			if offset >= 0 {
				pages = append(pages, page{offset, l.limit, l.hasLimit})
			}
		}
	}
	// The other orders and hide_inactive take the general way (select,
	// sort, cut the page): their first pages of 50 are checked too. The
	// expected pages come from the scan, not from the store's selection.
	firstPages := []page{{0, 50, true}, {1, 50, true}}
	for i, order := range []userQuery{
		{orderBy: "id", ascending: true},
		{orderBy: "id", ascending: true, hideInactive: true},
		{orderBy: "id", ascending: false},
		{orderBy: "login", ascending: true},
	} {
		order.filter = filter
		matched := st.scanUsersLocked(order) // the selection does not depend on the page
		ps := pages
		if i > 0 {
			ps = firstPages
		}
		for _, p := range ps {
			q := order
			q.offset, q.limit, q.hasLimit = p.offset, p.limit, p.hasLimit
			want := q.page(matched)
			got, n := st.pageUsersLocked(q, make([]*User, 0, 3))
			if n != len(matched) || !slices.Equal(userIDs(got), userIDs(want)) {
				t.Errorf("filter %q, %+v: page %d users %v of %d, want %d users %v of %d",
					filter, q, len(got), head(userIDs(got)), n, len(want), head(userIDs(want)), len(matched))
			}
		}
	}
	return count
}

// TestUserListPageMatchesSelection checks that user/list's page, counted
// while the search walks its matches, is the page of the whole selection
// for the fixed filters and filters drawn from the users, before and
// after the users change, and that the reply carries it.
func TestUserListPageMatchesSelection(t *testing.T) {
	s := New(WithSeed(SeedConfig{Users: 2000, Trackers: 3000}))
	st := s.Store()
	r := rand.New(rand.NewPCG(2000, 11))
	checkAll := func(stage string) {
		t.Helper()
		st.mu.RLock()
		users := slices.Clone(st.users)
		st.mu.RUnlock()
		filters := append([]string{""}, fixedFilters...)
		for range 300 {
			filters = append(filters, drawFilter(r, users))
		}
		few, many := 0, 0
		for _, f := range filters {
			switch n := checkPages(t, st, f); {
			case n > 50:
				many++
			case n > 0:
				few++
			}
		}
		t.Logf("%s: %d filters, %d with a page or less of matches, %d with more", stage, len(filters), few, many)
		if few < 50 || many < 20 {
			t.Errorf("%s: %d filters with a page or less of matches, %d with more: the comparison proves little", stage, few, many)
		}
	}
	checkAll("seeded")
	(&indexChecker{t: t, st: st}).mutate(s, r)
	checkAll("after changes")

	// The reply: user/list's list and count are the selection's.
	admin := login(t, s, "admin", "admin")
	for _, filter := range []string{"smith", "sm", "a", "иван", "12", "zzzzzz", ""} {
		st.mu.RLock()
		all := userIDs(st.selectUsersLocked(userQuery{filter: filter, orderBy: "id", ascending: true}))
		st.mu.RUnlock()
		for _, page := range []struct{ offset, limit int }{{0, 50}, {49, 50}, {len(all) - 1, 50}, {0, 0}, {1, 0}} {
			offset := max(page.offset, 0)
			body := fmt.Sprintf(`{"filter":%q,"offset":%d,"limit":%d}`, filter, offset, page.limit)
			if page.limit == 0 { // no limit: every user from the offset on
				body = fmt.Sprintf(`{"filter":%q,"offset":%d}`, filter, offset)
			}
			var reply struct {
				List []struct {
					ID int `json:"id"`
				} `json:"list"`
				Count int `json:"count"`
			}
			if err := json.Unmarshal(userCall(t, s, admin, "user/list", body).body, &reply); err != nil {
				t.Fatal(err)
			}
			ids := make([]int, len(reply.List))
			for i, u := range reply.List {
				ids[i] = u.ID
			}
			if want := pageOf(all, offset, page.limit); reply.Count != len(all) || !slices.Equal(ids, want) {
				t.Errorf("user/list %s: %d users %v of %d, want %d users %v of %d",
					body, len(ids), head(ids), reply.Count, len(want), head(want), len(all))
			}
		}
	}
}

// bigStore is the load tests' data set, seeded once for the benchmarks.
var bigStore = sync.OnceValue(func() *Server { return New(WithSeed(SeedConfig{Users: 100000, Trackers: 300000})) })

// BenchmarkUserSearch100k compares, at 100,000 users, the scan the
// search index replaced with the index, and reports the index's size.
func BenchmarkUserSearch100k(b *testing.B) {
	st := bigStore().Store()
	st.mu.RLock()
	defer st.mu.RUnlock()
	indexMiB := float64(st.userSearch.memory()) / (1 << 20)
	for _, filter := range []string{"smith", "Smith.*", "иван", "wolfe", "12345", "example.com", "nobody", "sm", "zq", "a"} {
		q := userQuery{filter: filter, orderBy: "id", ascending: true}
		count := len(st.scanUsersLocked(q))
		for _, way := range []struct {
			name string
			pick func()
		}{
			{"scan", func() { st.scanUsersLocked(q) }},
			{"index", func() { st.searchUsersLocked(filter) }},
		} {
			b.Run(fmt.Sprintf("%s/%s", filter, way.name), func(b *testing.B) {
				for b.Loop() {
					way.pick()
				}
				b.ReportMetric(float64(count), "matches")
				if way.name == "index" {
					b.ReportMetric(indexMiB, "index-MiB")
				}
			})
		}
	}
}

// BenchmarkUserListSearch is a user/list search page, as the portal asks
// for it, on the default data set and on 100,000 users: the load test's
// budget is twice the small data set's time.
func BenchmarkUserListSearch(b *testing.B) {
	for _, tc := range []struct {
		name string
		s    func() *Server
	}{{"200 users", func() *Server { return New() }}, {"100k users", bigStore}} {
		s := tc.s()
		post := func(path, hash, body string) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodPost, "/v2/panel/"+path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if hash != "" {
				req.Header.Set("Authorization", "NVX "+hash)
			}
			return httptestRecorder(s, req)
		}
		var auth struct{ Hash string }
		if err := json.Unmarshal(post("account/auth", "", `{"login":"admin","password":"admin"}`).Body.Bytes(), &auth); err != nil || auth.Hash == "" {
			b.Fatal("no session", err)
		}
		for _, filter := range []string{"smith", "sm"} {
			body := `{"filter":"` + filter + `","limit":50,"offset":0}`
			b.Run(tc.name+"/"+filter, func(b *testing.B) {
				for b.Loop() {
					if rec := post("user/list", auth.Hash, body); rec.Code != http.StatusOK {
						b.Fatal(rec.Body.String())
					}
				}
			})
		}
	}
}

// TestSearchTextSurvivesManyChanges changes every user's name until the
// stale folded texts are dropped and the kept ones moved, then searches
// again: every answer must still be the scan's.
func TestSearchTextSurvivesManyChanges(t *testing.T) {
	s := New(WithSeed(SeedConfig{Users: 2000, Trackers: 100}))
	st := s.Store()
	st.mu.Lock()
	unbounded := len(st.userSearch.text) // what text would hold if nothing were dropped
	for round := range 12 {
		for _, u := range st.users {
			st.changeUserTextLocked(u, func(u *User) {
				u.LastName = fmt.Sprintf("Renamed-%d-%d Ünïcödé %s", round, u.ID, strings.Repeat("x", 40))
			})
			unbounded += len(appendUserText(nil, u))
		}
	}
	kept, stale := len(st.userSearch.text), st.userSearch.stale
	st.mu.Unlock()
	if kept >= unbounded || (stale > 1<<20 && stale > kept/2) {
		t.Fatalf("stale folded text was not dropped: %d bytes kept (%d stale), %d without dropping", kept, stale, unbounded)
	}
	c := &indexChecker{t: t, st: st}
	for _, filter := range []string{"renamed-11", "RENAMED-11-17 ", "renamed-2", "ünïcödé", "xxxx", "smith", "12", "@"} {
		c.check(strings.TrimSpace(filter))
	}
	c.consistent()
}

// TestSearchTextMovesWhenStaleTextIsDropped changes one user until the
// stale texts are dropped: every other user's text must move with it.
func TestSearchTextMovesWhenStaleTextIsDropped(t *testing.T) {
	s := New(WithSeed(SeedConfig{Users: 300, Trackers: 10}))
	st := s.Store()
	st.mu.Lock()
	defer st.mu.Unlock()
	busy := st.users[len(st.users)/2]
	ix := st.userSearch
	dropped := false
	for i := 0; i < 1000 && !dropped; i++ {
		size := len(ix.text)
		st.changeUserTextLocked(busy, func(u *User) { u.Comment, u.LastName = "", fmt.Sprintf("%d %s", i, strings.Repeat("Ж", 4000)) })
		dropped = len(ix.text) < size
	}
	if !dropped {
		t.Fatal("the stale texts were never dropped")
	}
	for _, u := range st.users {
		if got, want := ix.textOf(u.ID), appendUserText(nil, u); !bytes.Equal(got, want) {
			t.Fatalf("user %d: kept text %q, want %q", u.ID, head8(got), head8(want))
		}
	}
}

func head8(b []byte) []byte { return b[:min(len(b), 80)] }
