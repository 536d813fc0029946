package http_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/authz"
	"github.com/runproof/runproof/internal/authz/jwkstest"
	rphttp "github.com/runproof/runproof/internal/http"
)

// setupKeySet is a fixture whose tokens come from idp's key set, as serve
// wires it: readiness includes the key set. Unknown kids may fetch the set
// at once, so recovery needs no waiting.
func setupKeySet(t *testing.T, idp *jwkstest.Server, vc authz.VerifierConfig) *fixture {
	t.Helper()
	var f *fixture
	f = setupWith(t, func(_ *fixture, d *rphttp.Deps) {
		keys, err := authz.NewKeySet(t.Context(), authz.KeySetConfig{URL: idp.URL, UnknownKIDEvery: time.Nanosecond, Log: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)
		vc.KeySet, vc.Now = keys, func() time.Time { return f.now }
		v, err := authz.NewVerifier(vc)
		require.NoError(t, err)
		d.Verifier = v
		d.Ready = func(ctx context.Context) error { return v.Ready(ctx) }
	})
	return f
}

// The provider is down when the service starts: not ready, every token
// refused; once the provider answers, ready and tokens accepted, with no
// restart.
func TestKeySetDownAtStartUpThenRecovers(t *testing.T) {
	idp := jwkstest.New(t)
	key := jwkstest.NewKey(t, "k1", jwt.SigningMethodRS256)
	idp.Publish(t, key)
	idp.Fail(http.StatusBadGateway)
	f := setupKeySet(t, idp, authz.VerifierConfig{})
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	tok := key.Sign(t, jwt.MapClaims{"sub": "alice", "exp": f.now.Add(time.Hour).Unix()})

	res := f.get("/readyz", "")
	require.Equal(t, http.StatusServiceUnavailable, res.Code)
	require.Contains(t, f.logs.String(), "no token key set", "the log says why")
	require.Contains(t, f.logs.String(), "502")
	require.Equal(t, http.StatusUnauthorized, f.get(hubPath(ws, ""), tok).Code)

	idp.Fail(http.StatusOK)
	require.Equal(t, http.StatusOK, f.get("/readyz", "").Code)
	require.Equal(t, http.StatusOK, f.get(hubPath(ws, ""), tok).Code)

	// A later failure keeps the last good set.
	idp.Fail(http.StatusBadGateway)
	stranger := jwkstest.NewKey(t, "k2", jwt.SigningMethodRS256)
	require.Equal(t, http.StatusUnauthorized, f.get(hubPath(ws, ""), stranger.Sign(t, jwt.MapClaims{"sub": "alice", "exp": f.now.Add(time.Hour).Unix()})).Code)
	require.Equal(t, http.StatusOK, f.get("/readyz", "").Code)
	require.Equal(t, http.StatusOK, f.get(hubPath(ws, ""), key.Sign(t, jwt.MapClaims{"sub": "alice", "exp": f.now.Add(time.Hour).Unix(), "n": 2})).Code)
}

// JWT_SUBJECT_CLAIM=oid: membership is looked up by the token's oid, never
// by its sub; a token without oid is a 401.
func TestSubjectClaimNamesTheMember(t *testing.T) {
	idp := jwkstest.New(t)
	key := jwkstest.NewKey(t, "k1", jwt.SigningMethodES256)
	idp.Publish(t, key)
	f := setupKeySet(t, idp, authz.VerifierConfig{SubjectClaim: "oid", Audiences: []string{"api://runproof", "client-id"}})
	ws := f.workspace("w")
	f.member(ws, "5f0e-oid", "owner")
	f.member(ws, "pairwise-sub", "owner")
	claims := func(c jwt.MapClaims) string {
		c["exp"], c["aud"] = f.now.Add(time.Hour).Unix(), "client-id"
		return key.Sign(t, c)
	}

	require.Equal(t, http.StatusOK, f.get(hubPath(ws, ""), claims(jwt.MapClaims{"oid": "5f0e-oid", "sub": "someone"})).Code)
	require.Equal(t, http.StatusNotFound, f.get(hubPath(ws, ""), claims(jwt.MapClaims{"oid": "other-oid", "sub": "pairwise-sub"})).Code,
		"a sub that is a member does not make the oid one")
	for name, c := range map[string]jwt.MapClaims{
		"no oid":     {"sub": "pairwise-sub"},
		"empty oid":  {"oid": "", "sub": "pairwise-sub"},
		"number oid": {"oid": 5, "sub": "pairwise-sub"},
	} {
		require.Equal(t, http.StatusUnauthorized, f.get(hubPath(ws, ""), claims(c)).Code, name)
	}
}
