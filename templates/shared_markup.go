package templates

import (
	"hash/maphash"
	"io"
	"sync"
	"sync/atomic"
)

// Markup many pages repeat. The page frame begins with the same kilobyte
// or so on every page in a language (the document head, the htmx
// settings, the style sheets and scripts) and the header with the same
// sections for every staff member with the same permissions. The frame's
// writer marks such spans; a page that will be sent gzipped copies their
// deflate form from sharedDeflate, made the first time the span was seen,
// instead of compressing them again (see PageBuffer).

// minShared is the smallest span worth a lookup: below it the span's bytes
// cost less to compress with the rest of the page.
const minShared = 256

// maxSharedSpans bounds the spans remembered: a few per language and set
// of sections is the normal number; past the bound a span is simply
// compressed with the page.
const maxSharedSpans = 512

// sharedDeflate is the deflate form of spans by their content.
var sharedDeflate struct {
	m    sync.Map // uint64 (maphash of the span) → *fixedMarkup
	n    atomic.Int32
	seed maphash.Seed
}

func init() { sharedDeflate.seed = maphash.MakeSeed() }

// sharedMarkup is span's markup with its deflate form, nil when there is
// room for no more and span is new.
func sharedMarkup(span []byte) *fixedMarkup {
	k := maphash.Bytes(sharedDeflate.seed, span)
	if v, ok := sharedDeflate.m.Load(k); ok {
		if m := v.(*fixedMarkup); m.html == string(span) {
			return m
		}
		return nil // another span with the same hash: compressed with the page
	}
	if sharedDeflate.n.Load() >= maxSharedSpans {
		return nil
	}
	v, loaded := sharedDeflate.m.LoadOrStore(k, newFixedMarkup(string(span)))
	if !loaded {
		sharedDeflate.n.Add(1)
	}
	if m := v.(*fixedMarkup); m.html == string(span) {
		return m
	}
	return nil
}

// span is a part of an htmlWriter's output.
type span struct{ start, end int }

// shared marks what was written since start as markup other pages repeat.
func (h *htmlWriter) shared(start int) {
	if len(h.out)-start >= minShared && h.nShared < len(h.sharedSpans) {
		h.sharedSpans[h.nShared] = span{start, len(h.out)}
		h.nShared++
	}
}

// noteShared notes the marked spans of h as deflated parts of the page w
// leads to, when that page will be sent gzipped; it is called just before
// h's output is written to w.
func (h *htmlWriter) noteShared(w io.Writer) (io.Writer, error) {
	if h.nShared == 0 {
		return w, nil
	}
	pb, err := pageBufferOf(w)
	if err != nil || pb == nil {
		return w, err
	}
	if pb.Deflate {
		for _, s := range h.sharedSpans[:h.nShared] {
			if m := sharedMarkup(h.out[s.start:s.end]); m != nil {
				pb.Fixed = append(pb.Fixed, FixedPart{At: pb.Len() + s.start, Len: s.end - s.start, Deflated: m.deflated})
			}
		}
	}
	// The PageBuffer itself: templ's buffer around it has been flushed,
	// and the parts' places count from its length.
	return pb, nil
}
