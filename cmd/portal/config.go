package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/handlers"
	"github.com/navixy-portal/portal/panelclient"
)

// Config is every setting of the portal, read once from the environment.
// Each field names its variable; the README lists them with their defaults.
type Config struct {
	Addr           string        // LISTEN_ADDR, default 127.0.0.1:8080
	PanelAPIURL    string        // PANEL_API_URL, e.g. https://api.eu.navixy.com/v2/panel
	PanelTimeout   time.Duration // PANEL_TIMEOUT, default 30s
	UserAPIURL     string        // USER_API_URL (bulk activation), default PANEL_API_URL without its /panel
	SessionKeys    []auth.KeyPair
	SessionIdle    time.Duration // SESSION_IDLE, default 2h
	CookieSecure   bool          // COOKIE_SECURE, default true
	FrameAncestors []string      // FRAME_ANCESTORS, space-separated origins
	TLSCertFile    string        // TLS_CERT_FILE
	TLSKeyFile     string        // TLS_KEY_FILE
	TrustProxy     bool          // TRUST_PROXY
	UserAppURL     string        // USER_APP_URL
	// TrackerRegisterURL and TrackerSettingsURL open the owner's web
	// application at tracker registration and at one tracker's settings.
	TrackerRegisterURL string // TRACKER_REGISTER_URL
	TrackerSettingsURL string // TRACKER_SETTINGS_URL
	// ConsoleWSURL is the Panel's air console socket; derived from
	// PANEL_API_URL for Navixy's own servers, the emulator's in -demo.
	ConsoleWSURL string // CONSOLE_WS_URL
	// BrandingImageURL locates branding images by path ({path}); the
	// emulator's in -demo.
	BrandingImageURL string // BRANDING_IMAGE_URL
	LogFormat        string // LOG_FORMAT: json (default) or text
	LogLevel         string // LOG_LEVEL: debug, info (default), warn, error

	// GeneratedKeys is set when -demo made session keys up.
	GeneratedKeys bool
}

// defaultUserAppURL opens a user's web application, as the official
// console's "Log in as user" does.
const defaultUserAppURL = "https://{domain}/pro/?session_key={hash}"

