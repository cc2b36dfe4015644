package handlers

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"
	"github.com/klauspost/compress/flate"
	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/templates"
)

var pagePool = sync.Pool{New: func() any { return new(templates.PageBuffer) }}

// render writes a templ component as the response. The page layout renders
// the whole document for a normal request and the content alone for an
// htmx partial request. Pages are never cached: after signing out, the
// back button must not show a private page.
func (a *app) render(c echo.Context, status int, comp templ.Component) error {
	ctx := templates.WithShell(c.Request().Context(), a.shell(c))
	page := pagePool.Get().(*templates.PageBuffer)
	page.Reset()
	page.Deflate = acceptsGzip(c)
	defer func() {
		if page.Cap() < 1<<20 {
			pagePool.Put(page)
		}
	}()
	if err := comp.Render(ctx, page); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "HX-Request, Accept-Encoding")
	return writeCompressed(c, status, echo.MIMETextHTMLCharsetUTF8, page)
}

// Compression. A page is compressed whole, once rendered, as one gzip
// member whose deflate data is the stateless blocks of klauspost/compress:
// they keep no history or tables between calls (a level-1 writer holds
// about 0.8 MB of them) and their 16 KB match table lives on the stack, in
// the fastest cache, where level 1's 128 KB one did not. Side by side under
// load (portalbench -compare) that took about 3% less of the portal's CPU
// per page than level 1, for about 1% more bytes; both compress a 50-row
// table about 4:1, at twice the speed of the standard library's fastest
// level. Each stateless segment stands alone and ends on a byte boundary,
// so a page's fixed parts (templates.PageBuffer), deflated once when they
// were built, are copied in between the segments compressed for the page.
var zipBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// minGzip is the size below which compressing costs more than it saves.
const minGzip = 1024

// acceptsGzip reports whether the browser takes gzipped answers.
func acceptsGzip(c echo.Context) bool {
	return strings.Contains(c.Request().Header.Get(echo.HeaderAcceptEncoding), "gzip")
}

// writeCompressed sends the page, gzipped when it is to be (page.Deflate:
// the browser accepts it) and large enough to gain from it; page.Fixed are
// its parts already deflated, in order.
func writeCompressed(c echo.Context, status int, ctype string, page *templates.PageBuffer) error {
	body, fixed := page.Bytes(), page.Fixed
	if len(body) < minGzip || !page.Deflate {
		return sendWhole(c, status, ctype, body)
	}
	out := zipBufs.Get().(*bytes.Buffer)
	out.Reset()
	defer func() {
		if out.Cap() < 1<<20 {
			zipBufs.Put(out)
		}
	}()
	if err := gzipPage(out, body, fixed); err != nil {
		return sendWhole(c, status, ctype, body)
	}
	c.Response().Header().Set(echo.HeaderContentEncoding, "gzip")
	return sendWhole(c, status, ctype, out.Bytes())
}

// gzipHeader starts a gzip member (RFC 1952): deflate, no flags, no
// modification time, no extra flags, operating system unknown.
var gzipHeader = [10]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}

// gzipPage writes body to out as one gzip member. The spans in fixed are
// copied from their deflate form; the rest is compressed here.
func gzipPage(out *bytes.Buffer, body []byte, fixed []templates.FixedPart) error {
	out.Write(gzipHeader[:])
	at := 0
	for _, f := range fixed {
		if f.At < at || f.Len < 0 || f.At+f.Len > len(body) {
			return fmt.Errorf("fixed part at %d+%d does not fit after %d in %d bytes", f.At, f.Len, at, len(body))
		}
		if f.At > at {
			if err := deflateSegment(out, body[at:f.At], false); err != nil {
				return err
			}
		}
		out.Write(f.Deflated)
		at = f.At + f.Len
	}
	if err := deflateSegment(out, body[at:], true); err != nil {
		return err
	}
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], crc32.ChecksumIEEE(body))
	binary.LittleEndian.PutUint32(trailer[4:], uint32(len(body)))
	out.Write(trailer[:])
	return nil
}

// storedBelow is the size under which a segment goes out as it is, in a
// stored block: deflate gains a few dozen bytes on a few hundred, and
// building its code tables for them cost more than the rest of a page's
// tail (the footer after the export form: about 6 µs for 60 bytes).
const storedBelow = 512

// deflateSegment writes p as deflate blocks that end on a byte boundary
// (or end the stream, when last), so that the next segment or a fixed
// part can follow it as it is.
func deflateSegment(out *bytes.Buffer, p []byte, last bool) error {
	if len(p) >= storedBelow {
		return flate.StatelessDeflate(out, p, last, nil)
	}
	// A stored block (RFC 1951, 3.2.4): the final-block bit and type 00 in
	// a byte of its own, then the length and its complement.
	var head [5]byte
	if last {
		head[0] = 1
	}
	binary.LittleEndian.PutUint16(head[1:], uint16(len(p)))
	binary.LittleEndian.PutUint16(head[3:], ^uint16(len(p)))
	out.Write(head[:])
	out.Write(p)
	return nil
}

// sendWhole sends a body that is all in hand with its length, so that it
// goes out as it is rather than in chunks.
func sendWhole(c echo.Context, status int, ctype string, body []byte) error {
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	return c.Blob(status, ctype, body)
}

// shell gathers the page frame's data for the request.
func (a *app) shell(c echo.Context) *templates.Shell {
	s := &templates.Shell{
		Lang:      i18n.From(c.Request().Context()).Lang,
		Path:      c.Request().URL.RequestURI(),
		CSS:       a.css,
		JS:        a.js,
		RequestID: requestID(c),
		Partial:   wantsPartial(c),
		Flash:     takeFlash(c),
	}
	if sess := session(c); sess != nil {
		s.Login = sess.Login
		s.CSRF = sess.CSRF
		if !s.Partial { // only the page frame shows the sections
			s.Nav = navFor(sess.Perms, c.Request().URL.Path)
		}
		s.CanSearch = canSearch(sess.Perms)
		s.Dealer = sess.DealerTitle
		if sess.Parent != nil {
			s.Reseller = sess.Login
		}
		s.ChangePassword = sess.Parent == nil && sess.Perms.Can("password", "update")
	} else if tok, ok := c.Get(visitorTokenKey).(string); ok {
		s.CSRF = tok
	}
	return s
}

// session returns the signed-in staff member's session, nil when none.
func session(c echo.Context) *auth.Session {
	s, _ := c.Get(sessionKey).(*auth.Session)
	return s
}

// notAllowedStatus etc. are the statuses error pages use.
const statusUnprocessable = http.StatusUnprocessableEntity
