package authz

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"
)

var (
	secret = []byte("0123456789abcdef0123456789abcdef")
	now    = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
)

func clock() time.Time { return now }

func sign(t *testing.T, m jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, claims).SignedString(key)
	require.NoError(t, err)
	return s
}

func TestVerifyHS256(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(VerifierConfig{HS256Secret: secret, Issuer: "idp", Audiences: []string{"runproof"}, Leeway: 30 * time.Second, Now: clock})
	require.NoError(t, err)
	good := jwt.MapClaims{"sub": "alice", "exp": now.Add(time.Hour).Unix(), "iss": "idp", "aud": "runproof"}

	id, err := v.Verify(sign(t, jwt.SigningMethodHS256, secret, good))
	require.NoError(t, err)
	require.Equal(t, "alice", id.Subject)

	with := func(k string, val any) jwt.MapClaims {
		c := jwt.MapClaims{}
		maps.Copy(c, good)
		if val == nil {
			delete(c, k)
		} else {
			c[k] = val
		}
		return c
	}
	bad := map[string]string{
		"expired":          sign(t, jwt.SigningMethodHS256, secret, with("exp", now.Add(-time.Minute).Unix())),
		"no exp":           sign(t, jwt.SigningMethodHS256, secret, with("exp", nil)),
		"no sub":           sign(t, jwt.SigningMethodHS256, secret, with("sub", nil)),
		"sub with NUL":     sign(t, jwt.SigningMethodHS256, secret, with("sub", "ali\x00ce")),
		"other issuer":     sign(t, jwt.SigningMethodHS256, secret, with("iss", "evil")),
		"other audience":   sign(t, jwt.SigningMethodHS256, secret, with("aud", "other")),
		"not yet valid":    sign(t, jwt.SigningMethodHS256, secret, with("nbf", now.Add(time.Hour).Unix())),
		"issued later":     sign(t, jwt.SigningMethodHS256, secret, with("iat", now.Add(31*time.Second).Unix())),
		"issued in 10y":    sign(t, jwt.SigningMethodHS256, secret, with("iat", now.AddDate(10, 0, 0).Unix())),
		"other secret":     sign(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-xx"), good),
		"HS512 not pinned": sign(t, jwt.SigningMethodHS512, secret, good),
		"alg none":         sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good),
		"garbage":          "not.a.token",
		"empty":            "",
	}
	for name, tok := range bad {
		_, err := v.Verify(tok)
		require.ErrorIs(t, err, ErrUnauthenticated, name)
	}

	// Within the leeway an expired token, or one issued a little later than
	// now by a clock ahead of ours, still passes.
	_, err = v.Verify(sign(t, jwt.SigningMethodHS256, secret, with("exp", now.Add(-10*time.Second).Unix())))
	require.NoError(t, err)
	_, err = v.Verify(sign(t, jwt.SigningMethodHS256, secret, with("iat", now.Add(30*time.Second).Unix())))
	require.NoError(t, err)
}

// JWT_SUBJECT_CLAIM: the member is named by another claim (Entra ID: oid),
// which must be a non-empty string.
func TestVerifySubjectClaim(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(VerifierConfig{HS256Secret: secret, SubjectClaim: "oid", Now: clock})
	require.NoError(t, err)
	exp := now.Add(time.Hour).Unix()
	id, err := v.Verify(sign(t, jwt.SigningMethodHS256, secret, jwt.MapClaims{"oid": "8c1e-oid", "sub": "pairwise", "exp": exp}))
	require.NoError(t, err)
	require.Equal(t, "8c1e-oid", id.Subject)
	for name, oid := range map[string]any{"missing": nil, "number": 42, "empty": "", "list": []string{"a"}, "NUL": "a\x00b"} {
		c := jwt.MapClaims{"sub": "pairwise", "exp": exp}
		if oid != nil {
			c["oid"] = oid
		}
		_, err := v.Verify(sign(t, jwt.SigningMethodHS256, secret, c))
		require.ErrorIs(t, err, ErrUnauthenticated, name)
	}

	tok, err := IssueHS256(IssueParams{Secret: secret, Subject: "8c1e-oid", SubjectClaim: "oid", TTL: time.Hour, Now: now})
	require.NoError(t, err)
	id, err = v.Verify(tok)
	require.NoError(t, err, "dev tokens carry the configured claim")
	require.Equal(t, "8c1e-oid", id.Subject)
}

// JWT_AUDIENCE may list several audiences: a token for any one of them passes.
func TestVerifyAnyOfSeveralAudiences(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(VerifierConfig{HS256Secret: secret, Audiences: []string{"api://runproof", "7f3c-client-id"}, Now: clock})
	require.NoError(t, err)
	exp := now.Add(time.Hour).Unix()
	for aud, ok := range map[any]bool{
		"api://runproof":  true,
		"7f3c-client-id":  true,
		"other":           false,
		"":                false,
		"api://runproof ": false,
	} {
		_, err := v.Verify(sign(t, jwt.SigningMethodHS256, secret, jwt.MapClaims{"sub": "a", "aud": aud, "exp": exp}))
		require.Equal(t, ok, err == nil, "aud %q: %v", aud, err)
	}
	_, err = v.Verify(sign(t, jwt.SigningMethodHS256, secret, jwt.MapClaims{"sub": "a", "aud": []string{"x", "7f3c-client-id"}, "exp": exp}))
	require.NoError(t, err, "one of the token's audiences is enough")
	_, err = v.Verify(sign(t, jwt.SigningMethodHS256, secret, jwt.MapClaims{"sub": "a", "exp": exp}))
	require.ErrorIs(t, err, ErrUnauthenticated, "no aud at all")
}

