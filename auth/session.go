// Package auth keeps a staff member's Panel session in an encrypted,
// authenticated cookie, checks Panel permissions, guards forms against
// cross-site requests and slows down password guessing.
//
// The portal has no server-side session store: the cookie carries the Panel
// session hash, the login, the permissions and the times the session was
// issued and last used. Any number of portal replicas that share the same
// keys share sessions.
package auth

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/klauspost/compress/flate"
)

// PanelSessionLife is how long a Panel API session lives from its creation.
// A staff cookie never outlives it.
const PanelSessionLife = 24 * time.Hour

// CookieName is the staff session cookie.
const CookieName = "portal_session"

// Session is what the cookie carries for one signed-in staff member.
type Session struct {
	Hash   string      `json:"h"`
	Login  string      `json:"l"`
	Perms  Permissions `json:"p"`
	Issued time.Time   `json:"i"`
	Seen   time.Time   `json:"s"`
	CSRF   string      `json:"c"`
	// DealerID and DealerTitle name the dealer whose panel this is, for the
	// header and the audit log.
	DealerID    int    `json:"d,omitempty"`
	DealerTitle string `json:"t,omitempty"`
	// Parent is the staff member's own Panel session while they work inside
	// a reseller's panel; "return to my panel" restores it.
	Parent *Session `json:"o,omitempty"`
}

// KeyPair is one hash key (authentication) and one block key (encryption).
type KeyPair struct {
	Hash  []byte
	Block []byte
}

// ParseKeys reads SESSION_KEYS: one or more pairs separated by spaces or
// commas, each "HASHKEY:BLOCKKEY" in hex or standard base64. The hash key
// must be 32 or 64 bytes, the block key 16, 24 or 32 (AES-128/192/256).
// The first pair encodes new cookies; every pair decodes, so a new pair can
// be put first without signing anyone out.
func ParseKeys(s string) ([]KeyPair, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '\t' })
	if len(fields) == 0 {
		return nil, errors.New("no key pair given")
	}
	var pairs []KeyPair
	for i, f := range fields {
		hk, bk, ok := strings.Cut(f, ":")
		if !ok {
			return nil, fmt.Errorf("pair %d is not HASHKEY:BLOCKKEY", i+1)
		}
		h, err := decodeKey(hk)
		if err != nil || (len(h) != 32 && len(h) != 64) {
			return nil, fmt.Errorf("pair %d: the hash key must be 32 or 64 bytes in hex or base64", i+1)
		}
		b, err := decodeKey(bk)
		if err != nil || (len(b) != 16 && len(b) != 24 && len(b) != 32) {
			return nil, fmt.Errorf("pair %d: the block key must be 16, 24 or 32 bytes in hex or base64", i+1)
		}
		pairs = append(pairs, KeyPair{Hash: h, Block: b})
	}
	return pairs, nil
}

func decodeKey(s string) ([]byte, error) {
	if b, err := hex.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.StdEncoding.DecodeString(s)
}

// GenerateKeys makes a fresh random key pair and its SESSION_KEYS text.
func GenerateKeys() (KeyPair, string) {
	kp := KeyPair{Hash: randomBytes(64), Block: randomBytes(32)}
	return kp, hex.EncodeToString(kp.Hash) + ":" + hex.EncodeToString(kp.Block)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("auth: the system random source failed: " + err.Error())
	}
	return b
}

// RandomToken returns an unguessable URL-safe token.
func RandomToken() string { return base64.RawURLEncoding.EncodeToString(randomBytes(24)) }

// CookieOptions say how the portal's cookies are sent.
type CookieOptions struct {
	// Secure marks cookies Secure. Off only for the plain-http loopback demo.
	Secure bool
	// Embedded makes cookies SameSite=None; Secure; Partitioned so the
	// portal works inside an intranet page's cross-site iframe.
	Embedded bool
	// Idle signs a staff member out after this long without a request.
	Idle time.Duration
}

// Manager reads and writes the staff session cookie.
type Manager struct {
	keys    []KeyPair
	codecs  []securecookie.Codec
	opts    CookieOptions
	now     func() time.Time
	decoded decodedSessions
}

// decodedSessions remembers the sessions of recently seen cookies.
// Decoding a cookie (HMAC check, AES, JSON with the permission map) costs
// about a tenth of a page's work, and a staff member sends the same cookie
// with every request until it is rewritten (at most once a minute). Only
// cookies that passed the check are kept, keyed by their whole value; the
// age checks of Load still run on every request. Kept sessions are never
// modified: Load hands out a copy.
type decodedSessions struct {
	mu sync.Mutex
	m  map[string]*Session
}

// maxDecodedSessions bounds the memory decodedSessions holds (a few KB a
// session); a full set forgets one at random for each new cookie.
const maxDecodedSessions = 1024

func (d *decodedSessions) get(cookie string) (Session, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.m[cookie]; ok {
		return *s, true
	}
	return Session{}, false
}

func (d *decodedSessions) put(cookie string, s Session) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil {
		d.m = make(map[string]*Session)
	}
	if len(d.m) >= maxDecodedSessions {
		for k := range d.m {
			delete(d.m, k)
			break
		}
	}
	d.m[cookie] = &s
}

