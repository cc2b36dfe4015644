package templates

import (
	"context"
	"io"

	"github.com/a-h/templ"

	"github.com/navixy-portal/portal/i18n"
)

// The page frame (document head, header, banner, flash and footer) is
// written by hand, like the rows and the list links: every full page
// carries it, and templ's code spent as long on its sixty-odd expressions
// (a context lookup, a resolve and an escape each) as on fifty table rows.
// The markup is the frame's only definition; it is what the .templ file
// produced, and layout_test.go checks the parts a mistake could break.

// htmxConfig keeps htmx within the Content-Security-Policy (no eval, no
// inline styles or scripts), lets a form answered with 422 swap in with
// its field errors, and shows other failures: the error handler answers an
// htmx request with a notice retargeted to #flash, which must be swapped in
// (the rest of the page, and what was typed, stay).
const htmxConfig = `{"allowEval":false,"allowScriptTags":false,"includeIndicatorStyles":false,"historyCacheSize":0,"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"422","swap":true},{"code":"[45]..","swap":true,"error":true}]}`

// htmxConfigAttr is htmxConfig escaped for its attribute, once.
var htmxConfigAttr = func() string {
	h := htmlWriter{}
	h.text(htmxConfig)
	return string(h.out)
}()

// Page is the full HTML document around a page's content; for an htmx
// partial request it renders the content alone.
func Page(title string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		children := templ.GetChildren(ctx)
		ctx = templ.ClearChildren(ctx)
		s, l := shell(ctx), i18n.From(ctx)
		h := newHTMLWriter()
		if s.Partial {
			h.pageTitle(l, title)
			if err := h.writeTo(w); err != nil {
				return err
			}
			return children.Render(ctx, w)
		}
		// The frame's spans that are the same on many pages are marked
		// (see shared_markup.go): the head up to the title, in a language;
		// the style sheets and scripts, on every page; the header up to
		// the staff member's own values, for a set of sections.
		h.raw(`<!doctype html> <html lang="`)
		h.text(string(s.Lang))
		h.raw(`"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="htmx-config" content="`)
		h.raw(htmxConfigAttr)
		h.raw(`">`)
		h.shared(0)
		h.pageTitle(l, title)
		start := len(h.out)
		for _, href := range s.CSS {
			h.raw(`<link rel="stylesheet" href="`)
			h.text(href)
			h.raw(`">`)
		}
		for _, src := range s.JS {
			h.raw(`<script src="`)
			h.text(src)
			h.raw(`" defer></script>`)
		}
		// hx-headers carries the anti-forgery token on every htmx request
		// of the page.
		h.raw(`</head><body hx-headers="{&#34;X-CSRF-Token&#34;:&#34;`)
		h.shared(start)
		h.text(s.CSRF)
		start = len(h.out)
		h.raw(`&#34;}"`)
		if s.Login != "" {
			h.raw(` data-private`)
		}
		h.raw(`><a class="visually-hidden" href="#content">`)
		h.text(l.T("nav.skip"))
		h.raw(`</a> `)
		if s.Login != "" {
			h.header(ctx, s, l, start)
		}
		h.raw(`<main id="content" tabindex="-1">`)
		h.banner(s, l)
		h.raw(`<div id="flash" aria-live="polite" data-testid="flash">`)
		if f := s.Flash; f != nil {
			h.raw(`<div class="notice`)
			if f.Kind != "" {
				h.raw(` `)
				h.text(f.Kind)
			}
			h.raw(`" role="status">`)
			h.text(f.Text)
			h.raw(`</div>`)
		}
		h.raw(`</div>`)
		if err := h.writeTo(w); err != nil {
			return err
		}
		if err := children.Render(ctx, w); err != nil {
			return err
		}
		h = newHTMLWriter()
		h.raw(`</main>`)
		h.footer(s, l)
		h.raw(`</body></html>`)
		return h.writeTo(w)
	})
}

func (h *htmlWriter) pageTitle(l *i18n.Localizer, title string) {
	h.raw(`<title>`)
	h.text(title)
	h.raw(` · `)
	h.text(l.T("app.name"))
	h.raw(`</title>`)
}

