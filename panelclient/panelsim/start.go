package panelsim

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// Running is an emulator serving HTTP, as Start returns it.
type Running struct {
	// URL is the Panel API base URL, e.g. "http://127.0.0.1:41234/v2/panel";
	// a client appends "/<resource>/<action>".
	URL string
	// Addr is the address the emulator listens on ("127.0.0.1:41234").
	Addr string
	// ConsoleURL is the air console WebSocket, "ws://127.0.0.1:41234/console"
	// (see ConsoleURLFor).
	ConsoleURL string
	// Server is the emulator, for faults, call counts and extra accounts.
	Server *Server

	http      *http.Server
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// Start serves a new emulator on addr ("127.0.0.1:0" or "" picks a free
// loopback port) until ctx ends or Close is called. The portal's -demo
// mode and end-to-end tests use it to run the emulator in-process.
func Start(ctx context.Context, addr string, opts ...Option) (*Running, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	srv := New(opts...)
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
	}
	r := &Running{
		URL:        "http://" + ln.Addr().String() + "/v2/panel",
		Addr:       ln.Addr().String(),
		ConsoleURL: ConsoleURLFor("http://" + ln.Addr().String()),
		Server:     srv,
		http:       hs,
		done:       make(chan struct{}),
	}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			srv.log.Error("panelsim stopped", "error", err)
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = r.Close()
		case <-r.done:
		}
	}()
	return r, nil
}

// Close stops the emulator gracefully: it stops accepting connections and
// waits up to five seconds for requests in flight. It is safe to call more
// than once.
func (r *Running) Close() error {
	r.closeOnce.Do(func() {
		close(r.done)
		r.Server.CloseConsoles() // Shutdown does not wait for WebSockets
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := r.http.Shutdown(ctx); err != nil {
			r.closeErr = errors.Join(err, r.http.Close())
		}
	})
	return r.closeErr
}
