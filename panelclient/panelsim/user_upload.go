package panelsim

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// maxUploadRows is how many data rows one user/upload processes (OpenAPI:
// "At most 10000 rows are processed"); rows after them are ignored.
const maxUploadRows = 10000

// Codes of user/upload not named in errors.go yet.
const (
	codeDuplicateLogin = 273
	codeEmptyDataFile  = 274
)

// importColumn is one column of the user/upload spreadsheet: the key its
// problems are reported under ("users_import.<key>", as the markdown's
// example names users_import.password and users_import.email), the user
// object field it fills, its English and Russian headers (lower case,
// without the `*` of required columns), whether every file must have it,
// and whether legal entities (2) and sole traders (3) must fill it
// (legalEntityOnly: legal entities only).
type importColumn struct {
	key             string
	field           string
	headers         []string
	required        bool
	company         bool
	legalEntityOnly bool
}

// Fields that are not user object fields.
const (
	importPassword    = "password"
	importStatus      = "activated"
	importLegalStatus = "legal_type"
	importComment     = "comment"
	importDiscount    = "discount.value"
	importDiscountEnd = "discount.end_date"
	importDiscountMin = "discount.min_trackers"
)

// importColumns are the documented headers. The English list has no state
// registration number or OKPO column and the Russian one has them (ОГРН,
// ОКПО); the English "Device limit" is the Russian "minimum number of
// devices for the discount", the discount's min_trackers.
var importColumns = []importColumn{
	{key: "email", field: "login", headers: []string{"email address", "адрес электронной почты"}, required: true},
	{key: "password", field: importPassword, headers: []string{"password", "пароль"}, required: true},
	{key: "status", field: importStatus, headers: []string{"status", "статус"}, required: true},
	{key: "legal_status", field: importLegalStatus, headers: []string{"legal status", "юридический статус"}, required: true},
	{key: "surname", field: "last_name", headers: []string{"surname", "фамилия"}, required: true},
	{key: "name", field: "first_name", headers: []string{"name", "имя"}, required: true},
	{key: "middle_name", field: "middle_name", headers: []string{"middle name", "отчество"}},
	{key: "phone", field: "phone", headers: []string{"phone number", "номер телефона"}},
	{key: "comment", field: importComment, headers: []string{"comment", "комментарий"}},
	{key: "country", field: "post_country", headers: []string{"country", "страна"}, company: true},
	{key: "region", field: "post_region", headers: []string{"region", "регион"}, company: true},
	{key: "city", field: "post_city", headers: []string{"city", "город"}, company: true},
	{key: "address", field: "post_street_address", headers: []string{"street, address", "улица, дом, квартира"}, company: true},
	{key: "zip_code", field: "post_index", headers: []string{"zip code", "почтовый индекс"}, company: true},
	{key: "legal_name", field: "legal_name", headers: []string{"legal name", "юридическое название"}, company: true, legalEntityOnly: true},
	{key: "tax_number", field: "tin", headers: []string{"tax number", "инн"}},
	{key: "iec", field: "iec", headers: []string{"iec", "кпп"}},
	{key: "state_reg_num", field: "state_reg_num", headers: []string{"огрн"}},
	{key: "okpo", field: "okpo_code", headers: []string{"окпо"}},
	{key: "registration_country", field: "registered_country", headers: []string{"registration country", "страна регистрации"}},
	{key: "registration_region", field: "registered_region", headers: []string{"registration region", "регион регистрации"}, company: true},
	{key: "registration_city", field: "registered_city", headers: []string{"registration city", "город регистрации"}, company: true},
	{key: "registration_address", field: "registered_street_address", headers: []string{"registration address", "улица, дом регистрации"}, company: true},
	{key: "registration_zip_code", field: "registered_index", headers: []string{"registration zip code", "почтовый индекс регистрации"}, company: true},
	{key: "discount", field: importDiscount, headers: []string{"discount", "скидка"}},
	{key: "discount_end_date", field: importDiscountEnd, headers: []string{"end date of discount", "дата окончания скидки"}},
	{key: "device_limit", field: importDiscountMin, headers: []string{"device limit", "минимальное число устройств для скидки"}},
}

// uploadLegalStatus maps the documented numbers to legal types.
var uploadLegalStatus = map[string]string{"1": legalIndividual, "2": legalLegalEntity, "3": legalSoleTrader}

// uploadReply is the answer of user/upload: rows processed and rows that
// failed (always 0: a failing row stops the whole upload).
type uploadReply struct {
	Total  int `json:"total"`
	Errors int `json:"errors"`
}

