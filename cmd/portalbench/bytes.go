package main

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// bytesOnTheWire counts what a staff member's browser downloads: the first
// visit to the user list with an empty cache (the page and every stylesheet
// and script it links), and the htmx partial of 50 rows a search, sort or
// page change fetches. Everything is requested with Accept-Encoding: gzip
// and counted as sent (response bodies; headers are not counted).
func (b *bench) bytesOnTheWire(ctx context.Context) {
	firstFigure := "first load /users, gzip (HTML + every CSS and JS it links)"
	firstBudget := "<= " + kb(budgetFirstLoad)
	partialFigure := listPath + " htmx partial (50 rows), gzip"
	partialBudget := "<= " + kb(budgetPartial)

	st := newStaff(b.main.URL, b.tr)
	if err := st.login(ctx, b.cfg.login, b.cfg.password); err != nil {
		b.add(na(firstFigure, "n/a ("+shortErr(err)+")", firstBudget))
		b.add(na(partialFigure, "n/a ("+shortErr(err)+")", partialBudget))
		return
	}

	b.add(b.firstLoad(ctx, st, firstFigure, firstBudget))

	pg, err := st.get(ctx, listPath, true)
	if why := b.problem(b.main, pg, err); why != "" {
		b.add(na(partialFigure, why, partialBudget))
		return
	}
	rows := len(userIDs(pg.Body))
	value := fmt.Sprintf("%s (%d B) for %d rows, %s uncompressed%s", kb(int64(pg.Wire)), pg.Wire, rows, kb(int64(len(pg.Body))), gzipNote(pg))
	ok := pg.Wire <= budgetPartial && rows == 50
	if rows != 50 {
		value += " (want 50 rows)"
	}
	b.add(row{Figure: partialFigure, Value: value, Budget: partialBudget, Verdict: check(ok)})
}

func (b *bench) firstLoad(ctx context.Context, st *staff, figure, budget string) row {
	pg, err := st.get(ctx, "/users", false)
	if why := b.problem(b.main, pg, err); why != "" {
		return na(figure, why, budget)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(pg.Body))
	if err != nil {
		return na(figure, "n/a (unreadable HTML: "+shortErr(err)+")", budget)
	}
	var assets []string
	doc.Find("link[href]").Each(func(_ int, s *goquery.Selection) {
		rel := " " + strings.ToLower(s.AttrOr("rel", "")) + " "
		as := strings.ToLower(s.AttrOr("as", ""))
		if strings.Contains(rel, " stylesheet ") || strings.Contains(rel, " modulepreload ") ||
			(strings.Contains(rel, " preload ") && (as == "style" || as == "script")) {
			assets = append(assets, s.AttrOr("href", ""))
		}
	})
	doc.Find("script[src]").Each(func(_ int, s *goquery.Selection) { assets = append(assets, s.AttrOr("src", "")) })

	total := int64(pg.Wire)
	parts := []string{fmt.Sprintf("HTML %s%s", kb(int64(pg.Wire)), gzipNote(pg))}
	seen := map[string]bool{}
	for _, href := range assets {
		if href == "" || seen[href] {
			continue
		}
		seen[href] = true
		if !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") {
			return na(figure, "n/a (an asset is not served by the portal: "+href+")", budget)
		}
		a, err := st.get(ctx, href, false)
		if err != nil {
			return na(figure, fmt.Sprintf("n/a (GET %s: %s)", href, shortErr(err)), budget)
		}
		if a.Status != 200 {
			return na(figure, fmt.Sprintf("n/a (GET %s: HTTP %d)", href, a.Status), budget)
		}
		total += int64(a.Wire)
		parts = append(parts, fmt.Sprintf("%s %s%s", assetName(href), kb(int64(a.Wire)), gzipNote(a)))
	}
	value := fmt.Sprintf("%s: %s", kb(total), strings.Join(parts, ", "))
	return row{Figure: figure, Value: value, Budget: budget, Verdict: check(total <= budgetFirstLoad)}
}

// assetHash is the content hash static adds to an asset's file name.
var assetHash = regexp.MustCompile(`\.[0-9a-f]{12}(\.[a-z]+)$`)

// assetName is an asset's file name without its content hash:
// "/static/vendor/pico.min.fbc9a63fc9fc.css" is "pico.min.css".
func assetName(href string) string {
	return assetHash.ReplaceAllString(path.Base(href), "$1")
}

// gzipNote flags an answer that was not compressed although the browser
// accepted gzip.
func gzipNote(p *page) string {
	if p.Header.Get("Content-Encoding") == "gzip" {
		return ""
	}
	return " (not gzipped)"
}
