package handlers

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// imeiValid is an IMEI as the official console's import takes it: 15
// digits.
var imeiValid = regexp.MustCompile(`^[0-9]{15}$`)

const (
	// bundleImportMax is the most IMEIs one import sends.
	bundleImportMax = 5000
	// bundleImportFileMax bounds an uploaded IMEI list.
	bundleImportFileMax = 1 << 20
	// bundleImportLinesMax bounds the lines read from the textarea and file.
	bundleImportLinesMax = 20_000
	// bundleCulpritsMax is how many IMEIs are looked up to name those that
	// already have a bundle after the Panel refuses an import (247).
	bundleCulpritsMax = 200
)

type imeiStatus int

const (
	imeiOK imeiStatus = iota
	imeiDuplicate
	imeiMalformed
)

// imeiLine is one non-empty line of an IMEI list.
type imeiLine struct {
	Line   int
	Value  string
	Status imeiStatus
}

// parseIMEIs reads an IMEI list, one per line; a line from a spreadsheet
// ("356938035643809;FMB920") counts by its first field. Empty lines are
// skipped; a repeat of an earlier IMEI is a duplicate; anything that is
// not 15 digits is malformed.
func parseIMEIs(texts ...string) []imeiLine {
	var out []imeiLine
	seen := map[string]bool{}
	n := 0
	for _, text := range texts {
		sc := bufio.NewScanner(strings.NewReader(text))
		sc.Buffer(make([]byte, 0, 4096), 1<<20)
		for sc.Scan() {
			n++
			if n > bundleImportLinesMax {
				return out
			}
			v := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\uFEFF"))
			if i := strings.IndexAny(v, ",;\t"); i >= 0 {
				v = strings.TrimSpace(v[:i])
			}
			v = strings.Trim(v, `"'`)
			if v == "" {
				continue
			}
			ln := imeiLine{Line: n, Value: v}
			switch {
			case !imeiValid.MatchString(v):
				ln.Status = imeiMalformed
			case seen[v]:
				ln.Status = imeiDuplicate
			default:
				seen[v] = true
			}
			out = append(out, ln)
		}
	}
	return out
}

// countIMEIs sums up a parsed list.
func countIMEIs(lines []imeiLine) templates.IMEICounts {
	var c templates.IMEICounts
	for _, ln := range lines {
		switch ln.Status {
		case imeiOK:
			c.Valid++
		case imeiDuplicate:
			c.Duplicate++
		case imeiMalformed:
			c.Malformed++
			if len(c.Bad) < 10 {
				c.Bad = append(c.Bad, templates.IMEIBadLine{Line: ln.Line, Value: truncateRunes(ln.Value, 40)})
			}
		}
	}
	c.Max = bundleImportMax
	return c
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// importText is the textarea plus the uploaded file, if any. A file over
// the limit is an error the form shows.
func importText(c echo.Context) (string, string, bool) {
	text := c.FormValue("imeis")
	fh, err := c.FormFile("file")
	if err != nil {
		return text, "", true
	}
	if fh.Size > bundleImportFileMax {
		return text, "", false
	}
	f, err := fh.Open()
	if err != nil {
		return text, "", false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, bundleImportFileMax+1))
	if err != nil || len(b) > bundleImportFileMax {
		return text, "", false
	}
	return text, string(b), true
}

func (h *bundleHandlers) importView(c echo.Context, v map[string]string, errs templates.FieldErrors, counts templates.IMEICounts) (templates.BundleImportView, error) {
	eq, err := h.api.ListEquipment(c.Request().Context(), session(c).Hash)
	if err != nil {
		return templates.BundleImportView{}, err
	}
	return templates.BundleImportView{Equipment: equipmentChoices(eq), V: v, Errs: errs, Counts: counts,
		Once: h.once.Issue(), FileMax: bundleImportFileMax}, nil
}

// importForm shows the import: IMEIs typed, pasted or from a file, the
// equipment model of them all, and the factory preset flag.
func (h *bundleHandlers) importForm(c echo.Context) error {
	v, err := h.importView(c, map[string]string{}, nil, countIMEIs(nil))
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, templates.BundleImportPage(v))
}

// importCount answers the live counts of the IMEI list as it is typed
// (htmx, on input): valid, duplicate and malformed lines. It calls nothing
// upstream.
func (h *bundleHandlers) importCount(c echo.Context) error {
	text, file, ok := importText(c)
	counts := countIMEIs(parseIMEIs(text, file))
	counts.FileTooBig = !ok
	return h.render(c, http.StatusOK, templates.IMEICountsBox(counts))
}

