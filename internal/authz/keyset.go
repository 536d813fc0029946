package authz

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// KeySetConfig says where an identity provider publishes its signing keys
// (a JSON Web Key Set) and how often to fetch them.
type KeySetConfig struct {
	// URL is the key set's address. When empty, Issuer's OpenID discovery
	// document names it.
	URL    string
	Issuer string
	// Refresh is how often the set is fetched again; 1h when zero.
	Refresh time.Duration
	// UnknownKIDEvery is the least time between two fetches asked for by
	// tokens with a kid the set does not hold (and by readiness checks while
	// nothing was fetched); 1m when zero. A flood of made-up kids therefore
	// costs the provider one fetch a minute.
	UnknownKIDEvery time.Duration
	// Timeout bounds each fetch, and how long a request may wait for one;
	// 5s when zero.
	Timeout time.Duration
	// Log receives fetch failures; slog.Default() when nil.
	Log *slog.Logger
}

// KeySet holds the provider's current signing keys, fetched with keyfunc:
// refreshed every KeySetConfig.Refresh and on an unknown kid. A failed fetch
// keeps the last good set.
type KeySet struct {
	ctx     context.Context
	cfg     KeySetConfig
	log     *slog.Logger
	limiter *rate.Limiter // unknown-kid refreshes and discovery retries share it

	kf      atomic.Pointer[keyfunc.Keyfunc] // nil until the set's URL is known
	mu      sync.Mutex                      // one discovery at a time
	lastErr atomic.Pointer[error]           // why the last fetch failed, for readiness
}

// readinessKID is a kid no provider publishes: asking the set for it while
// it is empty fetches it again, within the unknown-kid budget.
const readinessKID = "runproof-readiness-check"

// NewKeySet starts following the key set described by cfg until ctx ends. It
// fails only on a configuration it can never use: a provider that cannot be
// reached now leaves the set empty (Ready says why) and is asked again later.
func NewKeySet(ctx context.Context, cfg KeySetConfig) (*KeySet, error) {
	if cfg.URL == "" && cfg.Issuer == "" {
		return nil, errors.New("authz: a key set needs its URL or an issuer to discover it from")
	}
	if cfg.URL != "" {
		if err := CheckFetchURL(cfg.URL); err != nil {
			return nil, err
		}
	}
	cfg.Refresh = cmp.Or(cfg.Refresh, time.Hour)
	cfg.UnknownKIDEvery = cmp.Or(cfg.UnknownKIDEvery, time.Minute)
	cfg.Timeout = cmp.Or(cfg.Timeout, 5*time.Second)
	ks := &KeySet{
		ctx:     ctx,
		cfg:     cfg,
		log:     cmp.Or(cfg.Log, slog.Default()),
		limiter: rate.NewLimiter(rate.Every(cfg.UnknownKIDEvery), 1),
	}
	if _, err := ks.start(); err != nil && cfg.URL != "" {
		return nil, err
	}
	return ks, nil
}

// start discovers the set's URL when needed and hands it to keyfunc, whose
// first fetch happens here; a failed first fetch is logged, not returned.
func (ks *KeySet) start() (keyfunc.Keyfunc, error) {
	u := ks.cfg.URL
	if u == "" {
		var err error
		if u, err = ks.discover(); err != nil {
			ks.failed(ks.cfg.Issuer, err)
			return nil, ks.unavailable()
		}
	}
	noErrorOnFirstFetch := true
	kf, err := keyfunc.NewDefaultOverrideCtx(ks.ctx, []string{u}, keyfunc.Override{
		HTTPTimeout:               ks.cfg.Timeout,
		NoErrorReturnFirstHTTPReq: &noErrorOnFirstFetch,
		RateLimitWaitMax:          ks.cfg.Timeout, // bounds a request's wait for the limiter and the fetch together
		RefreshErrorHandlerFunc: func(u string) func(context.Context, error) {
			return func(_ context.Context, err error) { ks.failed(u, err) }
		},
		RefreshInterval:   ks.cfg.Refresh,
		RefreshUnknownKID: ks.limiter,
	})
	if err != nil {
		ks.failed(u, err)
		return nil, fmt.Errorf("authz: key set %s: %w", u, err)
	}
	ks.kf.Store(&kf)
	return kf, nil
}

