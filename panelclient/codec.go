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
	// A scan for the top-level "success" picks the path; both paths then
	// decode (and so validate) the whole body once: the answer into out on
	// success, the error envelope otherwise.
	if topLevelSuccess(body) {
		var err error
		// Only these exact types: a type embedding one of them would
		// otherwise take its decoder and leave its own fields unread.
		switch o := out.(type) {
		case nil:
		case *UserList:
			err = decodeFast(body, o)
		case inPlace:
			err = decodeInPlace(body, o.UserList)
		case *User:
			err = decodeFast(body, o)
		default:
			err = json.Unmarshal(body, out)
		}
		if err != nil {
			return bad(KindMalformed, err)
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

// topLevelSuccess reports whether the JSON object in body has the member
// "success": true at its top level. It only looks: a body it cannot follow
// reads as false, and the decoding that follows reports what is wrong.
func topLevelSuccess(body []byte) bool {
	depth, i := 0, 0
	for i < len(body) {
		switch c := body[i]; c {
		case '{', '[':
			depth++
			i++
		case '}', ']':
			depth--
			i++
		case '"':
			end := skipString(body, i)
			if end < 0 {
				return false
			}
			if depth == 1 && string(body[i+1:end-1]) == "success" {
				j := end
				for j < len(body) && (body[j] == ' ' || body[j] == '\t' || body[j] == '\n' || body[j] == '\r') {
					j++
				}
				if j < len(body) && body[j] == ':' {
					j++
					for j < len(body) && (body[j] == ' ' || body[j] == '\t' || body[j] == '\n' || body[j] == '\r') {
						j++
					}
					return bytes.HasPrefix(body[j:], []byte("true"))
				}
			}
			i = end
		default:
			i++
		}
	}
	return false
}

// skipString returns the index just past the JSON string starting at
// body[start] (a quote), or -1 when it does not end.
func skipString(body []byte, start int) int {
	for i := start + 1; i < len(body); i++ {
		switch body[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}
