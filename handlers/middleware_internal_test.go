package handlers

import (
	"strings"
	"testing"
)

// TestRequestIDsAreDistinct: request ids are 16 URL-safe characters
// (they go into logs and onto error pages) and do not repeat.
func TestRequestIDsAreDistinct(t *testing.T) {
	seen := map[string]bool{}
	for range 10000 {
		id := newRequestID()
		if len(id) != 16 || strings.Trim(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			t.Fatalf("request id %q", id)
		}
		if seen[id] {
			t.Fatalf("request id %q given twice", id)
		}
		seen[id] = true
	}
}
