package handlers_test

import (
	"os"
	"testing"

	"github.com/navixy-portal/portal/portaltest"
)

func TestSettingsSmoke(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	p := b.Get("/settings")
	os.WriteFile("/tmp/settings.html", []byte(p.Body), 0o644)
	t.Logf("status %d", p.Status)
}
