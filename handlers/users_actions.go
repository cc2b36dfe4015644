package handlers

import (
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// passwordForm shows the change-password form.
func (h *usersHandlers) passwordForm(c echo.Context) error {
	id, d, err := h.userFromPath(c)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, templates.UserPasswordPage(templates.UserPasswordView{ID: id, Name: userName(d.User)}))
}

// changePassword sets a user's new password (user/change_password) after
// checking it against the password policy.
func (h *usersHandlers) changePassword(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	password, confirm := c.FormValue("password"), c.FormValue("password_confirm")
	errs := templates.FieldErrors{}
	if msg := checkUserPassword(l, password); msg != "" {
		errs["password"] = msg
	} else if confirm != password {
		errs["password_confirm"] = l.T("users.err.password_confirm")
	}
	if len(errs) == 0 {
		err = h.api.ChangeUserPassword(ctx, sess.Hash, panelclient.UserPasswordParams{UserID: id, Password: password})
		h.audit(c, "user.change_password", id, err)
		if err == nil {
			setFlash(c, "ok", "users.password.done")
			return redirect(c, userURL(id))
		}
		var status int
		var ok bool
		errs, status, ok = userFormErrorsOf(l, err, func(p string) string {
			if p == "password" || p == "user.password" {
				return "password"
			}
			return ""
		})
		if !ok || panelclient.IsNotFound(err) {
			return err
		}
		return h.renderPassword(c, id, status, errs)
	}
	return h.renderPassword(c, id, statusUnprocessable, errs)
}

func (h *usersHandlers) renderPassword(c echo.Context, id, status int, errs templates.FieldErrors) error {
	d, err := h.api.ReadUser(c.Request().Context(), session(c).Hash, id)
	if err != nil {
		return err
	}
	return h.render(c, status, templates.UserPasswordPage(templates.UserPasswordView{ID: id, Name: userName(d.User), Errs: errs}))
}

// balanceForm shows the change-balance form with a fresh one-time token.
func (h *usersHandlers) balanceForm(c echo.Context) error {
	_, d, err := h.userFromPath(c)
	if err != nil {
		return err
	}
	v := userBalanceViewOf(d.User)
	v.Once = h.once.Issue()
	return h.render(c, http.StatusOK, templates.UserBalancePage(v))
}

func userBalanceViewOf(u panelclient.User) templates.UserBalanceView {
	return templates.UserBalanceView{ID: u.ID, Name: userName(u), Balance: u.Balance, Bonus: u.Bonus, Type: panelclient.BalanceMoney}
}

// userBalanceTextMax is the longest description of a balance change (the
// OpenAPI file's maxLength; the markdown gives only the minimum of 5).
const userBalanceTextMax = 200

// userAmountPattern is an amount with at most two decimals, either mark.
var userAmountPattern = regexp.MustCompile(`^[+-]?[0-9]{1,9}([.,][0-9]{1,2})?$`)

// parseUserAmount reads an amount of money as typed ("-12,5", "+3.05",
// "1 000"); ok is false for anything else, including more than two
// decimals, which the Panel does not keep.
func parseUserAmount(s string) (float64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "−", "-").Replace(strings.TrimSpace(s))
	if !userAmountPattern.MatchString(s) {
		return 0, false
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	whole, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	for len(frac) < 2 {
		frac += "0"
	}
	cents, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		cents = -cents
	}
	return float64(cents) / 100, true
}

