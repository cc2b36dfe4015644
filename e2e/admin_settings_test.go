package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/navixy-portal/portal/portaltest"
)

// settingsPNG writes a small PNG file for the upload.
func settingsPNG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 24))
	for x := range 64 {
		for y := range 24 {
			img.Set(x, y, color.RGBA{uint8(x * 4), 90, 160, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "logo.png")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBrowserSettingsLogoAndServiceTitle: upload a logo and see its
// preview; change a service setting and see it after a reload.
func TestBrowserSettingsLogoAndServiceTitle(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	tb.do(
		chromedp.Click(sel("nav-settings")),
		chromedp.WaitVisible(sel("settings-form-branding")),
	)
	if tb.count(`img[data-testid="image-preview-document_logo"]`) != 0 {
		t.Fatal("the document logo slot is not empty to begin with")
	}
	tb.do(
		chromedp.SetUploadFiles(sel("image-file-document_logo"), []string{settingsPNG(t)}),
		chromedp.Click(sel("image-upload-document_logo")),
		chromedp.WaitVisible(sel("image-preview-document_logo")),
	)
	// The preview is the uploaded image, loaded through the portal.
	tb.waitJS(`(() => { const i = document.querySelector('[data-testid="image-preview-document_logo"]'); return i.complete && i.naturalWidth === 64 && i.naturalHeight === 24 })()`, 10*time.Second)
	if got := tb.text(sel("flash")); !strings.Contains(got, "uploaded") {
		t.Errorf("flash %q", got)
	}

	tb.do(
		usersVoid(chromedp.Evaluate[bool](`(document.querySelector('[data-testid="field-service_title"]').value = '', true)`)),
		chromedp.SendKeys(sel("field-service_title"), "Browser Tracking"),
		chromedp.Click(sel("settings-save-branding")),
	)
	tb.waitJS(`document.querySelector('[data-testid="flash"]').textContent.includes('Branding saved')`, 10*time.Second)
	tb.do(chromedp.Reload(), chromedp.WaitVisible(sel("field-service_title")))
	v, err := chromedp.Run(tb.ctx, chromedp.Value(sel("field-service_title")))
	if err != nil || v != "Browser Tracking" {
		t.Errorf("after reload the title reads %q (%v)", v, err)
	}
	tb.noDialogs()
}

// TestBrowserMenuPresetCreateAndAssign: create a preset in the editor and
// assign it to a user.
func TestBrowserMenuPresetCreateAndAssign(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	tb.do(
		chromedp.Navigate(env.URL+"/settings"),
		chromedp.Click(sel("settings-menus")),
		chromedp.WaitVisible(sel("menus-table")),
		chromedp.Click(sel("menu-create")),
		chromedp.WaitVisible(sel("menu-form")),
		chromedp.SendKeys(sel("field-title"), "Browser crew"),
		chromedp.SendKeys(sel("row-0-item"), "Jobs"),
		chromedp.SetValue(sel("row-0-destination"), "tasks"),
		chromedp.SetValue(sel("row-1-destination"), "forms"),
		chromedp.SendKeys(sel("row-1-item"), "Jobs"),
		chromedp.Click(sel("menu-save")),
		chromedp.WaitVisible(sel("menu-preset-title")),
	)
	if got := tb.text(sel("menu-preset-title")); !strings.Contains(got, "Browser crew") {
		t.Fatalf("preset page title %q", got)
	}
	loc := tb.location()
	id, _ := strconv.Atoi(loc[strings.LastIndex(loc, "/")+1:])
	tb.do(
		chromedp.Click(sel("assign-users")),
		chromedp.SendKeys(sel("field-ids"), "40"),
		chromedp.Click(sel("menu-assign-submit")),
	)
	tb.waitJS(`!!document.querySelector('[data-testid="flash"]') && document.querySelector('[data-testid="flash"]').textContent.includes('assigned to 1 users')`, 10*time.Second)
	if n := tb.count(`[data-testid="menu-user"][href="/users/40"]`); n != 1 {
		t.Errorf("user 40 is not listed on the preset (%d)", n)
	}
	if u, _ := env.Sim.Store().User(40); u.MenuPresetID == nil || *u.MenuPresetID != id {
		t.Errorf("user 40's preset is %v, want %d", u.MenuPresetID, id)
	}
	tb.noDialogs()
}

// TestBrowserResellerPanelAndReturn: open a reseller's panel, see the
// banner with its name, and return to one's own.
func TestBrowserResellerPanelAndReturn(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	tb.do(
		chromedp.Click(sel("nav-resellers")),
		chromedp.WaitVisible(sel("resellers-table")),
		chromedp.Click(chromedp.CSS(`[data-testid="reseller-row"][data-id="5002"] [data-testid="reseller-title"]`)),
		chromedp.WaitVisible(sel("reseller-open")),
		chromedp.Click(sel("reseller-open")),
		chromedp.WaitVisible(sel("reseller-banner")),
	)
	if got := tb.text(sel("reseller-banner")); !strings.Contains(got, "Northstar Telematics") {
		t.Errorf("banner %q", got)
	}
	if got := tb.text(sel("whoami")); got != "Northstar Telematics" {
		t.Errorf("whoami %q", got)
	}
	tb.do(
		chromedp.Click(chromedp.CSS(`[data-testid="reseller-banner"] button`)),
		chromedp.WaitVisible(sel("resellers-table")),
	)
	if n := tb.count(`[data-testid="reseller-banner"]`); n != 0 {
		t.Error("the banner stays after returning")
	}
	if got := tb.text(sel("whoami")); got != "admin" {
		t.Errorf("back as %q", got)
	}
	tb.noDialogs()
}

// TestBrowserSettingsReadOnlyForTech: tech sees the settings without any
// control to change them.
func TestBrowserSettingsReadOnlyForTech(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("tech", "tech")
	tb.do(
		chromedp.Click(sel("nav-settings")),
		chromedp.WaitVisible(sel("settings-readonly")),
	)
	for _, css := range []string{"form[data-testid^=settings-form]", "input[type=file]", `[data-testid^="image-delete"]`, "main button[type=submit]"} {
		if n := tb.count(css); n != 0 {
			t.Errorf("%d %s for tech", n, css)
		}
	}
	if got := tb.text(sel("value-service_title")); got == "" {
		t.Error("the service title is not shown")
	}
	tb.noDialogs()
}