// Errors from Load. A request that meets any of them goes to the login page.
var (
	ErrNoSession = errors.New("no staff session")
	ErrInvalid   = errors.New("the session cookie is not valid")
	ErrExpired   = errors.New("the staff session has ended")
)

// NewManager builds a manager from the key pairs (the first encodes).
func NewManager(keys []KeyPair, opts CookieOptions, now func() time.Time) *Manager {
	var flat [][]byte
	for _, k := range keys {
		flat = append(flat, k.Hash, k.Block)
	}
	// sessions.CookieStore builds the codecs exactly as gorilla/sessions
	// would for its own cookies; we keep the codecs and encode our typed
	// session with them.
	store := sessions.NewCookieStore(flat...)
	for _, c := range store.Codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.MaxAge(int(PanelSessionLife / time.Second))
			sc.SetSerializer(deflatedJSON{})
		}
	}
	if now == nil {
		now = time.Now
	}
	if opts.Idle <= 0 {
		opts.Idle = 2 * time.Hour
	}
	return &Manager{keys: keys, codecs: store.Codecs, opts: opts, now: now}
}

// Now is the manager's clock.
func (m *Manager) Now() time.Time { return m.now() }

// Load decodes and checks the request's session cookie.
func (m *Manager) Load(r *http.Request) (*Session, error) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return nil, ErrNoSession
	}
	s, known := m.decoded.get(c.Value)
	if !known {
		if err := securecookie.DecodeMulti(CookieName, c.Value, &s, m.codecs...); err != nil {
			return nil, ErrInvalid
		}
		if s.Hash == "" || s.CSRF == "" || s.Issued.IsZero() {
			return nil, ErrInvalid
		}
		m.decoded.put(c.Value, s)
	}
	now := m.now()
	if now.Sub(s.Issued) >= PanelSessionLife || now.Before(s.Issued.Add(-5*time.Minute)) {
		return nil, ErrExpired
	}
	if now.Sub(s.Seen) >= m.opts.Idle {
		return nil, ErrExpired
	}
	return &s, nil
}

// NeedsRefresh reports whether the cookie should be rewritten to move the
// idle deadline; it is rewritten at most once a minute.
func (m *Manager) NeedsRefresh(s *Session) bool { return m.now().Sub(s.Seen) >= time.Minute }

// Save writes the session cookie. Its lifetime ends with the Panel session.
func (m *Manager) Save(w http.ResponseWriter, s *Session) error {
	s.Seen = m.now()
	v, err := securecookie.EncodeMulti(CookieName, s, m.codecs...)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	left := s.Issued.Add(PanelSessionLife).Sub(m.now())
	if left <= 0 {
		m.Clear(w)
		return ErrExpired
	}
	http.SetCookie(w, m.cookie(CookieName, v, int(left/time.Second)))
	return nil
}

// Clear removes the session cookie.
func (m *Manager) Clear(w http.ResponseWriter) {
	http.SetCookie(w, m.cookie(CookieName, "", -1))
}

// cookie builds a cookie with the portal's attributes.
func (m *Manager) cookie(name, value string, maxAge int) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true, Secure: m.opts.Secure, SameSite: http.SameSiteLaxMode}
	if m.opts.Embedded {
		c.Secure = true
		c.SameSite = http.SameSiteNoneMode
		c.Partitioned = true
	}
	return c
}

// NewSession starts a staff session after a successful Panel login.
func (m *Manager) NewSession(hash, login string, perms Permissions) *Session {
	now := m.now()
	return &Session{Hash: hash, Login: login, Perms: perms, Issued: now, Seen: now, CSRF: RandomToken()}
}

// deflatedJSON is how a session goes into its cookie: JSON, deflated. A
// browser sends the cookie with every request; the permission map is most
// of it and repeats the same few operation names, so deflate takes the
// cookie from about 1.6 KB to about 0.8 KB. The deflated form starts with
// a zero byte, which JSON never does, so a cookie written as plain JSON
// before still reads. Only cookies that passed the HMAC check (made with
// the portal's keys) are inflated, and never past maxSessionJSON bytes.
type deflatedJSON struct{}

// maxSessionJSON bounds an inflated session: a real one is a few KB.
const maxSessionJSON = 64 << 10

func (deflatedJSON) Serialize(src any) ([]byte, error) {
	js, err := json.Marshal(src)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteByte(0)
	if err := flate.StatelessDeflate(&b, js, true, nil); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (deflatedJSON) Deserialize(src []byte, dst any) error {
	if len(src) == 0 || src[0] != 0 {
		return json.Unmarshal(src, dst)
	}
	zr := flate.NewReader(bytes.NewReader(src[1:]))
	defer zr.Close()
	js, err := io.ReadAll(io.LimitReader(zr, maxSessionJSON+1))
	if err != nil {
		return err
	}
	if len(js) > maxSessionJSON {
		return errors.New("session too large")
	}
	return json.Unmarshal(js, dst)
}

// keysForTest returns the manager's codecs' source keys; used by tests to
// build a second manager with the same keys.
func (m *Manager) keysForTest() []KeyPair { return m.keys }
