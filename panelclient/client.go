// Package panelclient is the portal's typed client for the Navixy Admin
// Panel API. Every screen of the portal reaches the Panel through it, with
// the session hash of the staff member at the keyboard: the client holds no
// credentials of its own.
//
// One Client serves the whole portal and is safe for concurrent use. Each
// method takes the request's context first and the staff member's session
// hash second; the hash travels only in the `Authorization: NVX <hash>`
// header, never in a URL or a body, and never appears in an error message.
//
// Failures come back as *APIError (the Panel answered with an error code)
// or *TransportError (no usable answer: timeout, refused or dropped
// connection, a proxy's HTML page, truncated JSON). The helpers
// IsSessionEnded, IsForbidden, IsNotFound, Code and IsRetryableRead, and
// the sentinels ErrTimeout, ErrUnreachable, ErrConnectionLost and
// ErrBadResponse, let handlers decide what the staff member sees.
//
// Reads are sent a second time when the first attempt could not connect or
// lost the connection before any answer; mutations are never resent.
package panelclient

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

// DefaultTimeout bounds one Panel API call when WithTimeout is not given.
const DefaultTimeout = 30 * time.Second

// ObservedTransportFailure is the code passed to the WithObserver callback
// when a call got no Panel answer (timeout, connection failure, unreadable
// body, cancellation).
const ObservedTransportFailure = -1

const (
	defaultUserAgent = "navixy-portal-panelclient/1"
	// maxResponseBytes caps a JSON answer held in memory. A user list of
	// tens of thousands of rows stays far below it.
	maxResponseBytes = 64 << 20
)

// Client calls the Panel API on behalf of the portal's staff. Build it once
// with New and share it; it is safe for concurrent use.
type Client struct {
	base      *url.URL
	endpoints sync.Map // action → its URL, joined once
	hc        *http.Client
	timeout   time.Duration
	userAgent string
	observe   func(action string, code int, d time.Duration)
}

// Option configures a Client in New.
type Option func(*Client) error

// WithHTTPClient makes the Client send its requests through hc, for example
// one whose Transport records the raw requests and responses in a contract
// test. hc is used as given: its own Timeout and redirect policy apply in
// addition to WithTimeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("panelclient: WithHTTPClient: nil *http.Client")
		}
		c.hc = hc
		return nil
	}
}

// WithTimeout bounds each call, from sending the request to the last byte
// of a JSON answer (default 30 s). For a file download it bounds the wait
// for the response headers; the file itself then streams for as long as the
// caller's context allows.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("panelclient: WithTimeout: %s is not positive", d)
		}
		c.timeout = d
		return nil
	}
}

// WithUserAgent sets the User-Agent header sent to the Panel API, so the
// Panel's operators can tell the portal's traffic apart.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if ua == "" || strings.ContainsAny(ua, "\r\n") {
			return errors.New("panelclient: WithUserAgent: empty or multi-line value")
		}
		c.userAgent = ua
		return nil
	}
}

// WithObserver registers fn to be called once per call, after it ends, with
// the Panel action (such as "user/list"), the Panel result code (0 on
// success, the Panel error code, or ObservedTransportFailure) and the time
// the call took, retry included. The portal feeds its Prometheus metrics
// from it. fn runs on the caller's goroutine and must be fast and safe for
// concurrent use.
func WithObserver(fn func(action string, code int, d time.Duration)) Option {
	return func(c *Client) error {
		c.observe = fn
		return nil
	}
}

