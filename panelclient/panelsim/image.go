package panelsim

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Branding images (resources/dealer/settings/image.md).
//
// URL scheme: an uploaded image is stored under the path
// "paas/<dealer id>/<type>.<ext>" (the form of the docs' examples,
// "paas/5001/logo.png"), and that path is what dealer/settings/service/read
// (logo, favicon, app_logo, document_logo, login_wallpaper,
// desktop_wallpaper, monitoring_logo) and dealer/get_info (logo, favicon)
// answer. The emulator serves the bytes without a session, as a platform
// serves static files, at GET <emulator origin>/images/<path>, e.g.
// http://127.0.0.1:41234/images/paas/5001/logo.png (see ImagePathPrefix and
// Running.ImageURL). A value that is already an absolute URL (a dealer may
// have one from elsewhere) is used as it is. Replies carry
// Cache-Control: no-cache and an ETag, so a preview shows a replaced image
// at once.

// ImagePathPrefix is where the emulator serves branding images: the
// preview URL of a path P answered by service/read or dealer/get_info is
// <origin> + ImagePathPrefix + P.
const ImagePathPrefix = "/images/"

// ImageURL is the preview URL of a branding image path (as service/read
// answers it) on this running emulator; an absolute URL is returned as is.
func (r *Running) ImageURL(path string) string {
	if u, err := url.Parse(path); err == nil && u.IsAbs() {
		return path
	}
	return "http://" + r.Addr + ImagePathPrefix + strings.TrimPrefix(path, "/")
}

func (s *Server) registerImageActions() {
	s.register("dealer/settings/image/upload", need("service_settings", "update"), s.imageUpload)
	s.register("dealer/settings/image/delete", need("service_settings", "update"), s.imageDelete)
}

// brandImageTypes are the image slots: the markdown names five, the OpenAPI
// file's BrandingImageType adds monitoring_logo and app_logo (both fields
// of the service settings); the emulator accepts all seven.
var brandImageTypes = []string{"logo", "favicon", "login_wallpaper", "desktop_wallpaper", "monitoring_logo", "document_logo", "app_logo"}

// brandImageFormats are the accepted part MIME types and the file
// extension each is stored under. image/x-icon is for the favicon only,
// and the favicon must be an ICO (image.md; admin guide, branding).
var brandImageFormats = map[string]string{
	"image/jpeg":   "jpg",
	"image/pjpeg":  "jpg",
	"image/png":    "png",
	"image/gif":    "gif",
	"image/webp":   "webp",
	"image/x-icon": "ico",
}

// maxLogoBytes is the size limit of logos and the favicon ("Maximum file
// size is 1 Mb", admin guide); wallpapers are not limited beyond the
// request size (16 MiB, code 9).
const maxLogoBytes = 1 << 20

// Codes of the image actions not named in errors.go yet.
const (
	codeNoDataFile        = 233
	codeInvalidDataFormat = 234
	codeFeatureByTariff   = 236
	codeFileOverMaxSize   = 271
)

// brandImage is one stored image.
type brandImage struct {
	contentType string
	data        []byte // never modified once stored
	modified    time.Time
	etag        string
}

