// Package authz answers who is calling (bearer JWTs) and what they may do
// (workspace roles and their capabilities).
package authz

import (
	"crypto"
	"errors"
	"fmt"
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
	key    crypto.PublicKey
	secret []byte
	parser *jwt.Parser
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
	v := &Verifier{}
	switch {
	case len(cfg.HS256Secret) > 0 && len(cfg.PublicKeyPEM) > 0:
		return nil, errors.New("authz: set either an HS256 secret or a public key, not both")
	case len(cfg.HS256Secret) > 0:
		v.secret = cfg.HS256Secret
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
// returns the subject. Every failure wraps ErrUnauthenticated.
func (v *Verifier) Verify(token string) (Identity, error) {
	claims := jwt.RegisteredClaims{}
	_, err := v.parser.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) {
		if v.secret != nil {
			return v.secret, nil
		}
		return v.key, nil
	})
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrUnauthenticated, err)
	}
	if claims.Subject == "" {
		return Identity{}, fmt.Errorf("%w: token has no sub", ErrUnauthenticated)
	}
	return Identity{Subject: claims.Subject}, nil
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