// importBundles adds a bundle per valid IMEI (tracker/bundle/import).
// Malformed lines stop the import (the staff member fixes or removes
// them); duplicates are sent once. A resent form imports nothing more.
func (h *bundleHandlers) importBundles(c echo.Context) error {
	l := i18n.From(c.Request().Context())
	text, file, fileOK := importText(c)
	lines := parseIMEIs(text, file)
	counts := countIMEIs(lines)
	counts.FileTooBig = !fileOK
	v := map[string]string{"imeis": text, "equip_id": strings.TrimSpace(c.FormValue("equip_id")), "factory_preset": boolString(c.FormValue("factory_preset") == "true")}
	again := func(status int, errs templates.FieldErrors) error {
		view, err := h.importView(c, v, errs, counts)
		if err != nil {
			return err
		}
		return h.render(c, status, templates.BundleImportPage(view))
	}
	errs := templates.FieldErrors{}
	switch {
	case !fileOK:
		errs["file"] = l.T("bundles.err.file", bundleImportFileMax>>10)
	case counts.Malformed > 0:
		errs["imeis"] = l.T("bundles.err.malformed", counts.Malformed)
	case counts.Valid == 0:
		errs["imeis"] = l.T("bundles.err.no_imeis")
	case counts.Valid > bundleImportMax:
		errs["imeis"] = l.T("bundles.err.too_many", bundleImportMax)
	}
	equipID := positiveInt(v["equip_id"])
	if equipID == 0 {
		errs["equip_id"] = l.T("bundles.err.equipment")
	}
	if len(errs) > 0 {
		errs[""] = l.T("form.errors")
		return again(statusUnprocessable, errs)
	}
	token := c.FormValue(onceField)
	if !h.once.Valid(token) {
		return again(statusUnprocessable, templates.FieldErrors{"": l.T("plans.err.expired")})
	}
	if !h.once.Claim(token) {
		h.audit(c, "tracker/bundle/import", strconv.Itoa(counts.Valid)+" IMEIs", errFormResent)
		setFlash(c, "warn", "bundles.flash.already")
		return redirect(c, "/bundles")
	}
	var imeis []string
	for _, ln := range lines {
		if ln.Status == imeiOK {
			imeis = append(imeis, ln.Value)
		}
	}
	ctx, hash := c.Request().Context(), session(c).Hash
	err := h.api.ImportBundles(ctx, hash, panelclient.BundleImportParams{IMEIs: imeis, EquipID: equipID, FactoryPreset: v["factory_preset"] == "true"})
	h.audit(c, "tracker/bundle/import", strconv.Itoa(len(imeis))+" IMEIs, equip "+v["equip_id"], err)
	if err != nil {
		switch panelclient.Code(err) {
		case 247:
			// The Panel does not say which IMEI: look them up.
			msg := l.T("bundles.api.247_import")
			if taken := h.takenIMEIs(ctx, hash, imeis); len(taken) > 0 {
				msg = l.T("bundles.err.taken", strings.Join(taken, ", "))
			}
			return again(statusUnprocessable, templates.FieldErrors{"imeis": msg, "": l.T("form.errors")})
		case 204:
			return again(statusUnprocessable, templates.FieldErrors{"equip_id": l.T("bundles.api.204"), "": l.T("form.errors")})
		}
		errs, status, ok := userFormErrorsOf(l, err, func(p string) string {
			switch p {
			case "imeis", "equip_id", "factory_preset":
				return p
			}
			if strings.HasPrefix(p, "imeis") {
				return "imeis"
			}
			return ""
		})
		if !ok {
			return err
		}
		return again(status, errs)
	}
	setFlash(c, "ok", "bundles.flash.imported", strconv.Itoa(len(imeis)))
	return redirect(c, "/bundles?sort=id&dir=desc")
}

// takenIMEIs finds which of the first bundleCulpritsMax IMEIs already have
// a bundle.
func (h *bundleHandlers) takenIMEIs(ctx context.Context, hash string, imeis []string) []string {
	imeis = imeis[:min(len(imeis), bundleCulpritsMax)]
	found := make([]bool, len(imeis))
	sem := make(chan struct{}, bulkConcurrency)
	var wg sync.WaitGroup
	for i, imei := range imeis {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if _, err := h.api.ReadBundle(ctx, hash, imei); err == nil {
				found[i] = true
			}
		}()
	}
	wg.Wait()
	var out []string
	for i, ok := range found {
		if ok {
			out = append(out, imeis[i])
		}
	}
	return out
}