func TestVerifyPublicKeys(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	claims := jwt.MapClaims{"sub": "bob", "exp": now.Add(time.Hour).Unix()}

	rsaV, err := NewVerifier(VerifierConfig{PublicKeyPEM: pemOf(t, &rsaKey.PublicKey), Now: clock})
	require.NoError(t, err)
	_, err = rsaV.Verify(sign(t, jwt.SigningMethodRS256, rsaKey, claims))
	require.NoError(t, err)
	// Algorithm confusion: an HS256 token "signed" with the public key bytes.
	_, err = rsaV.Verify(sign(t, jwt.SigningMethodHS256, pemOf(t, &rsaKey.PublicKey), claims))
	require.ErrorIs(t, err, ErrUnauthenticated)

	ecV, err := NewVerifier(VerifierConfig{PublicKeyPEM: pemOf(t, &ecKey.PublicKey), Now: clock})
	require.NoError(t, err)
	_, err = ecV.Verify(sign(t, jwt.SigningMethodES256, ecKey, claims))
	require.NoError(t, err)
	_, err = ecV.Verify(sign(t, jwt.SigningMethodRS256, rsaKey, claims))
	require.ErrorIs(t, err, ErrUnauthenticated)

	_, err = NewVerifier(VerifierConfig{PublicKeyPEM: []byte("nope")})
	require.Error(t, err)
}

func pemOf(t *testing.T, pub any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func TestIssueHS256RoundTrip(t *testing.T) {
	t.Parallel()
	tok, err := IssueHS256(IssueParams{Secret: secret, Subject: "demo", TTL: time.Hour, Issuer: "idp", Audience: "runproof", Now: now})
	require.NoError(t, err)
	v, err := NewVerifier(VerifierConfig{HS256Secret: secret, Issuer: "idp", Audiences: []string{"runproof"}, Now: clock})
	require.NoError(t, err)
	id, err := v.Verify(tok)
	require.NoError(t, err)
	require.Equal(t, "demo", id.Subject)

	_, err = IssueHS256(IssueParams{Secret: secret, TTL: time.Hour, Now: now})
	require.Error(t, err, "a token needs a subject")
}

func TestRoleCapabilities(t *testing.T) {
	t.Parallel()
	for _, r := range []Role{RoleOwner, RoleManager, RoleOperator} {
		require.True(t, r.Can(CapView), r)
		require.True(t, r.Can(CapReconcile), r)
	}
	require.True(t, RoleReadonly.Can(CapView))
	require.False(t, RoleReadonly.Can(CapReconcile))
	require.False(t, Role("admin").Can(CapView))
}

func TestVerifiedTokensExpireFromTheCache(t *testing.T) {
	t.Parallel()
	at := now
	v, err := NewVerifier(VerifierConfig{HS256Secret: secret, Leeway: 30 * time.Second, Now: func() time.Time { return at }})
	require.NoError(t, err)
	tok := sign(t, jwt.SigningMethodHS256, secret, jwt.MapClaims{
		"sub": "alice", "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	})
	for range 2 { // verified, then remembered
		id, err := v.Verify(tok)
		require.NoError(t, err)
		require.Equal(t, "alice", id.Subject)
	}

	at = now.Add(time.Hour + 29*time.Second) // within the leeway
	_, err = v.Verify(tok)
	require.NoError(t, err)
	at = now.Add(time.Hour + 30*time.Second)
	_, err = v.Verify(tok)
	require.ErrorIs(t, err, ErrUnauthenticated, "a remembered token still expires")
	at = now.Add(-31 * time.Second)
	_, err = v.Verify(tok)
	require.ErrorIs(t, err, ErrUnauthenticated, "nor is it valid before nbf")

	// A token with another signature is checked, not taken from the cache.
	at = now
	_, err = v.Verify(tok[:len(tok)-2] + "AA")
	require.ErrorIs(t, err, ErrUnauthenticated)
}

func TestTokenCacheIsBounded(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(VerifierConfig{HS256Secret: secret, Now: clock})
	require.NoError(t, err)
	for i := range tokenCacheEntries + 10 {
		_, err := v.Verify(sign(t, jwt.SigningMethodHS256, secret, jwt.MapClaims{"sub": fmt.Sprint(i), "exp": now.Add(time.Hour).Unix()}))
		require.NoError(t, err)
	}
	require.LessOrEqual(t, len(v.cache.entries), tokenCacheEntries)
	long := sign(t, jwt.SigningMethodHS256, secret, jwt.MapClaims{
		"sub": strings.Repeat("x", tokenCacheMaxBytes), "exp": now.Add(time.Hour).Unix(),
	})
	_, err = v.Verify(long)
	require.NoError(t, err)
	require.NotContains(t, v.cache.entries, long, "oversized tokens are not kept")
}
