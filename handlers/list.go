package handlers

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/templates"
)

// listSpec describes one list: where it lives, which order_by keys the API
// documents for it, and which filters its URL carries.
type listSpec struct {
	path    string
	target  string   // the element htmx swaps with the table
	sorts   []string // allowed sort keys (the API's order_by values)
	filters []string // names of the list's own URL filters
}

// parseList reads a list's state from the URL. Anything out of range (a
// page of 0, a page size not offered, a sort key the API does not know)
// falls back to the default instead of failing: a hand-edited or old
// bookmark still opens.
func parseList(c echo.Context, spec listSpec) templates.ListState {
	q := c.QueryParams()
	s := templates.ListState{
		Path:    spec.path,
		Target:  spec.target,
		Q:       strings.TrimSpace(q.Get("q")),
		Page:    1,
		PerPage: templates.DefaultPerPage,
		Filters: url.Values{},
	}
	if len(s.Q) > 200 {
		s.Q = s.Q[:200]
	}
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p >= 1 && p <= 1_000_000 {
		s.Page = p
	}
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && slices.Contains(templates.PageSizes, n) {
		s.PerPage = n
	}
	if k := q.Get("sort"); slices.Contains(spec.sorts, k) {
		s.Sort = k
		s.Desc = q.Get("dir") == "desc"
	}
	for _, f := range spec.filters {
		if v := strings.TrimSpace(q.Get(f)); v != "" {
			s.Filters.Set(f, v)
		}
	}
	return s
}

// clampPage moves a page past the end back to the last page once the total
// is known (a bookmark of page 9 of a list that now has 3 pages).
func clampPage(s *templates.ListState) bool {
	if s.Page > s.Pages() {
		s.Page = s.Pages()
		return true
	}
	return false
}
