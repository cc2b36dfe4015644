package handlers

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/navixy-portal/portal/panelclient"
)

func TestActivationChunkSize(t *testing.T) {
	for total, want := range map[int]int{1: 4, 9: 4, 160: 4, 161: 5, 400: 10, 1000: 25, 2000: 25} {
		if got := activationChunkSize(total); got != want {
			t.Errorf("%d rows: chunks of %d, want %d", total, got, want)
		}
	}
}

func TestActivationCellCleaning(t *testing.T) {
	for in, want := range map[string]string{
		"3.52093100000012E+14": "352093100000012",
		"79123122312.0":        "79123122312",
		"352093100000012":      "352093100000012",
		"A10000009296E2":       "A10000009296E2",
		"1.5":                  "1.5",
		"Van 1.0 E":            "Van 1.0 E",
	} {
		if got := plainNumber(in); got != want {
			t.Errorf("plainNumber(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{" 35 209310 000001-2 ": "352093100000012", "ngp-01": "ngp-01", "A1000000 9296F2": "A1000000 9296F2"} {
		if got := cleanDeviceID(in); got != want {
			t.Errorf("cleanDeviceID(%q) = %q", in, got)
		}
	}
	if got := cleanPhone(" +49 (151) 123-45.67 "); got != "491511234567" {
		t.Errorf("cleanPhone: %q", got)
	}
	if sniffSeparator([]byte("a;b;c,d\n1,2,3,4,5")) != ';' || sniffSeparator([]byte("a\tb\tc\n")) != '\t' || sniffSeparator([]byte("abc")) != ',' {
		t.Error("separator sniffing")
	}
}

func TestActivationBlobs(t *testing.T) {
	rows := []activationRow{{Line: 2, UserID: 20, Model: "telfmb120", Label: `"<x>"`, DeviceID: "352093100000012"}}
	s, err := encodeBlob(rows)
	if err != nil {
		t.Fatal(err)
	}
	var back []activationRow
	if err := decodeBlob(s, &back); err != nil || len(back) != 1 || back[0] != rows[0] {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	for name, bad := range map[string]string{
		"empty":      "",
		"not base64": "***",
		"not gzip":   base64.RawURLEncoding.EncodeToString([]byte("plain")),
		"too long":   strings.Repeat("A", maxBlobChars+1),
	} {
		if decodeBlob(bad, &back) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A gzip bomb stops at the limit.
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte("["))
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for i := 0; i < maxBlobBytes>>20+2; i++ {
		_, _ = zw.Write(chunk)
	}
	_ = zw.Close()
	if decodeBlob(base64.RawURLEncoding.EncodeToString(buf.Bytes()), &back) == nil {
		t.Error("a blob past the size limit was read")
	}
}

func TestRegistrationPluginChoice(t *testing.T) {
	devices := panelclient.PluginFilter{Exclusion: true, Values: []string{"mobile_unknown.*"}}
	p := func(id int, typ string) panelclient.Plugin {
		return panelclient.Plugin{ID: id, Type: typ, Filter: devices}
	}
	cases := []struct {
		plugins []panelclient.Plugin
		id      int
		why     string
	}{
		{[]panelclient.Plugin{p(4, "tracker_report"), p(44, "tracker_register")}, 44, ""},
		{[]panelclient.Plugin{p(37, "tracker_register")}, 0, "activate.res.code_required"},
		{[]panelclient.Plugin{p(4, "tracker_report")}, 0, "activate.res.no_plugin"},
		{[]panelclient.Plugin{p(99, "tracker_register")}, 0, "activate.res.no_plugin"},
		{nil, 0, "activate.res.no_plugin"},
	}
	for i, c := range cases {
		id, why := registrationPlugin(c.plugins, "telfmb120")
		if id != c.id || why != c.why {
			t.Errorf("case %d: %d %q", i, id, why)
		}
	}
	if id, _ := registrationPlugin([]panelclient.Plugin{p(44, "tracker_register")}, "mobile_unknown_xgps"); id != 0 {
		t.Error("plugin 44 chosen for an app")
	}
}
