package handlers_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

func bundleRows(p *portaltest.Page) []string {
	var out []string
	p.Doc.Find(`[data-testid="bundle-row"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-imei", ""))
	})
	return out
}

func storeBundle(env *portaltest.Env, imei string) panelsim.Bundle {
	for _, b := range env.Sim.Store().Bundles() {
		if b.IMEI == imei {
			return b
		}
	}
	return panelsim.Bundle{}
}

func bundleWhere(t *testing.T, env *portaltest.Env, ok func(b panelsim.Bundle) bool) panelsim.Bundle {
	t.Helper()
	for _, b := range env.Sim.Store().Bundles() {
		if ok(b) {
			return b
		}
	}
	t.Fatal("no such bundle in the seed")
	return panelsim.Bundle{}
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func num(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func simCard(t *testing.T, env *portaltest.Env, ok func(c panelsim.SIMCard) bool) string {
	t.Helper()
	for _, c := range env.Sim.Store().SIMCards() {
		if ok(c) {
			return c.ICCID
		}
	}
	t.Fatal("no such SIM card in the seed")
	return ""
}

func TestBundlesListSearchSort(t *testing.T) {
	env, b := trkLogin(t, "viewer")
	all := env.Sim.Store().Bundles()
	p := b.Get("/bundles")
	if p.Status != http.StatusOK || len(bundleRows(p)) != 20 || !p.Has(`[data-testid="nav-bundles"][aria-current="page"]`) {
		t.Fatalf("bundles: %d, %d rows", p.Status, len(bundleRows(p)))
	}
	if !strings.Contains(p.Text(`[data-testid="total"]`), strconv.Itoa(len(all))) {
		t.Errorf("total %q, %d bundles", p.Text(`[data-testid="total"]`), len(all))
	}
	p = b.Get("/bundles?sort=imei&dir=desc")
	rows := bundleRows(p)
	if !slices.IsSortedFunc(rows, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("sort by IMEI desc: %v", rows)
	}
	p = b.Get("/bundles?q=" + all[5].IMEI)
	if rows := bundleRows(p); len(rows) != 1 || rows[0] != all[5].IMEI {
		t.Errorf("search: %v", rows)
	}
	p = b.Get("/bundles?sort=order_id", portaltest.HTMX...)
	if strings.Contains(p.Body, "<html") || !p.Has("#bundles-table") {
		t.Error("htmx sort does not answer the table alone")
	}
	p = b.Get("/bundles")
	if p.Has(`[data-testid="bundles-import"]`) || p.Has(`[data-testid="bundle-detach"]`) {
		t.Error("viewer sees import or detach controls")
	}
}

func TestBundleLookupAndCard(t *testing.T) {
	env, b := trkLogin(t, "admin")
	bn := bundleWhere(t, env, func(b panelsim.Bundle) bool { return b.ICCID != nil && b.OrderID != nil })
	p := b.Get("/bundles/lookup?imei=" + bn.IMEI)
	if p.Status != http.StatusSeeOther || p.Location() != "/bundles/"+bn.IMEI {
		t.Fatalf("lookup: %d %s", p.Status, p.Location())
	}
	p = b.Get(p.Location())
	if p.Status != http.StatusOK || p.Text(`[data-testid="bundle-props"] [data-testid="bundle-iccid"]`) != *bn.ICCID ||
		!strings.Contains(p.Text(`[data-testid="bundle-order"]`), strconv.Itoa(*bn.OrderID)) {
		t.Errorf("card: %d, iccid %q", p.Status, p.Text(`[data-testid="bundle-iccid"]`))
	}
	for _, f := range []string{"iccid-form", "equipment-form", "iccid-clear", "bundle-detach"} {
		if !p.Has(`[data-testid="` + f + `"]`) {
			t.Errorf("admin's card lacks %s", f)
		}
	}
	if p.Doc.Find(`select[name="equip_id"] option`).Length() < len(env.Sim.Store().EquipmentList()) {
		t.Error("the equipment picker does not list the equipment")
	}
	if p := b.Get("/bundles/999999999999999"); p.Status != http.StatusNotFound || !p.Has(`[data-testid="bundle-missing"]`) {
		t.Errorf("unknown IMEI: %d", p.Status)
	}
	if p := b.Get("/bundles/lookup?imei=" + url.QueryEscape("<x>")); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/bundles?") {
		t.Errorf("malformed lookup: %d %s", p.Status, p.Location())
	}
}

func TestBundleICCIDAssignReplaceClear(t *testing.T) {
	env, b := trkLogin(t, "admin")
	bn := bundleWhere(t, env, func(b panelsim.Bundle) bool { return b.ICCID == nil })
	free := simCard(t, env, func(c panelsim.SIMCard) bool { return c.BundleID == 0 && !c.Blocked && !c.Deleted && !c.InUse })
	path := "/bundles/" + bn.IMEI + "/iccid"
	p := b.Post(path, url.Values{"iccid": {free}})
	if p.Status != http.StatusSeeOther || str(storeBundle(env, bn.IMEI).ICCID) != free {
		t.Fatalf("assign: %d, now %q", p.Status, str(storeBundle(env, bn.IMEI).ICCID))
	}
	if f := b.Get(p.Location()).Text(`[data-testid="flash"]`); !strings.Contains(f, free) {
		t.Errorf("flash %q", f)
	}
	other := simCard(t, env, func(c panelsim.SIMCard) bool {
		return c.BundleID == 0 && !c.Blocked && !c.Deleted && !c.InUse && c.ICCID != free
	})
	if p := b.Post(path, url.Values{"iccid": {other}}); p.Status != http.StatusSeeOther || str(storeBundle(env, bn.IMEI).ICCID) != other {
		t.Errorf("replace: %d", p.Status)
	}
	if p := b.Post(path, url.Values{"iccid": {other}, "clear": {"true"}}); p.Status != http.StatusSeeOther || storeBundle(env, bn.IMEI).ICCID != nil {
		t.Errorf("clear: %d, now %v", p.Status, storeBundle(env, bn.IMEI).ICCID)
	}

	// The documented rule (3 to 20 printable) is checked before the Panel.
	env.Sim.ResetCalls()
	for _, bad := range []string{"12", strings.Repeat("1", 21), ""} {
		if p := b.Post(path, url.Values{"iccid": {bad}}); p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-iccid"]`) {
			t.Errorf("iccid %q: %d", bad, p.Status)
		}
	}
	if env.Sim.Attempts("tracker/bundle/assign") != 0 {
		t.Error("an invalid ICCID reached the Panel")
	}
	// Each documented refusal lands on the ICCID field.
	taken := bundleWhere(t, env, func(b panelsim.Bundle) bool { return b.ICCID != nil })
	for name, tc := range map[string]struct {
		iccid string
		text  string
	}{
		"208 blocked": {simCard(t, env, func(c panelsim.SIMCard) bool { return c.Blocked }), "blocked"},
		"250 deleted": {simCard(t, env, func(c panelsim.SIMCard) bool { return c.Deleted && !c.Blocked }), "deleted"},
		"223 in use":  {simCard(t, env, func(c panelsim.SIMCard) bool { return c.InUse && !c.Blocked && !c.Deleted }), "in use"},
		"226 unknown": {"8970000000000000000", "No SIM card"},
		"247 taken":   {*taken.ICCID, "another bundle"},
	} {
		p := b.Post(path, url.Values{"iccid": {tc.iccid}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="error-iccid"]`), tc.text) {
			t.Errorf("%s: %d %q", name, p.Status, p.Text(`[data-testid="error-iccid"]`))
		}
	}
}

func TestBundleEquipmentAndOrder(t *testing.T) {
	env, b := trkLogin(t, "admin")
	bn := bundleWhere(t, env, func(b panelsim.Bundle) bool { return b.OrderID == nil })
	var eq panelsim.Equipment
	for _, q := range env.Sim.Store().EquipmentList() {
		if q.EquipID != bn.EquipID {
			eq = q
			break
		}
	}
	base := "/bundles/" + bn.IMEI
	if p := b.Post(base+"/equipment", url.Values{"equip_id": {strconv.Itoa(eq.EquipID)}}); p.Status != http.StatusSeeOther || storeBundle(env, bn.IMEI).EquipID != eq.EquipID {
		t.Errorf("change equipment: %d", p.Status)
	}
	if p := b.Post(base+"/equipment", url.Values{"equip_id": {"424242"}}); p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-equip_id"]`) {
		t.Errorf("204: %d", p.Status)
	}
	orders := env.Sim.Store().OrderIDs()
	// An order that does not exist is caught by order/read first.
	env.Sim.ResetCalls()
	if p := b.Post(base+"/order", url.Values{"order_id": {"424242"}}); p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-order_id"]`) ||
		env.Sim.Attempts("tracker/bundle/order/assign") != 0 {
		t.Errorf("missing order: %d", p.Status)
	}
	if p := b.Post(base+"/order", url.Values{"order_id": {strconv.Itoa(orders[0])}}); p.Status != http.StatusSeeOther || num(storeBundle(env, bn.IMEI).OrderID) != orders[0] {
		t.Fatalf("attach: %d", p.Status)
	}
	p := b.Get(base + "/detach?next=" + url.QueryEscape("/bundles?page=2"))
	if p.Status != http.StatusOK || !p.Has(`[data-testid="detach-form"]`) {
		t.Fatalf("detach page: %d", p.Status)
	}
	p = b.Post(base+"/detach", url.Values{"next": {"/bundles?page=2"}})
	if p.Status != http.StatusSeeOther || p.Location() != "/bundles?page=2" || storeBundle(env, bn.IMEI).OrderID != nil {
		t.Errorf("detach: %d %s, order %v", p.Status, p.Location(), storeBundle(env, bn.IMEI).OrderID)
	}
	// next must stay in the portal.
	b.Post(base+"/order", url.Values{"order_id": {strconv.Itoa(orders[0])}})
	if p := b.Post(base+"/detach", url.Values{"next": {"https://evil.example/"}}); p.Location() != base {
		t.Errorf("detach went to %s", p.Location())
	}
}

