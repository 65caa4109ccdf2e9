package ops

import (
	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

var createLinkFields = [...]field{
	{"path", gjson.String, true},
	{"body", gjson.JSON, true},
	{"driveType", gjson.String, false},
	{"itemKind", gjson.String, false},
}

// BuildCreateLink: {"path","body","driveType"?,"itemKind"?} →
// {"method","url","headers","body","adjusted"?}.
func BuildCreateLink(input []byte, cfg *Config) ([]byte, error) {
	req, err := CreateLinkRequest(input, cfg)
	if err != nil {
		return nil, err
	}
	return appendRequest(make([]byte, 0, 128+len(req.Body)+len(cfg.GraphBaseURL)+len(req.Path)), &req, cfg), nil
}

// CreateLinkRequest is BuildCreateLink's request as a value, for hosts
// that send it themselves.
func CreateLinkRequest(input []byte, cfg *Config) (core.Request, error) {
	_, req, err := createLinkRequest(input, cfg)
	return req, err
}

// createLinkRequest is the build_create_link operation's request, with its route.
func createLinkRequest(input []byte, cfg *Config) (core.Route, core.Request, error) {
	var in [len(createLinkFields)]gjson.Result
	if err := readEnvelope(input, createLinkFields[:], in[:]); err != nil {
		return core.Route{}, core.Request{}, err
	}
	return createLinkFrom(input, in[:], cfg)
}

// createLinkFrom is the request of an input read against createLinkFields.
func createLinkFrom(input []byte, in []gjson.Result, cfg *Config) (core.Route, core.Request, error) {
	ctx := core.Context{Now: cfg.Now, Policy: cfg.Policy}
	var err error
	if in[2].Exists() {
		if ctx.DriveType, err = core.ParseDriveType(in[2].Str); err != nil {
			return core.Route{}, core.Request{}, err
		}
	}
	if in[3].Exists() {
		if ctx.ItemKind, err = core.ParseItemKind(in[3].Str); err != nil {
			return core.Route{}, core.Request{}, err
		}
	}
	route, err := core.ParseRouteVersion(core.ActionCreateLink.Method(), in[0].Str, cfg.APIVersion)
	if err != nil {
		return core.Route{}, core.Request{}, err
	}
	ctx.Policy = cfg.PolicyFor(&route)
	req, err := core.BuildCreateLink(&route, bodyBytes(input, in[1]), &ctx)
	return route, req, err
}

var grantFields = [...]field{
	{"shareId", gjson.String, false},
	{"url", gjson.String, false},
	{"body", gjson.JSON, true},
}

// BuildGrant: {"shareId" | "url","body"} → the request, as BuildCreateLink.
func BuildGrant(input []byte, cfg *Config) ([]byte, error) {
	req, err := GrantRequest(input, cfg)
	if err != nil {
		return nil, err
	}
	return appendRequest(make([]byte, 0, 128+len(req.Body)+len(cfg.GraphBaseURL)+len(req.Path)), &req, cfg), nil
}

// GrantRequest is BuildGrant's request as a value.
func GrantRequest(input []byte, cfg *Config) (core.Request, error) {
	_, req, err := grantRequest(input, cfg)
	return req, err
}

// grantRequest is the build_grant operation's request, with its route.
func grantRequest(input []byte, cfg *Config) (core.Route, core.Request, error) {
	var in [len(grantFields)]gjson.Result
	if err := readEnvelope(input, grantFields[:], in[:]); err != nil {
		return core.Route{}, core.Request{}, err
	}
	return grantFrom(input, in[:], cfg)
}

// grantFrom is the request of an input read against grantFields.
func grantFrom(input []byte, in []gjson.Result, cfg *Config) (core.Route, core.Request, error) {
	var share string
	switch {
	case in[0].Exists() == in[1].Exists():
		return core.Route{}, core.Request{}, invalidInput("shareId", "give exactly one of 'shareId' and 'url'")
	case in[1].Exists():
		if err := core.CheckSharingURL(in[1].Str); err != nil {
			return core.Route{}, core.Request{}, err
		}
		share = in[1].Str
	default:
		share = in[0].Str
	}
	route, err := core.GrantRoute(cfg.APIVersion, share)
	if err != nil {
		return core.Route{}, core.Request{}, err
	}
	ctx := core.Context{Now: cfg.Now, Policy: cfg.PolicyFor(&route)}
	req, err := core.BuildGrant(&route, bodyBytes(input, in[2]), &ctx)
	return route, req, err
}

var urlFields = [...]field{{"url", gjson.String, true}}

// EncodeSharingURL: {"url"} → {"shareId"}.
func EncodeSharingURL(input []byte) ([]byte, error) {
	var in [1]gjson.Result
	if err := readEnvelope(input, urlFields[:], in[:]); err != nil {
		return nil, err
	}
	if err := core.CheckSharingURL(in[0].Str); err != nil {
		return nil, err
	}
	b := append(make([]byte, 0, 24+(len(in[0].Str)*4+2)/3), `{"shareId":"`...)
	b = core.AppendSharingURL(b, in[0].Str)
	return append(b, `"}`...), nil
}

var shareIDFields = [...]field{{"shareId", gjson.String, true}}

// DecodeSharingURL: {"shareId"} → {"url"}. Ids that other libraries
// produced (padded, standard alphabet) are repaired first.
func DecodeSharingURL(input []byte) ([]byte, error) {
	var in [1]gjson.Result
	if err := readEnvelope(input, shareIDFields[:], in[:]); err != nil {
		return nil, err
	}
	id, kind, err := core.NormalizeShareID(in[0].Str)
	if err != nil {
		return nil, err
	}
	if kind != core.ShareEncodedURL || !(len(in[0].Str) > 1 && in[0].Str[1] == '!') {
		return nil, invalidInput("shareId", "only a u! share id holds a URL; s! tokens and shareIds are opaque")
	}
	url, err := core.DecodeSharingURL(id)
	if err != nil {
		return nil, err
	}
	b := append(make([]byte, 0, 16+len(url)), `{"url":`...)
	b = jsontext.AppendString(b, url)
	return append(b, '}'), nil
}

var routeFields = [...]field{{"method", gjson.String, true}, {"path", gjson.String, true}}

// ParseRoute: {"method","path"} → {"action","version","item"?,"shareId"?,"permissionId"?,"upstream"}.
func ParseRoute(input []byte, cfg *Config) ([]byte, error) {
	var in [2]gjson.Result
	if err := readEnvelope(input, routeFields[:], in[:]); err != nil {
		return nil, err
	}
	r, err := core.ParseRouteVersion(in[0].Str, in[1].Str, cfg.APIVersion)
	if err != nil {
		return nil, err
	}
	b := append(make([]byte, 0, 64+2*len(r.Upstream)), `{"action":`...)
	b = jsontext.AppendString(b, r.Action.String())
	b = jsontext.AppendKey(b, "version")
	b = jsontext.AppendString(b, r.Version.String())
	for _, kv := range [...][2]string{{"item", r.Item}, {"shareId", r.ShareID}, {"permissionId", r.PermissionID}} {
		if kv[1] != "" {
			b = jsontext.AppendKey(b, kv[0])
			b = jsontext.AppendString(b, kv[1])
		}
	}
	b = jsontext.AppendKey(b, "upstream")
	b = jsontext.AppendString(b, r.Upstream)
	return append(b, '}'), nil
}
