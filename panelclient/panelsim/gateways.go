package panelsim

import "slices"

// Email gateways (resources/gateways.md).

func (s *Server) registerGatewayActions() {
	s.register("gateways/email/list", need("email_gateways", "read"), s.gatewaysEmailList)
}

// EmailGateway is a gateway the dealer owns (only SMTP is supported).
type EmailGateway struct {
	ID       int        `json:"id"`
	Leasable bool       `json:"leasable"`
	Label    string     `json:"label"`
	Provider string     `json:"provider"`
	Params   SMTPParams `json:"params"`
}

// SMTPParams are an SMTP gateway's settings, in the documented keys. The
// user and password are null in replies, as in the docs' example: the
// emulator never answers a gateway's credentials.
type SMTPParams struct {
	DefaultFromAddress string  `json:"default_from_address"`
	User               *string `json:"mail.smtp.user"`
	Password           *string `json:"mail.smtp.password"`
	Host               string  `json:"mail.smtp.host"`
	Port               int     `json:"mail.smtp.port"`
	SSLPort            int     `json:"mail.smtp.ssl.port"`
	SSLTrustAllHosts   bool    `json:"mail.smtp.ssl.trust_all_hosts"`
	Auth               bool    `json:"mail.smtp.auth"`
	Debug              bool    `json:"mail.debug"`
	StartTLSEnable     bool    `json:"mail.smtp.starttls.enable"`
	StartTLSRequired   bool    `json:"mail.smtp.starttls.required"`
	UseSSL             bool    `json:"mail.smtp.use_ssl"`
	Timeout            int     `json:"mail.smtp.timeout"`
	ConnectionTimeout  int     `json:"mail.smtp.connectiontimeout"`
	TransportProtocol  string  `json:"mail.transport.protocol"`
}

// LeasableEmailGateway is a gateway the platform owner offers for lease.
// provider is in the markdown's list example and the OpenAPI schema, not
// in the markdown's object example.
type LeasableEmailGateway struct {
	ID                 int    `json:"id"`
	Label              string `json:"label"`
	Provider           string `json:"provider"`
	DefaultFromAddress string `json:"default_from_address"`
}

// gatewayBook is one dealer's own gateways and the one it has bound (an
// own or a leasable gateway's id; nil when none).
type gatewayBook struct {
	own   []EmailGateway
	bound *int
}

// gatewaysReply is the answer of gateways/email/list: its fields sit next
// to success, not under value.
type gatewaysReply struct {
	BoundGateway *int                   `json:"bound_gateway"`
	Own          []EmailGateway         `json:"own"`
	Leasable     []LeasableEmailGateway `json:"leasable"`
}

// gatewaysEmailList answers the dealer's own gateways, the platform's
// leasable ones and the bound one's id (null when none is bound).
func (s *Server) gatewaysEmailList(c *call) (any, error) {
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := gatewaysReply{Own: []EmailGateway{}, Leasable: slices.Clone(st.dealerSide.leasable)}
	if out.Leasable == nil {
		out.Leasable = []LeasableEmailGateway{}
	}
	if gb := st.dealerSide.gateways[st.sessionDealerLocked(c)]; gb != nil {
		out.Own = append(out.Own, gb.own...)
		out.BoundGateway = copyPtr(gb.bound)
	}
	return out, nil
}

// Seeded gateway ids: the platform's leasable gateways and the demo
// dealer's own, bound one.
const (
	gatewayPlatform = 1
	gatewayDefault  = 2
	gatewayOwnSMTP  = 3
)

func seedGateways(st *Store) {
	st.dealerSide.leasable = []LeasableEmailGateway{
		{ID: gatewayPlatform, Label: "Platform gate", Provider: "router", DefaultFromAddress: "no-reply@navixy.com"},
		{ID: gatewayDefault, Label: "Default", Provider: "mandrill_smtp", DefaultFromAddress: "no-reply@x-gpsmail.com"},
	}
	st.dealerSide.gateways[st.dealer.ID] = &gatewayBook{
		own: []EmailGateway{{
			ID: gatewayOwnSMTP, Label: `Demo SMTP "relay" <mail.example.com>`, Provider: "smtp",
			Params: SMTPParams{
				DefaultFromAddress: "no-reply@demo.navixy.com", Host: "mail.example.com", Port: 587, SSLPort: 465,
				Auth: true, StartTLSEnable: true, Timeout: 60000, ConnectionTimeout: 60000, TransportProtocol: "smtp",
			},
		}},
		bound: ptr(gatewayOwnSMTP),
	}
}