// New returns a Client for the Panel API at baseURL, the URL under which
// the actions live, for example "https://api.eu.navixy.com/v2/panel" or
// "http://127.0.0.1:8081/v2/panel" for the emulator. baseURL must be an
// absolute http or https URL without credentials, query or fragment.
func New(baseURL string, opts ...Option) (*Client, error) {
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{base: base, timeout: DefaultTimeout, userAgent: defaultUserAgent}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.hc == nil {
		c.hc = &http.Client{
			Transport: newKeepAlive(),
			// A Panel action never redirects. Following one would turn the
			// POST into a GET; the 3xx is reported as an unreadable answer.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return c, nil
}

func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("panelclient: base URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("panelclient: base URL %q: scheme must be http or https", raw)
	case u.Host == "" || u.Opaque != "":
		return nil, fmt.Errorf("panelclient: base URL %q: not an absolute URL with a host", raw)
	case u.User != nil:
		return nil, errors.New("panelclient: base URL must not carry credentials")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("panelclient: base URL %q: must not have a query or fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// endpoint joins the base URL and an action such as "user/list", once per
// action (the actions are the client's own constants, a few dozen).
func (c *Client) endpoint(action string) string {
	if u, ok := c.endpoints.Load(action); ok {
		return u.(string)
	}
	u := c.base.JoinPath(action).String()
	c.endpoints.Store(action, u)
	return u
}

// callMode says whether a call may be sent twice.
type callMode int

const (
	// mutation calls change state and are never resent.
	mutation callMode = iota
	// readOnly calls are resent once when the first attempt could not
	// connect or lost the connection before any answer.
	readOnly
)

// call is the executor every JSON action goes through: it POSTs params as
// JSON to {base}/{action} with the session hash in the Authorization
// header (none when hash is empty), decodes a successful answer into out
// (which may be nil) and turns anything else into *APIError or
// *TransportError.
func (c *Client) call(ctx context.Context, mode callMode, hash, action string, params, out any) error {
	start := time.Now()
	err := c.callJSON(ctx, mode, hash, action, params, out)
	c.report(action, err, start)
	return err
}

func (c *Client) callJSON(ctx context.Context, mode callMode, hash, action string, params, out any) error {
	body, err := encodeParams(action, params)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		resp, fl, err := c.send(ctx, hash, action, bytes.NewReader(body), "application/json", "application/json")
		if err == nil {
			err = c.decode(fl, resp, hash, action, out)
			fl.done()
		}
		if err == nil || mode != readOnly || attempt > 1 || !IsRetryableRead(err) || ctx.Err() != nil {
			return err
		}
	}
}

// callMultipart sends a multipart/form-data request: the fields, then r as
// the file part fileField named fileName. The file is streamed, not held in
// memory. It is a mutation and never resent.
func (c *Client) callMultipart(ctx context.Context, hash, action string, fields map[string]string, fileField, fileName string, r io.Reader, out any) error {
	start := time.Now()
	err := c.sendMultipart(ctx, hash, action, fields, fileField, fileName, r, out)
	c.report(action, err, start)
	return err
}

func (c *Client) sendMultipart(ctx context.Context, hash, action string, fields map[string]string, fileField, fileName string, r io.Reader, out any) error {
	if err := checkHash(hash, action); err != nil {
		return err
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		pw.CloseWithError(writeMultipart(mw, fields, fileField, fileName, r))
	}()
	// Closing the reader stops the writer when the Panel answers (or the
	// call fails) before the whole file was sent.
	defer pr.Close()

	resp, fl, err := c.send(ctx, hash, action, pr, mw.FormDataContentType(), "application/json")
	if err != nil {
		var re *uploadReadError
		if errors.As(err, &re) {
			return fmt.Errorf("panelclient: %s: reading the file to upload: %w", action, re.err)
		}
		return err
	}
	defer fl.done()
	return c.decode(fl, resp, hash, action, out)
}

// uploadReadError marks a failure to read the caller's file, so it is not
// mistaken for a network failure.
type uploadReadError struct{ err error }

func (e *uploadReadError) Error() string { return "reading upload: " + e.err.Error() }
func (e *uploadReadError) Unwrap() error { return e.err }

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

func writeMultipart(mw *multipart.Writer, fields map[string]string, fileField, fileName string, r io.Reader) error {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := mw.WriteField(k, fields[k]); err != nil {
			return err
		}
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`,
		quoteEscaper.Replace(fileField), quoteEscaper.Replace(fileName)))
	h.Set("Content-Type", uploadContentType(fileName))
	part, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(part, readerFunc(func(p []byte) (int, error) {
		n, err := r.Read(p)
		if err != nil && err != io.EOF {
			err = &uploadReadError{err}
		}
		return n, err
	})); err != nil {
		return err
	}
	return mw.Close()
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

func uploadContentType(fileName string) string {
	switch strings.ToLower(path.Ext(fileName)) {
	case ".csv":
		return "text/csv"
	case ".xls":
		return "application/vnd.ms-excel"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	// The branding images (dealer/settings/image/upload accepts these).
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".ico":
		return "image/x-icon"
	}
	return "application/octet-stream"
}

// download POSTs params as JSON and, when the Panel answers with a file,
// returns its body unread, for the caller to stream and close. The client
// timeout covers the wait for the headers only. A JSON answer is decoded as
// the failure it is. It is a read: resent once under the same conditions
// as call.
func (c *Client) download(ctx context.Context, hash, action string, params any) (body io.ReadCloser, contentType, filename string, err error) {
	start := time.Now()
	defer func() { c.report(action, err, start) }()

	payload, err := encodeParams(action, params)
	if err != nil {
		return nil, "", "", err
	}
	for attempt := 1; ; attempt++ {
		body, contentType, filename, err = c.downloadOnce(ctx, hash, action, payload)
		if err == nil || attempt > 1 || !IsRetryableRead(err) || ctx.Err() != nil {
			return body, contentType, filename, err
		}
	}
}

func (c *Client) downloadOnce(ctx context.Context, hash, action string, payload []byte) (io.ReadCloser, string, string, error) {
	resp, fl, err := c.send(ctx, hash, action, bytes.NewReader(payload), "application/json", "*/*")
	if err != nil {
		return nil, "", "", err
	}
	ct := resp.Header.Get("Content-Type")
	if resp.StatusCode == http.StatusOK && !isJSONMediaType(ct) {
		// A spreadsheet never starts with "{": an answer that does is a
		// Panel error with the wrong Content-Type.
		br := bufio.NewReader(resp.Body)
		if first, _ := br.Peek(1); len(first) == 0 || first[0] != '{' {
			fl.timer.Stop()
			return &streamBody{r: br, rc: resp.Body, fl: fl, c: c, action: action, status: resp.StatusCode},
				ct, attachmentName(resp.Header.Get("Content-Disposition")), nil
		}
		resp.Body = struct {
			io.Reader
			io.Closer
		}{br, resp.Body}
	}
	defer fl.done()
	if err := c.decode(fl, resp, hash, action, nil); err != nil {
		return nil, "", "", err
	}
	return nil, "", "", &TransportError{
		Kind: KindMalformed, Action: action, HTTPStatus: resp.StatusCode, ContentType: ct,
		AfterResponse: true, Err: errors.New("expected a file, got a JSON success answer"),
	}
}

// streamBody is a downloaded file being read. Read errors are classified
// like any other transport failure; Close releases the call's resources.
type streamBody struct {
	r      io.Reader
	rc     io.Closer
	fl     *inflight
	c      *Client
	action string
	status int
}

func (s *streamBody) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		te := classify(s.fl.ctx, s.c, s.action, err)
		te.AfterResponse, te.HTTPStatus = true, s.status
		err = te
	}
	return n, err
}

func (s *streamBody) Close() error {
	err := s.rc.Close()
	s.fl.done()
	return err
}

func isJSONMediaType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// attachmentName returns the file name of a Content-Disposition header,
// reduced to a bare name safe to hand back to a browser.
func attachmentName(cd string) string {
	_, params, err := mime.ParseMediaType(cd)
	if err != nil {
		return ""
	}
	name := strings.ReplaceAll(params["filename"], "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" || name == ".." {
		return ""
	}
	return name
}

// inflight is one HTTP exchange: its context, which the client cancels
// when its timeout fires, and the timer doing so.
type inflight struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
}

// done releases the exchange. Safe to call more than once.
func (f *inflight) done() {
	f.timer.Stop()
	f.cancel(nil)
}

// send performs one HTTP exchange and returns the response with its body
// unread. On error the exchange is already released and the error is a
// *TransportError (or *APIError for a hash rejected before sending).
func (c *Client) send(ctx context.Context, hash, action string, body io.Reader, contentType, accept string) (*http.Response, *inflight, error) {
	if err := checkHash(hash, action); err != nil {
		return nil, nil, err
	}
	callCtx, cancel := context.WithCancelCause(ctx)
	fl := &inflight{ctx: callCtx, cancel: cancel}
	fl.timer = time.AfterFunc(c.timeout, func() { cancel(errCallTimeout) })

	req, err := http.NewRequestWithContext(callCtx, http.MethodPost, c.endpoint(action), body)
	if err != nil {
		fl.done()
		return nil, nil, fmt.Errorf("panelclient: %s: building request: %w", action, err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", c.userAgent)
	if hash != "" {
		req.Header.Set("Authorization", "NVX "+hash)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		var re *uploadReadError
		if errors.As(err, &re) {
			fl.done()
			return nil, nil, err
		}
		te := classify(callCtx, c, action, err)
		fl.done()
		return nil, nil, te
	}
	return resp, fl, nil
}

// checkHash refuses a hash that cannot be a Panel session key before it
// goes anywhere; the refusal reads as "Wrong hash" (code 3), so the portal
// sends the staff member to the login page.
func checkHash(hash, action string) error {
	for i := 0; i < len(hash); i++ {
		if hash[i] <= ' ' || hash[i] >= 0x7f {
			return &APIError{Code: 3, Description: "Wrong hash (rejected by the client)", Action: action}
		}
	}
	return nil
}

// decode reads a JSON answer and closes its body.
func (c *Client) decode(fl *inflight, resp *http.Response, hash, action string, out any) error {
	defer resp.Body.Close()
	buf := answerBufs.Get().(*bytes.Buffer)
	buf.Reset()
	kept := false
	defer func() {
		if !kept {
			putAnswerBuf(buf)
		}
	}()
	if n := resp.ContentLength; n > 0 && n <= maxResponseBytes {
		buf.Grow(int(n) + 1)
	}
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, maxResponseBytes+1))
	data := buf.Bytes()
	ct := resp.Header.Get("Content-Type")
	if err != nil {
		te := classify(fl.ctx, c, action, err)
		te.AfterResponse, te.HTTPStatus, te.ContentType = true, resp.StatusCode, ct
		return te
	}
	if len(data) > maxResponseBytes {
		return &TransportError{Kind: KindMalformed, Action: action, HTTPStatus: resp.StatusCode, ContentType: ct,
			AfterResponse: true, Err: fmt.Errorf("answer larger than %d bytes", maxResponseBytes)}
	}
	if ul, ok := out.(*UserList); ok {
		// The list's strings are read in place: the buffer goes with the
		// list (see UserList.Release), and is not reused on failure either,
		// as a failed read may have left strings of it in the list.
		kept = true
		if err := parseAnswer(action, hash, resp.StatusCode, ct, data, inPlace{ul}); err != nil {
			return err
		}
		ul.answer = buf
		return nil
	}
	return parseAnswer(action, hash, resp.StatusCode, ct, data, out)
}

// answerBufs reuse the memory answers are read into: decoding copies what
// it keeps (but for a UserList, see inPlace), so a buffer is free again
// once the answer is parsed.
var answerBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putAnswerBuf(buf *bytes.Buffer) {
	if buf.Cap() <= 4<<20 {
		buf.Reset()
		answerBufs.Put(buf)
	}
}

// report feeds the observer once per call.
func (c *Client) report(action string, err error, start time.Time) {
	if c.observe == nil {
		return
	}
	code := 0
	if err != nil {
		code = ObservedTransportFailure
		var ae *APIError
		if errors.As(err, &ae) {
			code = ae.Code
		}
	}
	c.observe(action, code, time.Since(start))
}

// Ptr returns a pointer to v, for the optional parameters (*bool, *int,
// *string) of the request structs.
func Ptr[T any](v T) *T { return &v }
