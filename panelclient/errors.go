package panelclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
)

// APIError is a failure the Panel API reported itself: the body was the
// documented `{"success": false, "status": {...}}` envelope. Handlers map it
// to what the staff member sees: a login redirect when the session ended, a
// 403 page, a 404 page, or the form again with a message on each field.
//
// Description is the Panel's human-readable hint; the docs say it may change
// and must not be used programmatically, so decisions go by Code. Error()
// never contains the session hash (the client removes it from anything the
// server echoes).
type APIError struct {
	// Code is the Panel API error code (errors.md), not the HTTP status.
	Code int
	// Description is the Panel's hint for Code, for logs and tooltips.
	Description string
	// HTTPStatus is the HTTP status the Panel answered with (400 by default,
	// 403, 404, 500... per errors.md). 0 when the client rejected the call
	// before sending it.
	HTTPStatus int
	// Errors lists the parameters that failed validation (code 7 and the
	// user upload), in the order the Panel gave them.
	Errors []FieldError
	// RowNumber is the spreadsheet line that failed, for user/upload
	// (`row_number`); 0 when the failure is not tied to a row.
	RowNumber int
	// Action is the Panel action that failed, such as "user/list".
	Action string
	// List holds the IDs some failures name in `list`: the clones that block
	// tracker/corrupt (253), or the conflicting trackers of
	// tracker/batch_clone (247).
	List []int
	// Rules and Vehicles are the IDs that block tracker/delete_clone (203).
	Rules    []int
	Vehicles []int
}

// FieldError is one parameter the Panel rejected, e.g. {"user.login",
// "E-mail must be valid"}. Parameter uses the Panel's names, which are also
// the portal's form field names (with a "user." prefix for the user object).
type FieldError struct {
	Parameter string `json:"parameter"`
	Error     string `json:"error"`
}

// Error describes the failure for logs: action, code, description and the
// failing fields. It never contains the session hash.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("panel api")
	if e.Action != "" {
		b.WriteString(" ")
		b.WriteString(e.Action)
	}
	b.WriteString(": code ")
	b.WriteString(strconv.Itoa(e.Code))
	if e.Description != "" {
		b.WriteString(" (")
		b.WriteString(e.Description)
		b.WriteString(")")
	}
	if e.RowNumber > 0 {
		b.WriteString(" at row ")
		b.WriteString(strconv.Itoa(e.RowNumber))
	}
	for i, f := range e.Errors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Parameter)
		b.WriteString(": ")
		b.WriteString(f.Error)
	}
	return b.String()
}

// Is makes errors.Is(err, &APIError{Code: 206}) true for any APIError with
// that code (and, when the target names one, that action).
func (e *APIError) Is(target error) bool {
	t, ok := target.(*APIError)
	if !ok {
		return false
	}
	return t.Code == e.Code && (t.Action == "" || t.Action == e.Action)
}

// FieldMessages returns the validation messages keyed by parameter name, so
// a handler can put each message next to its form field. When the Panel
// names a parameter twice, the messages are joined.
func (e *APIError) FieldMessages() map[string]string {
	if len(e.Errors) == 0 {
		return nil
	}
	m := make(map[string]string, len(e.Errors))
	for _, f := range e.Errors {
		if prev, ok := m[f.Parameter]; ok {
			m[f.Parameter] = prev + "; " + f.Error
			continue
		}
		m[f.Parameter] = f.Error
	}
	return m
}

// Kind says how a call failed when the Panel API gave no usable answer.
// Its string form is stable and short, fit for a metrics label.
type Kind string

