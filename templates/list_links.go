package templates

import (
	"context"
	"io"
	"strconv"

	"github.com/a-h/templ"
)

// The sort headers, the pager and the blocks of list state are on every
// list page, eight to twelve links each. They are written by hand like the
// rows (see htmlWriter): as templ components they took more allocations
// than the fifty rows of a users table.

// SortHeader is a sortable column header: a link that works without
// JavaScript and swaps only the table with htmx, pushing the URL.
func SortHeader(s ListState, key, labelKey string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		h := newHTMLWriter()
		state := s.SortState(key)
		h.raw(`<th scope="col" aria-sort="`)
		h.text(state)
		h.raw(`" data-testid="sort-`)
		h.text(key)
		h.raw(`">`)
		h.listLink(s.SortURL(key), s, "")
		h.text(t(ctx, labelKey))
		switch state {
		case "ascending":
			h.raw(` <span aria-hidden="true">▲</span>`)
		case "descending":
			h.raw(` <span aria-hidden="true">▼</span>`)
		default:
			h.raw(` `)
		}
		h.raw(`</a></th>`)
		return h.writeTo(w)
	})
}

// Pager is the paging bar: total, previous/next, page n of m and the
// page-size choice.
func Pager(s ListState) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		h := newHTMLWriter()
		h.raw(`<nav class="pager" aria-label="`)
		h.text(t(ctx, "list.paging"))
		h.raw(`" data-testid="pager">`)
		if shell(ctx).Partial {
			// The table was swapped (a sort header, a page link): bring the
			// search form's copy of the sort and page size up to date, so
			// the next search keeps what the table now shows.
			h.stateFields(s.StateID(), s.searchFormFields(), true)
		}
		h.raw(`<span data-testid="total">`)
		h.text(t(ctx, "list.total", loc(ctx).Int(int64(s.Total))))
		h.raw(`</span> `)
		pages := s.Pages()
		if s.Page > 1 {
			h.listLink(s.PageURL(1), s, ` data-testid="page-first"`)
			h.raw(`«</a> `)
			h.listLink(s.PageURL(s.Page-1), s, ` rel="prev" data-testid="page-prev"`)
			h.text(t(ctx, "list.prev"))
			h.raw(`</a> `)
		}
		h.raw(`<span data-testid="page-of">`)
		h.text(t(ctx, "list.page_of", s.Page, pages))
		h.raw(`</span> `)
		if s.Page < pages {
			h.listLink(s.PageURL(s.Page+1), s, ` rel="next" data-testid="page-next"`)
			h.text(t(ctx, "list.next"))
			h.raw(`</a> `)
			h.listLink(s.PageURL(pages), s, ` data-testid="page-last"`)
			h.raw(`»</a> `)
		}
		h.raw(`<span>`)
		h.text(t(ctx, "list.per_page"))
		h.raw(` `)
		for _, n := range PageSizes {
			if n == s.PerPage {
				h.raw(`<strong aria-current="true">`)
				h.int(n)
				h.raw(`</strong>`)
				continue
			}
			o := s
			o.PerPage, o.Page = n, 1
			h.listLink(o.URL(), s, ` data-testid="per-page-`+strconv.Itoa(n)+`"`)
			h.int(n)
			h.raw(`</a>`)
		}
		h.raw(`</span></nav>`)
		return h.writeTo(w)
	})
}

// stateFields is a block of hidden fields holding part of a list's state
// in a form; oob marks it for an out-of-band swap.
func stateFields(id string, fields [][2]string, oob bool) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		h := newHTMLWriter()
		h.stateFields(id, fields, oob)
		return h.writeTo(w)
	})
}

func (h *htmlWriter) stateFields(id string, fields [][2]string, oob bool) {
	h.raw(`<div id="`)
	h.text(id)
	if oob {
		h.raw(`" hx-swap-oob="true">`)
	} else {
		h.raw(`">`)
	}
	for _, kv := range fields {
		h.raw(`<input type="hidden" name="`)
		h.text(kv[0])
		h.raw(`" value="`)
		h.text(kv[1])
		h.raw(`">`)
	}
	h.raw(`</div>`)
}

// listLink opens a link to another state of s's list: a plain link
// without JavaScript; with htmx it swaps s.Target with the answer and
// pushes the URL (said here, or inherited from the list's container when
// s.Inherited). attrs is more attributes, as markup; the caller closes the
// link.
func (h *htmlWriter) listLink(u string, s ListState, attrs string) {
	h.raw(`<a href="`)
	h.text(u)
	h.raw(`" hx-get="`)
	h.text(u)
	if s.Inherited {
		h.raw(`"`)
	} else {
		h.raw(`" hx-target="`)
		h.text(s.Target)
		h.raw(`" hx-swap="outerHTML" hx-push-url="true"`)
	}
	h.raw(attrs)
	h.raw(`>`)
}