// header is the signed-in staff member's bar: the sections their
// permissions open, the search box, who they are and the way out. What
// was written since start, up to the first of the staff member's own
// values, is the same for everyone with the same sections.
func (h *htmlWriter) header(ctx context.Context, s *Shell, l *i18n.Localizer, start int) {
	h.raw(`<header class="top"><nav aria-label="`)
	h.text(l.T("nav.main"))
	h.raw(`"><ul><li><a class="brand" href="/" data-testid="nav-home">`)
	h.text(l.T("app.name"))
	h.raw(`</a></li>`)
	for _, item := range s.Nav {
		h.raw(`<li><a href="`)
		h.text(item.Href)
		h.raw(`" data-testid="`)
		h.text(item.TestID)
		h.raw(`"`)
		if item.Current {
			h.raw(` aria-current="page"`)
		}
		h.raw(`>`)
		h.text(l.T(item.Key))
		h.raw(`</a></li>`)
	}
	h.raw(`</ul><ul>`)
	if s.CanSearch {
		h.raw(`<li><form class="search-box" role="search" action="/search" method="get" hx-get="/search" hx-target="#content" hx-swap="innerHTML" hx-push-url="true" hx-sync="this:replace" hx-trigger="input changed delay:300ms from:find input, submit" data-testid="global-search-form"><label class="visually-hidden" for="global-q">`)
		h.text(l.T("search.label"))
		h.raw(`</label> <input id="global-q" type="search" name="q" value="`)
		h.shared(start)
		h.text(headerSearchQ(ctx))
		h.raw(`" placeholder="`)
		h.text(l.T("search.placeholder"))
		h.raw(`" autocomplete="off" data-testid="global-search"></form></li>`)
	}
	if !s.CanSearch {
		h.shared(start)
	}
	if d := s.Dealer; d != "" {
		h.raw(`<li><span class="muted" data-testid="dealer-name">`)
		h.text(d)
		h.raw(`</span></li>`)
	}
	h.raw(`<li><span class="muted" data-testid="whoami">`)
	h.text(s.Login)
	h.raw(`</span></li>`)
	if s.ChangePassword {
		h.raw(`<li><a href="/account/password" data-testid="account-password">`)
		h.text(l.T("account.password"))
		h.raw(`</a></li>`)
	}
	h.raw(`<li><form class="inline" method="post" action="/logout"><input type="hidden" name="_csrf" value="`)
	h.text(s.CSRF)
	h.raw(`"> <button type="submit" class="secondary outline" data-testid="logout">`)
	h.text(l.T("nav.logout"))
	h.raw(`</button></form></li></ul></nav></header>`)
}

// banner tells a staff member working in a reseller's panel whose it is,
// with the way back to their own.
func banner() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		h := newHTMLWriter()
		h.banner(shell(ctx), i18n.From(ctx))
		return h.writeTo(w)
	})
}

func (h *htmlWriter) banner(s *Shell, l *i18n.Localizer) {
	r := s.Reseller
	if r == "" {
		return
	}
	h.raw(`<div class="notice warn" role="status" data-testid="reseller-banner">`)
	h.text(l.T("reseller.banner", r))
	h.raw(`<form class="inline" method="post" action="/resellers/return"><input type="hidden" name="_csrf" value="`)
	h.text(s.CSRF)
	h.raw(`"> <button type="submit">`)
	h.text(l.T("reseller.return"))
	h.raw(`</button></form></div>`)
}

// footer carries the language switcher, which comes back to this page.
func (h *htmlWriter) footer(s *Shell, l *i18n.Localizer) {
	h.raw(`<footer><span>`)
	h.text(l.T("app.footer"))
	h.raw(`</span><nav aria-label="`)
	h.text(l.T("lang.switch"))
	h.raw(`">`)
	for _, lang := range i18n.Langs {
		if lang == s.Lang {
			h.raw(`<strong lang="`)
			h.text(string(lang))
			h.raw(`">`)
			h.text(langName(lang))
			h.raw(`</strong>`)
		} else {
			h.raw(`<a lang="`)
			h.text(string(lang))
			h.raw(`" href="`)
			h.text(langURL(lang, s.Path))
			h.raw(`" data-testid="lang-`)
			h.text(string(lang))
			h.raw(`">`)
			h.text(langName(lang))
			h.raw(`</a>`)
		}
		h.raw(` &nbsp;`)
	}
	h.raw(`</nav></footer>`)
}
