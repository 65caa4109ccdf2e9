package lambda

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/sharelink/sharelink/core"
)

// NewLogger is the JSON logger the handler writes its one line per request
// to (CloudWatch reads standard output).
func NewLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// logExchange writes the request's line. What goes in it is chosen, never
// copied wholesale: no header, no path (a path can carry a user's address
// or an encoded sharing URL), no body, no upstream message (Graph's
// messages can name recipients). The error target is written as
// core.Error.LogTarget gives it: core's own name for a property, path
// segment kind or rule, a fixed word for a key or segment the caller chose.
func (h *Handler) logExchange(ctx context.Context, x *exchange) {
	level := slog.LevelInfo
	if x.status >= 500 {
		level = slog.LevelWarn
	}
	attrs := make([]slog.Attr, 0, 16)
	attrs = append(attrs,
		slog.String("method", safeToken(x.method, 16)),
		slog.Int("status", x.status),
		slog.Float64("latency_ms", ms(h.now().Sub(x.start))),
		slog.String("request_id", x.requestID),
		slog.String("client_request_id", x.clientRequestID),
	)
	if x.action != 0 {
		attrs = append(attrs, slog.String("route", x.action.String()), slog.String("version", x.version.String()))
	}
	if x.attempts > 0 {
		attrs = append(attrs,
			slog.Int("upstream_attempts", x.attempts),
			slog.Int("upstream_status", x.upstreamStatus),
			slog.Float64("upstream_ms", ms(x.upstreamTime)))
	}
	if x.waited > 0 {
		attrs = append(attrs, slog.Float64("retry_wait_ms", ms(x.waited)))
	}
	if x.gaveUp != "" {
		attrs = append(attrs, slog.String("retry_stopped", x.gaveUp))
	}
	if x.errCode != "" {
		attrs = append(attrs, slog.String("error_code", safeToken(x.errCode, 64)))
		if t := (&core.Error{Status: x.status, Code: x.errCode, Target: x.errTarget}).LogTarget(); t != "" {
			attrs = append(attrs, slog.String("error_target", t))
		}
	}
	for _, a := range x.adjusted {
		by := a.Rule
		if a.By != "" {
			by = a.By
		}
		attrs = append(attrs, slog.String("adjusted", a.Property+" by "+by))
	}
	if x.apigwRequestID != "" {
		attrs = append(attrs, slog.String("apigw_request_id", safeToken(x.apigwRequestID, 64)))
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok && lc.AwsRequestID != "" {
		attrs = append(attrs, slog.String("aws_request_id", safeToken(lc.AwsRequestID, 64)))
	}
	if x.batch != nil {
		attrs = append(attrs, slog.Int("batch_steps", len(x.batch.Steps)))
	}
	h.log.LogAttrs(ctx, level, "request", attrs...)
	if x.batch != nil {
		h.logSteps(ctx, x) // batch.go
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// safeToken keeps s when it is a short plain word; else a placeholder.
func safeToken(s string, max int) string {
	if len(s) > max {
		return "(redacted)"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '=') {
			return "(redacted)"
		}
	}
	return s
}