func newBrandImage(contentType string, data []byte, modified time.Time) brandImage {
	sum := sha256.Sum256(data)
	return brandImage{contentType: contentType, data: data, modified: modified,
		etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
}

// imageSlot returns the settings field of an image type.
func (sv *ServiceSettings) imageSlot(kind string) **string {
	switch kind {
	case "logo":
		return &sv.Logo
	case "favicon":
		return &sv.Favicon
	case "login_wallpaper":
		return &sv.LoginWallpaper
	case "desktop_wallpaper":
		return &sv.DesktopWallpaper
	case "monitoring_logo":
		return &sv.MonitoringLogo
	case "document_logo":
		return &sv.DocumentLogo
	case "app_logo":
		return &sv.AppLogo
	}
	return nil
}

// brandingFeature is the dealer feature an image type needs (OpenAPI
// BrandingImageType): branding_mobile for app_logo, branding_web else.
func brandingFeature(kind string) string {
	if kind == "app_logo" {
		return "branding_mobile"
	}
	return "branding_web"
}

// brandingAllowedLocked reports whether a dealer may change an image type.
func (st *Store) brandingAllowedLocked(dealer int, kind string) bool {
	d := st.dealerCardLocked(dealer)
	return d.AllowBranding && slices.Contains(d.Features, brandingFeature(kind))
}

// imageUpload stores a branding image: a multipart/form-data request whose
// part `file` is the image and whose form part `type` names the slot.
//
//   - `type` only in the query string: 234 (OpenAPI); missing or not one of
//     brandImageTypes: 7.
//   - the slot's branding feature disabled for the dealer: 236 (HTTP 402).
//   - no multipart body or no `file` part, or an empty file: 233.
//   - a part MIME type that is not accepted for the slot, or bytes that are
//     not an image of that type (checked by signature): 234.
//   - a logo or favicon over 1 MiB: 271 (HTTP 413).
//
// On success the slot's path ("paas/<dealer>/<type>.<ext>") shows in
// service/read (and logo and favicon in dealer/get_info), and the bytes
// are served at ImagePathPrefix + path. With redirect_target (an absolute
// http(s) URL) every answer is a 302 to
// <redirect_target>?response=<the JSON answer, URL-encoded>.
func (s *Server) imageUpload(c *call) (any, error) {
	target, hasTarget := c.params.optString("redirect_target")
	if hasTarget && !validHTTPURL(target) {
		return nil, invalidParams("redirect_target", msgURL)
	}
	payload, err := s.storeUploadedImage(c)
	if !hasTarget {
		return payload, err
	}
	return redirectWithResponse(target, payload, err)
}

func (s *Server) storeUploadedImage(c *call) (any, error) {
	form := c.req.MultipartForm
	if form == nil {
		return nil, newError(codeNoDataFile)
	}
	kinds := form.Value["type"]
	if len(kinds) == 0 {
		if c.req.URL.Query().Has("type") {
			return nil, newError(codeInvalidDataFormat)
		}
		return nil, invalidParams("type", msgMissing)
	}
	kind := kinds[0]
	if !slices.Contains(brandImageTypes, kind) {
		return nil, invalidParams("type", "Should be one of ["+strings.Join(brandImageTypes, ", ")+"]")
	}

	st := s.store
	st.mu.RLock()
	allowed := st.brandingAllowedLocked(st.sessionDealerLocked(c), kind)
	st.mu.RUnlock()
	if !allowed {
		return nil, newError(codeFeatureByTariff)
	}

	files := form.File["file"]
	if len(files) == 0 {
		return nil, newError(codeNoDataFile)
	}
	fh := files[0]
	mediaType, _, _ := mime.ParseMediaType(fh.Header.Get("Content-Type"))
	ext, ok := brandImageFormats[mediaType]
	if !ok || (kind == "favicon") != (mediaType == "image/x-icon") {
		return nil, newError(codeInvalidDataFormat)
	}
	if fh.Size == 0 {
		return nil, newError(codeNoDataFile)
	}
	if kind != "login_wallpaper" && kind != "desktop_wallpaper" && fh.Size > maxLogoBytes {
		return nil, newError(codeFileOverMaxSize)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, newError(codeCannotSaveFile)
	}
	data, err := io.ReadAll(f)
	_ = f.Close()
	if err != nil {
		return nil, newError(codeCannotSaveFile)
	}
	if !imageSignatureMatches(ext, data) {
		return nil, newError(codeInvalidDataFormat)
	}

	st.mu.Lock()
	defer st.mu.Unlock()
	dealer := st.sessionDealerLocked(c)
	ds := st.settingsLocked(dealer)
	slot := ds.service.imageSlot(kind)
	path := "paas/" + strconv.Itoa(dealer) + "/" + kind + "." + ext
	if *slot != nil && **slot != path {
		delete(st.dealerSide.images, **slot)
	}
	st.dealerSide.images[path] = newBrandImage(mediaType, data, c.now)
	*slot = ptr(path)
	st.syncDealerLocked(dealer)
	return nil, nil
}

const codeCannotSaveFile = 254

// imageSignatureMatches reports whether data starts like a file of ext.
func imageSignatureMatches(ext string, data []byte) bool {
	switch ext {
	case "jpg":
		return bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF})
	case "png":
		return bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n"))
	case "gif":
		return bytes.HasPrefix(data, []byte("GIF87a")) || bytes.HasPrefix(data, []byte("GIF89a"))
	case "webp":
		return len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP"
	case "ico":
		return bytes.HasPrefix(data, []byte{0, 0, 1, 0})
	}
	return false
}