// LoadConfig reads the configuration. In demo mode PANEL_API_URL and
// SESSION_KEYS may be missing (the built-in emulator and fresh keys stand
// in) and cookies go over plain http on loopback. The error is one line
// that names the variable at fault.
func LoadConfig(getenv func(string) string, demo bool) (*Config, error) {
	c := &Config{
		Addr:               or(getenv("LISTEN_ADDR"), "127.0.0.1:8080"),
		PanelAPIURL:        strings.TrimRight(getenv("PANEL_API_URL"), "/"),
		UserAPIURL:         strings.TrimRight(strings.TrimSpace(getenv("USER_API_URL")), "/"),
		TLSCertFile:        getenv("TLS_CERT_FILE"),
		TLSKeyFile:         getenv("TLS_KEY_FILE"),
		UserAppURL:         or(getenv("USER_APP_URL"), defaultUserAppURL),
		TrackerRegisterURL: or(getenv("TRACKER_REGISTER_URL"), handlers.DefaultTrackerRegisterURL),
		TrackerSettingsURL: or(getenv("TRACKER_SETTINGS_URL"), handlers.DefaultTrackerSettingsURL),
		ConsoleWSURL:       strings.TrimSpace(getenv("CONSOLE_WS_URL")),
		BrandingImageURL:   strings.TrimSpace(getenv("BRANDING_IMAGE_URL")),
		LogFormat:          or(getenv("LOG_FORMAT"), "json"),
		LogLevel:           or(getenv("LOG_LEVEL"), "info"),
		CookieSecure:       !demo,
	}
	var err error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return nil, fmt.Errorf("LISTEN_ADDR %q is not host:port", c.Addr)
	}
	if c.PanelTimeout, err = duration(getenv, "PANEL_TIMEOUT", 30*time.Second); err != nil {
		return nil, err
	}
	if c.SessionIdle, err = duration(getenv, "SESSION_IDLE", 2*time.Hour); err != nil {
		return nil, err
	}
	if c.CookieSecure, err = boolean(getenv, "COOKIE_SECURE", c.CookieSecure); err != nil {
		return nil, err
	}
	if c.TrustProxy, err = boolean(getenv, "TRUST_PROXY", false); err != nil {
		return nil, err
	}
	if c.PanelAPIURL == "" && !demo {
		return nil, errors.New("PANEL_API_URL is required (e.g. https://api.eu.navixy.com/v2/panel), or run with -demo")
	}
	if c.PanelAPIURL != "" {
		u, err := url.Parse(c.PanelAPIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("PANEL_API_URL %q is not an http(s) URL", c.PanelAPIURL)
		}
	}
	if c.UserAPIURL != "" {
		u, err := url.Parse(c.UserAPIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.User != nil {
			return nil, fmt.Errorf("USER_API_URL %q is not an http(s) URL like https://api.eu.navixy.com/v2", c.UserAPIURL)
		}
	} else {
		// "" when PANEL_API_URL does not end in /panel (or, in -demo, is
		// not known yet): main derives it once the emulator runs, and
		// bulk activation stays off without one.
		c.UserAPIURL = panelclient.DefaultUserAPIURL(c.PanelAPIURL)
	}
	if keys := getenv("SESSION_KEYS"); keys != "" {
		if c.SessionKeys, err = auth.ParseKeys(keys); err != nil {
			return nil, fmt.Errorf("SESSION_KEYS: %v", err)
		}
	} else if demo {
		kp, _ := auth.GenerateKeys()
		c.SessionKeys, c.GeneratedKeys = []auth.KeyPair{kp}, true
	} else {
		return nil, errors.New("SESSION_KEYS is required: one or more HASHKEY:BLOCKKEY pairs (make keys prints one)")
	}
	for _, o := range strings.Fields(getenv("FRAME_ANCESTORS")) {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, fmt.Errorf("FRAME_ANCESTORS: %q is not an origin like https://intranet.example.com", o)
		}
		c.FrameAncestors = append(c.FrameAncestors, u.Scheme+"://"+u.Host)
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		return nil, errors.New("TLS_CERT_FILE and TLS_KEY_FILE must be set together")
	}
	if len(c.FrameAncestors) > 0 && !c.CookieSecure {
		return nil, errors.New("FRAME_ANCESTORS needs secure cookies: serve TLS or sit behind a TLS proxy (COOKIE_SECURE=true)")
	}
	if !strings.Contains(c.UserAppURL, "{hash}") {
		return nil, errors.New("USER_APP_URL must contain the {hash} placeholder")
	}
	if !strings.Contains(c.TrackerRegisterURL, "{hash}") {
		return nil, errors.New("TRACKER_REGISTER_URL must contain the {hash} placeholder")
	}
	if !strings.Contains(c.TrackerSettingsURL, "{hash}") {
		return nil, errors.New("TRACKER_SETTINGS_URL must contain the {hash} placeholder")
	}
	if c.ConsoleWSURL == "" {
		c.ConsoleWSURL = consoleURLFor(c.PanelAPIURL)
	}
	if c.ConsoleWSURL != "" {
		u, err := url.Parse(c.ConsoleWSURL)
		if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
			return nil, fmt.Errorf("CONSOLE_WS_URL %q is not a ws:// or wss:// address", c.ConsoleWSURL)
		}
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		return nil, fmt.Errorf("LOG_FORMAT %q: use json or text", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return nil, fmt.Errorf("LOG_LEVEL %q: use debug, info, warn or error", c.LogLevel)
	}
	return c, nil
}

// consoleURLFor is the air console socket of Navixy's own Panel API
// servers (the docs name panel.navixy.com for EU, panel.us.navixy.com for
// US); "" for any other API address, which then needs CONSOLE_WS_URL.
func consoleURLFor(apiURL string) string {
	u, err := url.Parse(apiURL)
	if err != nil {
		return ""
	}
	switch u.Hostname() {
	case "api.eu.navixy.com", "api.navixy.com":
		return "wss://panel.navixy.com/console"
	case "api.us.navixy.com":
		return "wss://panel.us.navixy.com/console"
	}
	return ""
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func duration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s %q is not a positive duration like 30s or 2h", name, v)
	}
	return d, nil
}

func boolean(getenv func(string) string, name string, def bool) (bool, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s %q is not true or false", name, v)
	}
	return b, nil
}