func TestOrderPageAttachesScannedIMEIs(t *testing.T) {
	env, b := trkLogin(t, "admin")
	orders := env.Sim.Store().OrderIDs()
	id := orders[0]
	o, _ := env.Sim.Store().Order(id)
	p := b.Get("/bundles/orders?order_id=" + strconv.Itoa(id))
	if p.Status != http.StatusOK || p.Doc.Find(`[data-testid="order-bundle"]`).Length() != len(o.Bundles) || !p.Has(`[data-testid="attach-form"]`) {
		t.Fatalf("order page: %d", p.Status)
	}
	if p := b.Get("/bundles/orders?order_id=424242"); p.Status != http.StatusNotFound || !p.Has(`[data-testid="order-missing"]`) {
		t.Errorf("missing order: %d", p.Status)
	}
	free := bundleWhere(t, env, func(b panelsim.Bundle) bool { return b.OrderID == nil })
	elsewhere := bundleWhere(t, env, func(b panelsim.Bundle) bool { return b.OrderID != nil && *b.OrderID != id })
	text := strings.Join([]string{free.IMEI, free.IMEI, "999999999999999", elsewhere.IMEI}, "\n")
	p = b.Post("/bundles/orders/"+strconv.Itoa(id)+"/attach", url.Values{"imeis": {text}})
	if p.Status != http.StatusOK || p.Text(`[data-testid="attach-result"]`) != "Attached 1, failed 2." {
		t.Fatalf("attach: %d %q", p.Status, p.Text(`[data-testid="attach-result"]`))
	}
	if num(storeBundle(env, free.IMEI).OrderID) != id || num(storeBundle(env, elsewhere.IMEI).OrderID) == id {
		t.Error("the wrong bundles moved")
	}
	if !p.Has(`[data-testid="order-bundle"][data-imei="` + free.IMEI + `"]`) {
		t.Error("the order does not list the attached bundle")
	}
	if p := b.Post("/bundles/orders/"+strconv.Itoa(id)+"/attach", url.Values{"imeis": {""}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("no IMEIs: %d", p.Status)
	}
}

func importForm(t *testing.T, b *portaltest.Browser) url.Values {
	t.Helper()
	p := b.Get("/bundles/import")
	if p.Status != http.StatusOK {
		t.Fatalf("import page: %d", p.Status)
	}
	return url.Values{"_once": {p.Doc.Find(`input[name="_once"]`).AttrOr("value", "")}}
}

func TestBundleImportCountsAndImports(t *testing.T) {
	env, b := trkLogin(t, "admin")
	p := b.Get("/bundles/import")
	ta := p.Doc.Find(`textarea[name="imeis"]`)
	if ta.AttrOr("hx-post", "") != "/bundles/import/count" || !strings.Contains(ta.AttrOr("hx-trigger", ""), "input") || p.Has("script:not([src])") {
		t.Errorf("the textarea does not count as one types (hx-post %q, hx-trigger %q)", ta.AttrOr("hx-post", ""), ta.AttrOr("hx-trigger", ""))
	}
	// The live counts: valid, duplicate, malformed; nothing upstream.
	env.Sim.ResetCalls()
	text := "356938035643809\n356938035643817;FMB920\n\n356938035643809\n12345\nabc\n"
	p = b.Post("/bundles/import/count", url.Values{"imeis": {text}}, portaltest.HTMX...)
	if p.Text(`[data-testid="count-valid"]`) != "2" || p.Text(`[data-testid="count-duplicate"]`) != "1" || p.Text(`[data-testid="count-malformed"]`) != "2" {
		t.Errorf("counts %s/%s/%s", p.Text(`[data-testid="count-valid"]`), p.Text(`[data-testid="count-duplicate"]`), p.Text(`[data-testid="count-malformed"]`))
	}
	if !strings.Contains(p.Text(`[data-testid="bad-lines"]`), "line 5: 12345") {
		t.Errorf("bad lines %q", p.Text(`[data-testid="bad-lines"]`))
	}
	if n := totalAttempts(env); n != 0 {
		t.Errorf("counting called the Panel %d times", n)
	}
	equip := strconv.Itoa(env.Sim.Store().EquipmentList()[0].EquipID)
	// Malformed lines stop the import.
	f := importForm(t, b)
	f.Set("imeis", text)
	f.Set("equip_id", equip)
	if p := b.Post("/bundles/import", f); p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-imeis"]`) || env.Sim.Attempts("tracker/bundle/import") != 0 {
		t.Errorf("malformed: %d", p.Status)
	}
	// Valid and duplicate lines import once each.
	f = importForm(t, b)
	f.Set("imeis", "356938035643809\n356938035643817\n356938035643809")
	f.Set("equip_id", equip)
	f.Set("factory_preset", "true")
	p = b.Post("/bundles/import", f)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("import: %d %s", p.Status, p.Text(".field-error"))
	}
	for _, imei := range []string{"356938035643809", "356938035643817"} {
		if got := storeBundle(env, imei); strconv.Itoa(got.EquipID) != equip || !got.FactoryPreset {
			t.Errorf("imported %s: %+v", imei, got)
		}
	}
	if fl := b.Get(p.Location()).Text(`[data-testid="flash"]`); !strings.Contains(fl, "2 bundles") {
		t.Errorf("flash %q", fl)
	}
	env.Sim.ResetCalls()
	if p := b.Post("/bundles/import", f); p.Status != http.StatusSeeOther || env.Sim.Attempts("tracker/bundle/import") != 0 {
		t.Errorf("resent import: %d", p.Status)
	}
	// 247: the portal finds which IMEIs already have bundles.
	f = importForm(t, b)
	f.Set("imeis", "356938035643825\n356938035643809")
	f.Set("equip_id", equip)
	p = b.Post("/bundles/import", f)
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="error-imeis"]`), "356938035643809") ||
		strings.Contains(p.Text(`[data-testid="error-imeis"]`), "356938035643825") {
		t.Errorf("247: %d %q", p.Status, p.Text(`[data-testid="error-imeis"]`))
	}
	// 204: no such equipment.
	f = importForm(t, b)
	f.Set("imeis", "356938035643833")
	f.Set("equip_id", "424242")
	if p := b.Post("/bundles/import", f); p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-equip_id"]`) {
		t.Errorf("204: %d", p.Status)
	}
}

