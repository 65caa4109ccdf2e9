// Command bootstrap is the sharelink function for the provided.al2023
// runtime: built with -tags lambda.norpc (no RPC mode, a smaller binary),
// it reads its configuration once at init and serves API Gateway HTTP API
// and Function URL events with one Handler, whose pooled HTTP client lives
// as long as the instance.
package main

import (
	"io"
	"log/slog"
	"os"

	awslambda "github.com/aws/aws-lambda-go/lambda"
	sharelink "github.com/sharelink/sharelink/lambda"
)

func main() {
	h, err := setup(os.Getenv, os.ReadFile, os.Stdout)
	if err != nil {
		// A bad configuration fails the init phase: Lambda reports
		// Runtime.ExitError and the function serves nothing, rather than
		// serve with a rule silently off.
		os.Exit(1)
	}
	awslambda.Start(h.Handle)
}

// setup reads the configuration; on error it writes one JSON log line
// saying what is wrong and returns the error.
func setup(getenv func(string) string, readFile func(string) ([]byte, error), logs io.Writer) (*sharelink.Handler, error) {
	log := sharelink.NewLogger(logs)
	cfg, err := sharelink.LoadConfig(getenv, readFile)
	if err != nil {
		log.Error("sharelink refuses to start: bad configuration", slog.String("error", err.Error()))
		return nil, err
	}
	return sharelink.New(cfg, sharelink.WithLogger(log)), nil
}