func (ks *KeySet) failed(source string, err error) {
	ks.lastErr.Store(&err)
	ks.log.Warn("token key set fetch failed", "url", source, "err", err)
}

// keyfunc returns the set's keyfunc, retrying a failed discovery within the
// unknown-kid budget.
func (ks *KeySet) keyfunc() (keyfunc.Keyfunc, error) {
	if kf := ks.kf.Load(); kf != nil {
		return *kf, nil
	}
	if !ks.limiter.Allow() {
		return nil, ks.unavailable()
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if kf := ks.kf.Load(); kf != nil {
		return *kf, nil
	}
	return ks.start()
}

// key is the jwt.Keyfunc of a Verifier with a key set.
func (ks *KeySet) key(t *jwt.Token) (any, error) {
	kf, err := ks.keyfunc()
	if err != nil {
		return nil, err
	}
	return kf.Keyfunc(t)
}

// Ready reports whether the set holds keys. While it holds none it fetches
// it again first (within the unknown-kid budget), so a provider that comes
// back makes the service ready without waiting for the periodic refresh.
func (ks *KeySet) Ready(ctx context.Context) error {
	kf, err := ks.keyfunc()
	if err != nil {
		return err
	}
	if holdsKeys(ctx, kf) {
		return nil
	}
	_, _ = kf.Storage().KeyRead(ctx, readinessKID) // a miss that refreshes; the outcome is read below
	if holdsKeys(ctx, kf) {
		return nil
	}
	return ks.unavailable()
}

func holdsKeys(ctx context.Context, kf keyfunc.Keyfunc) bool {
	keys, err := kf.Storage().KeyReadAll(ctx)
	return err == nil && len(keys) > 0
}

func (ks *KeySet) unavailable() error {
	reason := "nothing fetched yet"
	if err := ks.lastErr.Load(); err != nil {
		reason = (*err).Error()
	}
	return fmt.Errorf("no token key set: %s", reason)
}

// discover reads the key set's URL (jwks_uri) from the issuer's OpenID
// discovery document, which must name the same issuer.
func (ks *KeySet) discover() (string, error) {
	ctx, cancel := context.WithTimeout(ks.ctx, ks.cfg.Timeout)
	defer cancel()
	where := strings.TrimSuffix(ks.cfg.Issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, where, nil)
	if err != nil {
		return "", fmt.Errorf("discovery: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("discovery: %w", err)
	}
	defer func() { _ = res.Body.Close() }() // a failed read is what Decode reports below
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("discovery: %s answered %d", where, res.StatusCode)
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&doc); err != nil {
		return "", fmt.Errorf("discovery: %s: %w", where, err)
	}
	if doc.Issuer != ks.cfg.Issuer {
		return "", fmt.Errorf("discovery: %s names issuer %q, not %q", where, doc.Issuer, ks.cfg.Issuer)
	}
	if err := CheckFetchURL(doc.JWKSURI); err != nil {
		return "", fmt.Errorf("discovery: %s: jwks_uri: %w", where, err)
	}
	return doc.JWKSURI, nil
}

// CheckFetchURL accepts the address of a key set or an issuer: an absolute
// https URL, or http to a loopback host (a provider on the same machine).
func CheckFetchURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Host == "" || u.User != nil || u.Fragment != "" {
		return fmt.Errorf("%q is not an absolute URL without credentials", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if ip := net.ParseIP(u.Hostname()); u.Hostname() == "localhost" || ip != nil && ip.IsLoopback() {
			return nil
		}
	}
	return fmt.Errorf("%q: keys are fetched over https only (http only from a loopback host)", raw)
}
