package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/authz/jwkstest"
	"github.com/runproof/runproof/internal/dbtest"
)

const cursorSecret = "CURSOR_SECRET=fedcba9876543210fedcba9876543210"

// serve stops before listening with one line naming the settings when the
// token settings conflict or miss the cursor secret.
func TestServeRefusesTokenSettings(t *testing.T) {
	t.Parallel()
	pem := filepath.Join(t.TempDir(), "key.pem")
	require.NoError(t, os.WriteFile(pem, jwkstest.NewKey(t, "k", jwt.SigningMethodES256).PublicPEM(t), 0o600))
	db := "DATABASE_URL=postgres://x"
	for want, environ := range map[string][]string{
		"JWT_HS256_SECRET and JWT_PUBLIC_KEY_FILE:":        {db, devSecret, "JWT_PUBLIC_KEY_FILE=" + pem},
		"JWT_HS256_SECRET and JWT_JWKS_URL:":               {db, devSecret, "JWT_JWKS_URL=https://idp.example/keys"},
		"JWT_JWKS_URL and JWT_OIDC_DISCOVERY:":             {db, cursorSecret, "JWT_JWKS_URL=https://idp.example/keys", "JWT_OIDC_DISCOVERY=true", "JWT_ISSUER=https://idp.example"},
		"CURSOR_SECRET: required with JWT_PUBLIC_KEY_FILE": {db, "JWT_PUBLIC_KEY_FILE=" + pem},
		"CURSOR_SECRET: required with JWT_JWKS_URL":        {db, "JWT_JWKS_URL=https://idp.example/keys"},
		"CURSOR_SECRET: must be at least 32":               {db, devSecret, "CURSOR_SECRET=short"},
		"JWT_ALGORITHMS:":                                  {db, cursorSecret, "JWT_JWKS_URL=https://idp.example/keys", "JWT_ALGORITHMS=RS256,HS256"},
		"CORS_ALLOWED_ORIGINS:":                            {db, devSecret, "CORS_ALLOWED_ORIGINS=*"},
	} {
		res := runCLI(t, environ, "serve")
		require.Equal(t, 1, res.code, want)
		require.Contains(t, res.stderr, want)
		require.Equal(t, 1, strings.Count(res.stderr, "\n"), "one line: %q", res.stderr)
	}
}

// Hub cursors are sealed with a key derived from CURSOR_SECRET, or else from
// the HS256 secret: the same for every replica with the same settings, and
// never the key tokens are checked with.
func TestCursorKey(t *testing.T) {
	t.Parallel()
	key := func(environ ...string) []byte {
		_, k, err := newVerifier(t.Context(), mustConfig(t, environ...), quiet)
		require.NoError(t, err)
		require.Len(t, k, 32)
		return k
	}
	hs := key(devSecret)
	require.Equal(t, hs, key(devSecret), "replicas with the same settings agree")
	secret := strings.TrimPrefix(devSecret, "JWT_HS256_SECRET=")
	require.NotEqual(t, []byte(secret), hs)
	require.NotEqual(t, key("JWT_HS256_SECRET="+strings.ToUpper(secret)), hs)

	// A token signed with the cursor key is no token.
	v, _, err := newVerifier(t.Context(), mustConfig(t, devSecret), quiet)
	require.NoError(t, err)
	forged, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "demo", "exp": time.Now().Add(time.Hour).Unix()}).SignedString(hs)
	require.NoError(t, err)
	_, err = v.Verify(forged)
	require.Error(t, err)

	withCursorSecret := key(devSecret, cursorSecret)
	require.NotEqual(t, hs, withCursorSecret, "CURSOR_SECRET wins")
	require.NotEqual(t, []byte(strings.TrimPrefix(cursorSecret, "CURSOR_SECRET=")), withCursorSecret)

	pem := filepath.Join(t.TempDir(), "key.pem")
	require.NoError(t, os.WriteFile(pem, jwkstest.NewKey(t, "k", jwt.SigningMethodES256).PublicPEM(t), 0o600))
	require.Equal(t, withCursorSecret, key("JWT_PUBLIC_KEY_FILE="+pem, cursorSecret), "whatever the key source")
}

// With a key set, serve accepts the provider's tokens, naming the member by
// JWT_SUBJECT_CLAIM.
func TestServeWithKeySet(t *testing.T) {
	t.Parallel()
	idp := jwkstest.New(t)
	key := jwkstest.NewKey(t, "k1", jwt.SigningMethodRS256)
	idp.Publish(t, key)
	_, url := dbtest.NewWithURL(t)
	env := []string{"DATABASE_URL=" + url, "SWEEP_INTERVAL=0", cursorSecret, "JWT_OIDC_DISCOVERY=true",
		"JWT_ISSUER=" + idp.Issuer, "JWT_AUDIENCE=api://runproof,client-id", "JWT_SUBJECT_CLAIM=oid"}
	seeded := runCLI(t, env, "seed", "demo")
	require.Equal(t, 0, seeded.code, seeded.stderr)
	ws := strings.Fields(seeded.stdout)[2]
	base, _, _ := serving(t, env)

	require.Equal(t, http.StatusOK, getStatus(t, base+"/readyz", ""))
	claims := jwt.MapClaims{"oid": "demo", "sub": "pairwise-id", "iss": idp.Issuer, "aud": "client-id", "exp": time.Now().Add(time.Hour).Unix()}
	require.Equal(t, http.StatusOK, getStatus(t, base+"/workspaces/"+ws+"/operations", key.Sign(t, claims)))
	claims["aud"] = "someone-else"
	require.Equal(t, http.StatusUnauthorized, getStatus(t, base+"/workspaces/"+ws+"/operations", key.Sign(t, claims)))
}

// A key set that cannot be fetched at start-up does not stop serve: it
// starts, is not ready, and refuses tokens. (Recovery is tested in
// internal/authz and internal/http, where the one-fetch-a-minute limit can
// be lowered.)
func TestServeStartsWithoutItsKeySet(t *testing.T) {
	t.Parallel()
	idp := jwkstest.New(t)
	key := jwkstest.NewKey(t, "k1", jwt.SigningMethodES256)
	idp.Publish(t, key)
	idp.Fail(http.StatusServiceUnavailable)
	_, url := dbtest.NewWithURL(t)
	base, _, stop := serving(t, []string{"DATABASE_URL=" + url, "SWEEP_INTERVAL=0", cursorSecret, "JWT_JWKS_URL=" + idp.URL})

	require.Equal(t, http.StatusServiceUnavailable, getStatus(t, base+"/readyz", ""))
	tok := key.Sign(t, jwt.MapClaims{"sub": "demo", "exp": time.Now().Add(time.Hour).Unix()})
	require.Equal(t, http.StatusUnauthorized, getStatus(t, base+"/workspaces/1/operations", tok))
	code, rest := stop()
	require.Equal(t, 0, code)
	var reasons []string
	for _, line := range rest {
		if line["msg"] == "token key set fetch failed" || line["msg"] == "not ready" {
			reasons = append(reasons, fmt.Sprint(line["err"]))
		}
	}
	require.NotEmpty(t, reasons)
	require.Contains(t, strings.Join(reasons, "\n"), "503", "the logs say why")
}

// getStatus answers the status of a GET, with a bearer token when one is given.
func getStatus(t *testing.T, url, token string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close() // nothing was read; only the status matters
	return res.StatusCode
}
