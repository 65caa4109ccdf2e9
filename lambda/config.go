package lambda

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sharelink/sharelink/core"
)

// Config is the function's configuration, read once at start.
type Config struct {
	// GraphBaseURL is where every upstream request goes: scheme, host and
	// an optional path prefix. Clients can never change it.
	GraphBaseURL string
	// Policy is the organisation's sharing policy; nil allows what Graph
	// allows.
	Policy *core.Policy
	// Policies is the scoped policy document (a default and overrides
	// by app, drive and site, docs/policy.md); when set, it chooses each
	// request's policy, and Policy is its default.
	Policies *core.PolicySet
	// DefaultVersion is the API version of a path without /v1.0 or /beta.
	DefaultVersion core.Version
	// BasePath is stripped from the front of every request path, for an
	// API Gateway stage that is not $default ("/prod").
	BasePath string
	// AttemptTimeout bounds one upstream exchange; RequestTimeout bounds a
	// whole request (all attempts and waits) when the invocation has no
	// deadline of its own (lambda/cmd/local).
	AttemptTimeout time.Duration
	RequestTimeout time.Duration
	// MaxAttempts bounds the upstream sends of one request, retries
	// included.
	MaxAttempts int
	// MaxBody bounds a request body, decoded; past it the answer is 413.
	MaxBody int
	// AuditKey keys the HMAC-SHA256 of recipients' addresses in the
	// decision log (SHARELINK_AUDIT_KEY); none: no hash at all.
	AuditKey []byte
	// DryRun enables Prefer: sharelink-dry-run (SHARELINK_DRY_RUN=on).
	DryRun bool
	// CORSOrigins are the browser origins (scheme://host[:port]) whose
	// pages may call the function; none: no CORS headers at all.
	CORSOrigins []string
}

// Defaults.
const (
	DefaultGraphBaseURL   = core.DefaultGraphBaseURL
	DefaultAttemptTimeout = 10 * time.Second
	DefaultRequestTimeout = 29 * time.Second // API Gateway's integration limit
	DefaultMaxAttempts    = 4
	DefaultMaxBody        = 1 << 20
)

// The environment variables Config reads.
const (
	EnvGraphBaseURL   = "GRAPH_BASE_URL"
	EnvPolicy         = "SHARELINK_POLICY"
	EnvPolicyFile     = "SHARELINK_POLICY_FILE"
	EnvAPIVersion     = "SHARELINK_API_VERSION"
	EnvBasePath       = "SHARELINK_BASE_PATH"
	EnvAttemptTimeout = "SHARELINK_UPSTREAM_TIMEOUT"
	EnvRequestTimeout = "SHARELINK_REQUEST_TIMEOUT"
	EnvMaxAttempts    = "SHARELINK_MAX_ATTEMPTS"
	EnvMaxBody        = "SHARELINK_MAX_BODY_BYTES"
	EnvCORSOrigins    = "SHARELINK_CORS_ORIGINS"
	EnvAuditKey       = "SHARELINK_AUDIT_KEY"
	EnvDryRun         = "SHARELINK_DRY_RUN"
)

// DefaultConfig is the configuration with nothing set.
func DefaultConfig() Config {
	return Config{
		GraphBaseURL:   DefaultGraphBaseURL,
		AttemptTimeout: DefaultAttemptTimeout,
		RequestTimeout: DefaultRequestTimeout,
		MaxAttempts:    DefaultMaxAttempts,
		MaxBody:        DefaultMaxBody,
	}
}

// withDefaults fills what a Config built by hand left zero, so that a
// library caller's Config{GraphBaseURL: …} gets working bounds, not a zero
// timeout.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.GraphBaseURL == "" {
		c.GraphBaseURL = d.GraphBaseURL
	}
	c.GraphBaseURL = strings.TrimRight(c.GraphBaseURL, "/")
	if c.AttemptTimeout <= 0 {
		c.AttemptTimeout = d.AttemptTimeout
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = d.RequestTimeout
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = d.MaxAttempts
	}
	if c.MaxBody <= 0 {
		c.MaxBody = d.MaxBody
	}
	return c
}

// ConfigFromEnv reads the configuration from the process environment.
func ConfigFromEnv() (Config, error) { return LoadConfig(os.Getenv, os.ReadFile) }

// LoadConfig reads the configuration through getenv and readFile (the
// policy file). Every error names the variable at fault: a function with
// a bad configuration must refuse to start, never run with a rule off.
func LoadConfig(getenv func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	c := DefaultConfig()
	if v := getenv(EnvGraphBaseURL); v != "" {
		base, err := core.CheckBaseURL(v)
		if err != nil {
			return c, fmt.Errorf("%s: %w", EnvGraphBaseURL, err)
		}
		c.GraphBaseURL = base
	}
	pol, file := getenv(EnvPolicy), getenv(EnvPolicyFile)
	switch {
	case pol != "" && file != "":
		return c, fmt.Errorf("%s and %s are both set; set one", EnvPolicy, EnvPolicyFile)
	case pol != "":
		p, err := core.ParsePolicySet([]byte(pol))
		if err != nil {
			return c, fmt.Errorf("%s: %w", EnvPolicy, err)
		}
		c.Policy, c.Policies = p.Default, p
	case file != "":
		b, err := readFile(file)
		if err != nil {
			return c, fmt.Errorf("%s: %w", EnvPolicyFile, err)
		}
		p, err := core.ParsePolicySet(b)
		if err != nil {
			return c, fmt.Errorf("%s (%s): %w", EnvPolicyFile, file, err)
		}
		c.Policy, c.Policies = p.Default, p
	}
	if v := getenv(EnvAPIVersion); v != "" {
		ver, err := core.ParseVersion(v)
		if err != nil {
			return c, fmt.Errorf("%s: %w", EnvAPIVersion, err)
		}
		c.DefaultVersion = ver
	}
	if v := getenv(EnvBasePath); v != "" {
		if v[0] != '/' || strings.HasSuffix(v, "/") || strings.ContainsAny(v, "?#%") {
			return c, fmt.Errorf("%s: %q must start with '/' and not end with one, as in /prod", EnvBasePath, v)
		}
		c.BasePath = v
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{EnvAttemptTimeout, &c.AttemptTimeout}, {EnvRequestTimeout, &c.RequestTimeout}} {
		if v := getenv(d.name); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil || t <= 0 {
				return c, fmt.Errorf("%s: %q is not a positive duration such as 10s", d.name, v)
			}
			*d.dst = t
		}
	}
	for _, n := range []struct {
		name    string
		dst     *int
		lo, hi  int
		example string
	}{{EnvMaxAttempts, &c.MaxAttempts, 1, 10, "4"}, {EnvMaxBody, &c.MaxBody, 1024, 6 << 20, "1048576"}} {
		if v := getenv(n.name); v != "" {
			i, err := strconv.Atoi(v)
			if err != nil || i < n.lo || i > n.hi {
				return c, fmt.Errorf("%s: %q must be a whole number from %d to %d, such as %s", n.name, v, n.lo, n.hi, n.example)
			}
			*n.dst = i
		}
	}
	if err := loadDecisionConfig(&c, getenv); err != nil { // decision.go
		return c, err
	}
	if v := getenv(EnvCORSOrigins); v != "" {
		o, err := parseCORSOrigins(v)
		if err != nil {
			return c, fmt.Errorf("%s: %w", EnvCORSOrigins, err)
		}
		c.CORSOrigins = o
	}
	return c, nil
}
