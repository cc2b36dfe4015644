package auth

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/klauspost/compress/flate"
)

func testManager(now func() time.Time) *Manager {
	kp, _ := GenerateKeys()
	return NewManager([]KeyPair{kp}, CookieOptions{Idle: 2 * time.Hour}, now)
}

func cookieOf(t testing.TB, m *Manager, s *Session) string {
	t.Helper()
	rec := httptest.NewRecorder()
	if err := m.Save(rec, s); err != nil {
		t.Fatal(err)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == CookieName {
			return c.Value
		}
	}
	t.Fatal("no session cookie written")
	return ""
}

func load(m *Manager, value string) (*Session, error) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: CookieName, Value: value})
	return m.Load(r)
}

func TestSessionRoundTripAndCookieAttributes(t *testing.T) {
	m := testManager(nil)
	s := m.NewSession("0123456789abcdef0123456789abcdef", "admin", Permissions{"users": {"read"}})
	rec := httptest.NewRecorder()
	if err := m.Save(rec, s); err != nil {
		t.Fatal(err)
	}
	c := rec.Result().Cookies()[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.MaxAge <= 0 || c.MaxAge > int(PanelSessionLife/time.Second) {
		t.Errorf("cookie attributes: %+v", c)
	}
	if strings.Contains(c.Value, s.Hash) || strings.Contains(c.Value, "admin") {
		t.Error("the cookie shows its content: it must be encrypted")
	}
	got, err := load(m, c.Value)
	if err != nil || got.Hash != s.Hash || !got.Perms.Can("users", "read") || got.Perms.Can("users", "update") {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	emb := NewManager(m.keysForTest(), CookieOptions{Embedded: true}, nil)
	rec = httptest.NewRecorder()
	_ = emb.Save(rec, s)
	c = rec.Result().Cookies()[0]
	if c.SameSite != http.SameSiteNoneMode || !c.Secure || !c.Partitioned {
		t.Errorf("embedded cookie: %+v", c)
	}
}

func TestThousandRandomAndMutatedCookiesAreRefused(t *testing.T) {
	m := testManager(nil)
	good := cookieOf(t, m, m.NewSession("0123456789abcdef0123456789abcdef", "admin", nil))
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 1000; i++ {
		var v string
		switch i % 4 {
		case 0: // random bytes
			b := make([]byte, rnd.IntN(400))
			for j := range b {
				b[j] = byte(rnd.UintN(256))
			}
			v = base64.URLEncoding.EncodeToString(b)
		case 1: // one flipped character
			b := []byte(good)
			k := rnd.IntN(len(b))
			b[k] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="[rnd.IntN(65)]
			if string(b) == good {
				continue
			}
			v = string(b)
		case 2: // cut short or extended
			v = good[:rnd.IntN(len(good))] + strings.Repeat("A", rnd.IntN(3))
		case 3: // pieces of the good cookie shuffled
			parts := strings.Split(good, "|")
			rnd.Shuffle(len(parts), func(a, b int) { parts[a], parts[b] = parts[b], parts[a] })
			v = strings.Join(parts, "|") + "x"
		}
		if v == good {
			continue
		}
		if s, err := load(m, v); err == nil {
			t.Fatalf("cookie %d accepted: %q -> %+v", i, v, s)
		}
	}
}

func TestSessionTimes(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	m := testManager(clock)
	v := cookieOf(t, m, m.NewSession("0123456789abcdef0123456789abcdef", "admin", nil))
	now = now.Add(119 * time.Minute)
	if _, err := load(m, v); err != nil {
		t.Fatalf("within idle time: %v", err)
	}
	now = now.Add(2 * time.Minute)
	if _, err := load(m, v); err != ErrExpired {
		t.Fatalf("past idle time: %v", err)
	}
	// Used every hour, the session still ends 24 h after login.
	now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := m.NewSession("0123456789abcdef0123456789abcdef", "admin", nil)
	var last string
	for i := 0; i < 23; i++ {
		now = now.Add(time.Hour)
		last = cookieOf(t, m, s)
		if _, err := load(m, last); err != nil {
			t.Fatalf("hour %d: %v", i+1, err)
		}
	}
	now = now.Add(time.Hour)
	if _, err := load(m, last); err == nil {
		t.Fatal("the session outlived the Panel session")
	}
	if err := m.Save(httptest.NewRecorder(), s); err == nil {
		t.Fatal("a session past 24 hours was written again")
	}
}

func TestParseKeys(t *testing.T) {
	kp, text := GenerateKeys()
	keys, err := ParseKeys(" " + text + " ,\n" + text)
	if err != nil || len(keys) != 2 || string(keys[0].Hash) != string(kp.Hash) {
		t.Fatalf("%v %d", err, len(keys))
	}
	b64 := base64.StdEncoding.EncodeToString(kp.Hash) + ":" + base64.StdEncoding.EncodeToString(kp.Block)
	if _, err := ParseKeys(b64); err != nil {
		t.Errorf("base64 pair: %v", err)
	}
	for _, bad := range []string{"", "abc", "00:00", strings.Repeat("0", 64) + ":" + strings.Repeat("0", 10)} {
		if _, err := ParseKeys(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestThrottleGrowsAndForgivesOnSuccess(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := NewThrottle(func() time.Time { return now })
	for i := 0; i < 5; i++ {
		if th.Wait("1.2.3.4", "admin") != 0 {
			t.Fatalf("waited after %d failures", i)
		}
		th.Fail("1.2.3.4", "admin")
	}
	th.Fail("1.2.3.4", "admin")
	first := th.Wait("1.2.3.4", "admin")
	th.Fail("1.2.3.4", "admin")
	second := th.Wait("1.2.3.4", "admin")
	if first <= 0 || second <= first {
		t.Fatalf("waits %v then %v: should grow", first, second)
	}
	// Another address trying the same login waits too; the same address
	// trying another login waits too.
	if th.Wait("5.6.7.8", "admin") == 0 || th.Wait("1.2.3.4", "other") == 0 {
		t.Error("the throttle is not per login and per address")
	}
	th.Succeed("admin")
	if th.Wait("5.6.7.8", "admin") != 0 {
		t.Error("success did not clear the login")
	}
	now = now.Add(time.Hour)
	if th.Wait("1.2.3.4", "x") != 0 {
		t.Error("waits never end")
	}
}

func FuzzSessionCookie(f *testing.F) {
	m := testManager(nil)
	f.Add(cookieOf(f, m, m.NewSession("0123456789abcdef0123456789abcdef", "admin", Permissions{"users": {"read"}})))
	f.Add("")
	f.Add("MTY5|abc|def")
	f.Add(strings.Repeat("A", 5000))
	f.Fuzz(func(t *testing.T, v string) {
		s, err := load(m, v)
		if err == nil && (s.Hash == "" || s.CSRF == "") {
			t.Fatalf("accepted an empty session from %q", v)
		}
	})
}

// TestRememberedCookieIsCheckedLikeANewOne: a cookie decoded before is not
// decoded again, but its session still ends on time, a copy is handed out,
// and the memory it takes stays bounded.
func TestRememberedCookieIsCheckedLikeANewOne(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	m := testManager(func() time.Time { return now })
	s := m.NewSession("0123456789abcdef0123456789abcdef", "admin", Permissions{"users": {"read"}})
	value := cookieOf(t, m, s)
	first, err := load(m, value)
	if err != nil {
		t.Fatal(err)
	}
	first.Login = "changed by a handler"
	again, err := load(m, value)
	if err != nil || again.Login != "admin" || again.Hash != s.Hash {
		t.Fatalf("second load: %+v, %v", again, err)
	}

	now = now.Add(2*time.Hour + time.Second) // idle
	if _, err := load(m, value); err != ErrExpired {
		t.Fatalf("idle session from a remembered cookie: %v", err)
	}

	// A tampered copy of a remembered cookie is still refused.
	tampered := value[:len(value)-2] + "AA"
	if tampered == value {
		tampered = value[:len(value)-2] + "BB"
	}
	if _, err := load(m, tampered); err != ErrInvalid {
		t.Fatalf("tampered cookie: %v", err)
	}

	now = now.Add(-2 * time.Hour)
	for i := range maxDecodedSessions + 50 {
		sess := m.NewSession("0123456789abcdef0123456789abcdef", "staff"+strings.Repeat("x", i%7), Permissions{"users": {"read"}})
		if _, err := load(m, cookieOf(t, m, sess)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(m.decoded.m); n > maxDecodedSessions {
		t.Fatalf("%d sessions remembered, at most %d", n, maxDecodedSessions)
	}
}

// everyPermission is a session holding every permission the Panel API
// names: the largest cookie a staff member carries.
var everyPermission = Permissions{
	"accounting": {"generate"}, "activation_code": {"create", "read", "update"}, "base": {"get_dealer_info"},
	"email_gateways": {"create", "delete", "read", "send_email", "update"}, "notification_settings": {"read", "update"},
	"password": {"update"}, "service_settings": {"read", "update"}, "sms": {"create"},
	"subpaas": {"create", "delete", "read", "update"}, "tariffs": {"create", "read", "update"},
	"tracker_bundles": {"create", "read", "update"}, "trackers": {"corrupt", "create", "delete", "global", "read", "report", "update"},
	"transactions": {"create", "read", "update"}, "user_sessions": {"create", "global"},
	"users": {"corrupt", "create", "delete", "global", "read", "update"},
}

// TestCookieIsDeflated: a session with every permission, and the parent
// session of a reseller's panel, fits a cookie of under a kilobyte (it
// was 1.6 KB as plain JSON with one session), and reads back whole.
func TestCookieIsDeflated(t *testing.T) {
	m := testManager(nil)
	s := m.NewSession("0123456789abcdef0123456789abcdef", "admin", everyPermission)
	s.DealerID, s.DealerTitle = 7, "Navixy Demo Dealer"
	value := cookieOf(t, m, s)
	if len(value) > 1000 {
		t.Errorf("the session cookie takes %d bytes", len(value))
	}
	got, err := load(m, value)
	if err != nil || got.Hash != s.Hash || got.DealerTitle != s.DealerTitle || len(got.Perms) != len(everyPermission) || !got.Perms.Can("users", "corrupt") {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
}

// TestPlainJSONCookieStillReads: a cookie written before sessions were
// deflated (plain JSON under the same keys) still signs its holder in.
func TestPlainJSONCookieStillReads(t *testing.T) {
	m := testManager(nil)
	s := m.NewSession("0123456789abcdef0123456789abcdef", "admin", everyPermission)
	s.Seen = m.Now()
	var flat [][]byte
	for _, k := range m.keysForTest() {
		flat = append(flat, k.Hash, k.Block)
	}
	old := securecookie.New(flat[0], flat[1]).SetSerializer(securecookie.JSONEncoder{})
	value, err := old.Encode(CookieName, s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := load(m, value)
	if err != nil || got.Hash != s.Hash || !got.Perms.Can("trackers", "report") {
		t.Fatalf("plain JSON cookie: %+v, %v", got, err)
	}
}

// TestInflatedSessionIsBounded: a deflated session that would inflate past
// maxSessionJSON is refused rather than read into memory.
func TestInflatedSessionIsBounded(t *testing.T) {
	big := `{"l":"` + strings.Repeat("a", maxSessionJSON) + `"}`
	var b bytes.Buffer
	b.WriteByte(0)
	if err := flate.StatelessDeflate(&b, []byte(big), true, nil); err != nil {
		t.Fatal(err)
	}
	var s Session
	if err := (deflatedJSON{}).Deserialize(b.Bytes(), &s); err == nil {
		t.Fatal("a session past the bound was read")
	}
	small, err := deflatedJSON{}.Serialize(Session{Login: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if err := (deflatedJSON{}).Deserialize(small, &s); err != nil || s.Login != "admin" {
		t.Fatalf("a small session: %+v, %v", s, err)
	}
}
