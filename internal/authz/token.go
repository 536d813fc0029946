// Package authz answers who is calling (bearer JWTs) and what they may do
// (workspace roles and their capabilities).
package authz

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ErrUnauthenticated is returned for any token that cannot be trusted; the
// reason is in the wrapped error, for logs only.
var ErrUnauthenticated = errors.New("unauthenticated")

// Identity is the verified caller.
type Identity struct {
	Subject string
}

// VerifierConfig selects how tokens are checked. Exactly one of HS256Secret
// and PublicKeyPEM is set.
type VerifierConfig struct {
	HS256Secret  []byte
	PublicKeyPEM []byte // RSA (RS256) or ECDSA (ES256) public key
	Issuer       string // checked when set
	Audience     string // checked when set
	Leeway       time.Duration
	Now          func() time.Time
}

// Verifier checks bearer tokens with pinned algorithms.
type Verifier struct {
	key    any // the HS256 secret or the public key, as the pinned method wants it
	parser *jwt.Parser
	leeway time.Duration
	now    func() time.Time
	cache  tokenCache
}

// NewVerifier builds a Verifier; it fails when the key is missing or unreadable.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	opts := []jwt.ParserOption{jwt.WithExpirationRequired(), jwt.WithLeeway(cfg.Leeway)}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	if cfg.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(cfg.Now))
	}
	v := &Verifier{leeway: cfg.Leeway, now: cfg.Now, cache: tokenCache{entries: map[string]verifiedToken{}}}
	if v.now == nil {
		v.now = time.Now
	}
	switch {
	case len(cfg.HS256Secret) > 0 && len(cfg.PublicKeyPEM) > 0:
		return nil, errors.New("authz: set either an HS256 secret or a public key, not both")
	case len(cfg.HS256Secret) > 0:
		v.key = cfg.HS256Secret
		opts = append(opts, jwt.WithValidMethods([]string{"HS256"}))
	case len(cfg.PublicKeyPEM) > 0:
		if k, err := jwt.ParseRSAPublicKeyFromPEM(cfg.PublicKeyPEM); err == nil {
			v.key = k
			opts = append(opts, jwt.WithValidMethods([]string{"RS256"}))
		} else if k, err := jwt.ParseECPublicKeyFromPEM(cfg.PublicKeyPEM); err == nil {
			v.key = k
			opts = append(opts, jwt.WithValidMethods([]string{"ES256"}))
		} else {
			return nil, errors.New("authz: public key is neither an RSA nor an ECDSA PEM public key")
		}
	default:
		return nil, errors.New("authz: no verification key")
	}
	v.parser = jwt.NewParser(opts...)
	return v, nil
}

// Verify checks signature, algorithm, exp (required), nbf, iss and aud, and
// returns the subject. Every failure wraps ErrUnauthenticated. A token that
// passed is remembered, and trusted again without a signature check and JSON
// parse while its exp and nbf (with the leeway) still hold.
func (v *Verifier) Verify(token string) (Identity, error) {
	now := v.now()
	if id, ok := v.cache.get(token, now); ok {
		return id, nil
	}
	claims := jwt.RegisteredClaims{}
	_, err := v.parser.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return v.key, nil })
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrUnauthenticated, err)
	}
	if claims.Subject == "" {
		return Identity{}, fmt.Errorf("%w: token has no sub", ErrUnauthenticated)
	}
	if strings.ContainsRune(claims.Subject, 0) { // no member can have it: PostgreSQL text cannot hold NUL
		return Identity{}, fmt.Errorf("%w: token's sub holds a NUL character", ErrUnauthenticated)
	}
	t := verifiedToken{id: Identity{Subject: claims.Subject}, expires: claims.ExpiresAt.Add(v.leeway)}
	if claims.NotBefore != nil {
		t.notBefore = claims.NotBefore.Add(-v.leeway)
	}
	v.cache.put(token, t)
	return t.id, nil
}

// tokenCache holds verified tokens by their whole text, signature included,
// so only the very bytes that were verified hit. It is bounded: it forgets
// everything when full, and never keeps an oversized token.
type tokenCache struct {
	mu      sync.RWMutex
	entries map[string]verifiedToken
}

// verifiedToken is a token's identity and the instants between which the
// parser would accept it: from nbf minus the leeway, before exp plus it.
type verifiedToken struct {
	id                 Identity
	notBefore, expires time.Time
}

const (
	tokenCacheEntries  = 1024
	tokenCacheMaxBytes = 4 << 10
)

func (c *tokenCache) get(token string, now time.Time) (Identity, bool) {
	c.mu.RLock()
	t, ok := c.entries[token]
	c.mu.RUnlock()
	if !ok || now.Before(t.notBefore) || !now.Before(t.expires) {
		return Identity{}, false
	}
	return t.id, true
}

func (c *tokenCache) put(token string, t verifiedToken) {
	if len(token) > tokenCacheMaxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= tokenCacheEntries {
		clear(c.entries)
	}
	c.entries[token] = t
}

// IssueParams describes a development token.
type IssueParams struct {
	Secret   []byte
	Subject  string
	TTL      time.Duration
	Issuer   string
	Audience string
	Now      time.Time
}

// IssueHS256 signs a development token; runproof only issues tokens for local
// use (`api token`), production tokens come from the identity provider.
func IssueHS256(p IssueParams) (string, error) {
	if len(p.Secret) == 0 {
		return "", errors.New("authz: no HS256 secret")
	}
	if p.Subject == "" || p.TTL <= 0 {
		return "", errors.New("authz: a token needs a subject and a positive ttl")
	}
	claims := jwt.RegisteredClaims{
		Subject:   p.Subject,
		Issuer:    p.Issuer,
		IssuedAt:  jwt.NewNumericDate(p.Now),
		NotBefore: jwt.NewNumericDate(p.Now),
		ExpiresAt: jwt.NewNumericDate(p.Now.Add(p.TTL)),
	}
	if p.Audience != "" {
		claims.Audience = jwt.ClaimStrings{p.Audience}
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(p.Secret)
}
