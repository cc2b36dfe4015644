package panelsim

import (
	"fmt"
	"net/http"
)

// Error codes the emulator answers with, named after errors.md. Resource
// files add a constant here when they need a code that is not listed yet;
// the table below already knows every documented code.
const (
	codeDatabase            = 1
	codeWrongHash           = 3
	codeSessionEnded        = 4
	codeWrongRequestFormat  = 5
	codeUnexpected          = 6
	codeInvalidParameters   = 7
	codeTooLargeRequest     = 9
	codeAccessDenied        = 11
	codeDealerNotFound      = 12
	codeNotPermitted        = 13
	codeWrongLoginPassword  = 102
	codeWrongHandler        = 111
	codeWrongMethod         = 112
	codeNotFound            = 201
	codeEntityNotFound      = 204
	codeLoginInUse          = 206
	codeListHasNonexistent  = 217
	codeNotAllowedForClones = 219
	codeInvalidUserID       = 246
	codeEntityExists        = 247
	codeInsufficientFunds   = 251
	codeDeviceCorrupted     = 252
	codeDeviceHasClones     = 253
)

// errorInfo is what errors.md says about one code: the description a
// client may show and the HTTP status the answer carries.
type errorInfo struct {
	description string
	status      int
}

// errorTable is the single source of truth for error descriptions and HTTP
// statuses, copied from errors.md ("Default HTTP code is 400"). Code 4 uses
// the wording of the Panel API's own examples (getting-started.md and
// authentication.md), "User not found or session ended", since a panel
// session has no API keys.
var errorTable = map[int]errorInfo{
	1:   {"Database error", http.StatusInternalServerError},
	2:   {"Service Auth error", http.StatusForbidden},
	3:   {"Wrong hash", http.StatusBadRequest},
	4:   {"User not found or session ended", http.StatusBadRequest},
	5:   {"Wrong request format", http.StatusBadRequest},
	6:   {"Unexpected error", http.StatusInternalServerError},
	7:   {"Invalid parameters", http.StatusBadRequest},
	8:   {"Queue service error, try again later", http.StatusServiceUnavailable},
	9:   {"Too large request", http.StatusPreconditionFailed},
	11:  {"Access denied", http.StatusForbidden},
	12:  {"Dealer not found", http.StatusBadRequest},
	13:  {"Operation not permitted", http.StatusForbidden},
	14:  {"Database unavailable", http.StatusServiceUnavailable},
	15:  {"Too many requests (rate limit exceeded)", http.StatusTooManyRequests},
	101: {"In demo mode this function is disabled", http.StatusForbidden},
	102: {"Wrong login or password", http.StatusBadRequest},
	103: {"User not activated", http.StatusBadRequest},
	111: {"Wrong handler", http.StatusBadRequest},
	112: {"Wrong method", http.StatusBadRequest},
	201: {"Not found in database", http.StatusBadRequest},
	202: {"Too many points in zone", http.StatusBadRequest},
	203: {"Delete entity associated with", http.StatusBadRequest},
	204: {"Entity not found", http.StatusNotFound},
	206: {"Login already in use", http.StatusBadRequest},
	207: {"Invalid captcha", http.StatusBadRequest},
	208: {"Device blocked", http.StatusForbidden},
	209: {"Failed sending email", http.StatusBadRequest},
	210: {"Geocoding failed", http.StatusBadRequest},
	211: {"Requested time span is too big", http.StatusBadRequest},
	212: {"Requested limit is too big", http.StatusBadRequest},
	213: {"Cannot perform action: the device is offline", http.StatusBadRequest},
	214: {"Requested operation or parameters are not supported by the device", http.StatusBadRequest},
	215: {"External service error", http.StatusBadRequest},
	217: {"List contains nonexistent entities", http.StatusBadRequest},
	218: {"Malformed external service parameters", http.StatusBadRequest},
	219: {"Not allowed for clones of the device", http.StatusForbidden},
	220: {"Unknown device model", http.StatusBadRequest},
	221: {"Device limit exceeded", http.StatusForbidden},
	222: {"Plugin not found", http.StatusBadRequest},
	223: {"Phone number already in use", http.StatusBadRequest},
	224: {"Device ID already in use", http.StatusBadRequest},
	225: {"Not allowed for this legal type", http.StatusForbidden},
	226: {"Wrong ICCID", http.StatusBadRequest},
	227: {"Wrong activation code", http.StatusBadRequest},
	228: {"Not supported by sensor", http.StatusBadRequest},
	229: {"Requested data is not ready yet", http.StatusNotFound},
	230: {"Not supported for this entity type", http.StatusBadRequest},
	231: {"Entity type mismatch", http.StatusConflict},
	232: {"Input already in use", http.StatusBadRequest},
	233: {"No data file", http.StatusBadRequest},
	234: {"Invalid data format", http.StatusBadRequest},
	235: {"Missing calibration data", http.StatusBadRequest},
	236: {"Feature unavailable due to tariff restrictions", http.StatusPaymentRequired},
	237: {"Invalid tariff", http.StatusBadRequest},
	238: {"Changing tariff is not allowed", http.StatusForbidden},
	239: {"New tariff does not exist", http.StatusNotFound},
	240: {"Not allowed to change tariff too frequently", http.StatusForbidden},
	241: {"Cannot change phone to bundled sim. Contact tech support.", http.StatusBadRequest},
	242: {"There were errors during content validation", http.StatusBadRequest},
	243: {"Device already connected.", http.StatusBadRequest},
	244: {"Duplicate entity label.", http.StatusBadRequest},
	245: {"New password must be different", http.StatusBadRequest},
	246: {"Invalid user ID", http.StatusBadRequest},
	247: {"Entity already exists", http.StatusConflict},
	248: {"Wrong password", http.StatusBadRequest},
	249: {"Operation available for clones only", http.StatusForbidden},
	250: {"Not allowed for deleted devices", http.StatusForbidden},
	251: {"Insufficient funds", http.StatusForbidden},
	252: {"Device already corrupted", http.StatusBadRequest},
	253: {"Device has clones", http.StatusBadRequest},
	254: {"Cannot save file", http.StatusInternalServerError},
	255: {"Invalid task state", http.StatusBadRequest},
	256: {"Location already actual", http.StatusBadRequest},
	257: {"Registration forbidden", http.StatusForbidden},
	258: {"Bundle not found", http.StatusNotFound},
	259: {"Payments count not comply with summary", http.StatusBadRequest},
	260: {"Payments sum not comply with summary", http.StatusBadRequest},
	261: {"Entity has external links", http.StatusForbidden},
	262: {"Entries list is missing some entries or contains nonexistent entries", http.StatusBadRequest},
	263: {"No change needed, old and new values are the same", http.StatusBadRequest},
	264: {"Timeout not reached", http.StatusForbidden},
	265: {"Already done", http.StatusForbidden},
	266: {"Cannot perform action for the device in current status", http.StatusForbidden},
	267: {"Too many entities", http.StatusBadRequest},
	268: {"Over quota", http.StatusPaymentRequired},
	269: {"Invalid file state", http.StatusBadRequest},
	270: {"Too many sensors of same type already exist", http.StatusBadRequest},
	271: {"File over max size", http.StatusRequestEntityTooLarge},
	272: {"Trackers must have same models", http.StatusBadRequest},
	273: {"Duplicate login", http.StatusBadRequest},
	274: {"Empty data file", http.StatusBadRequest},
	275: {"User is blocked", http.StatusForbidden},
	276: {"Action is forbidden for received session type", http.StatusForbidden},
	277: {"Security group has users in it", http.StatusConflict},
	278: {"Security group is a default one", http.StatusConflict},
	279: {"Invalid task period", http.StatusBadRequest},
	280: {"Invalid import request state", http.StatusBadRequest},
	281: {"This resource is closed", http.StatusBadRequest},
	284: {"Not enough points for the specified zone type", http.StatusBadRequest},
}