// A file of IMEIs counts and imports like the textarea.
func TestBundleImportFromFile(t *testing.T) {
	env, b := trkLogin(t, "admin")
	f := importForm(t, b)
	post := func(path, file string) *portaltest.Page {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("_csrf", b.CSRF())
		_ = mw.WriteField("_once", f.Get("_once"))
		_ = mw.WriteField("equip_id", strconv.Itoa(env.Sim.Store().EquipmentList()[1].EquipID))
		fw, _ := mw.CreateFormFile("file", "imeis.csv")
		_, _ = fw.Write([]byte(file))
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, env.URL+path, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return b.Do(req)
	}
	file := "\uFEFFimei;model\r\n356938035643841;FMB\r\n356938035643858;FMB\r\n356938035643841;FMB\r\n"
	p := post("/bundles/import/count", file)
	if p.Text(`[data-testid="count-valid"]`) != "2" || p.Text(`[data-testid="count-duplicate"]`) != "1" || p.Text(`[data-testid="count-malformed"]`) != "1" {
		t.Errorf("file counts %s/%s/%s", p.Text(`[data-testid="count-valid"]`), p.Text(`[data-testid="count-duplicate"]`), p.Text(`[data-testid="count-malformed"]`))
	}
	big := strings.Repeat("356938035643841\n", 70000)
	if p := post("/bundles/import/count", big); !strings.Contains(p.Text(`[data-testid="imei-counts"]`), "too large") {
		t.Error("an oversized file is not reported")
	}
	if p := post("/bundles/import", "356938035643841\n356938035643858\n"); p.Status != http.StatusSeeOther {
		t.Errorf("file import: %d %s", p.Status, p.Text(".field-error"))
	}
	if storeBundle(env, "356938035643858").ID == 0 {
		t.Error("the file's IMEIs were not imported")
	}
}

