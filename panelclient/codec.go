package panelclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// encodeParams marshals the parameters of an action; nil sends "{}".
func encodeParams(action string, params any) ([]byte, error) {
	if params == nil {
		return []byte("{}"), nil
	}
	b, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("panelclient: %s: encoding parameters: %w", action, err)
	}
	return b, nil
}

// parseAnswer reads a Panel JSON answer: the documented envelope first,
// then, on success, the whole body into out.
func parseAnswer(action, hash string, status int, contentType string, data []byte, out any) error {
	body := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	bad := func(kind Kind, err error) error {
		return &TransportError{Kind: kind, Action: action, HTTPStatus: status, ContentType: contentType,
			AfterResponse: true, Err: err}
	}
	if len(body) == 0 || body[0] != '{' {
		return bad(KindNotJSON, fmt.Errorf("body of %d bytes is not a JSON object", len(data)))
	}
	// A first light pass reads only "success" (no copies of the rest);
	// the full error envelope is decoded only for a failure.
	var ok struct {
		Success *bool `json:"success"`
	}
	if err := json.Unmarshal(body, &ok); err != nil {
		return bad(KindMalformed, err)
	}
	if ok.Success != nil && *ok.Success {
		if out != nil {
			if err := json.Unmarshal(body, out); err != nil {
				return bad(KindMalformed, err)
			}
		}
		return nil
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return bad(KindMalformed, err)
	}
	if env.Status == nil {
		return bad(KindMalformed, errors.New(`answer has neither "success": true nor a "status"`))
	}
	return env.apiError(action, hash, status)
}