// describe returns the description and HTTP status of a code. A code the
// table does not know is answered as a plain 400 with a generic text, so a
// fault injected with an invented code still produces a well-formed reply.
func describe(code int) errorInfo {
	if info, ok := errorTable[code]; ok {
		return info
	}
	return errorInfo{description: fmt.Sprintf("Error %d", code), status: http.StatusBadRequest}
}

// paramError is one entry of the `errors` list that accompanies code 7: the
// parameter a staff member got wrong and what was wrong with it.
type paramError struct {
	Parameter string `json:"parameter"`
	Error     string `json:"error"`
}

// apiError is a failed Panel API call as an action returns it. The server
// turns it into {"success":false,"status":{...}} with the HTTP status of
// errorTable, adds `errors` for code 7, and any extra top-level fields
// (the `list` of clone ids that accompanies 247 and 253, the `row_number`
// of user/upload).
type apiError struct {
	code   int
	errors []paramError
	extra  map[string]any
}

// newError builds the failure for a documented code.
func newError(code int) *apiError { return &apiError{code: code} }

// invalidParams builds a code 7 failure naming one parameter.
func invalidParams(parameter, problem string) *apiError {
	return &apiError{code: codeInvalidParameters, errors: []paramError{{Parameter: parameter, Error: problem}}}
}

// with adds a top-level field next to `status`, e.g. with("list", ids).
func (e *apiError) with(key string, value any) *apiError {
	if e.extra == nil {
		e.extra = map[string]any{}
	}
	e.extra[key] = value
	return e
}

func (e *apiError) Error() string {
	return fmt.Sprintf("panel API error %d: %s", e.code, describe(e.code).description)
}

// errorBody is the fixed part of a failure reply, in documented key order.
type errorBody struct {
	Success bool         `json:"success"`
	Status  errorStatus  `json:"status"`
	Errors  []paramError `json:"errors,omitempty"`
}

type errorStatus struct {
	Code        int    `json:"code"`
	Description string `json:"description"`
}

// render produces the reply for a failure.
func (e *apiError) render() reply {
	info := describe(e.code)
	body, err := marshalJSON(errorBody{
		Status: errorStatus{Code: e.code, Description: info.description},
		Errors: e.errors,
	})
	if err == nil && len(e.extra) > 0 {
		var extra []byte
		if extra, err = marshalJSON(e.extra); err == nil {
			body, err = spliceObjects(body, extra)
		}
	}
	if err != nil {
		// The fixed part always encodes; only an unencodable extra lands here.
		body = []byte(`{"success":false,"status":{"code":6,"description":"Unexpected error"}}`)
		info.status = http.StatusInternalServerError
	}
	return reply{status: info.status, contentType: jsonContentType, body: body}
}
