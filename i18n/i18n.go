// Package i18n is the portal's message catalogue and the formatting of
// dates, numbers and money for the staff member's language.
//
// The official console offers English and Russian; so does the portal. The
// language comes from the "lang" cookie set by the switcher in the page
// footer, else from Accept-Language, else English.
package i18n

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Lang is a supported interface language.
type Lang string

// The supported languages.
const (
	EN Lang = "en"
	RU Lang = "ru"
)

// Langs lists the languages offered by the switcher, in display order.
var Langs = []Lang{EN, RU}

// CookieName is the cookie that remembers a staff member's language.
const CookieName = "lang"

// Parse returns the language named by s ("ru", "ru-RU", "en_US"...), and
// false when it is not one the portal speaks.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) >= 2 {
		switch s[:2] {
		case "en":
			return EN, true
		case "ru", "uk", "be", "kk":
			// The official console shows Russian to the Russian-speaking
			// family of browser languages; so do we.
			return RU, true
		}
	}
	return EN, false
}

// FromRequest picks the language for a request: the cookie first, then the
// best Accept-Language entry, then English.
func FromRequest(r *http.Request) Lang {
	if c, err := r.Cookie(CookieName); err == nil {
		if l, ok := Parse(c.Value); ok {
			return l
		}
	}
	best, bestQ := EN, -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if l, ok := Parse(tag); ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// Localizer translates and formats for one language.
type Localizer struct {
	Lang Lang
	msgs map[string]string
}

// For returns the localizer of a language.
func For(l Lang) *Localizer {
	if l == RU {
		return &Localizer{Lang: RU, msgs: ru}
	}
	return &Localizer{Lang: EN, msgs: en}
}

// T returns the message for key, formatted with args (fmt verbs). A key
// missing from the language falls back to English, then to the key itself,
// so a page never shows an empty label.
func (l *Localizer) T(key string, args ...any) string {
	msg, ok := l.msgs[key]
	if !ok {
		if msg, ok = en[key]; !ok {
			msg = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Has reports whether the catalogue knows key.
func Has(key string) bool { _, ok := en[key]; return ok }

// Keys returns the English catalogue's keys and the Russian ones, for the
// test that keeps the two in step.
func Keys() (english, russian map[string]string) { return en, ru }

// Date formats a calendar date.
func (l *Localizer) Date(t time.Time) string { return string(l.AppendDate(nil, t)) }

// AppendDate appends Date(t) to dst.
func (l *Localizer) AppendDate(dst []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(dst, "—"...)
	}
	y, m, d := t.Date()
	if y < 1000 || y > 9999 {
		if l.Lang == RU {
			return t.AppendFormat(dst, "02.01.2006")
		}
		return t.AppendFormat(dst, "2006-01-02")
	}
	// A list writes a date on every row: the digits go straight in.
	two := func(dst []byte, v int) []byte { return append(dst, byte('0'+v/10), byte('0'+v%10)) }
	if l.Lang == RU {
		dst = append(two(dst, d), '.')
		dst = append(two(dst, int(m)), '.')
		return strconv.AppendInt(dst, int64(y), 10)
	}
	dst = append(strconv.AppendInt(dst, int64(y), 10), '-')
	dst = append(two(dst, int(m)), '-')
	return two(dst, d)
}

// DateTime formats a moment to the minute.
func (l *Localizer) DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if l.Lang == RU {
		return t.Format("02.01.2006 15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// Int formats a whole number with the language's digit grouping.
func (l *Localizer) Int(n int64) string { return string(l.AppendInt(nil, n)) }

// AppendInt appends Int(n) to dst.
func (l *Localizer) AppendInt(dst []byte, n int64) []byte {
	var tmp [24]byte
	digits := strconv.AppendInt(tmp[:0], n, 10)
	minus := digits[0] == '-'
	if minus {
		digits = digits[1:]
	}
	return l.appendParts(dst, minus, digits, nil)
}

// Number formats n with exactly decimals digits after the separator.
func (l *Localizer) Number(n float64, decimals int) string {
	return string(l.AppendNumber(nil, n, decimals))
}

// AppendNumber appends Number(n, decimals) to dst. A negative number that
// rounds to zero shows no minus sign.
func (l *Localizer) AppendNumber(dst []byte, n float64, decimals int) []byte {
	// Most amounts are whole cents: scaled to their decimals they sit on
	// an integer, which is then the correctly rounded result strconv would
	// give, and is written without its float formatting. Below 2^40 the
	// product is off by at most 2^-13, far from a rounding boundary.
	if decimals >= 0 && decimals < len(pow10) {
		if s := math.Abs(n) * pow10[decimals]; s < 1<<40 {
			if r := math.Round(s); math.Abs(s-r) < 1e-6 {
				return l.appendScaled(dst, n < 0, uint64(r), decimals)
			}
		}
	}
	return l.appendNumberFloat(dst, n, decimals)
}

// pow10 are the scales of the decimals AppendNumber writes without float
// formatting.
var pow10 = [...]float64{1, 10, 100, 1000, 10000}

// appendScaled appends r / 10^decimals, a number already rounded to its
// decimals, minus sign first unless it is zero.
func (l *Localizer) appendScaled(dst []byte, neg bool, r uint64, decimals int) []byte {
	var tmp [32]byte
	digits := strconv.AppendUint(tmp[:0], r, 10)
	if pad := decimals + 1 - len(digits); pad > 0 { // 0.05 is "5" before its point is placed
		var z [32]byte
		digits = append(z[:copy(z[:], "00000"[:pad])], digits...)
	}
	return l.appendParts(dst, neg && r != 0, digits[:len(digits)-decimals], digits[len(digits)-decimals:])
}

// appendNumberFloat is AppendNumber through strconv's float formatting.
func (l *Localizer) appendNumberFloat(dst []byte, n float64, decimals int) []byte {
	var tmp [40]byte
	s := strconv.AppendFloat(tmp[:0], math.Abs(n), 'f', decimals, 64)
	whole, frac, _ := bytes.Cut(s, []byte{'.'})
	return l.appendParts(dst, n < 0 && len(bytes.Trim(s, "0.")) > 0, whole, frac)
}

// appendParts appends a number from its digits: the minus sign when minus,
// the whole part grouped in threes, and the decimals (if any) after the
// language's decimal separator.
func (l *Localizer) appendParts(dst []byte, minus bool, whole, frac []byte) []byte {
	if minus {
		dst = append(dst, "−"...)
	}
	dst = l.appendGrouped(dst, whole)
	if len(frac) > 0 {
		if l.Lang == RU {
			dst = append(dst, ',')
		} else {
			dst = append(dst, '.')
		}
		dst = append(dst, frac...)
	}
	return dst
}

// Money formats an amount with two decimals and the currency code.
func (l *Localizer) Money(amount float64, currency string) string {
	s := l.Number(amount, 2)
	if currency == "" {
		return s
	}
	return s + "\u00a0" + currency
}

func (l *Localizer) sep() string {
	if l.Lang == RU {
		return "\u00a0"
	}
	return ","
}

// appendGrouped appends ASCII digits in groups of three.
func (l *Localizer) appendGrouped(dst, digits []byte) []byte {
	sep := l.sep()
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			dst = append(dst, sep...)
		}
		dst = append(dst, c)
	}
	return dst
}

type ctxKey struct{}

// WithLocalizer returns a context that carries l, so templates can reach it.
func WithLocalizer(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// From returns the context's localizer, English when there is none.
func From(ctx context.Context) *Localizer {
	if l, ok := ctx.Value(ctxKey{}).(*Localizer); ok {
		return l
	}
	return For(EN)
}

// T translates key with the context's localizer.
func T(ctx context.Context, key string, args ...any) string {
	return From(ctx).T(key, args...)
}