// The kinds of transport failure.
const (
	// KindTimeout: no complete answer within the client's timeout or the
	// caller's deadline.
	KindTimeout Kind = "timeout"
	// KindUnreachable: no connection could be opened (refused, unknown host,
	// no route). Nothing reached the Panel.
	KindUnreachable Kind = "unreachable"
	// KindConnectionLost: the connection closed or was reset (EOF, RST)
	// before or while the answer arrived.
	KindConnectionLost Kind = "connection_lost"
	// KindNetwork: any other failure below HTTP, such as a TLS error.
	KindNetwork Kind = "network"
	// KindNotJSON: the body is not JSON at all, typically an HTML error page
	// from a proxy or load balancer.
	KindNotJSON Kind = "not_json"
	// KindMalformed: the body looks like JSON but is truncated, invalid, or
	// does not have the documented shape.
	KindMalformed Kind = "malformed"
	// KindCanceled: the caller canceled the context (for example the staff
	// member closed the page).
	KindCanceled Kind = "canceled"
)

// Sentinels for errors.Is on a *TransportError.
var (
	// ErrTimeout matches KindTimeout.
	ErrTimeout = errors.New("panel api did not answer in time")
	// ErrUnreachable matches KindUnreachable and KindNetwork.
	ErrUnreachable = errors.New("panel api unreachable")
	// ErrConnectionLost matches KindConnectionLost.
	ErrConnectionLost = errors.New("panel api connection lost")
	// ErrBadResponse matches KindNotJSON and KindMalformed.
	ErrBadResponse = errors.New("panel api answer unreadable")
)

// TransportError is a call that got no usable Panel API answer: timeout,
// connection failure, or a body that is not the documented JSON. It wraps
// the underlying error (errors.Is(err, context.DeadlineExceeded),
// errors.Is(err, syscall.ECONNREFUSED) keep working) and matches the
// package sentinels (ErrTimeout, ErrUnreachable, ErrConnectionLost,
// ErrBadResponse). Its message never contains the session hash nor the
// response body.
type TransportError struct {
	Kind   Kind
	Action string
	// HTTPStatus and ContentType describe the response when there was one
	// (KindNotJSON, KindMalformed, or a body cut off while reading).
	HTTPStatus  int
	ContentType string
	// AfterResponse is true when the failure happened after the response
	// headers arrived, so the Panel may have acted on the request.
	AfterResponse bool
	Err           error
}

