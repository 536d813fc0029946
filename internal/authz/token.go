// Package authz answers who is calling (bearer JWTs) and what they may do
// (workspace roles and their capabilities).
package authz

import (
	"cmp"
	"context"
	"crypto"
	"errors"
	"fmt"
	"slices"
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

// VerifierConfig selects how tokens are checked. Exactly one of
// HS256Secret, PublicKeyPEM and KeySet is set.
type VerifierConfig struct {
	HS256Secret  []byte
	PublicKeyPEM []byte // RSA (RS256) or ECDSA (ES256) public key
	KeySet       *KeySet
	// Algorithms are those a KeySet's tokens may use: RS256 and ES256 when
	// empty; never HMAC or none (see CheckKeySetAlgorithms).
	Algorithms []string
	Issuer     string   // checked when set
	Audiences  []string // when set, the token's aud must hold one of them
	// SubjectClaim names the claim that identifies the member; sub when empty.
	SubjectClaim string
	Leeway       time.Duration
	Now          func() time.Time
}

// Verifier checks bearer tokens with pinned algorithms.
type Verifier struct {
	key          any     // the HS256 secret or the public key, as the pinned method wants it
	keys         *KeySet // instead of key
	parser       *jwt.Parser
	subjectClaim string
	leeway       time.Duration
	now          func() time.Time
	cache        tokenCache
}

// keySetAlgorithms are the asymmetric algorithms a key set may pin.
var keySetAlgorithms = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// CheckKeySetAlgorithms refuses an empty list and any algorithm but the
// asymmetric ones: with keys anyone may fetch, an HMAC "signature" made with
// a public key, or none at all, would prove nothing.
func CheckKeySetAlgorithms(algs []string) error {
	if len(algs) == 0 {
		return errors.New("no algorithm listed")
	}
	for _, a := range algs {
		if !slices.Contains(keySetAlgorithms, a) {
			return fmt.Errorf("%q is not allowed with a key set (one of %s)", a, strings.Join(keySetAlgorithms, ", "))
		}
	}
	return nil
}

// NewVerifier builds a Verifier; it fails when the key is missing or
// unreadable, or the algorithms are not allowed.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	opts := []jwt.ParserOption{jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithLeeway(cfg.Leeway)}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if len(cfg.Audiences) > 0 {
		opts = append(opts, jwt.WithAudience(cfg.Audiences...)) // any one of them
	}
	if cfg.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(cfg.Now))
	}
	v := &Verifier{
		subjectClaim: cmp.Or(cfg.SubjectClaim, "sub"),
		leeway:       cfg.Leeway,
		now:          cfg.Now,
		cache:        tokenCache{entries: map[string]verifiedToken{}},
	}
	if v.now == nil {
		v.now = time.Now
	}
	sources := 0
	for _, set := range []bool{len(cfg.HS256Secret) > 0, len(cfg.PublicKeyPEM) > 0, cfg.KeySet != nil} {
		if set {
			sources++
		}
	}
	switch {
	case sources > 1:
		return nil, errors.New("authz: set one of an HS256 secret, a public key or a key set")
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
	case cfg.KeySet != nil:
		algs := cfg.Algorithms
		if len(algs) == 0 {
			algs = []string{"RS256", "ES256"}
		}
		if err := CheckKeySetAlgorithms(algs); err != nil {
			return nil, fmt.Errorf("authz: %w", err)
		}
		v.keys = cfg.KeySet
		opts = append(opts, jwt.WithValidMethods(algs))
	default:
		return nil, errors.New("authz: no verification key")
	}
	v.parser = jwt.NewParser(opts...)
	return v, nil
}

// Ready reports whether tokens can be verified: always with a secret or a
// public key; with a key set, once it has been fetched.
func (v *Verifier) Ready(ctx context.Context) error {
	if v.keys == nil {
		return nil
	}
	return v.keys.Ready(ctx)
}

// Verify checks signature, algorithm, exp (required), nbf, iat (not in the
// future), iss and aud, and returns the subject claim. Every failure wraps
// ErrUnauthenticated. A token that passed is remembered, and trusted again
// without a signature check and JSON parse while its exp and nbf (with the
// leeway) still hold and, with a key set, the set still holds its key.
func (v *Verifier) Verify(token string) (Identity, error) {
	now := v.now()
	if t, ok := v.cache.get(token, now); ok && v.stillSigned(t) {
		return t.id, nil
	}
	var signer verifiedToken // the key it was checked with, when from a key set
	claims := jwt.MapClaims{}
	_, err := v.parser.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		if v.keys == nil {
			return v.key, nil
		}
		key, err := v.keys.key(t)
		signer.kid, _ = t.Header["kid"].(string)
		signer.alg, signer.key = t.Method.Alg(), key
		return key, err
	})
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrUnauthenticated, err)
	}
	sub, _ := claims[v.subjectClaim].(string)
	if sub == "" {
		return Identity{}, fmt.Errorf("%w: token has no %s string claim", ErrUnauthenticated, v.subjectClaim)
	}
	if strings.ContainsRune(sub, 0) { // no member can have it: PostgreSQL text cannot hold NUL
		return Identity{}, fmt.Errorf("%w: token's %s holds a NUL character", ErrUnauthenticated, v.subjectClaim)
	}
	exp, _ := claims.GetExpirationTime() // required: the parser refused a token without it
	t := verifiedToken{id: Identity{Subject: sub}, expires: exp.Add(v.leeway)}
	if nbf, _ := claims.GetNotBefore(); nbf != nil {
		t.notBefore = nbf.Add(-v.leeway)
	}
	if v.keys != nil {
		if signer.kid == "" { // checked against every key: nothing to look up again
			return t.id, nil
		}
		t.kid, t.alg, t.key = signer.kid, signer.alg, signer.key
	}
	v.cache.put(token, t)
	return t.id, nil
}

// stillSigned reports whether a remembered token's key is still in the key
// set, so a key the provider withdrew stops working at the next refresh.
func (v *Verifier) stillSigned(t verifiedToken) bool {
	if v.keys == nil {
		return true
	}
	key, err := v.keys.key(&jwt.Token{Header: map[string]any{"alg": t.alg, "kid": t.kid}})
	k, ok := key.(interface{ Equal(crypto.PublicKey) bool })
	return err == nil && ok && k.Equal(t.key)
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
	kid, alg           string // with a key set: the key it was verified with
	key                any
}

const (
	tokenCacheEntries  = 1024
	tokenCacheMaxBytes = 4 << 10
)

func (c *tokenCache) get(token string, now time.Time) (verifiedToken, bool) {
	c.mu.RLock()
	t, ok := c.entries[token]
	c.mu.RUnlock()
	if !ok || now.Before(t.notBefore) || !now.Before(t.expires) {
		return verifiedToken{}, false
	}
	return t, true
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
	Secret  []byte
	Subject string
	// SubjectClaim is the claim that carries Subject; sub when empty.
	SubjectClaim string
	TTL          time.Duration
	Issuer       string
	Audience     string
	Now          time.Time
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
	claims := jwt.MapClaims{
		cmp.Or(p.SubjectClaim, "sub"): p.Subject,
		"iat":                         jwt.NewNumericDate(p.Now),
		"nbf":                         jwt.NewNumericDate(p.Now),
		"exp":                         jwt.NewNumericDate(p.Now.Add(p.TTL)),
	}
	if p.Issuer != "" {
		claims["iss"] = p.Issuer
	}
	if p.Audience != "" {
		claims["aud"] = p.Audience
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(p.Secret)
}
