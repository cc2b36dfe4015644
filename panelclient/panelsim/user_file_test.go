package panelsim

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// exportFile calls user/export and returns the raw reply.
func exportFile(t *testing.T, s *Server, hash string, rq request) *httptest.ResponseRecorder {
	t.Helper()
	rq.path = "user/export"
	if rq.header == nil && hash != "" {
		rq.header = bearer(hash)
	}
	return httptestRecorder(s, rq.build(t))
}

func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(body))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%.300s", err, body)
	}
	return rows
}

func readXLSX(t *testing.T, body []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not XLSX: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestUserExport(t *testing.T) {
	s := New(smallSeed)
	hash := login(t, s, "viewer", "viewer")

	// Default: XLSX, the documented default columns, every user by id.
	rec := exportFile(t, s, hash, request{json: `{}`})
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != xlsxContentType {
		t.Fatalf("HTTP %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if _, params, _ := mime.ParseMediaType(rec.Header().Get("Content-Disposition")); params["filename"] != "users.xlsx" {
		t.Errorf("Content-Disposition %q", rec.Header().Get("Content-Disposition"))
	}
	rows := readXLSX(t, rec.Body.Bytes())
	if len(rows) != 61 || !slices.Equal(rows[0], defaultExportColumns) {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	u1 := storeUser(t, s, 1)
	if rows[1][0] != "1" || rows[1][1] != u1.Login || rows[1][2] != "<script>alert(1)</script>" {
		t.Errorf("row of user 1: %v", rows[1])
	}

	// CSV with chosen columns, filter, order and page.
	rec = exportFile(t, s, hash, request{json: `{"format":"csv","columns":["login","balance","activated","trackers_count","comment","creation_date","menu_preset_id"],
		"order_by":"balance","ascending":false,"limit":5,"hide_inactive":true}`})
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != csvContentType ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), `filename=users.csv`) {
		t.Fatalf("HTTP %d %v", rec.Code, rec.Header())
	}
	rows = readCSV(t, rec.Body.Bytes())
	if len(rows) != 6 || rows[0][1] != "balance" {
		t.Fatalf("rows %v", rows)
	}
	for i := 2; i < len(rows); i++ {
		prev, _ := strconv.ParseFloat(rows[i-1][1], 64)
		cur, _ := strconv.ParseFloat(rows[i][1], 64)
		if rows[i][2] != "true" || cur > prev {
			t.Errorf("row %d: %v after %v", i, rows[i], rows[i-1])
		}
	}

	// The filter is the list's: the same users, in the same order.
	list := listIDs(t, userCall(t, s, hash, "user/list", `{"filter":"example.org","order_by":"login"}`))
	rows = readCSV(t, exportFile(t, s, hash, request{json: `{"format":"csv","filter":"example.org","order_by":"login","columns":["id"]}`}).Body.Bytes())
	var exported []int
	for _, r := range rows[1:] {
		id, _ := strconv.Atoi(r[0])
		exported = append(exported, id)
	}
	if len(list) == 0 || !slices.Equal(list, exported) {
		t.Errorf("export %v, list %v", exported, list)
	}

	// Hostile values survive CSV quoting (user 8's comment has newlines and
	// user 2's names quotes and a semicolon-free SQL fragment).
	rows = readCSV(t, exportFile(t, s, hash, request{json: `{"format":"csv","columns":["id","comment","middle_name"],"limit":8}`}).Body.Bytes())
	// (encoding/csv reads a quoted \r\n back as \n.)
	if rows[8][1] != strings.ReplaceAll(storeUser(t, s, 8).Comment, "\r\n", "\n") || rows[2][2] != `'; DROP TABLE users; --` {
		t.Errorf("hostile values: %q %q", rows[8][1], rows[2][2])
	}

	// XLSX keeps numbers as numbers.
	rec = exportFile(t, s, hash, request{json: `{"columns":["id","balance","mfa_allowed"],"limit":3}`})
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	// A number cell carries no type attribute (unset means number); text would be inlineStr.
	if typ, _ := f.GetCellType("Users", "B2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("balance cell type %v", typ)
	}
	f.Close()

	// The official console's way: GET with the columns as a JSON array in the query.
	rec = exportFile(t, s, "", request{method: http.MethodGet, query: url.Values{"hash": {hash}, "format": {"csv"}, "columns": {`["id","last_name"]`}}})
	if rows := readCSV(t, rec.Body.Bytes()); len(rows) != 61 || !slices.Equal(rows[0], []string{"id", "last_name"}) {
		t.Errorf("GET export: %d rows, header %v", len(rows), rows[0])
	}

	// Errors are JSON.
	for _, tc := range []struct {
		body string
		want []string
	}{
		{`{"format":"pdf"}`, []string{"format"}},
		{`{"format":"xls"}`, []string{"format"}},
		{`{"columns":[]}`, []string{"columns"}},
		{`{"columns":["id","password","login","time_zone"]}`, []string{"columns[1]", "columns[3]"}},
		{`{"order_by":"password"}`, []string{"order_by"}},
	} {
		wantInvalid(t, decode(t, exportFile(t, s, hash, request{json: tc.body})), tc.want...)
	}
	wantError(t, decode(t, exportFile(t, s, hash, request{json: `{}`, header: bearer("0123456789abcdef0123456789abcdef")})),
		codeSessionEnded, http.StatusBadRequest)
}

// The documented headers, in English and Russian.
var (
	englishHeaders = "Email address*;Password*;Status*;Legal status*;Surname*;Name*;Middle name;Phone number;Comment;Country;Region;City;Street, address;Zip code;Legal name;Tax number;IEC;Registration country;Registration region;Registration city;Registration address;Registration zip code;Discount;End date of discount;Device limit"
	russianHeaders = "Адрес электронной почты*;Пароль*;Статус*;Юридический статус*;Фамилия*;Имя*;Отчество;Номер телефона;Комментарий;Страна;Регион;Город;Улица, дом, квартира;Почтовый индекс;Юридическое название;ИНН;КПП;ОГРН;ОКПО;Страна регистрации;Регион регистрации;Город регистрации;Улица, дом регистрации;Почтовый индекс регистрации;Скидка;Дата окончания скидки;Минимальное число устройств для скидки"
)

// uploadRow builds a data row for the English headers.
func uploadRow(email, status, legal, surname, name string, extra map[string]string) string {
	cols := strings.Split(englishHeaders, ";")
	cells := make([]string, len(cols))
	base := map[string]string{
		"Email address*": email, "Password*": "Hh6FXTt%E!Rx*%f3", "Status*": status, "Legal status*": legal,
		"Surname*": surname, "Name*": name, "Phone number": "2135551234",
	}
	if legal != "1" {
		for k, v := range map[string]string{"Country": "United States", "Region": "California", "City": "Los Angeles",
			"Street, address": "1234 Sunset Blvd", "Zip code": "90001", "Legal name": "ABC Inc.", "Tax number": "1131145180",
			"Registration region": "California", "Registration city": "Los Angeles", "Registration address": "1234 Sunset Blvd",
			"Registration zip code": "90001"} {
			base[k] = v
		}
	}
	for k, v := range extra {
		base[k] = v
	}
	for i, c := range cols {
		cells[i] = base[c]
	}
	return strings.Join(cells, ";")
}

func csvFile(lines ...string) []byte { return []byte(strings.Join(lines, "\r\n") + "\r\n") }

// xlsxFile builds a one-sheet workbook from rows.
func xlsxFile(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func wantRow(t *testing.T, res result, code, row int) {
	t.Helper()
	wantError(t, res, code, http.StatusBadRequest)
	if got, ok := res.obj["row_number"].(float64); !ok || int(got) != row {
		t.Fatalf("row_number %v, want %d: %s", res.obj["row_number"], row, res.body)
	}
}

func TestUserUploadCSV(t *testing.T) {
	s := New(smallSeed)
	tech := login(t, s, "tech", "tech")
	file := csvFile(englishHeaders,
		uploadRow("first.upload@example.com", "1", "1", "Smith", "John", map[string]string{"Comment": "from a file", "Discount": "7,5", "End date of discount": "31.12.2027", "Device limit": "3"}),
		";;;;;", // a blank row is skipped
		uploadRow("second.upload@example.com", "0", "2", "Иванов", "Иван", map[string]string{"IEC": "773101001"}),
		uploadRow("third.upload@example.com", "1", "3", "Trader", "Sole", nil),
	)
	res := postUpload(t, s, tech, "users.csv", file)
	wantUserOK(t, res)
	if res.obj["total"] != 3.0 || res.obj["errors"] != 0.0 {
		t.Fatalf("reply %s", res.body)
	}
	ids := listIDs(t, userCall(t, s, tech, "user/list", `{"filter":"upload@example.com"}`))
	if len(ids) != 3 {
		t.Fatalf("uploaded users listed: %v", ids)
	}
	dealer := s.Store().Dealer()
	first, second, third := storeUser(t, s, ids[0]), storeUser(t, s, ids[1]), storeUser(t, s, ids[2])
	if first.Login != "first.upload@example.com" || first.LegalType != legalIndividual || !first.Activated || !first.Verified ||
		first.Comment != "from a file" || first.TimeZone != dealer.DefaultUserTimeZone || first.Locale != dealer.Locale ||
		first.Password != "Hh6FXTt%E!Rx*%f3" || first.MFA.Type != "disallowed" {
		t.Errorf("first: %+v", first)
	}
	if d := first.Discount; d == nil || d.Value != 7.5 || d.MinTrackers != 3 || d.EndDate == nil || d.EndDate.String() != "2027-12-31" {
		t.Errorf("discount: %+v", first.Discount)
	}
	if second.LegalType != legalLegalEntity || second.Activated || second.LegalName != "ABC Inc." || second.IEC != "773101001" ||
		second.RegisteredCity != "Los Angeles" || second.LastName != "Иванов" {
		t.Errorf("second: %+v", second)
	}
	if third.LegalType != legalSoleTrader || third.LegalName != "" || third.TIN != "1131145180" {
		t.Errorf("third: %+v", third)
	}
	// A BOM and headers without the asterisks, in another order, work too.
	file = csvFile("\ufeffname;surname;legal status;status;password;email address", "Ann;Lee;1;1;Hh6FXTt%E!Rx*%f3;ann.lee@example.com")
	if res := postUpload(t, s, tech, "list.txt", file); !res.success() || res.obj["total"] != 1.0 {
		t.Errorf("reordered headers: %s", res.body)
	}
}

func TestUserUploadXLSXRussian(t *testing.T) {
	s := New(smallSeed)
	admin := login(t, s, "admin", "admin")
	s.Store().mu.Lock()
	s.Store().dealer.DefaultUserTimeZone = "Europe/Moscow"
	s.Store().mu.Unlock()
	wantUserOK(t, userCall(t, s, admin, "user/mfa/settings/default/update", `{"settings":{"type":"allowed","factor_types":["email"]}}`))

	header := []any{}
	for _, h := range strings.Split(russianHeaders, ";") {
		header = append(header, h)
	}
	row := make([]any, len(header))
	set := func(h string, v any) { row[slices.Index(header, any(h))] = v }
	set("Адрес электронной почты*", "ru.upload@example.com")
	set("Пароль*", "Пароль!Abc1234")
	set("Статус*", 1)
	set("Юридический статус*", 2)
	set("Фамилия*", "Петров")
	set("Имя*", "Пётр")
	set("Номер телефона", "79161234567")
	for h, v := range map[string]string{"Страна": "Россия", "Регион": "Москва", "Город": "Москва", "Улица, дом, квартира": "ул. Тверская, д. 7",
		"Почтовый индекс": "101000", "Юридическое название": "ООО Ромашка", "ИНН": "7707083893", "КПП": "773601001", "ОГРН": "1027700132195",
		"ОКПО": "00032537", "Регион регистрации": "Москва", "Город регистрации": "Москва", "Улица, дом регистрации": "ул. Тверская, д. 7",
		"Почтовый индекс регистрации": "101000"} {
		set(h, v)
	}
	set("Пароль*", "Hh6FXTt%E!Rx*%f3")
	set("Скидка", 10)
	set("Минимальное число устройств для скидки", 5)

	res := postUpload(t, s, admin, "users.xlsx", xlsxFile(t, [][]any{header, row}))
	wantUserOK(t, res)
	ids := listIDs(t, userCall(t, s, admin, "user/list", `{"filter":"ru.upload"}`))
	if len(ids) != 1 {
		t.Fatalf("uploaded: %v", ids)
	}
	u := storeUser(t, s, ids[0])
	if u.FirstName != "Пётр" || u.LegalType != legalLegalEntity || u.Phone != "79161234567" || u.StateRegNum != "1027700132195" ||
		u.OKPOCode != "00032537" || u.IEC != "773601001" || u.TimeZone != "Europe/Moscow" || u.MFA.Type != "allowed" ||
		u.Discount == nil || u.Discount.Value != 10 || u.Discount.MinTrackers != 5 || !u.Activated {
		t.Errorf("uploaded user: %+v %+v", u, u.Discount)
	}
}

func TestUserUploadErrors(t *testing.T) {
	s := New(smallSeed)
	tech := login(t, s, "tech", "tech")
	taken := storeUser(t, s, 9).Login
	good := func(email string) string { return uploadRow(email, "1", "1", "Smith", "John", nil) }

	t.Run("missing columns, row 1", func(t *testing.T) {
		res := postUpload(t, s, tech, "u.csv", csvFile("Status*;Legal status*;Surname*;Name*", "1;1;Smith;John"))
		wantRow(t, res, codeInvalidParameters, 1)
		wantInvalid(t, res, "users_import.email", "users_import.password")
		if e := res.obj["errors"].([]any)[0].(map[string]any); e["error"] != "required column not found" {
			t.Errorf("message %v", e)
		}
	})
	t.Run("empty file", func(t *testing.T) {
		res := postUpload(t, s, tech, "u.csv", nil)
		wantError(t, res, codeEmptyDataFile, http.StatusBadRequest)
		if _, ok := res.obj["row_number"]; ok {
			t.Errorf("274 with a row number: %s", res.body)
		}
	})
	t.Run("headers only", func(t *testing.T) {
		wantError(t, postUpload(t, s, tech, "u.csv", csvFile(englishHeaders, ";;;")), codeEmptyDataFile, http.StatusBadRequest)
	})
	t.Run("empty workbook", func(t *testing.T) {
		wantError(t, postUpload(t, s, tech, "u.xlsx", xlsxFile(t, nil)), codeEmptyDataFile, http.StatusBadRequest)
	})
	t.Run("invalid email, row 3", func(t *testing.T) {
		res := postUpload(t, s, tech, "u.csv", csvFile(englishHeaders, good("ok1@example.com"), good("not-an-email")))
		wantRow(t, res, codeInvalidParameters, 3)
		wantInvalid(t, res, "user.login")
		if e := res.obj["errors"].([]any)[0].(map[string]any); e["error"] != msgEmail {
			t.Errorf("message %v", e)
		}
	})
	t.Run("every problem of a row", func(t *testing.T) {
		res := postUpload(t, s, tech, "u.csv", csvFile(englishHeaders,
			uploadRow("x@example.com", "maybe", "4", "", "John", map[string]string{"Password*": "short", "Phone number": "12", "Discount": "150"})))
		wantRow(t, res, codeInvalidParameters, 2)
		wantInvalid(t, res, "user.activated", "user.legal_type", "user.last_name", "user.password", "user.phone", "discount.value")
	})
	t.Run("company fields must be filled", func(t *testing.T) {
		res := postUpload(t, s, tech, "u.csv", csvFile(englishHeaders,
			uploadRow("co@example.com", "1", "2", "Smith", "John", map[string]string{"Legal name": "", "Registration zip code": ""})))
		wantRow(t, res, codeInvalidParameters, 2)
		wantInvalid(t, res, "user.legal_name", "user.registered_index")
	})
	t.Run("company columns must be present", func(t *testing.T) {
		res := postUpload(t, s, tech, "u.csv", csvFile("Email address*;Password*;Status*;Legal status*;Surname*;Name*;Country;Region;City;Street, address;Zip code;Registration region;Registration city;Registration address;Registration zip code",
			"ok2@example.com;Hh6FXTt%E!Rx*%f3;1;1;Smith;John;;;;;;;;;",
			"st@example.com;Hh6FXTt%E!Rx*%f3;1;3;Smith;John;US;CA;LA;Main 1;90001;CA;LA;Main 1;90001",
			"le@example.com;Hh6FXTt%E!Rx*%f3;1;2;Smith;John;US;CA;LA;Main 1;90001;CA;LA;Main 1;90001"))
		// The sole trader needs no Legal name column; the legal entity does.
		wantRow(t, res, codeInvalidParameters, 4)
		wantInvalid(t, res, "users_import.legal_name", "user.legal_name")
	})
	t.Run("duplicate login in the file, row 4", func(t *testing.T) {
		res := postUpload(t, s, tech, "u.csv", csvFile(englishHeaders, good("dup@example.com"), good("other@example.com"), good("DUP@example.com")))
		wantRow(t, res, codeDuplicateLogin, 4)
		if res.obj["errors"] != nil {
			t.Errorf("273 with errors: %s", res.body)
		}
	})
	t.Run("login in use, row 2", func(t *testing.T) {
		wantRow(t, postUpload(t, s, tech, "u.csv", csvFile(englishHeaders, good(taken), good("fresh@example.com"))), codeLoginInUse, 2)
	})
	t.Run("missing file part", func(t *testing.T) {
		wantInvalid(t, decode(t, httptestRecorder(s, uploadRequest(t, tech, "", nil, map[string]string{"x": "y"}))), "file")
		wantInvalid(t, userCall(t, s, tech, "user/upload", `{}`), "file")
	})
	t.Run("old XLS", func(t *testing.T) {
		wantInvalid(t, postUpload(t, s, tech, "u.xls", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 100)...)), "file")
	})
	t.Run("not really XLSX", func(t *testing.T) {
		wantInvalid(t, postUpload(t, s, tech, "u.xlsx", []byte("id;login\n1;x")), "file")
		wantInvalid(t, postUpload(t, s, tech, "u.xlsx", []byte("PK\x03\x04 broken zip")), "file")
	})
	t.Run("not UTF-8", func(t *testing.T) {
		wantInvalid(t, postUpload(t, s, tech, "u.csv", []byte("Email address*;Password*\n\xcf\xf0\xe8;x\n")), "file")
	})
	t.Run("viewer", func(t *testing.T) {
		wantError(t, postUpload(t, s, login(t, s, "viewer", "viewer"), "u.csv", csvFile(englishHeaders, good("v@example.com"))),
			codeNotPermitted, http.StatusForbidden)
	})
	// Nothing of the failed uploads was created.
	if ids := listIDs(t, userCall(t, s, tech, "user/list", `{}`)); len(ids) != 60 {
		t.Errorf("failed uploads created users: %d", len(ids))
	}
}

