package templates

import (
	"bytes"
	"io"

	templruntime "github.com/a-h/templ/runtime"
	"github.com/klauspost/compress/flate"
)

// PageBuffer is what a page is rendered into. Besides the markup it notes
// the page's fixed parts: markup that is the same on many pages, built
// once (the users export form's formats and thirty column boxes in a
// language) or recognised as seen before (the frame's head, see
// shared_markup.go). Each comes with its deflate form, also made once, so
// that the response's gzip copies those bytes instead of compressing them
// again.
type PageBuffer struct {
	bytes.Buffer
	Fixed []FixedPart
	// Deflate says the page will be sent gzipped: only then are spans
	// looked up for their deflate form.
	Deflate bool
}

// FixedPart is a span of the page written whole from a fixed copy.
type FixedPart struct {
	At, Len int
	// Deflated is the span on its own as stateless deflate blocks: they
	// refer to nothing before them, and end on a byte boundary without
	// closing the stream, so they fit between any two such segments.
	Deflated []byte
}

// Reset empties the buffer for the next page.
func (p *PageBuffer) Reset() {
	p.Buffer.Reset()
	p.Fixed = p.Fixed[:0]
	p.Deflate = false
}

// fixedMarkup is markup built once, with its deflate form.
type fixedMarkup struct {
	html     string
	deflated []byte
}

func newFixedMarkup(html string) *fixedMarkup {
	var b bytes.Buffer
	_ = flate.StatelessDeflate(&b, []byte(html), false, nil) // a bytes.Buffer takes every write
	return &fixedMarkup{html: html, deflated: b.Bytes()}
}

// pageBufferOf is the PageBuffer a component's writer leads to, nil when
// none (templ hands components its own buffer around the writer a page is
// rendered into). What templ still holds is passed on first, so that the
// buffer's length is where the next bytes go.
func pageBufferOf(w io.Writer) (*PageBuffer, error) {
	switch b := w.(type) {
	case *PageBuffer:
		return b, nil
	case *templruntime.Buffer:
		if p, ok := b.Underlying.(*PageBuffer); ok {
			return p, b.Flush()
		}
	}
	return nil, nil
}

// writeFixed writes m where a component writes, noted as a fixed part when
// that leads to a PageBuffer.
func writeFixed(w io.Writer, m *fixedMarkup) error {
	pb, err := pageBufferOf(w)
	if err != nil {
		return err
	}
	if pb == nil {
		_, err := io.WriteString(w, m.html)
		return err
	}
	pb.Fixed = append(pb.Fixed, FixedPart{At: pb.Len(), Len: len(m.html), Deflated: m.deflated})
	_, err = pb.WriteString(m.html)
	return err
}