// userUpload creates users from a spreadsheet: the multipart part `file`,
// CSV (';' between columns, UTF-8) or XLSX (first sheet); the first row
// holds the headers, in English or Russian, in any order, `*` optional.
// New users get the dealer's default_user_time_zone, the dealer's locale
// and default MFA policy, verified equal to activated.
//
// The upload is all or nothing: the first bad row, in file order, stops it
// and nothing is created. Failures carry `row_number`, the file line
// (headers are line 1):
//
//   - 7 on line 1 with one "required column not found" entry per missing
//     column (users_import.<key>); 7 on a data line with an entry per bad
//     field (user.<field>, user.password, discount.<field>), or with
//     users_import.<key> when a company row needs a column the file lacks;
//   - 273 for the second occurrence of a login in the file;
//   - 206 for a login already in use;
//   - 274 (no row_number) when the file has no data rows.
//
// A missing `file` part or a file that is neither CSV nor XLSX answers 7
// on `file`. With redirect_target, every answer (success or failure) is a
// 302 to <redirect_target>?response=<the JSON answer, URL-encoded>.
func (s *Server) userUpload(c *call) (any, error) {
	target, hasTarget := c.params.optString("redirect_target")
	if hasTarget {
		u, err := url.Parse(target)
		if err != nil || !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, invalidParams("redirect_target", "Must be an absolute http(s) URL")
		}
	}
	payload, err := s.uploadUsers(c)
	if !hasTarget {
		return payload, err
	}
	var body []byte
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			return nil, err
		}
		body = ae.render().body
	} else {
		body = successReply(payload).body
	}
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	header := http.Header{}
	header.Set("Location", target+sep+"response="+url.QueryEscape(string(body)))
	return rawReply{Status: http.StatusFound, Header: header}, nil
}

func (s *Server) uploadUsers(c *call) (any, error) {
	rows, ferr := readUploadFile(c.req)
	if ferr != nil {
		return nil, ferr
	}
	if len(rows) == 0 {
		return nil, newError(codeEmptyDataFile)
	}
	cols, missing := mapImportHeaders(rows[0])
	if len(missing) > 0 {
		e := &apiError{code: codeInvalidParameters}
		for _, key := range missing {
			e.errors = append(e.errors, paramError{Parameter: "users_import." + key, Error: "required column not found"})
		}
		return nil, e.with("row_number", 1)
	}

	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	var (
		todo  []importRow
		seen  = map[string]int{}
		count int
	)
	for i, cells := range rows[1:] {
		line := i + 2
		if blankRow(cells) {
			continue
		}
		if count++; count > maxUploadRows {
			break
		}
		r, err := readImportRow(cols, cells, st.dealer.PasswordPolicy)
		if err != nil {
			return nil, err.with("row_number", line)
		}
		login := strings.ToLower(r.form.loginOf())
		if _, dup := seen[login]; dup {
			return nil, newError(codeDuplicateLogin).with("row_number", line)
		}
		seen[login] = line
		if st.userByLoginLocked(login) != nil {
			return nil, newError(codeLoginInUse).with("row_number", line)
		}
		todo = append(todo, r)
	}
	if len(todo) == 0 {
		return nil, newError(codeEmptyDataFile)
	}
	for _, r := range todo {
		u := st.newUserLocked(r.form, c.now)
		u.Password, u.Comment, u.Discount = r.password, r.comment, r.discount
		u.TimeZone, u.Locale = st.dealer.DefaultUserTimeZone, st.dealer.Locale
		st.insertUserLocked(u)
	}
	return uploadReply{Total: len(todo)}, nil
}

// importRow is one validated data row.
type importRow struct {
	form     userForm
	password string
	comment  string
	discount *Discount
}

// readImportRow validates one data row with the rules of user/create.
func readImportRow(cols map[string]int, cells []string, pol PasswordPolicy) (importRow, *apiError) {
	cell := func(field string) (string, bool) {
		i, ok := cols[field]
		if !ok {
			return "", false
		}
		if i < len(cells) {
			return strings.TrimSpace(cells[i]), true
		}
		return "", true
	}
	p := &params{values: map[string]paramValue{}}
	var r importRow

	user := map[string]json.RawMessage{}
	for _, tf := range userTextFields {
		v, _ := cell(tf.name)
		user[tf.name] = jsonText(v)
	}
	status, _ := cell(importStatus)
	switch activated, ok := parseUploadStatus(status); {
	case ok:
		user["activated"] = json.RawMessage(strconv.FormatBool(activated))
	default:
		p.invalid("user.activated", "Status must be 1 (active) or 0 (inactive)")
	}
	legal, _ := cell(importLegalStatus)
	legalType, ok := uploadLegalStatus[legal]
	if !ok {
		p.invalid("user.legal_type", "Legal status must be 1 (individual), 2 (legal entity) or 3 (sole trader)")
	}
	// A company row needs the company columns in the file.
	if level := legalLevel(legalType); level > 0 {
		for _, ic := range importColumns {
			if ic.company && (!ic.legalEntityOnly || level == 2) {
				if _, ok := cols[ic.field]; !ok {
					p.invalid("users_import."+ic.key, "required column not found")
				}
			}
		}
	}
	r.form = readUserForm(&fieldReader{p: p, prefix: "user.", fields: user}, formUpload, legalType)

	r.password, _ = cell(importPassword)
	if problem := passwordProblem(r.password, pol); problem != "" {
		p.invalid("user.password", problem)
	}
	r.comment, _ = cell(importComment)
	if utf8.RuneCountInString(r.comment) > 255 {
		p.invalid("user.comment", "Must be at most 255 characters long")
	} else if !printable(r.comment) {
		p.invalid("user.comment", msgPrintable)
	}
	if value, _ := cell(importDiscount); value != "" {
		d := map[string]json.RawMessage{"value": jsonText(strings.Replace(value, ",", ".", 1))}
		if end, _ := cell(importDiscountEnd); end != "" {
			d["end_date"] = jsonText(uploadDate(end))
		}
		if limit, _ := cell(importDiscountMin); limit != "" {
			d["min_trackers"] = jsonText(limit)
		}
		if disc, ok := readDiscount(&fieldReader{p: p, prefix: "discount.", fields: d}); ok {
			r.discount = &disc
		}
	}
	if len(p.errs) > 0 {
		return importRow{}, &apiError{code: codeInvalidParameters, errors: p.errs}
	}
	return r, nil
}

