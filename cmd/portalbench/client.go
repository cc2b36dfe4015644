package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// requestTimeout bounds any single request of the bench or the load run.
const requestTimeout = 20 * time.Second

// newTransport is the connection pool the simulated browsers share: kept
// connections, no proxy (everything stays on loopback), and no automatic
// gzip, so the bench sees and counts the compressed bytes itself.
func newTransport(conns int) *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns + 16,
		MaxIdleConnsPerHost: conns + 16,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// staff is one staff member's browser: its own cookie jar (its own portal
// session), redirects not followed so each answer is seen as sent.
type staff struct {
	base string
	hc   *http.Client
}

func newStaff(base string, tr http.RoundTripper) *staff {
	jar, _ := cookiejar.New(nil)
	return &staff{base: base, hc: &http.Client{
		Jar:           jar,
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// page is one answer of the portal.
type page struct {
	Status int
	Header http.Header
	Body   []byte // decoded
	Wire   int    // body bytes as sent (compressed when gzip)
}

// get loads a page as a browser does: gzip accepted, and as htmx does when
// htmx is set.
func (s *staff) get(ctx context.Context, path string, htmx bool) (*page, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	if htmx {
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Current-URL", s.base+path)
	}
	return s.do(req)
}

// fetch loads a page and only counts its bytes: the loop of a throughput
// measurement does no parsing that would slow the client down.
func (s *staff) fetch(ctx context.Context, path string, htmx bool) (status, wire int, err error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+path, nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, int(n), err
}

func (s *staff) do(req *http.Request) (*page, error) {
	resp, err := s.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	p := &page{Status: resp.StatusCode, Header: resp.Header, Body: raw, Wire: len(raw)}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("GET %s: bad gzip: %v", req.URL.Path, err)
		}
		if p.Body, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("GET %s: bad gzip: %v", req.URL.Path, err)
		}
	}
	return p, nil
}

// login signs the staff member in the way a browser does: the login page
// sets the visitor's anti-forgery cookie and puts the same token in the
// form; the form goes back with it and the portal answers 303 with the
// session cookie.
func (s *staff) login(ctx context.Context, login, password string) error {
	form, err := s.get(ctx, "/login", false)
	if err != nil {
		return fmt.Errorf("GET /login: %w", err)
	}
	if form.Status != http.StatusOK {
		return fmt.Errorf("GET /login: HTTP %d", form.Status)
	}
	tok, err := csrfField(form.Body)
	if err != nil {
		return fmt.Errorf("GET /login: %w", err)
	}
	vals := url.Values{"login": {login}, "password": {password}, "_csrf": {tok}}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/login", strings.NewReader(vals.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Encoding", "gzip")
	p, err := s.do(req)
	if err != nil {
		return fmt.Errorf("POST /login: %w", err)
	}
	if p.Status != http.StatusSeeOther {
		return fmt.Errorf("POST /login: HTTP %d, want 303", p.Status)
	}
	return nil
}

// csrfField reads the hidden anti-forgery field of a form.
func csrfField(html []byte) (string, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(html))
	if err != nil {
		return "", err
	}
	tok, ok := doc.Find(`input[name="_csrf"]`).First().Attr("value")
	if !ok || tok == "" {
		return "", errors.New("no _csrf field in the form")
	}
	return tok, nil
}

var userIDAttr = regexp.MustCompile(`data-user-id="(\d+)"`)

// userIDs are the ids of the rows of a user list page.
func userIDs(html []byte) []int {
	var ids []int
	for _, m := range userIDAttr.FindAllSubmatch(html, -1) {
		if id, err := strconv.Atoi(string(m[1])); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// panelAPI calls the emulator directly, as the portal's client does: a
// JSON POST to <base>/<action> with the hash in `Authorization: NVX`.
type panelAPI struct {
	base string
	hc   *http.Client
}

func newPanelAPI(base string, tr http.RoundTripper) *panelAPI {
	return &panelAPI{base: base, hc: &http.Client{Transport: tr}}
}

// apiAnswer is the envelope of every Panel API answer.
type apiAnswer struct {
	Success bool `json:"success"`
	Status  struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	} `json:"status"`
}

// call sends one action and decodes the answer into out (may be nil). A
// Panel error comes back as an error naming the action and its code.
func (a *panelAPI) call(ctx context.Context, hash, action string, params, out any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return err
	}
	status, raw, err := a.post(ctx, hash, action, body)
	if err != nil {
		return err
	}
	var env apiAnswer
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("%s: HTTP %d, unreadable answer", action, status)
	}
	if !env.Success {
		return fmt.Errorf("%s: Panel error %d (%s)", action, env.Status.Code, env.Status.Description)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// post sends a ready JSON body; the throughput loop uses it directly.
func (a *panelAPI) post(ctx context.Context, hash, action string, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+"/"+action, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if hash != "" {
		req.Header.Set("Authorization", "NVX "+hash)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// replay sends a recorded call again, byte for byte, and times it.
func (a *panelAPI) replay(ctx context.Context, c upstreamCall) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	u, err := url.Parse(a.base)
	if err != nil {
		return 0, err
	}
	u.Path = c.Path
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(c.Body))
	if err != nil {
		return 0, err
	}
	if c.ContentType != "" {
		req.Header.Set("Content-Type", c.ContentType)
	}
	req.Header.Set("Authorization", c.Auth)
	start := time.Now()
	resp, err := a.hc.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return time.Since(start), err
}

// auth opens a Panel session (account/auth) and returns its hash.
func (a *panelAPI) auth(ctx context.Context, login, password string) (string, error) {
	var out struct {
		Hash string `json:"hash"`
	}
	if err := a.call(ctx, "", "account/auth", map[string]string{"login": login, "password": password}, &out); err != nil {
		return "", err
	}
	return out.Hash, nil
}

// listCount is the shape of user/list and tracker/list answers the bench
// reads: the ids of the page and the total.
type listCount struct {
	List []struct {
		ID int `json:"id"`
	} `json:"list"`
	Count int `json:"count"`
}
