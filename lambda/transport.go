package lambda

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/sharelink/sharelink/core"
)

// transport answers what is decided before the route: a body that could
// not be read (ServeHTTP) is refused, and a CORS preflight from a listed
// origin is answered. It records a listed Origin in x, so that every
// response to it carries the CORS headers (reply). done is false when the
// request goes on as usual.
func (h *Handler) transport(ctx context.Context, in *incoming, x *exchange) (resp events.APIGatewayV2HTTPResponse, done bool) {
	if err := bodyReadError(ctx); err != nil {
		return h.fail(x, err), true
	}
	if in.origin == "" || !h.corsAllows(in.origin) {
		return resp, false
	}
	x.origin = in.origin
	if in.method != http.MethodOptions || in.preflightMethod == "" {
		return resp, false
	}
	// A preflight: served when the method it asks for is served on the
	// path. Anything else goes on, and is refused as any OPTIONS is.
	if _, err := core.ParseRouteVersion(in.preflightMethod, in.path, h.cfg.DefaultVersion); err != nil {
		return resp, false
	}
	resp = h.reply(x, http.StatusNoContent, nil)
	resp.Headers["access-control-allow-methods"] = in.preflightMethod
	resp.Headers["access-control-allow-headers"] = corsAllowHeaders
	resp.Headers["access-control-max-age"] = strconv.Itoa(corsMaxAge)
	return resp, true
}

// The CORS answers. The allowed request headers are all a Graph client
// sends that sharelink reads (sent whole, whatever the preflight asked:
// the answer is the same for every preflight, and the browser checks);
// the exposed ones are those reply sets that a caller reads. Credentials
// mode is never allowed: the token travels in Authorization, which a
// page sets itself.
const (
	corsAllowHeaders  = "Authorization, Content-Type, Content-Encoding, client-request-id, If-Match, If-None-Match"
	corsExposeHeaders = "request-id, client-request-id, retry-after, etag, " + AdjustedHeader + ", " +
		ShadowHeader + ", " + ReportedHeader + ", preference-applied"
	// corsMaxAge is how long a browser may keep a preflight's answer, in
	// seconds: 10 minutes, so a changed SHARELINK_CORS_ORIGINS is seen
	// soon (Chromium caps it at 2 hours, Firefox at 24).
	corsMaxAge = 600
)

// corsAllows reports whether origin is one of SHARELINK_CORS_ORIGINS,
// byte for byte: browsers send the serialised origin, lower case, without
// a default port, and the configuration is checked to hold only that form.
func (h *Handler) corsAllows(origin string) bool {
	for _, o := range h.cfg.CORSOrigins {
		if o == origin {
			return true
		}
	}
	return false
}

// setCORS adds the headers of an actual (not preflight) response to a
// listed origin. Vary is on these responses only: every response is
// Cache-Control: no-store, so no shared cache keeps one for another
// origin.
func setCORS(hd map[string]string, origin string) {
	hd["access-control-allow-origin"] = origin
	hd["vary"] = "Origin"
	hd["access-control-expose-headers"] = corsExposeHeaders
}

// parseCORSOrigins reads SHARELINK_CORS_ORIGINS: comma-separated origins,
// each scheme://host[:port] exactly as a browser sends it in Origin.
func parseCORSOrigins(v string) ([]string, error) {
	var out []string
	for _, o := range strings.Split(v, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if err := checkOrigin(o); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// checkOrigin accepts an origin as browsers serialise it (RFC 6454 §6.1):
// http or https, a host, an optional port that is not the scheme's
// default, nothing else, all lower case. Anything else could never match
// an Origin header, or would match more than meant.
func checkOrigin(o string) error {
	bad := func(why string) error {
		return fmt.Errorf("%q is not an origin such as https://app.contoso.com or http://localhost:3000: %s", o, why)
	}
	if strings.Contains(o, "*") {
		return bad("wildcards are not accepted; list each origin")
	}
	u, err := url.Parse(o)
	switch {
	case err != nil:
		return bad("it does not parse")
	case u.Scheme != "http" && u.Scheme != "https":
		return bad("the scheme must be http or https")
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return bad("it has no host")
	case u.User != nil:
		return bad("it holds user information")
	case u.Path != "" || u.RawPath != "":
		return bad("it has a path (no trailing '/')")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(o, "?#"):
		return bad("it has a query or a fragment")
	case o != strings.ToLower(o):
		return bad("browsers send origins in lower case")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		switch {
		case err != nil || n < 1 || n > 65535 || p[0] == '0':
			return bad("the port must be a number from 1 to 65535")
		case u.Scheme == "http" && n == 80, u.Scheme == "https" && n == 443:
			return bad("browsers omit the scheme's default port")
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return bad("the port is empty")
	}
	return nil
}
