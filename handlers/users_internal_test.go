package handlers

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
)

func TestOnceGuardClaimsATokenOnce(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	g := newOnceGuard(clock, time.Hour, 3)
	tok := g.Issue()
	if !g.Valid(tok) {
		t.Fatalf("issued token %q is not valid", tok)
	}
	for _, bad := range []string{"", "short", strings.Repeat("a", 31), strings.Repeat("!", 32), tok + "x"} {
		if g.Valid(bad) {
			t.Errorf("Valid(%q) = true", bad)
		}
	}
	if !g.Claim(tok) {
		t.Fatal("first claim refused")
	}
	if g.Claim(tok) {
		t.Fatal("second claim of the same token accepted")
	}
	// After the TTL the token is forgotten.
	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	if g.Len() != 1 {
		t.Errorf("Len before expiry sweep = %d", g.Len())
	}
	if !g.Claim(tok) {
		t.Error("a token past the TTL is still refused")
	}
	// Bounded: the oldest are forgotten first.
	a, b, c, d := g.Issue(), g.Issue(), g.Issue(), g.Issue()
	for _, x := range []string{a, b, c, d} {
		g.Claim(x)
	}
	if g.Len() != 3 {
		t.Errorf("Len = %d, want the bound 3", g.Len())
	}
	if g.Claim(d) {
		t.Error("the newest token was forgotten")
	}
}

func TestOnceGuardConcurrentClaimsLetOneThrough(t *testing.T) {
	g := newOnceGuard(time.Now, onceTTL, onceMaxEntries)
	tok := g.Issue()
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if g.Claim(tok) {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d concurrent claims won, want 1", wins.Load())
	}
}

func TestParseUserAmount(t *testing.T) {
	for in, want := range map[string]float64{
		"10": 10, "+2.05": 2.05, "-10,5": -10.5, "1 000": 1000, "−3.10": -3.1, "0.01": 0.01, "-0,99": -0.99,
	} {
		got, ok := parseUserAmount(in)
		if !ok || got != want {
			t.Errorf("parseUserAmount(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "1.234", "abc", "1e3", "--1", "1.", ".5", "12345678901", "NaN", "1,2,3"} {
		if got, ok := parseUserAmount(in); ok {
			t.Errorf("parseUserAmount(%q) = %v, accepted", in, got)
		}
	}
}

func TestCheckUserPasswordFollowsThePolicy(t *testing.T) {
	l := i18n.For(i18n.EN)
	for _, ok := range []string{"Hh6FXTt%E!Rx*%f3", "Abcdefgh1234!", "aB3$aB3$aB3$aB3$aB3$"} {
		if msg := checkUserPassword(l, ok); msg != "" {
			t.Errorf("%q refused: %s", ok, msg)
		}
	}
	for pw, want := range map[string]string{
		"":                       "Fill in",
		"Ab1!short":              "12 to 20",
		"Abcdefgh1234!Abcdefgh1": "12 to 20",
		"abcdefgh1234!":          "uppercase",
		"ABCDEFGH1234!":          "lowercase",
		"Abcdefghijkl!":          "digit",
		"Abcdefgh12345":          "! @ #",
		"Abcdefgh1234!é":         "Latin",
	} {
		if msg := checkUserPassword(l, pw); !strings.Contains(msg, want) {
			t.Errorf("%q: message %q, want it to mention %q", pw, msg, want)
		}
	}
}

func TestUserFieldChecks(t *testing.T) {
	l := i18n.For(i18n.EN)
	if checkUserEmail(l, "user@test.com") != "" {
		t.Error("a valid login refused")
	}
	for _, bad := range []string{"user", "user@", "@test.com", "User <user@test.com>", "user@test", "a b@test.com", "user@.com"} {
		if checkUserEmail(l, bad) == "" {
			t.Errorf("login %q accepted", bad)
		}
	}
	if got := normalizeUserPhone("+44 (7700) 900-123"); got != "447700900123" {
		t.Errorf("normalizeUserPhone = %q", got)
	}
	if checkUserComment(l, strings.Repeat("ж", 255)) != "" || checkUserComment(l, strings.Repeat("ж", 256)) == "" {
		t.Error("comment length is counted in characters, at most 255")
	}
	if checkUserComment(l, "two\nlines") == "" {
		t.Error("a line break passes as printable")
	}
}

func TestExportDefusesFormulas(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+7": "'+7", "-x": "'-x", "@SUM(A1)": "'@SUM(A1)", "plain": "plain", "": ""} {
		if got := defuseFormula(in); got != want {
			t.Errorf("defuse(%q) = %q, want %q", in, got, want)
		}
	}
	if csvSeparator(i18n.For(i18n.EN)) != ',' || csvSeparator(i18n.For(i18n.RU)) != ';' {
		t.Error("CSV separators: English ',', Russian ';'")
	}
}

func TestUserNameIsHowTheConsoleNamesAUser(t *testing.T) {
	for _, tc := range []struct {
		u    panelclient.User
		want string
	}{
		{panelclient.User{LastName: "Smith", FirstName: "Anna", MiddleName: "Maria", Login: "a@x"}, "Smith Anna Maria"},
		{panelclient.User{LastName: " Smith ", FirstName: "", MiddleName: "\tMaria", Login: "a@x"}, "Smith Maria"},
		{panelclient.User{FirstName: "Anna", Login: "a@x"}, "Anna"},
		{panelclient.User{LastName: "  ", Login: "a@x"}, "a@x"},
		{panelclient.User{LegalType: panelclient.LegalTypeLegalEntity, LegalName: "Acme Ltd", LastName: "Smith", Login: "a@x"}, "Acme Ltd"},
		{panelclient.User{LegalType: panelclient.LegalTypeLegalEntity, LegalName: " ", LastName: "Smith", Login: "a@x"}, "Smith"},
		{panelclient.User{LegalName: "Acme Ltd", FirstName: "Ivan", Login: "a@x"}, "Ivan"},
	} {
		if got := userName(tc.u); got != tc.want {
			t.Errorf("userName(%+v) = %q, want %q", tc.u, got, tc.want)
		}
	}
}
