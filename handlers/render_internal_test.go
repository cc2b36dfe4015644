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

	"github.com/labstack/echo/v4"
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
// (32 KB) and for many pages compressed at once by pooled writers.
func TestCompressedPagesComeBackWhole(t *testing.T) {
	e := echo.New()
	send := func(body []byte, acceptGzip bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/users", nil)
		if acceptGzip {
			req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		}
		rec := httptest.NewRecorder()
		if err := writeCompressed(e.NewContext(req, rec), http.StatusOK, echo.MIMETextHTMLCharsetUTF8, body); err != nil {
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
