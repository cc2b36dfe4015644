// Command portal serves the Navixy dealer portal: a server-rendered admin
// portal over the Navixy Admin Panel API.
//
//	portal            serve against PANEL_API_URL with SESSION_KEYS
//	portal -demo      serve against a built-in Panel API emulator
//	portal -keys      print a fresh SESSION_KEYS pair
//	portal -version   print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/handlers"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/static"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	demo := flag.Bool("demo", false, "start the built-in Panel API emulator and serve against it")
	showVersion := flag.Bool("version", false, "print the version and exit")
	keys := flag.Bool("keys", false, "print a new SESSION_KEYS value and exit")
	healthcheck := flag.Bool("healthcheck", false, "ask the running portal's /healthz (for the container HEALTHCHECK) and exit")
	demoUsers := flag.Int("demo-users", 0, "with -demo: how many users the emulator seeds (0: its default)")
	demoTrackers := flag.Int("demo-trackers", 0, "with -demo: how many trackers the emulator seeds (0: its default)")
	flag.Parse()
	switch {
	case *showVersion:
		fmt.Println("portal", version)
		return
	case *keys:
		_, s := auth.GenerateKeys()
		fmt.Println(s)
		return
	case *healthcheck:
		os.Exit(checkHealth(os.Getenv("LISTEN_ADDR")))
	}
	tuneMemory(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, *demo, panelsim.SeedConfig{Users: *demoUsers, Trackers: *demoTrackers}, nil); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

// readHeaderTimeout is how long a client may take to send a request's
// headers. Without it a client that trickles them in holds its connection
// (and a goroutine) for as long as it likes, and a few hundred such
// clients hold the portal. Bodies are not bounded by time: an upload on a
// slow line may take minutes.
var readHeaderTimeout = 10 * time.Second

// defaultMemoryLimit is the portal's soft memory ceiling unless Go's own
// GOMEMLIMIT sets another. By default Go lets the heap grow to twice what
// is live before it collects; under a burst of staff that doubled the
// portal's footprint. Near this ceiling the garbage collector runs sooner
// instead. It is soft: a heap that truly needs more gets it (the collector
// then takes at most half the CPU), so it cannot fail a request.
const defaultMemoryLimit = 48 << 20

// defaultGCPercent replaces Go's GOGC=100 when the portal sets the memory
// ceiling itself: the portal's live heap is a few megabytes, so with the
// default the collector ran every few dozen pages. Collecting at five times
// the live heap, capped by the ceiling, does a quarter of that work.
const defaultGCPercent = 400

// tuneMemory applies defaultMemoryLimit when GOMEMLIMIT is unset, and
// then defaultGCPercent too unless GOGC is set.
func tuneMemory(getenv func(string) string) {
	if getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(defaultMemoryLimit)
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}