// imageDelete empties an image slot (the interface then falls back to the
// platform default) and forgets its bytes. Deleting an empty slot
// succeeds. type is required and one of brandImageTypes (7); a slot whose
// branding feature the dealer lacks is 236, as the OpenAPI file's
// BrandingImageType says of both operations.
func (s *Server) imageDelete(c *call) (any, error) {
	kind := c.params.oneOf("type", "", brandImageTypes...)
	if !c.params.has("type") {
		c.params.invalid("type", msgMissing)
	}
	if err := c.params.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	dealer := st.sessionDealerLocked(c)
	if !st.brandingAllowedLocked(dealer, kind) {
		return nil, newError(codeFeatureByTariff)
	}
	slot := st.settingsLocked(dealer).service.imageSlot(kind)
	if *slot != nil {
		delete(st.dealerSide.images, **slot)
		*slot = nil
	}
	st.syncDealerLocked(dealer)
	return nil, nil
}

// redirectWithResponse answers 302 to target?response=<the JSON answer>.
func redirectWithResponse(target string, payload any, err error) (any, error) {
	var body []byte
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			return nil, err
		}
		body = ae.render().body
	} else {
		body = successReply(payload).body
	}
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	header := http.Header{}
	header.Set("Location", target+sep+"response="+url.QueryEscape(string(body)))
	return rawReply{Status: http.StatusFound, Header: header}, nil
}

// serveImage answers GET or HEAD <ImagePathPrefix><path> with a stored
// branding image, 404 for any other path.
func (s *Server) serveImage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	path := strings.TrimPrefix(r.URL.Path, ImagePathPrefix)
	s.store.mu.RLock()
	img, ok := s.store.dealerSide.images[path]
	s.store.mu.RUnlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", img.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", img.etag)
	http.ServeContent(w, r, "", img.modified, bytes.NewReader(img.data))
}

// Image returns a copy of a stored branding image and its MIME type.
func (st *Store) Image(path string) (data []byte, contentType string, ok bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	img, ok := st.dealerSide.images[path]
	if !ok {
		return nil, "", false
	}
	return bytes.Clone(img.data), img.contentType, true
}

// seedBrandImages gives the demo dealer's seeded logo and favicon paths
// real bytes: a small PNG logo and an ICO favicon wrapping a PNG.
func seedBrandImages(st *Store) {
	sv := &st.dealerSide.settings[st.dealer.ID].service
	logo := seedPNG(96, 32, color.RGBA{0x1e, 0x88, 0xe5, 0xff})
	if sv.Logo != nil {
		st.dealerSide.images[*sv.Logo] = newBrandImage("image/png", logo, st.anchor)
	}
	if sv.Favicon != nil {
		st.dealerSide.images[*sv.Favicon] = newBrandImage("image/x-icon", icoOf(seedPNG(16, 16, color.RGBA{0xff, 0x8f, 0x00, 0xff}), 16), st.anchor)
	}
}

// seedPNG draws a w×h two-tone stripe image.
func seedPNG(w, h int, c color.RGBA) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			if (x/8+y/8)%2 == 0 {
				img.SetRGBA(x, y, c)
			} else {
				img.SetRGBA(x, y, color.RGBA{0xff, 0xff, 0xff, 0xff})
			}
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // encoding to memory cannot fail
	return buf.Bytes()
}

// icoOf wraps one PNG image of size×size pixels in an ICO container.
func icoOf(pngData []byte, size int) []byte {
	var buf bytes.Buffer
	le := binary.LittleEndian
	buf.Write([]byte{0, 0, 1, 0, 1, 0}) // reserved, type 1 (icon), one image
	buf.Write([]byte{byte(size), byte(size), 0, 0})
	_ = binary.Write(&buf, le, uint16(1))            // colour planes
	_ = binary.Write(&buf, le, uint16(32))           // bits per pixel
	_ = binary.Write(&buf, le, uint32(len(pngData))) // image size
	_ = binary.Write(&buf, le, uint32(6+16))         // image offset
	buf.Write(pngData)
	return buf.Bytes()
}
