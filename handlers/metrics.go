package handlers

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/labstack/echo/v4"
)

// Metrics are the portal's Prometheus series.
type Metrics struct {
	reg            *prometheus.Registry
	requests       *prometheus.HistogramVec
	upstream       *prometheus.HistogramVec
	Logins         prometheus.Counter
	LoginFailures  *prometheus.CounterVec
	LoginThrottled prometheus.Counter
}

// NewMetrics registers the series on reg (a fresh registry when nil).
func NewMetrics(reg *prometheus.Registry) *Metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m := &Metrics{
		reg: reg,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "portal_http_requests_seconds", Help: "Portal requests by route and status, with latency.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route", "status"}),
		upstream: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "portal_panel_api_calls_seconds", Help: "Panel API calls by action and result code (0 success, -1 transport failure), with latency.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"action", "code"}),
		Logins:         prometheus.NewCounter(prometheus.CounterOpts{Name: "portal_logins_total", Help: "Successful staff logins."}),
		LoginFailures:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portal_login_failures_total", Help: "Failed staff logins by reason."}, []string{"reason"}),
		LoginThrottled: prometheus.NewCounter(prometheus.CounterOpts{Name: "portal_login_throttled_total", Help: "Login attempts refused by throttling."}),
	}
	reg.MustRegister(m.requests, m.upstream, m.Logins, m.LoginFailures, m.LoginThrottled)
	return m
}

func (m *Metrics) observeRequest(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Observe(d.Seconds())
}

// ObserveUpstream records one Panel API call; panelclient calls it.
func (m *Metrics) ObserveUpstream(action string, code int, d time.Duration) {
	m.upstream.WithLabelValues(action, strconv.Itoa(code)).Observe(d.Seconds())
}

func (m *Metrics) handler() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
}
