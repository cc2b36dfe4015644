package panelsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// maxBodyBytes bounds a request body; beyond it the emulator answers code 9
// "Too large request", as the real API does for oversized requests.
const maxBodyBytes = 16 << 20

// params holds the parameters of one request, normalised whatever way the
// caller sent them: a JSON body, urlencoded or multipart form fields, or the
// query string. Body values win over query values of the same name.
//
// Actions read typed values with the getters. A getter that meets a missing
// or malformed value records a code 7 entry and returns the zero value; the
// action checks err() once after reading everything, so a staff member sees
// every wrong field of a form at once:
//
//	userID := c.params.int("user_id")
//	limit, hasLimit := c.params.optInt("limit")
//	if err := c.params.err(); err != nil {
//		return nil, err
//	}
//
// Types are read leniently, as the platform does: an int may arrive as a
// JSON number or as a string of digits (form fields are always strings), a
// bool as true/false or "true"/"false", and an object or array either as
// JSON or as a JSON-encoded string, the way the official console sends
// nested parameters in form fields.
type params struct {
	values map[string]paramValue
	errs   []paramError
}

// paramValue is one parameter. From a JSON body, raw is the value as sent.
// From a form or the query, texts are the strings as sent and raw is their
// JSON reading: the text itself when it is a JSON object or array, else the
// text as a JSON string (several values become an array).
type paramValue struct {
	raw      json.RawMessage
	texts    []string
	fromForm bool
}

// readParams collects the parameters of r. It fails with code 5 for a body
// that cannot be parsed and code 9 for one that is too large.
func readParams(r *http.Request) (*params, *apiError) {
	p := &params{values: map[string]paramValue{}}
	for name, texts := range r.URL.Query() {
		p.values[name] = formValue(texts)
	}
	if r.Body == nil || r.Body == http.NoBody {
		return p, nil
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxBodyBytes)
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case mediaType == "multipart/form-data":
		if err := r.ParseMultipartForm(maxBodyBytes); err != nil {
			return nil, bodyError(err)
		}
		for name, texts := range r.MultipartForm.Value {
			p.values[name] = formValue(texts)
		}
	case mediaType == "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, bodyError(err)
		}
		for name, texts := range r.PostForm {
			p.values[name] = formValue(texts)
		}
	default:
		// JSON, whether declared as application/json, left undeclared or
		// declared as something else: the platform reads it all the same.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, bodyError(err)
		}
		body = bytes.TrimSpace(body)
		if len(body) == 0 {
			return p, nil
		}
		var fields map[string]json.RawMessage
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&fields); err != nil || fields == nil || dec.More() {
			return nil, newError(codeWrongRequestFormat)
		}
		for name, raw := range fields {
			p.values[name] = paramValue{raw: raw}
		}
	}
	return p, nil
}

func bodyError(err error) *apiError {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return newError(codeTooLargeRequest)
	}
	return newError(codeWrongRequestFormat)
}

func formValue(texts []string) paramValue {
	v := paramValue{texts: texts, fromForm: true}
	if len(texts) == 1 {
		v.raw = textAsJSON(texts[0])
		return v
	}
	parts := make([]json.RawMessage, len(texts))
	for i, t := range texts {
		parts[i] = textAsJSON(t)
	}
	v.raw, _ = json.Marshal(parts)
	return v
}

// textAsJSON reads a form text as JSON when it is a JSON object or array,
// and as a JSON string otherwise.
func textAsJSON(text string) json.RawMessage {
	t := strings.TrimSpace(text)
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(t)) {
		return json.RawMessage(t)
	}
	quoted, _ := json.Marshal(text)
	return quoted
}

// Messages of the code 7 `errors` list.
const (
	msgMissing   = "Required parameter is missing"
	msgNotString = "Must be a string"
	msgNotInt    = "Must be an integer"
	msgNotNumber = "Must be a number"
	msgNotBool   = "Must be a boolean"
	msgNotObject = "Must be a JSON object"
	msgNotArray  = "Must be a JSON array"
)

