package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ServeOptions configures Serve. The zero value is ready.
type ServeOptions struct {
	// RequestTimeout bounds reading a request's body and writing its
	// answer (http.Server's ReadTimeout, and WriteTimeout 5 s longer);
	// match Config.RequestTimeout. Zero means 30 seconds.
	RequestTimeout time.Duration
	// Grace is how long in-flight requests may finish once ctx is done.
	// Zero means 10 seconds.
	Grace time.Duration
	// Logger receives the server's own errors and the shutdown. Nil means
	// slog.Default().
	Logger *slog.Logger
}

// Serve serves h on ln until ctx is done, then shuts down gracefully: the
// listener closes, in-flight requests finish (up to Grace; after it, the
// connections are closed and Serve returns an error), idle connections
// close. It returns nil after a clean shutdown, or the error that stopped
// the server early. A host closes its engine after Serve returns.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, o ServeOptions) error {
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = defaultTimeout
	}
	if o.Grace <= 0 {
		o.Grace = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       o.RequestTimeout,
		WriteTimeout:      o.RequestTimeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(o.Logger.Handler(), slog.LevelWarn),
	}
	// Open streams (the change feed's Server-Sent Events) end as the
	// shutdown begins; Shutdown would otherwise wait for them.
	shutdown := make(chan struct{})
	srv.BaseContext = func(net.Listener) context.Context { return WithShutdown(context.Background(), shutdown) }
	srv.RegisterOnShutdown(func() { close(shutdown) })
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served: // Serve failed before any shutdown
		return err
	case <-ctx.Done():
	}
	o.Logger.Info("shutting down", slog.String("grace", o.Grace.String()))
	sctx, cancel := context.WithTimeout(context.Background(), o.Grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: in-flight requests did not finish within %v: %w", o.Grace, err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
