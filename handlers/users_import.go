package handlers

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// userImportMaxBytes is the largest file the import takes, as the
// official console limits it.
const userImportMaxBytes = 10 << 20

// userImportHeaders are the import template's column headings, as
// user/upload documents them ("*" marks a required column). The Russian
// set has the Russian legal identifiers as extra columns.
var userImportHeaders = map[i18n.Lang][]string{
	i18n.EN: {"Email address*", "Password*", "Status*", "Legal status*", "Surname*", "Name*", "Middle name",
		"Phone number", "Comment", "Country", "Region", "City", "Street, address", "Zip code", "Legal name",
		"Tax number", "IEC", "Registration country", "Registration region", "Registration city",
		"Registration address", "Registration zip code", "Discount", "End date of discount", "Device limit"},
	i18n.RU: {"Адрес электронной почты*", "Пароль*", "Статус*", "Юридический статус*", "Фамилия*", "Имя*",
		"Отчество", "Номер телефона", "Комментарий", "Страна", "Регион", "Город", "Улица, дом, квартира",
		"Почтовый индекс", "Юридическое название", "ИНН", "КПП", "ОГРН", "ОКПО", "Страна регистрации",
		"Регион регистрации", "Город регистрации", "Улица, дом регистрации", "Почтовый индекс регистрации",
		"Скидка", "Дата окончания скидки", "Минимальное число устройств для скидки"},
}

// importForm shows the import page.
func (h *usersHandlers) importForm(c echo.Context) error {
	l := i18n.From(c.Request().Context())
	return h.render(c, http.StatusOK, templates.UserImportPage(templates.UserImportView{MaxBytes: userImportMaxBytes, TemplateLang: string(l.Lang)}))
}

// importUsers sends an uploaded CSV (";"-separated) or XLS/XLSX file to
// user/upload and shows how many users were created, or the rows the
// Panel refused with their line numbers. The size and the kind of file are
// checked before anything is sent. An htmx upload gets the result alone.
func (h *usersHandlers) importUsers(c echo.Context) error {
	sess := session(c)
	l := i18n.From(c.Request().Context())
	res, err := h.runImport(c, sess.Hash, l)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if !res.OK {
		status = statusUnprocessable
	}
	if wantsPartial(c) {
		return h.render(c, status, templates.UserImportResultBox(*res))
	}
	return h.render(c, status, templates.UserImportPage(templates.UserImportView{Result: res, MaxBytes: userImportMaxBytes, TemplateLang: string(l.Lang)}))
}

// runImport checks and sends the file. The result is what the staff
// member sees; the error is for the error page (the session ended, not
// allowed).
func (h *usersHandlers) runImport(c echo.Context, hash string, l *i18n.Localizer) (*templates.UserImportResult, error) {
	r := c.Request()
	fail := func(key string, args ...any) (*templates.UserImportResult, error) {
		return &templates.UserImportResult{Message: l.T(key, args...)}, nil
	}
	// Room for the multipart framing around the file.
	const slack = 64 << 10
	if r.ContentLength > userImportMaxBytes+slack {
		return fail("users.import.too_large")
	}
	if r.MultipartForm == nil {
		r.Body = http.MaxBytesReader(c.Response(), r.Body, userImportMaxBytes+slack)
	}
	fh, err := c.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fail("users.import.too_large")
		}
		return fail("users.import.choose")
	}
	if fh.Size > userImportMaxBytes {
		return fail("users.import.too_large")
	}
	if fh.Size == 0 {
		return fail("users.api.274")
	}
	name := path.Base(strings.ReplaceAll(fh.Filename, "\\", "/"))
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case ".csv", ".xls", ".xlsx":
	default:
		return fail("users.import.bad_type")
	}
	f, err := fh.Open()
	if err != nil {
		return fail("users.import.choose")
	}
	defer f.Close()
	var body io.Reader = f
	if ext == ".csv" {
		body = skipBOM(f)
	}
	up, err := h.api.UploadUsers(r.Context(), hash, name, body)
	h.audit(c, "user.upload", name, err)
	if err == nil {
		return &templates.UserImportResult{OK: true, Total: up.Total, Failed: up.Errors}, nil
	}
	if panelclient.IsSessionEnded(err) || panelclient.IsForbidden(err) {
		return nil, err
	}
	var apiErr *panelclient.APIError
	var tErr *panelclient.TransportError
	switch {
	case errors.As(err, &apiErr):
		return importRefusal(l, apiErr), nil
	case errors.As(err, &tErr):
		return &templates.UserImportResult{Message: transportMessage(l, tErr)}, nil
	}
	return nil, err
}

