// Package metrics serves Prometheus metrics for operators at GET /metrics: live connections and
// subscriptions, events published, delivered and dropped, slow connections dropped, rate-limit
// refusals (read from the relay and the limiter at each scrape), and how long pages and posts take
// (timed here), beside Go's, the process's and Litestream's own.
//
// Why client_golang: Litestream's library, already in the binary for backups, registers its
// metrics with it, so the exposition format comes for free and stays correct.
package metrics

import (
	"net"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"hearth/server/jsgate"
)

// Sources are where the counters kept elsewhere are read at each scrape.
type Sources struct {
	Relay    func() map[string]int64 // relay.Relay.Stats
	Refusals func() map[string]int64 // limits.Limiter.Refusals
}

// Metrics is Hearth's registry and its request timer.
type Metrics struct {
	registry *prometheus.Registry
	duration *prometheus.HistogramVec
}

// New registers Hearth's metrics over the sources.
func New(src Sources) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hearth_request_duration_seconds",
			Help:    "How long Hearth took to answer a page (GET) or a form post, queueing included.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"kind"}),
	}
	stat := func(name string) func() float64 {
		return func() float64 { return float64(src.Relay()[name]) }
	}
	m.registry.MustRegister(
		m.duration,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "hearth_realtime_connections", Help: "Open realtime (SSE) connections."}, stat("clients")),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "hearth_realtime_subscriptions", Help: "Subscriptions of open realtime connections."}, stat("topics")),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "hearth_realtime_waiting_events", Help: "Events queued for connections that are not keeping up."}, stat("waiting")),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "hearth_events_published_total", Help: "Live events published to the relay."}, stat("published")),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "hearth_events_delivered_total", Help: "Live events written to a connection."}, stat("delivered")),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "hearth_realtime_dropped_total", Help: "Connections dropped because they did not keep up."}, stat("dropped")),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "hearth_realtime_refused_total", Help: "Realtime connections refused over the per-address or per-session cap."}, stat("refused")),
		refusals{src.Refusals},
	)
	for _, kind := range []string{"page", "post"} {
		m.duration.WithLabelValues(kind) // present from the start, at zero
	}
	return m
}

// Register times every page and post, and serves GET /metrics to loopback and superusers.
func (m *Metrics) Register(app core.App) {
	expose := promhttp.HandlerFor(prometheus.Gatherers{m.registry, prometheus.DefaultGatherer}, promhttp.HandlerOpts{})
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		e.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id:       "hearthMetricsTimer",
			Priority: jsgate.Priority - 1, // outside the gate: its queue is part of the wait
			Func:     m.time,
		})
		e.Router.GET("/metrics", func(re *core.RequestEvent) error {
			if !OperatorOnly(re) {
				return re.ForbiddenError("Metrics are for the operator: ask from this machine or with a superuser token.", nil)
			}
			expose.ServeHTTP(re.Response, re.Request)
			return nil
		})
		return e.Next()
	})
}

func (m *Metrics) time(e *core.RequestEvent) error {
	kind := kindOf(e.Request)
	if kind == "" {
		return e.Next()
	}
	start := time.Now()
	err := e.Next()
	m.duration.WithLabelValues(kind).Observe(time.Since(start).Seconds())
	return err
}

// kindOf is "post" for a form post, "page" for a page (not a script, a stylesheet or an
// operator's route), and "" for anything else (the API, the dashboard, static files).
func kindOf(r *http.Request) string {
	p := r.URL.Path
	if !jsgate.Gated(p) || p == "/metrics" || p == "/health" {
		return ""
	}
	if jsgate.Writes(r.Method) {
		return "post"
	}
	if strings.Contains(path.Base(p), ".") {
		return ""
	}
	return "page"
}

// OperatorOnly reports whether the request comes from this machine (its real client address,
// after PocketBase's trusted-proxy settings) or carries a superuser's token.
func OperatorOnly(e *core.RequestEvent) bool {
	if ip := net.ParseIP(e.RealIP()); ip != nil && ip.IsLoopback() {
		return true
	}
	return e.HasSuperuserAuth()
}

// refusals reports the limiter's refusals per limit, as counters.
type refusals struct{ read func() map[string]int64 }

var refusalsDesc = prometheus.NewDesc("hearth_rate_limit_refusals_total", "Requests refused by one of Hearth's rate limits.", []string{"limit"}, nil)

func (r refusals) Describe(ch chan<- *prometheus.Desc) { ch <- refusalsDesc }

func (r refusals) Collect(ch chan<- prometheus.Metric) {
	for name, n := range r.read() {
		ch <- prometheus.MustNewConstMetric(refusalsDesc, prometheus.CounterValue, float64(n), name)
	}
}
