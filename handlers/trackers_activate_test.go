package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"github.com/navixy-portal/portal/handlers"
	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// actIMEI is a Luhn-valid IMEI no seeded device has (type allocation code
// 35999998).
func actIMEI(serial int) string {
	b := []byte("35999998" + strconv.Itoa(1000000 + serial%1000000)[1:])
	sum := 0
	for i := 0; i < 14; i++ {
		d := int(b[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return string(append(b, byte('0'+(10-sum%10)%10)))
}

// actBadLuhn is actIMEI(serial) with a wrong check digit.
func actBadLuhn(serial int) string {
	id := actIMEI(serial)
	return id[:14] + strconv.Itoa((int(id[14]-'0')+1)%10)
}

const actHeader = "user_id,model,label,device_id,phone,apn_name,apn_user,apn_password,comment"

func actCSV(lines ...string) []byte {
	return []byte(strings.Join(append([]string{actHeader}, lines...), "\r\n") + "\r\n")
}

// actUpload posts a file (and form fields) to the check.
func actUpload(t *testing.T, env *portaltest.Env, b *portaltest.Browser, name string, data []byte, fields map[string]string, headers ...string) *portaltest.Page {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("_csrf", b.CSRF())
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/trackers/activate", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.Do(req)
}

type actRow struct {
	ok       bool
	problems []string
	warnings []string
}

// actPreview reads the check's rows by line.
func actPreview(p *portaltest.Page) map[int]actRow {
	out := map[int]actRow{}
	p.Doc.Find(`[data-testid="activate-row"]`).Each(func(_ int, s *goquery.Selection) {
		line, _ := strconv.Atoi(s.AttrOr("data-line", ""))
		r := actRow{ok: s.AttrOr("data-ok", "") == "true"}
		s.Find(`[data-testid="row-problem"]`).Each(func(_ int, li *goquery.Selection) { r.problems = append(r.problems, strings.TrimSpace(li.Text())) })
		s.Find(`[data-testid="row-warning"]`).Each(func(_ int, li *goquery.Selection) { r.warnings = append(r.warnings, strings.TrimSpace(li.Text())) })
		out[line] = r
	})
	return out
}

func (r actRow) has(sub string) bool {
	for _, p := range r.problems {
		if strings.Contains(p, sub) {
			return true
		}
	}
	return false
}

type actResult struct {
	status  string
	tracker int
	text    string
}

func actResults(p *portaltest.Page) map[int]actResult {
	out := map[int]actResult{}
	p.Doc.Find(`[data-testid="activate-result"]`).Each(func(_ int, s *goquery.Selection) {
		line, _ := strconv.Atoi(s.AttrOr("data-line", ""))
		id, _ := strconv.Atoi(s.AttrOr("data-tracker", ""))
		out[line] = actResult{status: s.AttrOr("data-status", ""), tracker: id, text: strings.TrimSpace(s.Text())}
	})
	return out
}

// actFields are the hidden fields of a form on the page.
func actFields(p *portaltest.Page, form string) url.Values {
	v := url.Values{}
	p.Doc.Find(`[data-testid="` + form + `"] input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		if name := s.AttrOr("name", ""); name != "_csrf" {
			v.Set(name, s.AttrOr("value", ""))
		}
	})
	return v
}

// actRunAll confirms the check and sends every next chunk, as htmx does,
// until the run is finished. It returns the last page and how many
// requests the run took.
func actRunAll(t *testing.T, b *portaltest.Browser, check *portaltest.Page) (*portaltest.Page, int) {
	t.Helper()
	if !check.Has(`[data-testid="activate-confirm"]`) {
		t.Fatalf("no confirmation on the check: %s", check.Text(`[data-testid="activate-summary"]`))
	}
	p := b.Post("/trackers/activate/run", actFields(check, "activate-confirm-form"))
	for n := 1; ; n++ {
		if p.Status != http.StatusOK {
			t.Fatalf("run request %d: status %d: %s", n, p.Status, p.Text("main"))
		}
		if p.Doc.Find(`[data-testid="activate-run"]`).AttrOr("data-finished", "") == "true" {
			if p.Has(`[data-testid="activate-next"]`) {
				t.Fatal("a finished run asks for more")
			}
			return p, n
		}
		if n > 100 {
			t.Fatal("the run does not finish")
		}
		next := actFields(p, "activate-next")
		if next.Get("rows") == "" || next.Get("results") == "" {
			t.Fatalf("no next chunk form: %s", p.Body)
		}
		p = b.Post("/trackers/activate/run", next)
	}
}

func actAttempts(env *portaltest.Env) int {
	n := 0
	for _, a := range env.Sim.Actions() {
		n += env.Sim.Attempts(a)
	}
	for _, a := range env.Sim.UserAPIActions() {
		n += env.Sim.Attempts(panelsim.UserAPIActionPrefix + a)
	}
	return n
}

func actTrackerByDevice(env *portaltest.Env, deviceID string) (panelsim.Tracker, bool) {
	st := env.Sim.Store()
	for _, tr := range st.Trackers(0, st.TrackerCount()) {
		if tr.Source.DeviceID == deviceID && !tr.Clone {
			return tr, true
		}
	}
	return panelsim.Tracker{}, false
}

func TestActivationCheckShowsEveryProblemOnItsRow(t *testing.T) {
	env, b := trkLogin(t, "admin")
	good := actIMEI(1)
	longAPN := strings.Repeat("a", 41)
	file := actCSV(
		"20,telfmb120,Van 1,"+good+",+49 151 1000 0001,internet,user,secret,first van", // line 2: ready
		"20,nosuchmodel,Van 2,"+actIMEI(2)+",4915110000002,internet,,,",                // 3: unknown model
		"20,telfmb120,Van 3,12345,4915110000003,internet,,,",                           // 4: device ID shape
		"21,telfmb920,Van 4,"+good+",4915110000004,internet,,,",                        // 5: duplicate device ID
		"99999,telfmb120,Van 5,"+actIMEI(5)+",4915110000005,internet,,,",               // 6: unknown owner
		"21,telfmb120,Van 6,"+actIMEI(6)+",4915110000006,"+longAPN+",,,",               // 7: long APN
		"21,mobile_unknown_xgps,Courier,,,,,,",                                         // 8: generated IDs
		"21,telfmb120,Van 8,"+actIMEI(8)+",,,,,",                                       // 9: no phone, no APN
		"x,telfmb120,,"+actBadLuhn(9)+",4915110000009,internet,,,",                     // 10: bad owner, no label, Luhn
		"21,concox_gt02,Old,"+actIMEI(10)+",4915110000010,internet,,,",                 // 11: model closed
		"21,dm_oyster3,Oyster,1234567,4915110000001,internet,,,",                       // 12: phone as row 2
	)
	env.Sim.ResetCalls()
	p := actUpload(t, env, b, "devices.csv", file, nil)
	if p.Status != http.StatusOK {
		t.Fatalf("check: %d %s", p.Status, p.Text(`[data-testid="form-error"]`))
	}
	if got := p.Text(`[data-testid="activate-summary"]`); got != "11 rows: 1 ready, 10 with problems." {
		t.Errorf("summary %q", got)
	}
	rows := actPreview(p)
	want := map[int]string{
		3:  "Unknown model",
		4:  "15 digits of the IMEI",
		5:  "Same device ID as row 2",
		6:  "There is no user 99999",
		7:  "apn_name is longer than 40 characters",
		8:  "gets its ID from the platform",
		9:  "needs the phone number",
		10: "user_id must be a user ID",
		11: "cannot be registered",
		12: "Same phone number as row 2",
	}
	for line, sub := range want {
		if !rows[line].has(sub) {
			t.Errorf("row %d: %q lacks %q", line, rows[line].problems, sub)
		}
	}
	if !rows[2].ok || len(rows[2].problems) != 0 {
		t.Errorf("row 2: %+v", rows[2])
	}
	if !rows[9].has("APN name") || !rows[10].has("No label") {
		t.Errorf("rows 9, 10: %+v %+v", rows[9], rows[10])
	}
	if len(rows[10].warnings) != 1 || !strings.Contains(rows[10].warnings[0], "check digit") {
		t.Errorf("no Luhn warning: %+v", rows[10])
	}
	// The phone is shown as it will be sent: digits only.
	if !strings.Contains(p.Doc.Find(`[data-testid="activate-row"][data-line="2"]`).Text(), "4915110000001") {
		t.Error("the phone of row 2 is not cleaned")
	}
	if strings.Contains(p.Body, "secret") {
		t.Error("the APN password is shown")
	}
	// Nothing registered; the owners read; one user session for the models.
	if n := env.Sim.Attempts(panelsim.UserAPIActionPrefix + "tracker/register"); n != 0 {
		t.Errorf("the check registered %d devices", n)
	}
	if env.Sim.CallCount("user/read") != 3 || env.Sim.CallCount("user/session/create") != 1 || env.Sim.CallCount(panelsim.UserAPIActionPrefix+"tracker/list_models") != 1 {
		t.Errorf("calls: user/read %d, user/session/create %d, list_models %d", env.Sim.CallCount("user/read"),
			env.Sim.CallCount("user/session/create"), env.Sim.CallCount(panelsim.UserAPIActionPrefix+"tracker/list_models"))
	}
	if !p.Has(`[data-testid="activate-confirm"]`) || !strings.Contains(p.Text(`[data-testid="activate-confirm"]`), "Register the ready rows: 1") {
		t.Errorf("confirmation %q", p.Text(`[data-testid="activate-confirm"]`))
	}
}

func TestActivationRegistersGoodRowsOnlyAndNeverTwice(t *testing.T) {
	env, b := trkLogin(t, "admin")
	a, c, d := actIMEI(21), actIMEI(22), actIMEI(23)
	file := actCSV(
		"20,telfmb120,Bulk A,"+a+",4915120000001,internet,,,delivered in March",
		"21,telfmb920,Bulk B,"+c+",4915120000002,internet,user,pass,",
		"20,qlgv300,Bulk bad,123,4915120000003,internet,,,",
		"21,navixy_ngp,Bulk D,"+strings.ToLower("NGP-"+d[:8])+",,,,,",
	)
	check := actUpload(t, env, b, "bulk.csv", file, nil)
	if got := check.Text(`[data-testid="activate-summary"]`); got != "4 rows: 3 ready, 1 with problems." {
		t.Fatalf("summary %q", got)
	}
	env.Sim.ResetCalls()
	p, requests := actRunAll(t, b, check)
	if requests != 1 {
		t.Errorf("4 rows took %d requests, want 1 chunk", requests)
	}
	res := actResults(p)
	for _, line := range []int{2, 3, 5} {
		if res[line].status != "done" || res[line].tracker == 0 {
			t.Errorf("row %d: %+v", line, res[line])
		}
	}
	if res[4].status != "skipped" {
		t.Errorf("the bad row: %+v", res[4])
	}
	if got := p.Text(`[data-testid="activate-run-summary"]`); !strings.HasPrefix(got, "Registered now: 3 · already done: 0 · not registered: 0 · skipped (problems): 1") {
		t.Errorf("summary %q", got)
	}
	if n := env.Sim.CallCount(panelsim.UserAPIActionPrefix + "tracker/register"); n != 3 {
		t.Errorf("tracker/register ran %d times, want 3", n)
	}
	tr, ok := actTrackerByDevice(env, a)
	if !ok || tr.UserID != 20 || tr.Label != "Bulk A" || tr.Comment != "delivered in March" || tr.ID != res[2].tracker {
		t.Errorf("tracker A: %+v", tr)
	}
	if !strings.Contains(res[2].text, "Comment saved") {
		t.Errorf("row 2 text %q", res[2].text)
	}
	if tr, ok := actTrackerByDevice(env, c); !ok || tr.UserID != 21 || tr.Source.Phone == nil || *tr.Source.Phone != "4915120000002" {
		t.Errorf("tracker B: %+v", tr)
	}
	if _, ok := actTrackerByDevice(env, "123"); ok {
		t.Error("the bad row was registered")
	}
	// The audit log names every registration.
	if n := strings.Count(env.Logs(), `"action":"tracker/register"`); n != 3 {
		t.Errorf("%d audit lines for tracker/register", n)
	}

	// The same file again: nothing is registered twice.
	env.Sim.ResetCalls()
	again, _ := actRunAll(t, b, actUpload(t, env, b, "bulk.csv", file, nil))
	res2 := actResults(again)
	for _, line := range []int{2, 3, 5} {
		if res2[line].status != "already" || res2[line].tracker != res[line].tracker {
			t.Errorf("second run, row %d: %+v (first %+v)", line, res2[line], res[line])
		}
	}
	if n := env.Sim.Attempts(panelsim.UserAPIActionPrefix + "tracker/register"); n != 0 {
		t.Errorf("the second run sent tracker/register %d times", n)
	}
	if got := again.Text(`[data-testid="activate-run-summary"]`); !strings.HasPrefix(got, "Registered now: 0 · already done: 3") {
		t.Errorf("second summary %q", got)
	}

	// A resent first request (a reload of the confirmation) registers
	// nothing either.
	env.Sim.ResetCalls()
	replay := b.Post("/trackers/activate/run", actFields(check, "activate-confirm-form"))
	if replay.Status != http.StatusOK || env.Sim.Attempts(panelsim.UserAPIActionPrefix+"tracker/register") != 0 {
		t.Errorf("replay: %d, %d registrations", replay.Status, env.Sim.Attempts(panelsim.UserAPIActionPrefix+"tracker/register"))
	}

	// A device registered to someone else is reported, not taken over.
	other := actCSV("22,telfmb120,Not mine," + a + ",4915120000009,internet,,,")
	p, _ = actRunAll(t, b, actUpload(t, env, b, "other.csv", other, nil))
	if r := actResults(p)[2]; r.status != "failed" || r.tracker != res[2].tracker || !strings.Contains(r.text, "user #20") {
		t.Errorf("someone else's device: %+v", r)
	}
}

func TestActivationRunsInChunksWithoutServerState(t *testing.T) {
	env, b := trkLogin(t, "admin")
	var lines []string
	for i := 0; i < 9; i++ {
		lines = append(lines, "20,telfmb120,Chunk "+strconv.Itoa(i)+","+actIMEI(40+i)+",49151300000"+strconv.Itoa(10+i)+",internet,,,")
	}
	check := actUpload(t, env, b, "chunks.csv", actCSV(lines...), nil)
	// The first chunk, as htmx sends it: the partial with the next form
	// that sends itself, and the progress for screen readers.
	p := b.Post("/trackers/activate/run", actFields(check, "activate-confirm-form"), portaltest.HTMX...)
	if p.Status != http.StatusOK || strings.Contains(p.Body, "<!doctype") || strings.Contains(p.Body, "<!DOCTYPE") {
		t.Fatalf("partial: %d", p.Status)
	}
	next := p.Doc.Find(`[data-testid="activate-next"]`)
	if next.AttrOr("hx-trigger", "") != "load" || next.AttrOr("hx-post", "") != "/trackers/activate/run" || next.AttrOr("hx-target", "") != "#activation" {
		t.Errorf("next form: %s", p.Body)
	}
	if live := p.Doc.Find(`#activate-live[hx-swap-oob="innerHTML"]`); strings.TrimSpace(live.Text()) != "4 of 9 rows processed" {
		t.Errorf("live region %q", live.Text())
	}
	if v, _ := p.Doc.Find(`[data-testid="activate-progress"]`).Attr("value"); v != "4" {
		t.Errorf("progress value %q", v)
	}
	if n := len(actResults(p)); n != 9 {
		t.Errorf("%d rows in the table", n)
	}
	// A fresh portal (another replica, same keys) goes on from the hidden
	// fields alone.
	other := portaltest.New(t, portaltest.WithSim(env.Sim, env.SimURL), portaltest.WithKeys(env.Keys...))
	ob := other.NewBrowser(t)
	for _, ck := range b.Jar.Cookies(mustURL(t, env.URL)) {
		ob.SetCookie(ck.Name, ck.Value)
	}
	ob.Get("/trackers/activate")
	p2 := ob.Post("/trackers/activate/run", actFields(p, "activate-next"))
	if v, _ := p2.Doc.Find(`[data-testid="activate-progress"]`).Attr("value"); p2.Status != http.StatusOK || v != "8" {
		t.Fatalf("second chunk on another replica: %d, progress %q", p2.Status, v)
	}
	last := ob.Post("/trackers/activate/run", actFields(p2, "activate-next"))
	res := actResults(last)
	for line := 2; line <= 10; line++ {
		if res[line].status != "done" {
			t.Errorf("row %d: %+v", line, res[line])
		}
	}
	if env.Sim.CallCount(panelsim.UserAPIActionPrefix+"tracker/register") != 9 {
		t.Errorf("registrations: %d", env.Sim.CallCount(panelsim.UserAPIActionPrefix+"tracker/register"))
	}
	// A damaged hidden field: a message, nothing sent.
	env.Sim.ResetCalls()
	bad := b.Post("/trackers/activate/run", url.Values{"rows": {"not-a-blob"}, "results": {""}})
	if bad.Status != http.StatusUnprocessableEntity || !bad.Has(`[data-testid="activate-damaged"]`) || actAttempts(env) != 0 {
		t.Errorf("damaged: %d, %d upstream calls", bad.Status, actAttempts(env))
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestActivationUserAPIRefusalsInWords(t *testing.T) {
	env, b := trkLogin(t, "admin")
	cases := []struct {
		fault panelsim.Fault
		want  string
	}{
		{panelsim.Fault{Code: 221}, "Device limit reached"},
		{panelsim.Fault{Code: 223}, "phone number is already used"},
		{panelsim.Fault{Code: 224}, "already registered on the platform"},
		{panelsim.Fault{Code: 220}, "Unknown device model"},
		{panelsim.Fault{Code: 4}, "owner's session ended"},
		{panelsim.Fault{Drop: true}, "may or may not be registered"},
	}
	for i, c := range cases {
		env.Sim.SetFault(panelsim.UserAPIActionPrefix+"tracker/register", c.fault)
		file := actCSV("20,telfmb120,Refused," + actIMEI(60+i) + ",49151400000" + strconv.Itoa(10+i) + ",internet,,,")
		p, _ := actRunAll(t, b, actUpload(t, env, b, "refused.csv", file, nil))
		if r := actResults(p)[2]; r.status != "failed" || !strings.Contains(r.text, c.want) {
			t.Errorf("fault %+v: %+v", c.fault, r)
		}
	}
	env.Sim.ClearFaults()
	// The owner's session ending (user API code 4) did not sign the staff
	// member out.
	if p := b.Get("/trackers/activate"); p.Status != http.StatusOK {
		t.Errorf("after a user API code 4: %d", p.Status)
	}
	// An owner whose account requires activation codes.
	file := actCSV(strconv.Itoa(panelsim.ActivationCodeUserID) + ",telfmb120,Coded," + actIMEI(70) + ",4915140000070,internet,,,")
	p, _ := actRunAll(t, b, actUpload(t, env, b, "coded.csv", file, nil))
	if r := actResults(p)[2]; r.status != "failed" || !strings.Contains(r.text, "activation code") {
		t.Errorf("activation-code owner: %+v", r)
	}
}

func TestActivationFiles(t *testing.T) {
	env, b := trkLogin(t, "admin")
	// The form: upload as multipart with and without htmx, the template.
	p := b.Get("/trackers/activate")
	form := p.Doc.Find(`[data-testid="activate-form"]`)
	if p.Status != http.StatusOK || form.AttrOr("enctype", "") != "multipart/form-data" || form.AttrOr("hx-encoding", "") != "multipart/form-data" {
		t.Fatalf("form: %d", p.Status)
	}
	if resp, body := download(t, b, env, "/trackers/activate/template.csv"); resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != actHeader {
		t.Errorf("template: %d %q", resp.StatusCode, body)
	}
	env.Sim.ResetCalls()
	refusals := []struct {
		name   string
		data   []byte
		fields map[string]string
		want   string
	}{
		{"", nil, nil, "Choose a CSV or XLSX file"},
		{"devices.txt", []byte("x"), nil, "Only CSV and XLSX"},
		{"devices.csv", []byte{}, nil, "no devices"},
		{"devices.csv", []byte(actHeader + "\r\n"), nil, "no devices"},
		{"devices.csv", []byte("model,label,imei\r\nx,y,z\r\n"), nil, `Unknown column "imei"`},
		{"devices.csv", []byte("user_id,model,label\r\n1,x,y\r\n"), nil, "lacks the column device_id"},
		{"devices.xlsx", []byte("not a workbook"), nil, "could not be read"},
		{"devices.csv", actCSV("20,telfmb120,x," + actIMEI(80) + ",4915150000001,internet,,,"), map[string]string{"user_id": "abc"}, "Enter a user ID"},
	}
	for _, r := range refusals {
		p := actUpload(t, env, b, r.name, r.data, r.fields)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text("#activation"), r.want) {
			t.Errorf("%s: %d %q", r.name, p.Status, p.Text("#activation"))
		}
	}
	var many []string
	for i := 0; i <= 2000; i++ {
		many = append(many, "20,telfmb120,x,"+actIMEI(i)+",,,,,")
	}
	if p := actUpload(t, env, b, "many.csv", actCSV(many...), nil); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text("#activation"), "At most 2000 devices") {
		t.Errorf("2001 rows: %d %q", p.Status, p.Text("#activation"))
	}
	if n := actAttempts(env); n != 0 {
		t.Errorf("refused files reached the platform %d times", n)
	}

	// Semicolons, no user_id column, columns in another order, the owner
	// chosen for the whole file; a row naming another owner is refused.
	semi := []byte("\ufeffDevice ID;Model;Label;Phone;APN name\r\n" + actIMEI(81) + ";telfmb120;Semi;4915150000002;internet\r\n")
	p = actUpload(t, env, b, "semi.csv", semi, map[string]string{"user_id": "21"})
	if rows := actPreview(p); !rows[2].ok {
		t.Errorf("semicolon file: %+v %s", rows, p.Text("#activation"))
	}
	conflict := actCSV("22,telfmb120,x," + actIMEI(82) + ",4915150000003,internet,,,")
	if rows := actPreview(actUpload(t, env, b, "c.csv", conflict, map[string]string{"user_id": "21"})); !rows[2].has("differs from the owner chosen") {
		t.Errorf("owner conflict: %+v", rows)
	}
	// No heading row: the template's order.
	bare := []byte("21,telfmb120,Bare," + actIMEI(83) + ",4915150000004,internet,,,\n21,telfmb120,Extra," + actIMEI(84) + ",4915150000005,internet,,,,surplus\n")
	rows := actPreview(actUpload(t, env, b, "bare.csv", bare, nil))
	if !rows[1].ok || !rows[2].has("More columns") {
		t.Errorf("file without headings: %+v", rows)
	}

	// XLSX: a device ID and a phone typed as numbers keep their digits.
	x := excelize.NewFile()
	header := []any{"user_id", "model", "label", "device_id", "phone", "apn_name"}
	_ = x.SetSheetRow("Sheet1", "A1", &header)
	imei, _ := strconv.ParseFloat(actIMEI(85), 64)
	row := []any{21, "telfmb120", "From Excel", imei, 4915150000006.0, "internet"}
	_ = x.SetSheetRow("Sheet1", "A2", &row)
	var buf bytes.Buffer
	_ = x.Write(&buf)
	_ = x.Close()
	p = actUpload(t, env, b, "devices.xlsx", buf.Bytes(), nil)
	rows = actPreview(p)
	if !rows[2].ok || !strings.Contains(p.Text(`[data-testid="activate-row"]`), actIMEI(85)) || !strings.Contains(p.Text(`[data-testid="activate-row"]`), "4915150000006") {
		t.Errorf("xlsx: %+v %q", rows, p.Text(`[data-testid="activate-row"]`))
	}
	// An htmx upload answers the area alone.
	p = actUpload(t, env, b, "semi.csv", semi, map[string]string{"user_id": "21"}, portaltest.HTMX...)
	if strings.Contains(strings.ToLower(p.Body), "<!doctype") || !p.Has(`section#activation [data-testid="activate-preview"]`) {
		t.Errorf("htmx check: %s", p.Body[:min(len(p.Body), 300)])
	}
}

func TestActivationPermissions(t *testing.T) {
	// viewer: no link, 403 on every route, nothing upstream.
	env, b := trkLogin(t, "viewer")
	if p := b.Get("/trackers"); p.Has(`[data-testid="activate-link"]`) {
		t.Error("viewer sees the bulk activation link")
	}
	env.Sim.ResetCalls()
	file := actCSV("20,telfmb120,Forged," + actIMEI(90) + ",4915160000001,internet,,,")
	if p := b.Get("/trackers/activate"); p.Status != http.StatusForbidden {
		t.Errorf("viewer GET: %d", p.Status)
	}
	if p := b.Get("/trackers/activate/template.csv"); p.Status != http.StatusForbidden {
		t.Errorf("viewer template: %d", p.Status)
	}
	if p := actUpload(t, env, b, "forged.csv", file, nil); p.Status != http.StatusForbidden {
		t.Errorf("viewer check: %d", p.Status)
	}
	if p := b.Post("/trackers/activate/run", url.Values{"rows": {"x"}}); p.Status != http.StatusForbidden {
		t.Errorf("viewer run: %d", p.Status)
	}
	if n := actAttempts(env); n != 0 {
		t.Errorf("viewer reached the platform %d times", n)
	}

	// tech (trackers: create, user_sessions: create, users: read) may.
	env, b = trkLogin(t, "tech")
	if p := b.Get("/trackers"); !p.Has(`[data-testid="activate-link"]`) {
		t.Error("tech lacks the bulk activation link")
	}
	if p := b.Get("/trackers/activate"); p.Status != http.StatusOK || !p.Has(`[data-testid="activate-form"]`) {
		t.Fatalf("tech GET: %d", p.Status)
	}
	p, _ := actRunAll(t, b, actUpload(t, env, b, "tech.csv", actCSV("20,telfmb120,By tech,"+actIMEI(91)+",4915160000002,internet,,,noted"), nil))
	if r := actResults(p)[2]; r.status != "done" || !strings.Contains(r.text, "Comment saved") {
		t.Errorf("tech's run: %+v", r)
	}
}

func TestActivationPageWithoutUserAPI(t *testing.T) {
	// A user API address that cannot be used: the page says so, and
	// nothing is registered.
	env, b := trkLogin(t, "admin", portaltest.WithOptions(func(o *handlers.Options) { o.UserAPIURL = "ftp://nowhere" }))
	if p := b.Get("/trackers/activate"); p.Status != http.StatusOK || !p.Has(`[data-testid="activate-unavailable"]`) || p.Has(`[data-testid="activate-form"]`) {
		t.Errorf("no user API: %d", p.Status)
	}
	env.Sim.ResetCalls()
	if p := actUpload(t, env, b, "x.csv", actCSV("20,telfmb120,x,"+actIMEI(95)+",4915170000001,internet,,,"), nil); !p.Has(`[data-testid="activate-unavailable"]`) || actAttempts(env) != 0 {
		t.Errorf("check without a user API: %d, %d calls", p.Status, actAttempts(env))
	}
}
