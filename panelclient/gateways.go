package panelclient

import (
	"context"
	"encoding/json"
)

// EmailGateways are the email gateways a dealer may send notifications
// through (gateways/email/list): its own and those the platform owner
// leases, with the one in use.
type EmailGateways struct {
	// BoundGateway is the id of the gateway in use (own or leasable), nil
	// when none is bound.
	BoundGateway *int                   `json:"bound_gateway"`
	Own          []OwnEmailGateway      `json:"own"`
	Leasable     []LeasableEmailGateway `json:"leasable"`
}

// OwnEmailGateway is a gateway the dealer owns; only SMTP exists.
type OwnEmailGateway struct {
	ID int `json:"id"`
	// Leasable says whether the dealer leases it to its sub-dealers.
	Leasable bool       `json:"leasable"`
	Label    string     `json:"label"`
	Provider string     `json:"provider"`
	Params   SMTPParams `json:"params"`
}

// LeasableEmailGateway is a gateway leased from the platform owner.
type LeasableEmailGateway struct {
	ID                 int    `json:"id"`
	Label              string `json:"label"`
	Provider           string `json:"provider"`
	DefaultFromAddress string `json:"default_from_address"`
}

// SMTPParams are the settings of an own SMTP gateway, from its `params`
// object ("mail.smtp.host"...). The OpenAPI file leaves the object's shape
// open, so unknown keys are ignored. The SMTP password is a credential:
// the client never keeps it, it only notes whether one is set.
type SMTPParams struct {
	DefaultFromAddress string
	User               string
	HasPassword        bool
	Host               string
	Port               int
	SSLPort            int
	SSLTrustAllHosts   bool
	Auth               bool
	StartTLSEnable     bool
	StartTLSRequired   bool
	UseSSL             bool
}

// UnmarshalJSON reads the documented keys of an SMTP gateway's params.
func (p *SMTPParams) UnmarshalJSON(b []byte) error {
	var raw struct {
		DefaultFromAddress string  `json:"default_from_address"`
		User               *string `json:"mail.smtp.user"`
		Password           *string `json:"mail.smtp.password"`
		Host               string  `json:"mail.smtp.host"`
		Port               int     `json:"mail.smtp.port"`
		SSLPort            int     `json:"mail.smtp.ssl.port"`
		TrustAll           bool    `json:"mail.smtp.ssl.trust_all_hosts"`
		Auth               bool    `json:"mail.smtp.auth"`
		StartTLSEnable     bool    `json:"mail.smtp.starttls.enable"`
		StartTLSRequired   bool    `json:"mail.smtp.starttls.required"`
		UseSSL             bool    `json:"mail.smtp.use_ssl"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*p = SMTPParams{
		DefaultFromAddress: raw.DefaultFromAddress, Host: raw.Host, Port: raw.Port, SSLPort: raw.SSLPort,
		SSLTrustAllHosts: raw.TrustAll, Auth: raw.Auth, StartTLSEnable: raw.StartTLSEnable,
		StartTLSRequired: raw.StartTLSRequired, UseSSL: raw.UseSSL,
		HasPassword: raw.Password != nil && *raw.Password != "",
	}
	if raw.User != nil {
		p.User = *raw.User
	}
	return nil
}

// ListEmailGateways returns the dealer's email gateways
// (gateways/email/list; email_gateways: read). The Panel answers them next
// to "success", not under "value".
func (c *Client) ListEmailGateways(ctx context.Context, hash string) (*EmailGateways, error) {
	var out EmailGateways
	if err := c.call(ctx, readOnly, hash, "gateways/email/list", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
