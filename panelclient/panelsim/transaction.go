package panelsim

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of user/transaction/list. Neither reference gives the longest
// interval, only that a wider one fails with 211 (OpenAPI); the markdown's
// own example asks for a whole (leap) year, so 366 days pass and a day
// more does not. The OpenAPI file caps limit at 20000; more answers 212
// "Requested limit is too big".
const (
	maxTransactionSpan  = 366 * 24 * time.Hour
	maxTransactionLimit = 20000
)

// Limits of user/transaction/change_balance: `text` is 5 (markdown) to
// 200 (OpenAPI) characters, the amount within the OpenAPI range with at
// most two decimals (markdown).
const (
	minBalanceText   = 5
	maxBalanceText   = 200
	maxBalanceAmount = 9999999999.9999
)

// userTransactionList answers a user's billing transactions with a
// timestamp in [from, to], oldest first, at most `limit` of them (the
// oldest ones). The objects carry the markdown's fields (description,
// type, subtype, balances before and after...) and the OpenAPI file's id;
// the OpenAPI file's `text` is the markdown's `description` and is not
// repeated.
func (s *Server) userTransactionList(c *call) (any, error) {
	p := c.params
	id := userIDParam(p, "user_id")
	from, hasFrom := dateTimeParam(p, "from")
	to, hasTo := dateTimeParam(p, "to")
	limit, hasLimit := p.optInt("limit")
	if hasLimit && limit < 1 {
		p.invalid("limit", "Must be at least 1")
	}
	if hasFrom && hasTo && !to.After(from) {
		p.invalid("to", "Must be after from")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if to.Sub(from) > maxTransactionSpan {
		return nil, newError(codeTimeSpanTooBig)
	}
	if hasLimit && limit > maxTransactionLimit {
		return nil, newError(codeLimitTooBig)
	}

	st := s.store
	st.mu.Lock() // the seeded history may be materialised now
	defer st.mu.Unlock()
	u := st.userLocked(id)
	if u == nil {
		return nil, newError(codeNotFound)
	}
	list := []Transaction{}
	for _, t := range st.ledgerLocked(u) {
		if t.Timestamp.Before(from) || t.Timestamp.After(to) {
			continue
		}
		if hasLimit && len(list) == limit {
			break
		}
		list = append(list, t)
	}
	return struct {
		List []Transaction `json:"list"`
	}{list}, nil
}

// Codes of the transaction actions not named in errors.go yet.
const (
	codeTimeSpanTooBig = 211
	codeLimitTooBig    = 212
)

// dateTimeParam reads a required "YYYY-MM-DD HH:MM:SS" (a bare date is
// taken as its midnight).
func dateTimeParam(p *params, name string) (time.Time, bool) {
	s, ok := p.readString(name, true)
	if !ok {
		return time.Time{}, false
	}
	s = strings.TrimSpace(s)
	t, err := time.Parse(dateTimeLayout, s)
	if err != nil {
		if t, err = time.Parse(dateLayout, s); err != nil {
			p.invalid(name, msgDateTime)
			return time.Time{}, false
		}
	}
	return t, true
}

// userTransactionChangeBalance moves money: it adds a signed amount to the
// user's balance or bonus (type "balance" or "bonus") and records a
// transaction of type payment, subtype partner, with `text` as its
// description. A result below zero answers 251 and changes nothing.
//
// The OpenAPI file's example type is "main"; the markdown names the two
// values, and the emulator accepts only those.
func (s *Server) userTransactionChangeBalance(c *call) (any, error) {
	p := c.params
	id := userIDParam(p, "user_id")
	amount, hasAmount := p.readFloat("amount", true)
	kind := p.string("type")
	text := p.string("text")
	if hasAmount {
		switch {
		case math.Abs(amount) > maxBalanceAmount:
			p.invalid("amount", "Must be between -9999999999.9999 and 9999999999.9999")
		case math.Abs(amount*100-math.Round(amount*100)) > 1e-6:
			p.invalid("amount", "Must have at most 2 digits after the decimal mark")
		}
	}
	if kind != "" && kind != "balance" && kind != "bonus" {
		p.invalid("type", "Should be one of [balance, bonus]")
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(text)); p.has("text") && (n < minBalanceText || n > maxBalanceText) {
		p.invalid("text", "Must be 5 to 200 characters long")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	amount = math.Round(amount*100) / 100

	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	u := st.userLocked(id)
	if u == nil {
		return nil, newError(codeNotFound)
	}
	t := Transaction{
		Description: text,
		Type:        "payment",
		Subtype:     "partner",
		Timestamp:   DateTime{c.now.UTC().Truncate(time.Second)},
		OldBalance:  u.Balance, NewBalance: u.Balance,
		OldBonus: u.Bonus, NewBonus: u.Bonus,
	}
	if kind == "bonus" {
		t.BonusAmount, t.NewBonus = amount, round4(u.Bonus+amount)
	} else {
		t.Amount, t.NewBalance = amount, round4(u.Balance+amount)
	}
	if amount < 0 && (t.NewBalance < 0 || t.NewBonus < 0) {
		return nil, newError(codeInsufficientFunds)
	}
	u.Balance, u.Bonus = t.NewBalance, t.NewBonus
	st.appendTransactionLocked(u, t)
	return nil, nil
}
