package handlers_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// download fetches a file and returns its bytes.
func download(t *testing.T, b *portaltest.Browser, env *portaltest.Env, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, env.URL+path, nil)
	resp, err := b.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return resp, body
}

func TestUsersExportCSVFollowsTheList(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	list := b.Get("/users?active=1&sort=balance&dir=desc&per_page=100")
	form := list.Doc.Find("[data-testid=export-form]")
	for name, want := range map[string]string{"active": "1", "sort": "balance", "dir": "desc"} {
		if got := form.Find(`input[type=hidden][name=`+name+`]`).AttrOr("value", ""); got != want {
			t.Errorf("export form carries %s=%q, want %q", name, got, want)
		}
	}
	resp, body := download(t, b, env, "/users/export?format=csv&active=1&sort=balance&dir=desc&cols=id,login&cols=balance&cols=nonsense")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("status %d type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Error("not a download")
	}
	if !bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Error("no byte order mark: Excel would misread non-Latin names")
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], "|") != "ID|Login|Balance" {
		t.Errorf("header %q", rows[0])
	}
	// Every active user, across pages of the list, in the list's order.
	want := 0
	for _, u := range env.Sim.Store().Users(0, 1000) {
		if u.Activated {
			want++
		}
	}
	if len(rows)-1 != want {
		t.Errorf("%d rows, want the %d active users", len(rows)-1, want)
	}
	if !strings.Contains(list.Text("[data-testid=total]"), fmt.Sprint(want)) {
		t.Errorf("the list says %q", list.Text("[data-testid=total]"))
	}

	// A Russian staff member gets ";" and a decimal comma.
	b.SetCookie(i18n.CookieName, "ru")
	_, body = download(t, b, env, "/users/export?format=csv&cols=id,name,balance&q=Smith")
	r = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	r.Comma = ';'
	rows, err = r.ReadAll()
	if err != nil || len(rows) < 2 || rows[0][0] != "ID" || rows[0][1] != "Имя" {
		t.Fatalf("Russian CSV: %v %q", err, rows)
	}
	if strings.Contains(rows[1][2], ".") {
		t.Errorf("Russian balance %q uses a decimal point", rows[1][2])
	}
}

func TestUsersExportXLSX(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	resp, body := download(t, b, env, "/users/export?format=xlsx&q=smith&cols=id,name,comment")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("status %d type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil || len(rows) < 2 {
		t.Fatalf("rows %v, %v", rows, err)
	}
	if strings.Join(rows[0], "|") != "ID|Name|Comment" {
		t.Errorf("header %q", rows[0])
	}
	if p := b.Get("/users/export?format=pdf"); p.Status != http.StatusBadRequest {
		t.Errorf("unknown format: %d", p.Status)
	}
	// An upstream failure before the first byte is an error page.
	env.Sim.SetFault("user/list", panelsim.Fault{Code: 1})
	if p := b.Get("/users/export?format=xlsx"); p.Status < 500 || !p.Has("[data-testid=error]") {
		t.Errorf("failing export: status %d", p.Status)
	}
}

// uploadFile posts a file to the import as htmx does.
func uploadFile(t *testing.T, b *portaltest.Browser, env *portaltest.Env, name string, content []byte, headers ...string) *portaltest.Page {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("_csrf", b.CSRF())
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/users/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.Do(req)
}

const importHeader = "Email address*;Password*;Status*;Legal status*;Surname*;Name*;Phone number\r\n"