// has reports whether the parameter was sent with a non-null value.
func (p *params) has(name string) bool {
	v, ok := p.values[name]
	return ok && !isNull(v.raw)
}

// invalid records a code 7 entry for a parameter that failed an action's
// own validation ("Must be between 1 and 60").
func (p *params) invalid(name, problem string) {
	p.errs = append(p.errs, paramError{Parameter: name, Error: problem})
}

// err returns the code 7 failure listing every recorded problem, or nil.
func (p *params) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return &apiError{code: codeInvalidParameters, errors: p.errs}
}

// lookup returns a present, non-null value; a missing required parameter
// is recorded.
func (p *params) lookup(name string, required bool) (paramValue, bool) {
	v, ok := p.values[name]
	if !ok || isNull(v.raw) {
		if required {
			p.invalid(name, msgMissing)
		}
		return paramValue{}, false
	}
	return v, true
}

// text returns the parameter as sent, with no type checks and no error
// recording; the session hash is read this way.
func (p *params) text(name string) (string, bool) {
	v, ok := p.values[name]
	if !ok {
		return "", false
	}
	if v.fromForm {
		return v.texts[0], true
	}
	var s string
	if json.Unmarshal(v.raw, &s) != nil {
		return string(v.raw), true
	}
	return s, true
}

// string reads a required string.
func (p *params) string(name string) string {
	s, _ := p.readString(name, true)
	return s
}

// optString reads an optional string; ok is false when it was not sent.
func (p *params) optString(name string) (string, bool) {
	return p.readString(name, false)
}

func (p *params) readString(name string, required bool) (string, bool) {
	v, ok := p.lookup(name, required)
	if !ok {
		return "", false
	}
	if v.fromForm {
		return v.texts[0], true
	}
	var s string
	if err := json.Unmarshal(v.raw, &s); err == nil {
		return s, true
	}
	// A JSON number or boolean where a string is expected is taken as its
	// text ({"login": 20410}); objects and arrays are not strings.
	if t := strings.TrimSpace(string(v.raw)); t != "" && t[0] != '{' && t[0] != '[' {
		return t, true
	}
	p.invalid(name, msgNotString)
	return "", false
}

// int reads a required integer.
func (p *params) int(name string) int {
	n, _ := p.readInt(name, true)
	return n
}

// optInt reads an optional integer; ok is false when it was not sent.
func (p *params) optInt(name string) (int, bool) {
	return p.readInt(name, false)
}

func (p *params) readInt(name string, required bool) (int, bool) {
	v, ok := p.lookup(name, required)
	if !ok {
		return 0, false
	}
	n, ok := parseInt(scalarText(v.raw))
	if !ok {
		p.invalid(name, msgNotInt)
		return 0, false
	}
	return n, true
}

// float reads a required number.
func (p *params) float(name string) float64 {
	f, _ := p.readFloat(name, true)
	return f
}

func (p *params) readFloat(name string, required bool) (float64, bool) {
	v, ok := p.lookup(name, required)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(scalarText(v.raw)), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		p.invalid(name, msgNotNumber)
		return 0, false
	}
	return f, true
}

// bool reads a required boolean.
func (p *params) bool(name string) bool {
	b, _ := p.readBool(name, true)
	return b
}

// optBool reads an optional boolean; ok is false when it was not sent.
func (p *params) optBool(name string) (bool, bool) {
	return p.readBool(name, false)
}

func (p *params) readBool(name string, required bool) (bool, bool) {
	v, ok := p.lookup(name, required)
	if !ok {
		return false, false
	}
	switch strings.ToLower(strings.TrimSpace(scalarText(v.raw))) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	p.invalid(name, msgNotBool)
	return false, false
}

// object decodes a required JSON object parameter into dst (a pointer to a
// struct or map). Fields of the wrong type are reported as code 7 entries
// named "<param>.<field>".
func (p *params) object(name string, dst any) {
	p.readObject(name, dst, true)
}

