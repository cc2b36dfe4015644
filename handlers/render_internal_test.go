package handlers

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/klauspost/compress/flate"
	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/templates"
)

// pageLike is HTML shaped like a list page: repeated markup around values
// that differ from row to row, n bytes or a little more.
func pageLike(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, `<tr data-user-id="%d"><td><a href="/users/%d">%x Иванов &amp; 北京</a></td><td>%d.%02d</td></tr>`,
			i, i, r.Uint64(), r.IntN(100000), r.IntN(100))
	}
	return b.Bytes()
}

// TestCompressedPagesComeBackWhole: every page the portal gzips inflates,
// with the standard library, to exactly what was rendered, with the length
// it was sent with; that holds for pages larger than one stateless block
// (32 KB), for pages with fixed parts copied in already deflated (first,
// last, side by side, or one part only), for pieces short enough to go
// out stored, and for many pages at once.
func TestCompressedPagesComeBackWhole(t *testing.T) {
	e := echo.New()
	send := func(body []byte, acceptGzip bool, fixed ...templates.FixedPart) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/users", nil)
		if acceptGzip {
			req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		}
		rec := httptest.NewRecorder()
		c := e.NewContext(req, rec)
		page := &templates.PageBuffer{Fixed: fixed, Deflate: acceptsGzip(c)}
		page.Write(body)
		if err := writeCompressed(c, http.StatusOK, echo.MIMETextHTMLCharsetUTF8, page); err != nil {
			t.Error(err)
		}
		return rec
	}
	check := func(body []byte, rec *httptest.ResponseRecorder) error {
		if got := rec.Header().Get(echo.HeaderContentLength); got != strconv.Itoa(rec.Body.Len()) {
			return fmt.Errorf("Content-Length %s for %d bytes sent", got, rec.Body.Len())
		}
		if rec.Header().Get(echo.HeaderContentEncoding) != "gzip" {
			return fmt.Errorf("a %d-byte page was not compressed", len(body))
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			return err
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, body) {
			return fmt.Errorf("a %d-byte page came back as %d different bytes", len(body), len(got))
		}
		return nil
	}

	for _, n := range []int{minGzip, 17 << 10, 33 << 10, 200 << 10} {
		body := pageLike(uint64(n), n)
		if err := check(body, send(body, true)); err != nil {
			t.Error(err)
		}
		if rec := send(body, false); rec.Header().Get(echo.HeaderContentEncoding) != "" || !bytes.Equal(rec.Body.Bytes(), body) {
			t.Errorf("a browser that does not take gzip got a %d-byte page changed", len(body))
		}
	}
	small := []byte("<p>short</p>")
	if rec := send(small, true); rec.Header().Get(echo.HeaderContentEncoding) != "" || rec.Body.String() != string(small) {
		t.Error("a page under minGzip was compressed or changed")
	}

	// Pages with fixed parts: a, b and c are compressed with the page,
	// f and g are copied in from their deflate form.
	a, b, c := pageLike(1, 3000), pageLike(2, 40<<10), pageLike(3, 600)
	f, g := pageLike(4, 5000), []byte("<p>a short fixed part</p>")
	part := func(at int, p []byte) templates.FixedPart {
		var d bytes.Buffer
		if err := flate.StatelessDeflate(&d, p, false, nil); err != nil {
			t.Fatal(err)
		}
		return templates.FixedPart{At: at, Len: len(p), Deflated: d.Bytes()}
	}
	join := func(ps ...[]byte) []byte { return bytes.Join(ps, nil) }
	cases := []struct {
		name  string
		body  []byte
		fixed []templates.FixedPart
	}{
		{"between", join(a, f, b, g, c), []templates.FixedPart{part(len(a), f), part(len(a)+len(f)+len(b), g)}},
		{"first and last", join(f, b, g), []templates.FixedPart{part(0, f), part(len(f)+len(b), g)}},
		{"side by side", join(a, f, g), []templates.FixedPart{part(len(a), f), part(len(a)+len(f), g)}},
		{"all of it", f, []templates.FixedPart{part(0, f)}},
		// Segments under storedBelow go out stored: a short tail, short
		// pieces between parts, and lengths at the edge.
		{"short tail", join(a, f, c[:300]), []templates.FixedPart{part(len(a), f)}},
		{"short between", join(c[:1], f, c[:storedBelow-1], g, c[:2]), []templates.FixedPart{part(1, f), part(1+len(f)+storedBelow-1, g)}},
		{"at the edge", join(a, f, c[:storedBelow], g, c[:storedBelow-1]), []templates.FixedPart{part(len(a), f), part(len(a)+len(f)+storedBelow, g)}},
	}
	for _, tc := range cases {
		if err := check(tc.body, send(tc.body, true, tc.fixed...)); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// A part that does not fit the page is not trusted: the page goes out
	// uncompressed and whole.
	body := join(a, f)
	if rec := send(body, true, part(len(a)+1, f)); rec.Header().Get(echo.HeaderContentEncoding) != "" || !bytes.Equal(rec.Body.Bytes(), body) {
		t.Error("a page with a misplaced fixed part was not sent as it is")
	}

	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				body := pageLike(uint64(g*100+i), 5<<10+(g*i%7)<<10)
				if err := check(body, send(body, true)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