// changeBalance credits or debits a user's balance or bonus
// (user/transaction/change_balance). The form's one-time token is claimed
// before the call: the same form sent again (a double click, "resend
// form") is refused with a notice and never reaches the Panel. A token is
// spent once the call is made, whatever its outcome; a form shown again
// after a refusal carries a new one.
func (h *usersHandlers) changeBalance(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	token := c.FormValue(onceField)
	v := templates.UserBalanceView{ID: id, Type: c.FormValue("type"), Amount: strings.TrimSpace(c.FormValue("amount")), Text: strings.TrimSpace(c.FormValue("text")), Once: token}
	errs := templates.FieldErrors{}
	if v.Type != panelclient.BalanceMoney && v.Type != panelclient.BalanceBonus {
		errs["type"] = l.T("users.err.choice")
	}
	amount, ok := parseUserAmount(v.Amount)
	switch {
	case v.Amount == "":
		errs["amount"] = l.T("users.err.required")
	case !ok:
		errs["amount"] = l.T("users.err.amount")
	case amount == 0:
		errs["amount"] = l.T("users.err.amount_zero")
	}
	if n := utf8.RuneCountInString(v.Text); n < 5 {
		errs["text"] = l.T("users.err.text_short")
	} else if n > userBalanceTextMax {
		errs["text"] = l.T("users.err.max", userBalanceTextMax)
	}
	if !h.once.Valid(token) {
		errs[""] = l.T("users.balance.expired")
		v.Once = h.once.Issue()
	}
	if len(errs) > 0 {
		return h.renderBalance(c, v, statusUnprocessable, errs)
	}
	if !h.once.Claim(token) {
		h.log().Info("audit", "request_id", requestID(c), "action", "user.change_balance", "target", strconv.Itoa(id), "staff", sess.Login, "result", "refused: form already sent")
		setFlash(c, "warn", "users.balance.already")
		return redirect(c, userURL(id))
	}
	err = h.api.ChangeUserBalance(ctx, sess.Hash, panelclient.BalanceChangeParams{UserID: id, Amount: amount, Type: v.Type, Text: v.Text})
	h.audit(c, "user.change_balance", id, err)
	if err != nil {
		fieldOf := func(p string) string {
			switch p {
			case "amount", "text", "type":
				return p
			}
			return ""
		}
		if panelclient.Code(err) == 251 {
			errs["amount"] = l.T("users.api.251")
			v.Once = h.once.Issue()
			return h.renderBalance(c, v, statusUnprocessable, errs)
		}
		fe, status, ok := userFormErrorsOf(l, err, fieldOf)
		if !ok || panelclient.IsNotFound(err) {
			return err
		}
		v.Once = h.once.Issue()
		return h.renderBalance(c, v, status, fe)
	}
	kind := l.T("users.col.balance")
	if v.Type == panelclient.BalanceBonus {
		kind = l.T("users.col.bonus")
	}
	sign := ""
	if amount > 0 {
		sign = "+"
	}
	setFlash(c, "ok", "users.balance.done", kind+" "+sign+l.Number(amount, 2))
	return redirect(c, userURL(id))
}

func (h *usersHandlers) renderBalance(c echo.Context, v templates.UserBalanceView, status int, errs templates.FieldErrors) error {
	d, err := h.api.ReadUser(c.Request().Context(), session(c).Hash, v.ID)
	if err != nil {
		return err
	}
	base := userBalanceViewOf(d.User)
	v.Name, v.Balance, v.Bonus, v.Errs = base.Name, base.Balance, base.Bonus, errs
	return h.render(c, status, templates.UserBalancePage(v))
}

// updateMFA allows or disallows multi-factor authentication for one user
// (user/mfa/settings/update). Allowing it turns it on with e-mail codes,
// the only factor the Panel has.
func (h *usersHandlers) updateMFA(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	settings := panelclient.MFASettings{Type: panelclient.MFADisallowed}
	switch c.FormValue("settings.type") {
	case panelclient.MFAAllowed:
		settings = panelclient.MFASettings{Type: panelclient.MFAAllowed, FactorTypes: []string{panelclient.MFAFactorEmail}}
	case panelclient.MFADisallowed:
	default:
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	err = h.api.UpdateUserMFASettings(c.Request().Context(), session(c).Hash, panelclient.MFASelectedUsers(id), settings)
	h.audit(c, "user.mfa.update", id, err)
	if err != nil {
		return err
	}
	setFlash(c, "ok", "users.mfa.done."+settings.Type)
	return redirect(c, userURL(id))
}

// deleteForm is the deletion confirmation as a page (without JavaScript;
// with it, the same form opens in a dialog on the user's card).
func (h *usersHandlers) deleteForm(c echo.Context) error {
	_, d, err := h.userFromPath(c)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, templates.UserDeletePage(userDeleteViewOf(d.User)))
}

// deleteUser deletes a user for good (user/corrupt) once the staff member
// has typed the user's login. The login is compared here first, so a typo
// costs no Panel call that could half succeed.
func (h *usersHandlers) deleteUser(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	d, err := h.api.ReadUser(ctx, sess.Hash, id)
	if err != nil {
		return err
	}
	v := userDeleteViewOf(d.User)
	v.Typed = strings.TrimSpace(c.FormValue("login"))
	v.CorruptClones = c.FormValue("corrupt_clones") == "true"
	if v.Typed != d.User.Login {
		v.Errs = templates.FieldErrors{"login": l.T("users.delete.mismatch")}
		return h.render(c, statusUnprocessable, templates.UserDeletePage(v))
	}
	clones := v.CorruptClones
	err = h.api.CorruptUser(ctx, sess.Hash, panelclient.UserCorruptParams{UserID: id, Login: d.User.Login, CorruptClones: &clones})
	h.audit(c, "user.corrupt", id, err)
	if err != nil {
		errs, status, ok := userFormErrorsOf(l, err, func(p string) string {
			if p == "login" {
				return "login"
			}
			return ""
		})
		if !ok {
			return err
		}
		v.Errs = errs
		return h.render(c, status, templates.UserDeletePage(v))
	}
	setFlash(c, "ok", "users.deleted", d.User.Login)
	return redirect(c, "/users")
}

