package templates

import (
	"net/url"
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

// values builds the query for the state with the given changes applied.
func (s ListState) values() url.Values {
	v := url.Values{}
	for k, vals := range s.Filters {
		for _, x := range vals {
			if x != "" {
				v.Add(k, x)
			}
		}
	}
	if s.Q != "" {
		v.Set("q", s.Q)
	}
	if s.Sort != "" {
		v.Set("sort", s.Sort)
		if s.Desc {
			v.Set("dir", "desc")
		}
	}
	if s.Page > 1 {
		v.Set("page", strconv.Itoa(s.Page))
	}
	if s.PerPage != 0 && s.PerPage != DefaultPerPage {
		v.Set("per_page", strconv.Itoa(s.PerPage))
	}
	return v
}

// DefaultPerPage is the page size when the URL names none.
const DefaultPerPage = 20

// URL is the state's own URL.
func (s ListState) URL() string {
	if q := s.values().Encode(); q != "" {
		return s.Path + "?" + q
	}
	return s.Path
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
	v := s.values()
	v.Del("page")
	for _, n := range names {
		v.Del(n)
	}
	var out [][2]string
	for k, vals := range v {
		for _, x := range vals {
			out = append(out, [2]string{k, x})
		}
	}
	return out
}

// StateID is the id of the search form's block of list state, derived
// from the table's target ("#users-table" -> "users-table-state").
func (s ListState) StateID() string { return strings.TrimPrefix(s.Target, "#") + "-state" }

// Filter returns a filter's value.
func (s ListState) Filter(name string) string { return s.Filters.Get(name) }