// Tech and viewer (tracker_bundles: read) see bundles without any change
// control, and every forged POST is 403 with nothing sent upstream.
func TestBundlesReadOnlyForTechAndViewer(t *testing.T) {
	for _, login := range []string{"tech", "viewer"} {
		t.Run(login, func(t *testing.T) {
			env, b := trkLogin(t, login)
			bn := bundleWhere(t, env, func(b panelsim.Bundle) bool { return b.ICCID != nil && b.OrderID != nil })
			p := b.Get("/bundles/" + bn.IMEI)
			if p.Status != http.StatusOK {
				t.Fatalf("card: %d", p.Status)
			}
			for _, f := range []string{"iccid-form", "equipment-form", "order-form", "bundle-detach", "iccid-clear"} {
				if p.Has(`[data-testid="` + f + `"]`) {
					t.Errorf("%s sees %s", login, f)
				}
			}
			if p := b.Get(fmt.Sprintf("/bundles/orders?order_id=%d", *bn.OrderID)); p.Status != http.StatusOK || p.Has(`[data-testid="attach-form"]`) {
				t.Errorf("order page: %d, attach form %v", p.Status, p.Has(`[data-testid="attach-form"]`))
			}
			for _, path := range []string{"/bundles/import", "/bundles/" + bn.IMEI + "/detach"} {
				if p := b.Get(path); p.Status != http.StatusForbidden {
					t.Errorf("GET %s: %d", path, p.Status)
				}
			}
			env.Sim.ResetCalls()
			for _, path := range []string{"/bundles/" + bn.IMEI + "/iccid", "/bundles/" + bn.IMEI + "/equipment", "/bundles/" + bn.IMEI + "/order",
				"/bundles/" + bn.IMEI + "/detach", "/bundles/orders/1/attach", "/bundles/import", "/bundles/import/count"} {
				p := b.Post(path, url.Values{"iccid": {"89701010000000001953"}, "equip_id": {"33"}, "order_id": {"1"}, "imeis": {"356938035643866"}})
				if p.Status != http.StatusForbidden {
					t.Errorf("POST %s: %d", path, p.Status)
				}
			}
			if n := totalAttempts(env); n != 0 {
				t.Errorf("forged posts reached the Panel %d times", n)
			}
		})
	}
}