func jsonText(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// parseUploadStatus reads the Status column. The docs do not give its
// values; 1/0 are taken, and true/false, yes/no, active/inactive in
// English and Russian.
func parseUploadStatus(s string) (activated, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "active", "activated", "да", "активен", "активный":
		return true, true
	case "0", "false", "no", "inactive", "not activated", "нет", "неактивен", "неактивный", "не активен":
		return false, true
	}
	return false, false
}

// uploadDate normalises a discount end date to YYYY-MM-DD: ISO dates pass,
// DD.MM.YYYY (the Russian template's format) and Excel serial day numbers
// (a date cell read raw) are converted; anything else is left for the
// discount check to reject.
func uploadDate(s string) string {
	if t, err := time.Parse("02.01.2006", s); err == nil {
		return t.Format(dateLayout)
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 0 && n < 2958466 {
		if t, err := excelize.ExcelDateToTime(n, false); err == nil {
			return t.Format(dateLayout)
		}
	}
	return s
}

// mapImportHeaders finds the documented columns in the header row: by
// field, the cell index. missing lists the keys of required columns the
// file lacks. Unknown headers are ignored; of two equal headers the first
// counts.
func mapImportHeaders(header []string) (cols map[string]int, missing []string) {
	byHeader := map[string]*importColumn{}
	for i := range importColumns {
		for _, h := range importColumns[i].headers {
			byHeader[h] = &importColumns[i]
		}
	}
	cols = map[string]int{}
	for i, h := range header {
		h = strings.TrimPrefix(h, "\ufeff")
		h = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(h), "*")))
		ic := byHeader[h]
		if ic == nil {
			continue
		}
		if _, dup := cols[ic.field]; !dup {
			cols[ic.field] = i
		}
	}
	for _, ic := range importColumns {
		if _, ok := cols[ic.field]; ic.required && !ok {
			missing = append(missing, ic.key)
		}
	}
	return cols, missing
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// File signatures: XLSX is a ZIP archive, XLS (Excel 97-2003) an OLE2
// compound file.
var (
	zipMagic  = []byte("PK\x03\x04")
	ole2Magic = []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
)

// readUploadFile reads the rows of the uploaded `file` part. The format is
// told by content: a ZIP archive is read as XLSX, anything else as CSV.
// Old binary XLS files are refused (7 on `file`), like files that cannot
// be parsed.
func readUploadFile(r *http.Request) ([][]string, *apiError) {
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) == 0 {
		return nil, invalidParams("file", msgMissing)
	}
	fh := r.MultipartForm.File["file"][0]
	f, err := fh.Open()
	if err != nil {
		return nil, invalidParams("file", "Cannot read the file")
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, invalidParams("file", "Cannot read the file")
	}
	switch {
	case bytes.HasPrefix(data, zipMagic):
		return readXLSXRows(data)
	case bytes.HasPrefix(data, ole2Magic):
		return nil, invalidParams("file", "XLS (Excel 97-2003) files are not supported: save the file as XLSX or CSV")
	case strings.EqualFold(filepath.Ext(fh.Filename), ".xlsx"):
		return nil, invalidParams("file", "Not an XLSX file")
	}
	return readCSVRows(data)
}

func readCSVRows(data []byte) ([][]string, *apiError) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, invalidParams("file", "A CSV file must be UTF-8 text")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, invalidParams("file", "Cannot read the CSV file: "+err.Error())
	}
	return rows, nil
}

func readXLSXRows(data []byte) ([][]string, *apiError) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, invalidParams("file", "Cannot read the XLSX file")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil
	}
	// Raw values: a phone number or a date stays as stored, not as the
	// cell's display format shows it.
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, invalidParams("file", "Cannot read the XLSX file")
	}
	return rows, nil
}