func TestUsersImport(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	page := b.Get("/users/import")
	if page.Status != http.StatusOK || !page.Has("[data-testid=import-form]") || !page.Has("[data-testid=import-progress]") {
		t.Fatalf("import page: %d", page.Status)
	}
	form := page.Doc.Find("[data-testid=import-form]")
	if form.AttrOr("hx-encoding", "") != "multipart/form-data" || form.AttrOr("enctype", "") != "multipart/form-data" {
		t.Error("the form does not upload as multipart with and without htmx")
	}

	// The template has the documented headings.
	resp, body := download(t, b, env, "/users/import/template.csv")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(strings.TrimPrefix(string(body), "\ufeff"), "Email address*;Password*;Status*;Legal status*;Surname*;Name*;Middle name;") {
		t.Errorf("CSV template: %d %q", resp.StatusCode, body)
	}
	_, body = download(t, b, env, "/users/import/template.csv?lang=ru")
	if !strings.HasPrefix(strings.TrimPrefix(string(body), "\ufeff"), "Адрес электронной почты*;Пароль*") {
		t.Errorf("Russian template %q", body)
	}
	resp, body = download(t, b, env, "/users/import/template.xlsx")
	if f, err := excelize.OpenReader(bytes.NewReader(body)); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("XLSX template: %d %v", resp.StatusCode, err)
	} else if v, _ := f.GetCellValue(f.GetSheetName(0), "A1"); v != "Email address*" {
		t.Errorf("XLSX template A1 %q", v)
	}

	// A good file.
	good := "\ufeff" + importHeader +
		"imp.one@example.com;Hh6FXTt%E!Rx*%f3;1;1;One;Imp;447700900001\r\n" +
		"imp.two@example.com;Hh6FXTt%E!Rx*%f3;1;1;Two;Imp;447700900002\r\n"
	p := uploadFile(t, b, env, "users.csv", []byte(good), portaltest.HTMX...)
	if p.Status != http.StatusOK || !strings.Contains(p.Text("[data-testid=import-ok]"), "2 users created") {
		t.Fatalf("good file: status %d: %q %q", p.Status, p.Text("[data-testid=import-ok]"), p.Text("[data-testid=import-result]"))
	}
	if strings.Contains(p.Body, "<html") {
		t.Error("an htmx upload got the whole page")
	}
	if got := b.Get("/users?q=imp.two%40example.com"); len(rowIDs(got)) != 1 {
		t.Error("an imported user is not in the list")
	}

	// One bad row: its number and the problem.
	bad := importHeader +
		"imp.three@example.com;Hh6FXTt%E!Rx*%f3;1;1;Three;Imp;447700900003\r\n" +
		"not-an-email;Hh6FXTt%E!Rx*%f3;1;1;Four;Imp;447700900004\r\n"
	p = uploadFile(t, b, env, "users.csv", []byte(bad), portaltest.HTMX...)
	if p.Status != http.StatusUnprocessableEntity || !p.Has("[data-testid=import-errors]") {
		t.Fatalf("bad file: status %d %q", p.Status, p.Text("[data-testid=import-result]"))
	}
	if got := p.Text("[data-testid=import-error-line]"); got != "3" {
		t.Errorf("error on row %q, want 3", got)
	}

	// Duplicate login in the file, login in use, empty file.
	dup := importHeader + "imp.five@example.com;Hh6FXTt%E!Rx*%f3;1;1;Five;Imp;\r\nimp.five@example.com;Hh6FXTt%E!Rx*%f3;1;1;Five;Imp;\r\n"
	if p = uploadFile(t, b, env, "dup.csv", []byte(dup)); !strings.Contains(p.Text("[data-testid=import-error-text]"), "more than once") {
		t.Errorf("273: %q", p.Text("[data-testid=import-result]"))
	}
	used := importHeader + "imp.one@example.com;Hh6FXTt%E!Rx*%f3;1;1;One;Imp;\r\n"
	if p = uploadFile(t, b, env, "used.csv", []byte(used)); !strings.Contains(p.Text("[data-testid=import-error-text]"), "already in use") {
		t.Errorf("206: %q", p.Text("[data-testid=import-result]"))
	}
	if p = uploadFile(t, b, env, "empty.csv", []byte(importHeader)); !strings.Contains(p.Text("[data-testid=import-error]"), "empty") {
		t.Errorf("274: %q", p.Text("[data-testid=import-result]"))
	}
	// Without htmx the whole page comes back with the result.
	if p = uploadFile(t, b, env, "empty.csv", []byte(importHeader)); !p.Has("[data-testid=import-form]") {
		t.Error("a plain upload did not get the page back")
	}

	// Too large or the wrong kind: refused before any upload.
	env.Sim.ResetCalls()
	big := bytes.Repeat([]byte("x"), 10<<20+1)
	p = uploadFile(t, b, env, "big.csv", big, portaltest.HTMX...)
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text("[data-testid=import-error]"), "10 MB") {
		t.Errorf("too large: status %d %q", p.Status, p.Text("[data-testid=import-error]"))
	}
	p = uploadFile(t, b, env, "users.pdf", []byte("%PDF"), portaltest.HTMX...)
	if !strings.Contains(p.Text("[data-testid=import-error]"), "CSV, XLS and XLSX") {
		t.Errorf("wrong kind: %q", p.Text("[data-testid=import-error]"))
	}
	if n := env.Sim.Attempts("user/upload"); n != 0 {
		t.Errorf("%d uploads of refused files", n)
	}
}

// TestUserExportPanelFile passes the Panel's own spreadsheet through with
// the list's search applied.
func TestUserExportPanelFile(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	env.Sim.ResetCalls()
	resp, err := b.HTTP.Get(env.URL + "/users/export?format=panel&q=fischer&cols=id,login,name")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "users.xlsx") {
		t.Fatalf("status %d, disposition %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	if env.Sim.CallCount("user/export") != 1 {
		t.Fatalf("user/export called %d times", env.Sim.CallCount("user/export"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not an xlsx file: %v", err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil || len(rows) < 2 {
		t.Fatalf("rows %v, %v", len(rows), err)
	}
	if strings.Join(rows[0], ",") != "id,login" {
		t.Errorf("headings %v", rows[0])
	}
	for _, r := range rows[1:] {
		if !strings.Contains(strings.ToLower(strings.Join(r, " ")), "fischer") {
			t.Errorf("row %v does not match the search", r)
		}
	}
}
