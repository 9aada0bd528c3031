// Package proxies lets the trusted-proxy headers count only when a trusted proxy sent them.
//
// Why: PocketBase's RealIP believes the headers named in Settings > Trusted proxy (e.g.
// X-Forwarded-For) from any peer, so once they are set, a client that reaches PocketBase without
// the proxy could choose its own address for the rate limits and the realtime address check, and
// (through X-Forwarded-Proto) the scheme Hearth trusts. Here, before anything reads them, those
// headers and X-Forwarded-Proto are removed from every request whose peer is not a trusted proxy:
// HEARTH_TRUSTED_PROXIES, addresses or CIDR ranges separated by commas, by default this machine
// (127.0.0.0/8 and ::1), for a proxy on the same host.
package proxies

import (
	"fmt"
	"net/netip"
	"os"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Default is who may act as a proxy unless HEARTH_TRUSTED_PROXIES says otherwise.
const Default = "127.0.0.0/8,::1/128"

// FromEnv reads HEARTH_TRUSTED_PROXIES (Default when unset).
func FromEnv() ([]netip.Prefix, error) {
	raw, ok := os.LookupEnv("HEARTH_TRUSTED_PROXIES")
	if !ok || strings.TrimSpace(raw) == "" {
		raw = Default
	}
	return Parse(raw)
}

// Parse reads a comma-separated list of addresses and CIDR ranges.
func Parse(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("HEARTH_TRUSTED_PROXIES: %q is neither an address nor a CIDR range", item)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// Register strips the forwarded headers from requests that did not come from a trusted proxy.
func Register(app core.App, trusted []netip.Prefix) {
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		e.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id:       "hearthTrustedProxies",
			Priority: apis.DefaultWWWRedirectMiddlewarePriority + 1, // before anything reads them
			Func: func(re *core.RequestEvent) error {
				if !Trusted(trusted, re.RemoteIP()) {
					for _, h := range re.App.Settings().TrustedProxy.Headers {
						re.Request.Header.Del(h)
					}
					re.Request.Header.Del("X-Forwarded-Proto")
				}
				return re.Next()
			},
		})
		return e.Next()
	})
}

// Trusted reports whether ip is in one of the ranges.
func Trusted(ranges []netip.Prefix, ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range ranges {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
