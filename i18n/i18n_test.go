package i18n

import (
	"context"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	en, ru := Keys()
	for k := range en {
		if _, ok := ru[k]; !ok {
			t.Errorf("Russian lacks %q", k)
		}
	}
	for k := range ru {
		if _, ok := en[k]; !ok {
			t.Errorf("English lacks %q", k)
		}
	}
	for k, v := range en {
		if strings.Count(v, "%") != strings.Count(ru[k], "%") {
			t.Errorf("%q: English and Russian take different arguments: %q / %q", k, v, ru[k])
		}
	}
}

// keyUse finds catalogue keys written literally in templates and handlers:
// t(ctx, "key"), l.T("key"), T(ctx, "key"), LabelKey: "key" and the like.
var keyUse = regexp.MustCompile(`(?:\bt\(ctx, |\.T\(|\bT\(ctx, |Key: |setFlash\(c, "[a-z]+", )"([a-z0-9_]+\.[a-z0-9_.]+)"`)

func TestEveryKeyUsedExists(t *testing.T) {
	var files []string
	for _, dir := range []string{"../templates", "../handlers"} {
		for _, pat := range []string{"*.templ", "*.go"} {
			m, _ := filepath.Glob(filepath.Join(dir, pat))
			files = append(files, m...)
		}
	}
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_templ.go") || strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyUse.FindAllStringSubmatch(string(b), -1) {
			seen++
			if strings.HasSuffix(m[1], ".") {
				continue // a prefix completed at run time, e.g. "dealer.block." + status
			}
			if !Has(m[1]) {
				t.Errorf("%s uses %q, which the catalogue lacks", filepath.Base(f), m[1])
			}
		}
	}
	if seen < 20 {
		t.Fatalf("found only %d key uses: the pattern no longer matches the code", seen)
	}
}

func TestLanguageChoice(t *testing.T) {
	cases := []struct {
		cookie, accept string
		want           Lang
	}{
		{"", "", EN},
		{"", "ru-RU,ru;q=0.9,en;q=0.8", RU},
		{"", "de-DE,en;q=0.5,ru;q=0.9", RU},
		{"", "fr-FR", EN},
		{"en", "ru", EN},
		{"ru", "en", RU},
		{"xx", "ru", RU},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		if c.accept != "" {
			r.Header.Set("Accept-Language", c.accept)
		}
		if c.cookie != "" {
			r.Header.Set("Cookie", CookieName+"="+c.cookie)
		}
		if got := FromRequest(r); got != c.want {
			t.Errorf("cookie %q accept %q: %s, want %s", c.cookie, c.accept, got, c.want)
		}
	}
}

func TestFormatting(t *testing.T) {
	en, ru := For(EN), For(RU)
	day := time.Date(2026, 3, 7, 14, 5, 0, 0, time.UTC)
	cases := []struct{ got, want string }{
		{en.Int(1234567), "1,234,567"},
		{ru.Int(1234567), "1\u00a0234\u00a0567"},
		{en.Int(-1234), "−1,234"},
		{en.Number(-1234.5, 2), "−1,234.50"},
		{ru.Number(1234.5, 2), "1\u00a0234,50"},
		{en.Number(-0.001, 2), "0.00"},
		{en.Money(10, "USD"), "10.00\u00a0USD"},
		{en.Date(day), "2026-03-07"},
		{ru.Date(day), "07.03.2026"},
		{ru.DateTime(day), "07.03.2026 14:05"},
		{en.Date(time.Time{}), "—"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: %q, want %q", i, c.got, c.want)
		}
	}
}

func TestTranslateFallsBack(t *testing.T) {
	ctx := WithLocalizer(context.Background(), For(RU))
	if got := T(ctx, "login.submit"); got != "Войти" {
		t.Errorf("Russian: %q", got)
	}
	if got := T(ctx, "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
	if got := T(context.Background(), "login.throttled.none"); got != "login.throttled.none" {
		t.Errorf("no localizer: %q", got)
	}
	if got := For(EN).T("login.err.throttled", 7); got != "Too many attempts. Try again in 7 s." {
		t.Errorf("args: %q", got)
	}
}

// FuzzAppendNumberMatchesFloatFormatting: the integer way of writing whole
// cents gives what strconv's float formatting gives, in both languages.
func FuzzAppendNumberMatchesFloatFormatting(f *testing.F) {
	for _, n := range []float64{0, math.Copysign(0, -1), 1291.8, -1234.5, 0.05, -0.001, 0.004999, 0.005, 99.995, 1e12, -1e12, 1099511627775.99,
		123456.7891, 0.1 + 0.2, 1e-9, -1e-9, 17.1234, math.MaxFloat64, math.Inf(1), math.NaN(), 5e-324} {
		for d := range 6 {
			f.Add(n, d)
		}
	}
	f.Fuzz(func(t *testing.T, n float64, decimals int) {
		if decimals < 0 || decimals > 6 {
			return
		}
		for _, l := range []*Localizer{For(EN), For(RU)} {
			got := string(l.AppendNumber(nil, n, decimals))
			want := string(l.appendNumberFloat(nil, n, decimals))
			if got != want {
				t.Fatalf("%s: AppendNumber(%v, %d) = %q, float formatting gives %q", l.Lang, n, decimals, got, want)
			}
		}
	})
}

// TestAppendDateMatchesTimeFormat: dates written digit by digit read as
// time.Format writes them, in both languages, across years and zones.
func TestAppendDateMatchesTimeFormat(t *testing.T) {
	zone := time.FixedZone("far east", 14*3600)
	for _, day := range []time.Time{
		time.Date(2026, 3, 7, 14, 5, 0, 0, time.UTC), time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(999, 5, 5, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 29, 23, 0, 0, 0, zone),
	} {
		for lang, layout := range map[Lang]string{EN: "2006-01-02", RU: "02.01.2006"} {
			if got, want := string(For(lang).AppendDate(nil, day)), day.Format(layout); got != want {
				t.Errorf("%s: %v is %q, want %q", lang, day, got, want)
			}
		}
	}
}
