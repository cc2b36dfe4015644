package templates

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// ListState is a list's state as it lives in the URL, so a filtered,
// sorted page can be bookmarked, shared and reloaded:
// ?q=&sort=&dir=&page=&per_page= plus the list's own filters.
type ListState struct {
	Path    string     // the list's path, e.g. /users
	Q       string     // search text (the API's filter)
	Sort    string     // the API's order_by key, "" for the default
	Desc    bool       // dir=desc
	Page    int        // 1-based
	PerPage int        // 10, 20, 50 or 100
	Filters url.Values // the list's own filters (active=1, clones=only...)
	Total   int        // rows matching, from the API's count
	// Target is the element htmx swaps with the table (e.g. #users-table).
	Target string
	// Inherited says the list's container itself carries hx-target,
	// hx-swap and hx-push-url for the links inside it (htmx inherits
	// them), so the links leave them out: 13 or more links a page, each
	// 60-odd bytes shorter. Only a container whose other elements send no
	// requests of their own may do so; the template that writes the
	// container sets it (see inheriting).
	Inherited bool
}

// inheriting is s for the links inside a container that carries their
// htmx attributes.
func (s ListState) inheriting() ListState {
	s.Inherited = true
	return s
}

// PageSizes are the page sizes offered, as in the official console.
var PageSizes = []int{10, 20, 50, 100}

// Offset is the API offset of the current page.
func (s ListState) Offset() int { return (s.Page - 1) * s.PerPage }

// Pages is the number of pages (at least 1).
func (s ListState) Pages() int {
	if s.PerPage <= 0 || s.Total <= 0 {
		return 1
	}
	return (s.Total + s.PerPage - 1) / s.PerPage
}

// query appends the state's query parameters to pairs, keys in
// url.Values.Encode's order (sorted; a key's values in their order). A
// parameter of the state replaces a filter of the same name.
func (s ListState) query(pairs [][2]string) [][2]string {
	for k, vals := range s.Filters {
		for _, x := range vals {
			if x != "" {
				pairs = append(pairs, [2]string{k, x})
			}
		}
	}
	set := func(k, v string) {
		pairs = slices.DeleteFunc(pairs, func(p [2]string) bool { return p[0] == k })
		pairs = append(pairs, [2]string{k, v})
	}
	if s.Q != "" {
		set("q", s.Q)
	}
	if s.Sort != "" {
		set("sort", s.Sort)
		if s.Desc {
			set("dir", "desc")
		}
	}
	if s.Page > 1 {
		set("page", strconv.Itoa(s.Page))
	}
	if s.PerPage != 0 && s.PerPage != DefaultPerPage {
		set("per_page", strconv.Itoa(s.PerPage))
	}
	slices.SortStableFunc(pairs, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	return pairs
}

// DefaultPerPage is the page size when the URL names none.
const DefaultPerPage = 20

// URL is the state's own URL. A pager and its sort headers build about
// forty of them per table, so it is built in one pass, not through
// url.Values.
func (s ListState) URL() string {
	var buf [8][2]string
	pairs := s.query(buf[:0])
	if len(pairs) == 0 {
		return s.Path
	}
	var b strings.Builder
	b.Grow(len(s.Path) + 16*len(pairs))
	b.WriteString(s.Path)
	for i, p := range pairs {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p[0]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p[1]))
	}
	return b.String()
}

// PageURL is the URL of another page.
func (s ListState) PageURL(page int) string { s.Page = page; return s.URL() }

// SortURL is the URL that sorts by key: ascending first, then descending
// when the list is already sorted ascending by it. Sorting goes back to
// page 1.
func (s ListState) SortURL(key string) string {
	desc := s.Sort == key && !s.Desc
	s.Sort, s.Desc, s.Page = key, desc, 1
	return s.URL()
}

// SortState is the aria-sort value of a column header.
func (s ListState) SortState(key string) string {
	if s.Sort != key {
		return "none"
	}
	if s.Desc {
		return "descending"
	}
	return "ascending"
}

// HiddenFields are the state's values other than those the form itself
// carries (names), for forms that change one part of the state.
func (s ListState) HiddenFields(names ...string) [][2]string {
	return slices.DeleteFunc(s.query(nil), func(p [2]string) bool {
		return p[0] == "page" || slices.Contains(names, p[0])
	})
}

// searchFormFields are the parts of the state a list's search form
// carries beside its own inputs: the sort and the page size.
func (s ListState) searchFormFields() [][2]string {
	return slices.DeleteFunc(s.query(nil), func(p [2]string) bool {
		return p[0] != "sort" && p[0] != "dir" && p[0] != "per_page"
	})
}

// values is the state's query as url.Values.
func (s ListState) values() url.Values {
	v := url.Values{}
	for _, p := range s.query(nil) {
		v.Add(p[0], p[1])
	}
	return v
}

// StateID is the id of the search form's block of list state, derived
// from the table's target ("#users-table" -> "users-table-state").
func (s ListState) StateID() string { return strings.TrimPrefix(s.Target, "#") + "-state" }

// Filter returns a filter's value.
func (s ListState) Filter(name string) string { return s.Filters.Get(name) }
