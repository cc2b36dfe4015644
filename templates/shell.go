// Package templates holds the portal's templ components: the page layout,
// shared pieces (tables, pagers, forms, dialogs) and one file per section.
// Components take view models and never reach the Panel API client.
package templates

import (
	"context"
	"net/url"

	"github.com/navixy-portal/portal/i18n"
)

// Shell is what every page's frame needs: who is signed in, which sections
// they may open, the anti-forgery token, asset URLs and a one-time notice.
type Shell struct {
	Login     string
	Nav       []NavItem
	CSRF      string
	Lang      i18n.Lang
	Path      string // the current URL (path and query), for the language switcher
	CSS       []string
	JS        []string
	RequestID string
	Flash     *Flash
	// Partial is set for an htmx request that wants the content alone.
	Partial bool
	// Reseller is the reseller whose panel the staff member is working in,
	// empty in their own panel.
	Reseller string
	// CanSearch shows the header search box.
	CanSearch bool
	// ChangePassword shows the account menu's "Change password" (a
	// session with password: update, in its own panel).
	ChangePassword bool
	// Dealer is the dealer's title for the header, when known.
	Dealer string
}

// NavItem is one section link of the main navigation.
type NavItem struct {
	Key     string // catalogue key of the label
	Href    string
	Current bool
	TestID  string
}

// Flash is a notice shown once at the top of the next page.
type Flash struct {
	Kind string // ok, bad, warn, info
	Text string
}

type shellKey struct{}

// WithShell puts the page frame's data into the rendering context.
func WithShell(ctx context.Context, s *Shell) context.Context {
	return context.WithValue(ctx, shellKey{}, s)
}

func shell(ctx context.Context) *Shell {
	if s, ok := ctx.Value(shellKey{}).(*Shell); ok {
		return s
	}
	return &Shell{}
}

// t translates a catalogue key in the page's language.
func t(ctx context.Context, key string, args ...any) string { return i18n.T(ctx, key, args...) }

// loc returns the page's localizer for dates, numbers and money.
func loc(ctx context.Context) *i18n.Localizer { return i18n.From(ctx) }

func langName(l i18n.Lang) string {
	if l == i18n.RU {
		return "Русский"
	}
	return "English"
}

// langURL is the switcher's link: /lang?to=ru&next=<current page>.
func langURL(l i18n.Lang, path string) string {
	return "/lang?to=" + string(l) + "&next=" + url.QueryEscape(path)
}

func inputType(t string) string {
	if t == "" {
		return "text"
	}
	return t
}
