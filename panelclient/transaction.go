package panelclient

import (
	"context"
	"encoding/json"
)

// Transaction is one entry of a user's billing history.
//
// The two references disagree on its shape: the markdown lists
// description, type, subtype, timestamp, user_id, dealer_id, tracker_id,
// amount, new_balance, old_balance, bonus_amount, new_bonus and old_bonus;
// the OpenAPI file lists id, user_id, amount, type, text and timestamp. The
// client reads both: Description comes from "description" or, failing
// that, "text"; fields one shape lacks stay zero.
type Transaction struct {
	// ID is in the OpenAPI shape only.
	ID          int    `json:"id"`
	Description string `json:"description"`
	// Type and Subtype classify the transaction, e.g. "payment"/"partner"
	// for a balance change made in the Panel.
	Type    string `json:"type"`
	Subtype string `json:"subtype"`
	// Timestamp is "YYYY-MM-DD HH:MM:SS".
	Timestamp string `json:"timestamp"`
	UserID    int    `json:"user_id"`
	DealerID  int    `json:"dealer_id"`
	// TrackerID is 0 when the transaction concerns no tracker.
	TrackerID int `json:"tracker_id"`
	// Amount is the money moved; negative when taken from the balance.
	Amount      float64 `json:"amount"`
	NewBalance  float64 `json:"new_balance"`
	OldBalance  float64 `json:"old_balance"`
	BonusAmount float64 `json:"bonus_amount"`
	NewBonus    float64 `json:"new_bonus"`
	OldBonus    float64 `json:"old_bonus"`
}

// UnmarshalJSON reads either shape (see Transaction).
func (t *Transaction) UnmarshalJSON(b []byte) error {
	type plain Transaction
	var w struct {
		plain
		Text string `json:"text"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*t = Transaction(w.plain)
	if t.Description == "" {
		t.Description = w.Text
	}
	return nil
}

// TransactionListParams select a user's transactions (user/transaction/list).
type TransactionListParams struct {
	UserID int `json:"user_id"`
	// From and To bound the period, as DateTimeLayout strings; To must be
	// after From. Too long a period fails with code 211.
	From string `json:"from"`
	To   string `json:"to"`
	// Limit caps the number returned; 0 leaves it to the Panel.
	Limit int `json:"limit,omitempty"`
}

// ListUserTransactions returns a user's billing transactions in a period
// (user/transaction/list; users: read and transactions: read).
func (c *Client) ListUserTransactions(ctx context.Context, hash string, p TransactionListParams) ([]Transaction, error) {
	var out struct {
		List []Transaction `json:"list"`
	}
	if err := c.call(ctx, readOnly, hash, "user/transaction/list", p, &out); err != nil {
		return nil, err
	}
	return out.List, nil
}

// Balance kinds of user/transaction/change_balance.
const (
	BalanceMoney = "balance"
	BalanceBonus = "bonus"
)

// BalanceChangeParams are the parameters of user/transaction/change_balance.
type BalanceChangeParams struct {
	UserID int `json:"user_id"`
	// Amount is added to the balance; negative to withdraw. The Panel keeps
	// two decimals: validate before calling, the client does not round.
	Amount float64 `json:"amount"`
	// Type is BalanceMoney or BalanceBonus.
	Type string `json:"type"`
	// Text is the reason recorded on the transaction, 5 characters or more.
	Text string `json:"text"`
}

// ChangeUserBalance credits or debits a user's balance or bonus and records
// it as a transaction (user/transaction/change_balance; users: update and
// transactions: create). It moves money: it is sent once, never retried,
// and the portal must guard against double submission. Code 251 means the
// user has too little to withdraw.
func (c *Client) ChangeUserBalance(ctx context.Context, hash string, p BalanceChangeParams) error {
	return c.call(ctx, mutation, hash, "user/transaction/change_balance", p, nil)
}
