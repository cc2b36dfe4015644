package handlers

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/navixy-portal/portal/templates"
)

// Limits of one bulk activation file.
const (
	// activationMaxBytes is the largest file taken, as for the user import.
	activationMaxBytes = 10 << 20
	// activationMaxRows is the most devices one file may hold. Support
	// takes files of hundreds or thousands of devices; larger batches are
	// split.
	activationMaxRows = 2000
)

// fileProblem is why a whole file is refused: a catalogue key and its
// arguments.
type fileProblem struct {
	key  string
	args []any
}

func (p *fileProblem) Error() string { return p.key }

func refuseFile(key string, args ...any) error { return &fileProblem{key: key, args: args} }

// fileRow is one row of the file: its line (as a spreadsheet numbers it)
// and its cells by column name.
type fileRow struct {
	Line  int
	Cells map[string]string
	// Extra is set when a file without a heading row has cells beyond the
	// nine columns.
	Extra bool
}

func (r fileRow) cell(name string) string { return r.Cells[name] }

// readActivationFile reads the rows of a CSV (comma, semicolon or tab
// separated, UTF-8 with or without a byte order mark) or XLSX (first sheet)
// file. A first row whose cells are column names is a heading row and the
// columns may then come in any order, user_id, phone and the APN and
// comment columns being optional; without one the columns are the nine of
// the template, in order. Empty rows are skipped.
func readActivationFile(ext string, data []byte) ([]fileRow, error) {
	var (
		records [][]string
		lines   []int
		err     error
	)
	switch ext {
	case ".csv":
		records, lines, err = csvRecords(data)
	case ".xlsx":
		records, lines, err = xlsxRecords(data)
	default:
		return nil, refuseFile("activate.file.bad_type")
	}
	if err != nil {
		return nil, err
	}
	return rowsOf(records, lines)
}

func csvRecords(data []byte) ([][]string, []int, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sniffSeparator(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var records [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, refuseFile("activate.file.unreadable")
		}
		line, _ := r.FieldPos(0)
		records = append(records, rec)
		lines = append(lines, line)
		if len(records) > activationMaxRows+1 {
			break // rowsOf says the file is too long
		}
	}
	return records, lines, nil
}

// sniffSeparator picks the separator of the first line: the one of comma,
// semicolon and tab it holds most of (Excel writes ";" in many locales).
func sniffSeparator(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	best, bestN := ',', bytes.Count(first, []byte(","))
	for _, c := range []rune{';', '\t'} {
		if n := bytes.Count(first, []byte(string(c))); n > bestN {
			best, bestN = c, n
		}
	}
	return best
}

func xlsxRecords(data []byte) ([][]string, []int, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, refuseFile("activate.file.unreadable")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, refuseFile("activate.file.empty")
	}
	// Raw values: a device ID typed as a number must not come back in the
	// cell's display format ("3.52093E+14").
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, nil, refuseFile("activate.file.unreadable")
	}
	lines := make([]int, len(rows))
	for i := range rows {
		lines[i] = i + 1
		for j, v := range rows[i] {
			rows[i][j] = plainNumber(v)
		}
	}
	return rows, lines, nil
}

// plainNumber writes a whole number a spreadsheet stored in exponent or
// decimal form ("3.52093100000012E+14", "79123122312.0") as its digits;
// anything else is returned as is.
func plainNumber(s string) string {
	t := strings.TrimSpace(s)
	if !strings.ContainsAny(t, "eE.") || strings.ContainsAny(t, "abcdfABCDF") {
		return s
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || f != math.Trunc(f) || f >= 1e17 {
		return s
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// columnName reads a heading cell: "Device ID", "device-id" and
// "device_id*" all name device_id.
func columnName(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "*")))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(s)
}

func isColumn(name string) bool {
	for _, c := range templates.ActivationColumns {
		if c == name {
			return true
		}
	}
	return false
}

func emptyRecord(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// rowsOf turns records into rows by the heading row, or by the template's
// column order when there is none.
func rowsOf(records [][]string, lines []int) ([]fileRow, error) {
	start := 0
	for start < len(records) && emptyRecord(records[start]) {
		start++
	}
	if start == len(records) {
		return nil, refuseFile("activate.file.empty")
	}
	columns := templates.ActivationColumns
	positional := true
	head := records[start]
	for _, c := range head {
		if isColumn(columnName(c)) {
			positional = false
			break
		}
	}
	if !positional {
		columns = make([]string, len(head))
		seen := map[string]bool{}
		for i, c := range head {
			name := columnName(c)
			switch {
			case name == "":
			case !isColumn(name):
				return nil, refuseFile("activate.file.unknown_column", strings.TrimSpace(c))
			default:
				columns[i] = name
				seen[name] = true
			}
		}
		for _, need := range []string{"model", "label", "device_id"} {
			if !seen[need] {
				return nil, refuseFile("activate.file.missing_column", need)
			}
		}
		start++
	}
	var rows []fileRow
	for i := start; i < len(records); i++ {
		rec := records[i]
		if emptyRecord(rec) {
			continue
		}
		row := fileRow{Line: lines[i], Cells: make(map[string]string, len(columns))}
		for j, v := range rec {
			if j >= len(columns) {
				if strings.TrimSpace(v) != "" {
					row.Extra = positional
				}
				continue
			}
			if columns[j] != "" {
				row.Cells[columns[j]] = strings.TrimSpace(v)
			}
		}
		rows = append(rows, row)
	}
	switch {
	case len(rows) == 0:
		return nil, refuseFile("activate.file.empty")
	case len(rows) > activationMaxRows:
		return nil, refuseFile("activate.file.too_many", activationMaxRows, len(rows))
	}
	return rows, nil
}

// cleanDeviceID drops the spaces and dashes people type inside a numeric
// ID ("35 209310 000001-2"); other IDs are kept as typed.
func cleanDeviceID(s string) string {
	s = strings.TrimSpace(s)
	stripped := strings.NewReplacer(" ", "", "-", "").Replace(s)
	if stripped != "" && isDigitString(stripped) {
		return stripped
	}
	return s
}

// cleanPhone drops what people put around a number: a leading "+", spaces,
// dashes, dots and brackets. The API wants digits only.
func cleanPhone(s string) string {
	return strings.NewReplacer("+", "", " ", "", "-", "", "(", "", ")", "", ".", "").Replace(strings.TrimSpace(s))
}

func isDigitString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// The stateless hand-over between the check and the run. The rows and the
// results so far travel in hidden fields as JSON, gzipped and base64url
// encoded; blobs are bounded when read.
const (
	maxBlobChars = 8 << 20
	maxBlobBytes = 32 << 20
)

func encodeBlob(v any) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if _, err := zw.Write(raw); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

var errBlob = errors.New("damaged hidden field")

func decodeBlob(s string, v any) error {
	if s == "" || len(s) > maxBlobChars {
		return errBlob
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return errBlob
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return errBlob
	}
	data, err := io.ReadAll(io.LimitReader(zr, maxBlobBytes+1))
	if err != nil || len(data) > maxBlobBytes {
		return errBlob
	}
	if err := json.Unmarshal(data, v); err != nil {
		return errBlob
	}
	return nil
}
