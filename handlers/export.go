package handlers

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
)

// This file is the machinery the list exports share (users, trackers): a
// column model, the column choice from the URL, and CSV and XLSX writers
// that take the rows page by page from the Panel API, so nothing is held
// whole.
//
// CSV conventions: Excel opens a .csv with the list separator of the
// computer's regional settings, which is "," for English (US/UK) and ";"
// for Russian (and most of Europe, where "," is the decimal mark). So an
// English export uses "," and "." for decimals, a Russian one ";" and ","
// for decimals. The file is UTF-8 with a byte order mark (without it Excel
// reads Cyrillic as mojibake) and CRLF line ends; a text cell that starts
// with = + - @ or a tab gets a leading apostrophe so that Excel does not
// run it as a formula.

// exportColumn is one column an export of rows of type T can hold.
type exportColumn[T any] struct {
	key      string
	labelKey string
	kind     exportKind
	value    func(row T) any
}

// exportKind says how a column's values are written.
type exportKind int

const (
	exportText  exportKind = iota // string
	exportInt                     // int
	exportMoney                   // float64, shown as is
	exportBool                    // bool, written as Yes/No in the language
)

// exportPages hands out the rows of an export one page at a time: the rows
// from offset on, none when the export is complete.
type exportPages[T any] func(offset int) ([]T, error)

// exportXLSXMaxCell is the most characters a spreadsheet cell holds (bytes
// here, which is stricter).
const exportXLSXMaxCell = 32767

// exportFormat reads ?format=: csv (the default) or xlsx; anything else
// is a bad request.
func exportFormat(c echo.Context) (string, error) {
	switch f := c.QueryParam("format"); f {
	case "":
		return panelclient.ExportCSV, nil
	case panelclient.ExportCSV, panelclient.ExportXLSX:
		return f, nil
	}
	return "", echo.NewHTTPError(http.StatusBadRequest)
}

// exportColumnNames reads ?cols=id&cols=login or ?cols=id,login.
func exportColumnNames(c echo.Context) []string {
	var names []string
	for _, v := range c.QueryParams()["cols"] {
		for n := range strings.SplitSeq(v, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
	}
	return names
}

// pickExportColumns returns the columns named, in the columns' own (file)
// order; unknown names are ignored, and none known means the defaults.
func pickExportColumns[T any](all []exportColumn[T], names, defaults []string) []exportColumn[T] {
	pick := func(names []string) []exportColumn[T] {
		var out []exportColumn[T]
		for _, col := range all {
			if slices.Contains(names, col.key) {
				out = append(out, col)
			}
		}
		return out
	}
	if cols := pick(names); len(cols) > 0 {
		return cols
	}
	return pick(defaults)
}

// sendExport streams an export as a download named base-YYYY-MM-DD.format.
// A failure before the first byte returns the error (the usual error
// page); a failure half way through cuts the connection, so that a browser
// reports the download failed instead of saving a silently short file.
func sendExport[T any](a *app, c echo.Context, format, base, sheet string, cols []exportColumn[T], next exportPages[T]) error {
	l := i18n.From(c.Request().Context())
	name := base + "-" + a.o.Now().UTC().Format("2006-01-02") + "." + format
	hdr := c.Response().Header()
	hdr.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	hdr.Set("Cache-Control", "no-store")
	var err error
	if format == panelclient.ExportCSV {
		hdr.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		err = writeExportCSV(c.Response(), l, cols, next)
	} else {
		hdr.Set(echo.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		err = writeExportXLSX(c.Response(), l, sheet, cols, next)
	}
	if err != nil && !c.Response().Committed {
		hdr.Del("Content-Disposition")
		return err
	}
	if err != nil {
		a.log().Error("export cut off", "request_id", requestID(c), "path", c.Request().URL.Path, "error", err.Error())
		panic(http.ErrAbortHandler)
	}
	return nil
}

// csvSeparator is the list separator Excel expects in the language.
func csvSeparator(l *i18n.Localizer) rune {
	if l.Lang == i18n.RU {
		return ';'
	}
	return ','
}

// writeExportCSV writes the header, then each page as it comes, flushing
// it to the client before asking for the next one. The status is sent
// only once the first page is in hand, so a failing first call still
// shows an error page.
func writeExportCSV[T any](w *echo.Response, l *i18n.Localizer, cols []exportColumn[T], next exportPages[T]) error {
	rows, err := next(0)
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 32<<10)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = csvSeparator(l)
	cw.UseCRLF = true
	record := make([]string, len(cols))
	for i, col := range cols {
		record[i] = l.T(col.labelKey)
	}
	if err := cw.Write(record); err != nil {
		return err
	}
	for offset := 0; len(rows) > 0; {
		for _, r := range rows {
			for i, col := range cols {
				record[i] = csvCell(l, col.kind, col.value(r))
			}
			if err := cw.Write(record); err != nil {
				return err
			}
		}
		offset += len(rows)
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		w.Flush()
		if rows, err = next(offset); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// csvCell formats one value for the CSV in the staff member's language.
func csvCell(l *i18n.Localizer, kind exportKind, v any) string {
	switch kind {
	case exportInt:
		return strconv.Itoa(v.(int))
	case exportMoney:
		s := strconv.FormatFloat(v.(float64), 'f', -1, 64)
		if l.Lang == i18n.RU {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case exportBool:
		return yesNo(l, v.(bool))
	}
	return defuseFormula(v.(string))
}

func yesNo(l *i18n.Localizer, b bool) string {
	if b {
		return l.T("common.yes")
	}
	return l.T("common.no")
}

// defuseFormula keeps a spreadsheet from reading text as a formula.
func defuseFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeExportXLSX writes the rows through excelize's StreamWriter, which
// keeps them in a temporary file past a small buffer, and sends the
// workbook once the last page is in (a zip is written from its end).
func writeExportXLSX[T any](w *echo.Response, l *i18n.Localizer, sheet string, cols []exportColumn[T], next exportPages[T]) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	header := make([]any, len(cols))
	for i, col := range cols {
		header[i] = excelize.Cell{StyleID: bold, Value: l.T(col.labelKey)}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{}); err != nil {
		return err
	}
	row := 2
	for offset := 0; ; {
		rows, err := next(offset)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			cells := make([]any, len(cols))
			for i, col := range cols {
				v := col.value(r)
				switch x := v.(type) {
				case bool:
					v = yesNo(l, x)
				case string:
					if len(x) > exportXLSXMaxCell {
						v = strings.ToValidUTF8(x[:exportXLSXMaxCell], "")
					}
				}
				cells[i] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
			row++
		}
		offset += len(rows)
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("writing the workbook: %w", err)
	}
	return nil
}
