package main

import (
	"strings"
	"testing"
)

// TestConfigUserAPIURL: USER_API_URL defaults to PANEL_API_URL without its
// /panel (Navixy serves the user API at …/v2 beside the Panel's …/v2/panel),
// may be set apart, and is refused when it is not an http(s) URL.
func TestConfigUserAPIURL(t *testing.T) {
	cases := []struct {
		panel, user, want string
	}{
		{"https://api.eu.navixy.com/v2/panel", "", "https://api.eu.navixy.com/v2"},
		{"https://api.us.navixy.com/v2/panel/", "", "https://api.us.navixy.com/v2"},
		{"https://api.example.com/panel", "", "https://api.example.com"},
		{"https://panel.example.com/api", "", ""},
		{"https://api.eu.navixy.com/v2/panel", "https://users.example.com/v2/", "https://users.example.com/v2"},
	}
	for _, c := range cases {
		cfg, err := LoadConfig(env(map[string]string{"PANEL_API_URL": c.panel, "USER_API_URL": c.user, "SESSION_KEYS": testKeys}), false)
		if err != nil {
			t.Fatalf("%s %s: %v", c.panel, c.user, err)
		}
		if cfg.UserAPIURL != c.want {
			t.Errorf("%s %s: %q, want %q", c.panel, c.user, cfg.UserAPIURL, c.want)
		}
	}
	for _, bad := range []string{"ftp://x/v2", "/v2", "https://a/v2?hash=x", "https://u:p@a/v2"} {
		_, err := LoadConfig(env(map[string]string{"PANEL_API_URL": "https://a/v2/panel", "USER_API_URL": bad, "SESSION_KEYS": testKeys}), false)
		if err == nil || !strings.Contains(err.Error(), "USER_API_URL") || strings.Contains(err.Error(), "\n") {
			t.Errorf("USER_API_URL %q: %v", bad, err)
		}
	}
	// In -demo the emulator's address is known only later: main derives it.
	d, err := LoadConfig(env(nil), true)
	if err != nil || d.UserAPIURL != "" {
		t.Errorf("demo: %q %v", d.UserAPIURL, err)
	}
}
