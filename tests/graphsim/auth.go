package graphsim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// MSATenantID is the tenant id of every personal Microsoft account token.
const MSATenantID = "9188040d-6c67-4c5b-b112-36a304b66dad"

// caller is who a request comes from, read from its bearer token.
type caller struct {
	app      bool // application permissions (roles), else delegated (scp)
	personal bool // a Microsoft account
	tid      string
	user     *user // nil for an application or a user the seed does not know
	upn      string
	appID    string
	appName  string
	perms    []string // scp entries or roles
}

// appIdentity is the link.application of links the caller creates.
func (c *caller) appIdentity() *identity {
	if c.appID == "" {
		return nil
	}
	return &identity{ID: c.appID, DisplayName: c.appName}
}

// tenantMember: a user or an application of the seed's tenant (organization
// links work for them).
func (c *caller) tenantMember(st *state) bool {
	return !c.personal && strings.EqualFold(c.tid, st.tenantID)
}

// Token mints an unsigned JWT ({"alg":"none","typ":"JWT"}, empty signature)
// carrying claims. Claims that cannot be encoded as JSON give a token with no
// claims, which the Sim refuses with 401.
func Token(claims map[string]any) string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	payload, err := json.Marshal(claims)
	if err != nil || claims == nil {
		payload = []byte(`{}`)
	}
	return header + "." + enc.EncodeToString(payload) + "."
}

// authenticate reads the bearer token. The signature is not checked: this is
// a local emulator, and tokens are minted by Token.
func (st *state) authenticate(r *http.Request, now time.Time) (*caller, *graphError) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, errUnauthenticated("Access token is empty.")
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return nil, errUnauthenticated("Access token is empty.")
	}
	claims, ok := decodeJWT(strings.TrimSpace(tok))
	if !ok {
		return nil, errUnauthenticated("IDX14100: JWT is not well formed.")
	}
	if exp, ok := claims["exp"].(float64); ok && now.Unix() >= int64(exp) {
		return nil, errUnauthenticated("Lifetime validation failed, the token is expired.")
	}
	str := func(k string) string { s, _ := claims[k].(string); return s }
	c := &caller{tid: str("tid"), appID: str("appid"), appName: str("app_displayname")}
	if c.appID == "" {
		c.appID = str("azp") // v2.0 tokens
	}
	if scp, ok := claims["scp"].(string); ok && strings.TrimSpace(scp) != "" {
		c.perms = strings.Fields(scp)
	} else if roles, ok := claims["roles"].([]any); ok && len(roles) > 0 {
		c.app = true
		for _, r := range roles {
			if s, ok := r.(string); ok {
				c.perms = append(c.perms, s)
			}
		}
	} else {
		return nil, errUnauthenticated("The token carries neither an scp nor a roles claim.")
	}
	if c.app {
		if !strings.EqualFold(c.tid, st.tenantID) {
			return nil, errUnauthenticated("Access token validation failure: unknown tenant.")
		}
		if c.appID == "" {
			return nil, errUnauthenticated("Access token validation failure: an application token needs appid.")
		}
		return c, nil
	}
	if oid := str("oid"); oid != "" {
		c.user = st.user(oid)
	}
	for _, k := range []string{"upn", "preferred_username", "unique_name"} {
		if c.upn == "" {
			c.upn = str(k)
		}
	}
	if c.user == nil && c.upn != "" {
		c.user = st.user(c.upn)
	}
	if c.user == nil && c.upn == "" && str("oid") == "" {
		return nil, errUnauthenticated("Access token validation failure: no user in the token.")
	}
	if c.user != nil {
		c.upn = c.user.upn
		if c.tid == "" {
			c.tid = st.tenantID
			if c.user.personal {
				c.tid = MSATenantID
			}
		}
	}
	switch {
	case strings.EqualFold(c.tid, MSATenantID):
		c.personal = true
	case strings.EqualFold(c.tid, st.tenantID):
	default:
		return nil, errUnauthenticated("Access token validation failure: unknown tenant.")
	}
	if c.user != nil && c.user.personal != c.personal {
		// a work user presented under the MSA tenant, or the reverse: not the
		// same principal
		c.user = nil
	}
	return c, nil
}

func decodeJWT(tok string) (map[string]any, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, false
	}
	var claims map[string]any
	for i, p := range parts[:2] {
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(p, "="))
		if err != nil {
			return nil, false
		}
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		if dec.Decode(&m) != nil || m == nil || dec.More() {
			return nil, false
		}
		if i == 1 {
			claims = m
		}
	}
	return claims, true
}

// The seeds' permission tables. Reads accept the Read scopes too.
var (
	writeWork     = []string{"Files.ReadWrite", "Files.ReadWrite.All", "Sites.ReadWrite.All"}
	writePersonal = []string{"Files.ReadWrite", "Files.ReadWrite.All"}
	writeApp      = []string{"Files.ReadWrite.All", "Sites.ReadWrite.All"}
	readWork      = append([]string{"Files.Read", "Files.Read.All", "Sites.Read.All"}, writeWork...)
	readPersonal  = append([]string{"Files.Read", "Files.Read.All"}, writePersonal...)
	readApp       = append([]string{"Files.Read.All", "Sites.Read.All"}, writeApp...)
)

// authorize checks the token's permissions against the route: 501 for a grant
// by a personal account (not supported there), 403 when no listed permission
// is present.
func (c *caller) authorize(routeName, method string) *graphError {
	if (routeName == nameGrant || routeName == nameRevokeGrants) && c.personal {
		// "Delegated (personal Microsoft account): Not supported" in the
		// tables of 004 and permission-revokegrants.md
		return &graphError{status: http.StatusNotImplemented, code: "notSupported", msg: "permission: " + routeName + " is not supported for personal Microsoft accounts."}
	}
	write := method != http.MethodGet
	var need []string
	switch {
	case c.app && write:
		need = writeApp
	case c.app:
		need = readApp
	case c.personal && write:
		need = writePersonal
	case c.personal:
		need = readPersonal
	case write:
		need = writeWork
	default:
		need = readWork
	}
	for _, have := range c.perms {
		for _, n := range need {
			if strings.EqualFold(have, n) {
				return nil
			}
		}
	}
	return &graphError{status: http.StatusForbidden, code: "accessDenied",
		msg: "Either scp or roles claim need to include one of: " + strings.Join(need, ", ") + "."}
}