// importRefusal lists the rows of a refused import with what was wrong.
func importRefusal(l *i18n.Localizer, e *panelclient.APIError) *templates.UserImportResult {
	res := &templates.UserImportResult{Message: l.T("users.import.refused")}
	switch e.Code {
	case 274:
		res.Message = l.T("users.api.274")
	case 206, 273:
		res.Rows = append(res.Rows, templates.UserImportErrorRow{Row: e.RowNumber, Column: l.T("users.col.login"), Message: l.T("users.api." + itoa(e.Code))})
	case 7:
		for _, fe := range e.Errors {
			res.Rows = append(res.Rows, templates.UserImportErrorRow{Row: e.RowNumber, Column: importColumnOf(l, fe.Parameter), Message: fe.Error})
		}
		if len(res.Rows) == 0 {
			res.Rows = append(res.Rows, templates.UserImportErrorRow{Row: e.RowNumber, Message: l.T("api.invalid")})
		}
	default:
		res.Rows = append(res.Rows, templates.UserImportErrorRow{Row: e.RowNumber, Message: usersAPIMessage(l, e)})
	}
	return res
}

// importColumnOf names the column a Panel parameter stands for:
// "user.login" is the login field, "users_import.password" the Password
// column; anything else is shown as the Panel named it.
func importColumnOf(l *i18n.Localizer, param string) string {
	if f := userFieldOf(param); f != "" {
		key := "users.field." + f
		if i18n.Has(key) {
			return l.T(key)
		}
	}
	if rest, ok := strings.CutPrefix(param, "users_import."); ok {
		key := "users.import.col." + rest
		if i18n.Has(key) {
			return l.T(key)
		}
		return rest
	}
	return param
}

// skipBOM drops a UTF-8 byte order mark at the start of a CSV file (Excel
// writes one when saving "CSV UTF-8"), so the first heading reads as
// written.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	return br
}

// importTemplateLang is the language of the template asked for, else the
// staff member's.
func importTemplateLang(c echo.Context) i18n.Lang {
	if l, ok := i18n.Parse(c.QueryParam("lang")); ok {
		return l
	}
	return i18n.From(c.Request().Context()).Lang
}

// importTemplateCSV downloads the CSV template: the documented headings,
// ";"-separated as user/upload requires, UTF-8 with a byte order mark so
// Excel shows the Russian headings correctly (the import removes it again).
func (h *usersHandlers) importTemplateCSV(c echo.Context) error {
	lang := importTemplateLang(c)
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.UseCRLF = true
	_ = w.Write(userImportHeaders[lang])
	w.Flush()
	hdr := c.Response().Header()
	hdr.Set("Content-Disposition", `attachment; filename="users-import-`+string(lang)+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// importTemplateXLSX downloads the same template as a workbook.
func (h *usersHandlers) importTemplateXLSX(c echo.Context) error {
	lang := importTemplateLang(c)
	f := excelize.NewFile()
	defer f.Close()
	headers := userImportHeaders[lang]
	row := make([]any, len(headers))
	for i, s := range headers {
		row[i] = s
	}
	if err := f.SetSheetRow("Sheet1", "A1", &row); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="users-import-`+string(lang)+`.xlsx"`)
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}