// defaultUserAppURLTemplate is used when the portal is not configured with one:
// the user web application of the dealer's domain, as the official
// console opens it.
const defaultUserAppURLTemplate = "https://{domain}/pro/?session_key={hash}"

// userAppHostPattern is what a dealer's domain may look like (a host name with
// an optional port).
var userAppHostPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$`)

// loginAs opens the user's own web application signed in as the user: a
// new user session (user/session/create) and a redirect to the user
// application of the dealer's domain. The dealer is read first so no
// session is created that could not be used. The session hash is a
// credential of the user: it goes into the redirect and nowhere else (no
// page, no log line, no audit line).
func (h *usersHandlers) loginAs(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sess := session(c)
	ctx := c.Request().Context()
	dealer, err := h.api.DealerInfo(ctx, sess.Hash)
	if err != nil {
		return err
	}
	if !userAppHostPattern.MatchString(dealer.Domain) {
		h.log().Warn("log in as user: the dealer has no usable domain", "request_id", requestID(c))
		return echo.NewHTTPError(http.StatusBadGateway)
	}
	userHash, err := h.api.CreateUserSession(ctx, sess.Hash, id)
	h.audit(c, "user.session.create", id, err)
	if err != nil {
		return err
	}
	tpl := h.o.UserAppURL
	if tpl == "" {
		tpl = defaultUserAppURLTemplate
	}
	to := strings.NewReplacer("{domain}", dealer.Domain, "{hash}", url.QueryEscape(userHash)).Replace(tpl)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Redirect(http.StatusSeeOther, to)
}

// userTxDefaultDays is the period the transaction history opens with.
const userTxDefaultDays = 30

// transactions shows a user's billing history over a date range (default
// the last 30 days) with the totals of refills and charges.
func (h *usersHandlers) transactions(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	today := h.o.Now().UTC().Truncate(24 * time.Hour)
	v := templates.UserTxView{ID: id, From: strings.TrimSpace(c.QueryParam("from")), To: strings.TrimSpace(c.QueryParam("to")), TrackerLinks: sess.Perms.CanAll(usersPermTrackersRead)}
	if v.From == "" && v.To == "" {
		v.From = today.AddDate(0, 0, -userTxDefaultDays).Format(panelclient.DateLayout)
		v.To = today.Format(panelclient.DateLayout)
	}
	errs := templates.FieldErrors{}
	from, fErr := time.Parse(panelclient.DateLayout, v.From)
	to, tErr := time.Parse(panelclient.DateLayout, v.To)
	if fErr != nil {
		errs["from"] = l.T("users.err.date")
	}
	if tErr != nil {
		errs["to"] = l.T("users.err.date")
	}
	if fErr == nil && tErr == nil && to.Before(from) {
		errs["to"] = l.T("users.err.range")
	}
	if len(errs) > 0 {
		d, err := h.api.ReadUser(ctx, sess.Hash, id)
		if err != nil {
			return err
		}
		v.Name, v.Errs = userName(d.User), errs
		return h.render(c, statusUnprocessable, templates.UserTransactionsPage(v))
	}
	// The user (for the heading) and the transactions are read in parallel.
	var (
		wg    sync.WaitGroup
		d     *panelclient.UserDetails
		dErr  error
		txs   []panelclient.Transaction
		txErr error
	)
	wg.Go(func() { d, dErr = h.api.ReadUser(ctx, sess.Hash, id) })
	wg.Go(func() {
		txs, txErr = h.api.ListUserTransactions(ctx, sess.Hash, panelclient.TransactionListParams{
			UserID: id,
			From:   from.Format(panelclient.DateTimeLayout),
			To:     to.Add(24*time.Hour - time.Second).Format(panelclient.DateTimeLayout),
		})
	})
	wg.Wait()
	if dErr != nil {
		return dErr
	}
	v.Name = userName(d.User)
	if txErr != nil {
		if panelclient.Code(txErr) == 211 {
			v.Errs = templates.FieldErrors{"from": l.T("users.api.211")}
			return h.render(c, statusUnprocessable, templates.UserTransactionsPage(v))
		}
		return txErr
	}
	v.Loaded = true
	v.Rows = userTxRows(txs)
	for _, t := range txs {
		if t.Amount > 0 {
			v.Refills += t.Amount
		} else {
			v.Charges += t.Amount
		}
		if t.BonusAmount > 0 {
			v.BonusIn += t.BonusAmount
		} else {
			v.BonusOut += t.BonusAmount
		}
	}
	v.Refills, v.Charges = userRound4(v.Refills), userRound4(v.Charges)
	v.BonusIn, v.BonusOut = userRound4(v.BonusIn), userRound4(v.BonusOut)
	return h.render(c, http.StatusOK, templates.UserTransactionsPage(v))
}

func userRound4(f float64) float64 { return math.Round(f*10000) / 10000 }
