package handlers

import (
	"strings"
	"testing"
)

func TestParseIMEIs(t *testing.T) {
	text := "\uFEFF356938035643809\r\n  356938035643817 ; FMB920\n\"356938035643825\",x\n\n356938035643809\n35693803564380\nabc\n356938035643809\t1\n"
	lines := parseIMEIs(text, "356938035643817\n")
	c := countIMEIs(lines)
	if c.Valid != 3 || c.Duplicate != 3 || c.Malformed != 2 {
		t.Errorf("counts %+v", c)
	}
	if len(c.Bad) != 2 || c.Bad[0].Line != 6 || c.Bad[1].Value != "abc" {
		t.Errorf("bad lines %+v", c.Bad)
	}
	// The line limit bounds the work on a huge paste.
	big := strings.Repeat("356938035643809\n", bundleImportLinesMax+10)
	if n := len(parseIMEIs(big)); n != bundleImportLinesMax {
		t.Errorf("%d lines read, limit %d", n, bundleImportLinesMax)
	}
}

func TestPlanFieldOf(t *testing.T) {
	for param, want := range map[string]string{
		"tariff.name": "name", "tariff.store_period": "store_period", "tariff.service_prices": "service_prices",
		"tariff.service_prices.traffic": "service_prices.traffic", "tariff.service_prices.fax": "service_prices",
		"tariff.features": "", "hash": "",
	} {
		if got := planFieldOf(param); got != want {
			t.Errorf("planFieldOf(%q) = %q, want %q", param, got, want)
		}
	}
}

func TestCheckICCID(t *testing.T) {
	for s, want := range map[string]bool{"123": true, "89701010000000001953": true, "12": false, "897010100000000019531": false, "12\n34": false} {
		if got := checkICCID(s); got != want {
			t.Errorf("checkICCID(%q) = %v", s, got)
		}
	}
}