// run serves until ctx ends (SIGTERM or SIGINT in main), then stops
// accepting connections and lets in-flight requests finish. listening, when
// set, is told the portal's URL once it accepts connections.
func run(ctx context.Context, getenv func(string) string, demo bool, seed panelsim.SeedConfig, listening func(url string)) error {
	cfg, err := LoadConfig(getenv, demo)
	if err != nil {
		return err
	}
	logger := newLogger(cfg)

	if demo && cfg.PanelAPIURL == "" {
		sim, err := panelsim.Start(context.WithoutCancel(ctx), "127.0.0.1:0", panelsim.WithSeed(seed), panelsim.WithLogger(logger.With("component", "panelsim")))
		if err != nil {
			return fmt.Errorf("start the emulator: %w", err)
		}
		defer sim.Close()
		cfg.PanelAPIURL = sim.URL
		if cfg.UserAPIURL == "" {
			cfg.UserAPIURL = panelclient.DefaultUserAPIURL(sim.URL) // the emulator answers the user API too
		}
		if cfg.ConsoleWSURL == "" {
			// The emulator serves the air console next to its API.
			cfg.ConsoleWSURL = sim.ConsoleURL
		}
		if cfg.BrandingImageURL == "" {
			// ...and the branding images.
			cfg.BrandingImageURL = "http://" + sim.Addr + panelsim.ImagePathPrefix + "{path}"
		}
	}

	metrics := handlers.NewMetrics(nil)
	client, err := panelclient.New(cfg.PanelAPIURL,
		panelclient.WithTimeout(cfg.PanelTimeout),
		panelclient.WithUserAgent("navixy-portal/"+version),
		panelclient.WithObserver(metrics.ObserveUpstream))
	if err != nil {
		return fmt.Errorf("PANEL_API_URL: %w", err)
	}
	sessions := auth.NewManager(cfg.SessionKeys, auth.CookieOptions{Secure: cfg.CookieSecure, Embedded: len(cfg.FrameAncestors) > 0, Idle: cfg.SessionIdle}, nil)
	e := handlers.New(handlers.Options{
		Client:             client,
		Sessions:           sessions,
		Throttle:           auth.NewThrottle(nil),
		Assets:             static.Load(),
		Logger:             logger,
		Metrics:            metrics,
		Ready:              readiness(client),
		FrameAncestors:     cfg.FrameAncestors,
		TLS:                cfg.TLSCertFile != "",
		TrustProxy:         cfg.TrustProxy,
		UserAppURL:         cfg.UserAppURL,
		TrackerRegisterURL: cfg.TrackerRegisterURL,
		TrackerSettingsURL: cfg.TrackerSettingsURL,
		UserAPIURL:         cfg.UserAPIURL,
		ConsoleWSURL:       cfg.ConsoleWSURL,
		BrandingImageURL:   cfg.BrandingImageURL,
	})

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	scheme := "http"
	if cfg.TLSCertFile != "" {
		scheme = "https"
	}
	url := scheme + "://" + ln.Addr().String()
	if demo {
		printDemo(url, cfg)
	}
	logger.Info("portal listening", "url", url, "panel_api", cfg.PanelAPIURL, "version", version)
	if listening != nil {
		listening(url)
	}

	srv := e.Server
	srv.IdleTimeout = 2 * time.Minute
	srv.ReadHeaderTimeout = readHeaderTimeout
	errc := make(chan error, 1)
	go func() {
		if cfg.TLSCertFile != "" {
			errc <- srv.ServeTLS(ln, cfg.TLSCertFile, cfg.TLSKeyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		// SIGTERM: stop accepting, let in-flight requests finish.
		logger.Info("shutting down: finishing in-flight requests")
		shCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := srv.Shutdown(shCtx); err != nil {
			return fmt.Errorf("shutdown: %w", err)
		}
	}
	return nil
}

// checkHealth asks the portal listening on addr for /healthz; 0 when it
// answers 200. The container image has no shell or curl, so the binary
// checks itself.
func checkHealth(addr string) int {
	host, port, err := net.SplitHostPort(or(addr, "127.0.0.1:8080"))
	if err != nil {
		return 1
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	cl := &http.Client{Timeout: 3 * time.Second}
	resp, err := cl.Get("http://" + net.JoinHostPort(host, port) + "/healthz")
	if err != nil {
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}

func newLogger(cfg *Config) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}

// readiness asks the Panel API a cheap question (timezone/list needs no
// session) at most every 5 seconds.
func readiness(c *panelclient.Client) func() error {
	var mu sync.Mutex
	var last time.Time
	var lastErr error
	return func() error {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) < 5*time.Second {
			return lastErr
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_, lastErr = c.Timezones(ctx, "en")
		last = time.Now()
		return lastErr
	}
}

func printDemo(url string, cfg *Config) {
	fmt.Printf(`
Navixy dealer portal (demo) on %s
Panel API emulator:            %s

Demo logins (login / password):
  admin  / admin    every permission
  tech   / tech     technical (employee) account: no deletes, no plans or settings
  viewer / viewer   read only
`, url, cfg.PanelAPIURL)
	if cfg.GeneratedKeys {
		fmt.Println("\nSession keys were generated for this run: restarting signs everyone out.")
	}
	fmt.Println()
}
