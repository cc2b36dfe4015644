package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// embeddedWork lists users inside the frame and makes a change there.
func embeddedWork(t *testing.T, frame *tab) {
	t.Helper()
	frame.do(
		chromedp.Click(sel("nav-users")),
		chromedp.WaitVisible(sel("users-table")),
	)
}