func TestUserUploadRedirect(t *testing.T) {
	s := New(smallSeed)
	tech := login(t, s, "tech", "tech")
	send := func(file []byte, target string) *httptest.ResponseRecorder {
		return httptestRecorder(s, uploadRequest(t, tech, "u.csv", file, map[string]string{"redirect_target": target}))
	}
	rec := send(csvFile(englishHeaders, uploadRow("redirected@example.com", "1", "1", "Smith", "John", nil)), "https://portal.example/users/import?step=2")
	if rec.Code != http.StatusFound {
		t.Fatalf("HTTP %d %s", rec.Code, rec.Body)
	}
	loc, err := url.Parse(rec.Header().Get("Location"))
	if err != nil || loc.Host != "portal.example" || loc.Query().Get("step") != "2" || loc.Query().Get("response") != `{"success":true,"total":1,"errors":0}` {
		t.Errorf("Location %q", rec.Header().Get("Location"))
	}
	rec = send(csvFile(englishHeaders, uploadRow("redirected@example.com", "1", "1", "Smith", "John", nil)), "https://portal.example/done")
	loc, _ = url.Parse(rec.Header().Get("Location"))
	if rec.Code != http.StatusFound || !strings.Contains(loc.Query().Get("response"), `"code":206`) || !strings.Contains(loc.Query().Get("response"), `"row_number":2`) {
		t.Errorf("error redirect: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	wantInvalid(t, decode(t, send(nil, "javascript:alert(1)")), "redirect_target")
}

func TestUserUploadRowLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("large upload skipped in -short runs")
	}
	s := New(smallSeed)
	lines := []string{"Email address;Password;Status;Legal status;Surname;Name"}
	for i := range maxUploadRows + 5 {
		lines = append(lines, fmt.Sprintf("bulk%d@example.com;Hh6FXTt%%E!Rx*%%f3;1;1;Smith;John", i))
	}
	res := postUpload(t, s, login(t, s, "admin", "admin"), "bulk.csv", csvFile(lines...))
	wantUserOK(t, res)
	if res.obj["total"] != float64(maxUploadRows) || s.Store().UserCount() != 60+maxUploadRows {
		t.Errorf("reply %s, %d users", res.body, s.Store().UserCount())
	}
}