// Error describes the failure for logs.
func (e *TransportError) Error() string {
	var b strings.Builder
	b.WriteString("panel api")
	if e.Action != "" {
		b.WriteString(" ")
		b.WriteString(e.Action)
	}
	b.WriteString(": ")
	b.WriteString(string(e.Kind))
	if e.HTTPStatus != 0 {
		b.WriteString(" (HTTP ")
		b.WriteString(strconv.Itoa(e.HTTPStatus))
		if e.ContentType != "" {
			b.WriteString(", ")
			b.WriteString(e.ContentType)
		}
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *TransportError) Unwrap() error { return e.Err }

// Is matches the package sentinels by Kind.
func (e *TransportError) Is(target error) bool {
	switch target {
	case ErrTimeout:
		return e.Kind == KindTimeout
	case ErrUnreachable:
		return e.Kind == KindUnreachable || e.Kind == KindNetwork
	case ErrConnectionLost:
		return e.Kind == KindConnectionLost
	case ErrBadResponse:
		return e.Kind == KindNotJSON || e.Kind == KindMalformed
	}
	return false
}

// Code returns the Panel API error code of err, or 0 when err is not (and
// does not wrap) an *APIError.
func Code(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return 0
}

// IsSessionEnded reports whether the staff member's Panel session is gone
// (code 3 "Wrong hash" or 4 "session ended"): the portal clears its cookie
// and sends them to the login page.
func IsSessionEnded(err error) bool {
	c := Code(err)
	return c == 3 || c == 4
}

// IsForbidden reports whether the Panel refused the action to this session
// (code 11 "Access denied" or 13 "Operation not permitted").
func IsForbidden(err error) bool {
	c := Code(err)
	return c == 11 || c == 13
}

// IsNotFound reports whether the Panel found no such entity for this dealer
// (code 201 "Not found in database" or 204 "Entity not found").
func IsNotFound(err error) bool {
	c := Code(err)
	return c == 201 || c == 204
}

// IsRetryableRead reports whether a read may safely be sent again: the
// connection was refused or dropped before any response arrived. Timeouts
// are not retryable (the Panel may still be working on it, and a second
// wait doubles the staff member's wait). Mutations are never retried,
// whatever this says.
func IsRetryableRead(err error) bool {
	var te *TransportError
	if !errors.As(err, &te) || te.AfterResponse {
		return false
	}
	return te.Kind == KindUnreachable || te.Kind == KindConnectionLost
}

// errCallTimeout is the cancel cause the client sets when its own timeout
// (WithTimeout) fires, to tell it from a caller's cancellation.
var errCallTimeout = errors.New("panelclient timeout")

// classify turns an error from the HTTP client (or from reading a body)
// into a *TransportError.
func classify(callCtx context.Context, c *Client, action string, err error) *TransportError {
	te := &TransportError{Action: action, Err: err}
	if callCtx.Err() != nil {
		cause := context.Cause(callCtx)
		switch {
		case errors.Is(cause, errCallTimeout):
			te.Kind = KindTimeout
			te.Err = fmt.Errorf("no answer within %s: %w", c.timeout, context.DeadlineExceeded)
		case errors.Is(cause, context.DeadlineExceeded):
			te.Kind = KindTimeout
			te.Err = context.DeadlineExceeded
		default:
			te.Kind = KindCanceled
			te.Err = context.Canceled
		}
		return te
	}
	var ne net.Error
	var opErr *net.OpError
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		te.Kind = KindTimeout
	case errors.Is(err, context.Canceled):
		te.Kind = KindCanceled
	case errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &dnsErr),
		errors.As(err, &opErr) && opErr.Op == "dial":
		te.Kind = KindUnreachable
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed):
		te.Kind = KindConnectionLost
	default:
		te.Kind = KindNetwork
	}
	return te
}

// envelope is the part of every Panel answer the client reads before
// deciding between success and failure. The remaining fields are raw
// because their type differs between answers: `errors` is a count in a
// successful user/upload and a list in a failure; `list` is the payload of
// list actions and a list of IDs in some failures.
type envelope struct {
	Success *bool `json:"success"`
	Status  *struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	} `json:"status"`
	Errors    json.RawMessage `json:"errors"`
	RowNumber json.RawMessage `json:"row_number"`
	List      json.RawMessage `json:"list"`
	Rules     json.RawMessage `json:"rules"`
	Vehicles  json.RawMessage `json:"vehicles"`
}

// apiError builds the *APIError of a failure envelope, leniently: a field
// with an unexpected type is left empty rather than hiding the code.
func (env *envelope) apiError(action, hash string, httpStatus int) *APIError {
	ae := &APIError{
		Code:        env.Status.Code,
		Description: redact(env.Status.Description, hash),
		HTTPStatus:  httpStatus,
		Action:      action,
	}
	var fe []FieldError
	if json.Unmarshal(env.Errors, &fe) == nil {
		for i := range fe {
			fe[i].Parameter = redact(fe[i].Parameter, hash)
			fe[i].Error = redact(fe[i].Error, hash)
		}
		ae.Errors = fe
	}
	var row json.Number
	if json.Unmarshal(env.RowNumber, &row) == nil {
		if n, err := row.Int64(); err == nil {
			ae.RowNumber = int(n)
		}
	}
	_ = json.Unmarshal(env.List, &ae.List)
	_ = json.Unmarshal(env.Rules, &ae.Rules)
	_ = json.Unmarshal(env.Vehicles, &ae.Vehicles)
	return ae
}

// redact removes the session hash from text the server echoed back.
func redact(s, hash string) string {
	if hash == "" || !strings.Contains(s, hash) {
		return s
	}
	return strings.ReplaceAll(s, hash, "[session]")
}