// optObject decodes an optional JSON object; it reports whether one was sent.
func (p *params) optObject(name string, dst any) bool {
	return p.readObject(name, dst, false)
}

func (p *params) readObject(name string, dst any, required bool) bool {
	v, ok := p.lookup(name, required)
	if !ok {
		return false
	}
	raw := unwrapJSONString(v.raw)
	if len(raw) == 0 || raw[0] != '{' {
		p.invalid(name, msgNotObject)
		return false
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			p.invalid(name+"."+typeErr.Field, "Must be of type "+typeErr.Type.String())
		} else {
			p.invalid(name, msgNotObject)
		}
		return false
	}
	return true
}

// rawJSON returns a parameter as JSON, unwrapping a JSON-encoded string that
// holds an object or array, for actions that decode a union shape
// themselves. ok is false when it was not sent.
func (p *params) rawJSON(name string) (json.RawMessage, bool) {
	v, ok := p.lookup(name, false)
	if !ok {
		return nil, false
	}
	return unwrapJSONString(v.raw), true
}

// intList reads a required array of integers: a JSON array, a JSON-encoded
// array in a string ("[1,2]"), or repeated form fields.
func (p *params) intList(name string) []int {
	l, _ := p.readIntList(name, true)
	return l
}

func (p *params) readIntList(name string, required bool) ([]int, bool) {
	items, ok := p.readArray(name, required)
	if !ok {
		return nil, false
	}
	out := make([]int, 0, len(items))
	for i, item := range items {
		n, ok := parseInt(scalarText(item))
		if !ok {
			p.invalid(fmt.Sprintf("%s[%d]", name, i), msgNotInt)
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// stringList reads a required array of strings.
func (p *params) stringList(name string) []string {
	l, _ := p.readStringList(name, true)
	return l
}

// optStringList reads an optional array of strings.
func (p *params) optStringList(name string) ([]string, bool) {
	return p.readStringList(name, false)
}

func (p *params) readStringList(name string, required bool) ([]string, bool) {
	items, ok := p.readArray(name, required)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for i, item := range items {
		var s string
		if err := json.Unmarshal(item, &s); err != nil {
			p.invalid(fmt.Sprintf("%s[%d]", name, i), msgNotString)
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

func (p *params) readArray(name string, required bool) ([]json.RawMessage, bool) {
	v, ok := p.lookup(name, required)
	if !ok {
		return nil, false
	}
	raw := unwrapJSONString(v.raw)
	var items []json.RawMessage
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		p.invalid(name, msgNotArray)
		return nil, false
	}
	return items, true
}

// oneOf reads an optional string that must be one of allowed; def is
// returned when it was not sent. The message follows the platform's own
// wording ("Should be one of [id, login]").
func (p *params) oneOf(name, def string, allowed ...string) string {
	s, ok := p.optString(name)
	if !ok {
		return def
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	p.invalid(name, "Should be one of ["+strings.Join(allowed, ", ")+"]")
	return def
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// scalarText returns the text of a JSON number, boolean or string.
func scalarText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// unwrapJSONString returns the content of a JSON string that itself holds a
// JSON object or array; any other value is returned as is.
func unwrapJSONString(raw json.RawMessage) json.RawMessage {
	var s string
	if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		t := strings.TrimSpace(s)
		if len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(t)) {
			return json.RawMessage(t)
		}
	}
	return raw
}

// parseInt accepts a decimal integer that fits the API's 32-bit int, or a
// JSON number with no fraction such as 12.0.
func parseInt(text string) (int, bool) {
	t := strings.TrimSpace(text)
	if n, err := strconv.ParseInt(t, 10, 32); err == nil {
		return int(n), true
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f != math.Trunc(f) || f > math.MaxInt32 || f < math.MinInt32 {
		return 0, false
	}
	return int(f), true
}
