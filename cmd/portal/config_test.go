package main

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

const testKeys = "0000000000000000000000000000000000000000000000000000000000000001:00000000000000000000000000000002"

func TestConfigRefusesWithOneLineReason(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no panel url", map[string]string{"SESSION_KEYS": testKeys}, "PANEL_API_URL is required"},
		{"bad panel url", map[string]string{"PANEL_API_URL": "ftp://x", "SESSION_KEYS": testKeys}, "PANEL_API_URL"},
		{"no keys", map[string]string{"PANEL_API_URL": "https://api.eu.navixy.com/v2/panel"}, "SESSION_KEYS is required"},
		{"short hash key", map[string]string{"PANEL_API_URL": "https://a/v2/panel", "SESSION_KEYS": "00ff:00000000000000000000000000000002"}, "hash key"},
		{"bad timeout", map[string]string{"PANEL_API_URL": "https://a/v2/panel", "SESSION_KEYS": testKeys, "PANEL_TIMEOUT": "soon"}, "PANEL_TIMEOUT"},
		{"bad addr", map[string]string{"PANEL_API_URL": "https://a/v2/panel", "SESSION_KEYS": testKeys, "LISTEN_ADDR": "8080"}, "LISTEN_ADDR"},
		{"bad frame origin", map[string]string{"PANEL_API_URL": "https://a/v2/panel", "SESSION_KEYS": testKeys, "FRAME_ANCESTORS": "intranet"}, "FRAME_ANCESTORS"},
		{"half tls", map[string]string{"PANEL_API_URL": "https://a/v2/panel", "SESSION_KEYS": testKeys, "TLS_CERT_FILE": "c.pem"}, "TLS_CERT_FILE and TLS_KEY_FILE"},
		{"user app without hash", map[string]string{"PANEL_API_URL": "https://a/v2/panel", "SESSION_KEYS": testKeys, "USER_APP_URL": "https://x/"}, "{hash}"},
		{"bad log format", map[string]string{"PANEL_API_URL": "https://a/v2/panel", "SESSION_KEYS": testKeys, "LOG_FORMAT": "xml"}, "LOG_FORMAT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadConfig(env(c.env), false)
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want one line containing %q", err, c.want)
			}
		})
	}
}

func TestConfigDefaultsAndDemo(t *testing.T) {
	c, err := LoadConfig(env(map[string]string{"PANEL_API_URL": "https://api.eu.navixy.com/v2/panel/", "SESSION_KEYS": testKeys + " " + testKeys}), false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.PanelTimeout != 30*time.Second || c.SessionIdle != 2*time.Hour || !c.CookieSecure || len(c.SessionKeys) != 2 {
		t.Errorf("defaults: %+v", c)
	}
	if c.PanelAPIURL != "https://api.eu.navixy.com/v2/panel" {
		t.Errorf("trailing slash kept: %q", c.PanelAPIURL)
	}
	d, err := LoadConfig(env(nil), true)
	if err != nil {
		t.Fatal(err)
	}
	if !d.GeneratedKeys || d.CookieSecure || len(d.SessionKeys) != 1 {
		t.Errorf("demo: %+v", d)
	}
}
