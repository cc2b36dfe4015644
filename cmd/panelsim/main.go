// Command panelsim runs the in-memory Navixy Panel API emulator, so the
// portal can be developed, demonstrated and load-tested without a real
// Navixy platform.
//
//	panelsim -addr 127.0.0.1:8081 -users 100000 -trackers 300000 -latency 40ms
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/navixy-portal/portal/panelclient/panelsim"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "panelsim:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:8081", "address to listen on")
	users := flag.Int("users", panelsim.DefaultUsers, "number of seeded users")
	trackers := flag.Int("trackers", panelsim.DefaultTrackers, "number of seeded trackers")
	latency := flag.Duration("latency", 0, "delay added to every answer, e.g. 40ms")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})) // one line per request
	started := time.Now()
	sim, err := panelsim.Start(ctx, *addr,
		panelsim.WithSeed(panelsim.SeedConfig{Users: *users, Trackers: *trackers}),
		panelsim.WithLogger(log))
	if err != nil {
		return err
	}
	sim.Server.SetLatency(*latency)
	store := sim.Server.Store()

	fmt.Printf("Navixy Panel API emulator\n")
	fmt.Printf("  base URL: %s\n", sim.URL)
	fmt.Printf("  seeded:   %d users, %d trackers in %s\n", store.UserCount(), store.TrackerCount(), time.Since(started).Round(time.Millisecond))
	fmt.Printf("  logins:\n")
	for _, a := range panelsim.DemoAccounts() {
		fmt.Printf("    %-7s / %-7s %s\n", a.Login, a.Password, a.Role)
	}
	if *latency > 0 {
		fmt.Printf("  latency:  %s per answer\n", *latency)
	}

	<-ctx.Done()
	fmt.Println("panelsim: shutting down")
	return sim.Close()
}
