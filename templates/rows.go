package templates

import (
	"bytes"
	"context"
	"io"
	"math"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/a-h/templ"

	"github.com/navixy-portal/portal/i18n"
)

// htmlWriter builds HTML in a byte slice and hands it to the page's writer
// in one piece, for the table rows a list page repeats 50 to 100 times.
// templ's generated code allocates for nearly every expression (about 50
// allocations per users row) and sends every piece through two writers;
// rows built with htmlWriter allocate nothing and are copied once. Text and
// attribute values are escaped exactly as templ escapes them.
type htmlWriter struct {
	out  []byte
	pool *[]byte // where out came from and goes back to
	// sharedSpans are the spans of out marked as markup many pages
	// repeat (see shared).
	sharedSpans [4]span
	nShared     int
}

// htmlBufs are the slices htmlWriters build in; a 100-row users table
// takes about 30 KB.
var htmlBufs = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

func newHTMLWriter() *htmlWriter {
	p := htmlBufs.Get().(*[]byte)
	return &htmlWriter{out: (*p)[:0], pool: p}
}

// writeTo sends what was built to w and gives the slice back to the pool
// (unless it grew past a megabyte); h must not be used afterwards.
func (h *htmlWriter) writeTo(w io.Writer) error {
	w, err := h.noteShared(w)
	if err == nil {
		_, err = w.Write(h.out)
	}
	if cap(h.out) <= 1<<20 {
		*h.pool = h.out[:0]
		htmlBufs.Put(h.pool)
	}
	h.out, h.pool, h.nShared = nil, nil, 0
	return err
}

// raw appends markup as it is.
func (h *htmlWriter) raw(s string) { h.out = append(h.out, s...) }

// text appends s escaped for an element's content or a quoted attribute
// value: the five characters html.EscapeString escapes, with the same
// entities.
func (h *htmlWriter) text(s string) {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '"':
			esc = "&#34;"
		default:
			continue
		}
		h.out = append(h.out, s[start:i]...)
		h.out = append(h.out, esc...)
		start = i + 1
	}
	h.out = append(h.out, s[start:]...)
}

// int appends a decimal number (which needs no escaping).
func (h *htmlWriter) int(n int) { h.out = strconv.AppendInt(h.out, int64(n), 10) }

// userRows writes the rows of the users table. A list page repeats them
// 50 to 100 times, so they carry only what the staff member needs: the
// user id (which is also the tests' hook), and a class only on a negative
// balance. They leave out the end tags HTML makes optional (a cell ends
// where the next begins, a row where the next row or the body ends):
// nearly a fifth of a row's bytes, to render, compress and send. The
// table's class (users-grid in portal.css) aligns the number columns and
// lets long names wrap; tests find a cell by its column.
func userRows(rows []UserRow) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		l := loc(ctx)
		inactive, unverified := t(ctx, "users.badge.inactive"), t(ctx, "users.badge.unverified")
		h := newHTMLWriter()
		for _, r := range rows {
			h.raw(`<tr data-user-id="`)
			h.int(r.ID)
			h.raw(`"><td><a href="/users/`)
			h.int(r.ID)
			h.raw(`">`)
			h.int(r.ID)
			h.raw(`</a><td><a href="/users/`)
			h.int(r.ID)
			h.raw(`"`)
			name, clipped := clip(r.Name, userClipLen)
			if clipped {
				h.raw(` title="`)
				h.text(r.Name)
				h.raw(`"`)
			}
			h.raw(`>`)
			h.text(name)
			if clipped {
				h.raw("…")
			}
			h.raw(`</a>`)
			switch {
			case !r.Activated:
				h.raw(`<span class="badge bad" data-testid="badge-inactive">`)
				h.text(inactive)
				h.raw(`</span>`)
			case !r.Verified:
				h.raw(`<span class="badge ok" data-testid="badge-unverified">`)
				h.text(unverified)
				h.raw(`</span>`)
			}
			if r.Balance < 0 {
				h.raw(`<td class="neg">`)
			} else {
				h.raw(`<td>`)
			}
			h.out = appendAmount(l, h.out, r.Balance)
			h.raw(`<td>`)
			h.out = appendAmount(l, h.out, r.Bonus)
			h.raw(`<td>`)
			h.out = l.AppendInt(h.out, int64(r.Trackers))
			h.raw(`<td>`)
			h.text(r.Login)
			h.raw(`<td>`)
			h.text(r.Phone)
			h.raw(`<td>`)
			city, clipped := clip(r.City, userClipLen)
			h.text(city)
			if clipped {
				h.raw("…")
			}
			h.raw(`<td>`)
			h.out = l.AppendDate(h.out, r.Created)
		}
		return h.writeTo(w)
	})
}

// clip cuts s to n runes, the last of them the ellipsis the caller adds:
// it returns the first n-1 runes and true when s is longer than n runes.
func clip(s string, n int) (string, bool) {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s, false
	}
	i := 0
	for range n - 1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i], true
}

// appendAmount appends money with two decimals, or four when the Panel
// keeps more (balances are kept to four places).
func appendAmount(l *i18n.Localizer, dst []byte, v float64) []byte {
	if r := v * 100; math.Abs(r-math.Round(r)) > 1e-6 {
		return l.AppendNumber(dst, v, 4)
	}
	return l.AppendNumber(dst, v, 2)
}

// ExportColumns are the column boxes of the users export form. The form's
// fixed part (formats, boxes, hint, button: about 5 KB, forty translated
// labels) is the same on every users page in a language, so it is built,
// and deflated, the first time a page in that language needs it, and
// copied after (see PageBuffer). The columns must not change once the set
// is made.
type ExportColumns struct {
	Cols []UserExportColumn
	html sync.Map // i18n.Lang → *fixedMarkup
}

// NewExportColumns makes the column set a users page offers.
func NewExportColumns(cols []UserExportColumn) *ExportColumns {
	return &ExportColumns{Cols: cols}
}

// fields writes the fixed part of the export form in the page's language.
func (x *ExportColumns) fields() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		lang := i18n.From(ctx).Lang
		m, ok := x.html.Load(lang)
		if !ok {
			var buf bytes.Buffer
			if err := usersExportFields(x.Cols).Render(ctx, &buf); err != nil {
				return err
			}
			m, _ = x.html.LoadOrStore(lang, newFixedMarkup(buf.String()))
		}
		return writeFixed(w, m.(*fixedMarkup))
	})
}

// exportColumnBoxes writes the column checkboxes of the users export form,
// which every users page carries (about thirty).
func exportColumnBoxes(cols []UserExportColumn) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		h := newHTMLWriter()
		for _, col := range cols {
			h.raw(`<label for="exp-col-`)
			h.text(col.Key)
			h.raw(`"><input id="exp-col-`)
			h.text(col.Key)
			h.raw(`" type="checkbox" name="cols" value="`)
			h.text(col.Key)
			h.raw(`"`)
			if col.Checked {
				h.raw(` checked`)
			}
			h.raw(`> `)
			h.text(t(ctx, col.LabelKey))
			h.raw(`</label>`)
		}
		return h.writeTo(w)
	})
}
