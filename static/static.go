// Package static serves the portal's stylesheets and scripts, embedded in
// the binary, under content-hashed URLs that browsers may cache forever.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed vendor/*.js vendor/*.css portal.css portal.js
var files embed.FS

// Prefix is where assets are served.
const Prefix = "/static/"

type asset struct {
	body  []byte
	gz    []byte // the body gzipped once at start-up
	ctype string
}

// Assets maps logical names ("portal.css") to hashed URLs and back.
type Assets struct {
	urls   map[string]string // logical name -> hashed URL
	byPath map[string]asset  // hashed URL path -> content
}

// Load hashes every embedded asset once, at start-up.
func Load() *Assets {
	a := &Assets{urls: map[string]string{}, byPath: map[string]asset{}}
	_ = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(p)
		hashed := Prefix + strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		a.urls[p] = hashed
		a.byPath[hashed] = asset{body: body, gz: gzipped(body), ctype: mime.TypeByExtension(ext)}
		return nil
	})
	return a
}

// URL returns the hashed URL of a logical asset name.
func (a *Assets) URL(name string) string {
	if u, ok := a.urls[name]; ok {
		return u
	}
	return Prefix + name
}

// ServeHTTP answers a hashed asset URL with a year-long immutable cache.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	as, ok := a.byPath[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", as.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Vary", "Accept-Encoding")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(as.gz)
		return
	}
	_, _ = w.Write(as.body)
}

func gzipped(b []byte) []byte {
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return out.Bytes()
}
