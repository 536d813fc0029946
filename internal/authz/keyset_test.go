package authz

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/authz/jwkstest"
)

// keySetVerifier verifies tokens against idp's key set. unknownKIDEvery 0
// keeps the production limit of one unknown-kid fetch a minute.
func keySetVerifier(t *testing.T, ks KeySetConfig, vc VerifierConfig) *Verifier {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if ks.Log == nil {
		ks.Log = slog.New(slog.DiscardHandler)
	}
	set, err := NewKeySet(ctx, ks)
	require.NoError(t, err)
	vc.KeySet, vc.Now = set, clock
	v, err := NewVerifier(vc)
	require.NoError(t, err)
	return v
}

// claimsFor are valid claims for sub; n makes each token distinct, so none is
// answered from the verified-token cache.
func claimsFor(sub string, n int) jwt.MapClaims {
	return jwt.MapClaims{"sub": sub, "exp": now.Add(time.Hour).Unix(), "jti": fmt.Sprint(n)}
}

func TestKeySetVerifiesByKid(t *testing.T) {
	t.Parallel()
	idp := jwkstest.New(t)
	rsaKey := jwkstest.NewKey(t, "rsa-1", jwt.SigningMethodRS256)
	ecKey := jwkstest.NewKey(t, "ec-1", jwt.SigningMethodES256)
	octKey := jwkstest.NewKey(t, "oct-1", jwt.SigningMethodHS256)
	idp.Publish(t, rsaKey, ecKey, octKey)
	v := keySetVerifier(t, KeySetConfig{URL: idp.URL}, VerifierConfig{})
	require.NoError(t, v.Ready(context.Background()))

	for _, k := range []*jwkstest.Key{rsaKey, ecKey} {
		id, err := v.Verify(k.Sign(t, claimsFor("alice", 0)))
		require.NoError(t, err, k.KID)
		require.Equal(t, "alice", id.Subject)
	}

	// An RS256 token naming the EC key's kid is checked with that key: refused.
	misnamed := jwkstest.NewKey(t, "ec-1", jwt.SigningMethodRS256)
	// Algorithm confusion: HS256 "signed" with the RSA public key's PEM bytes.
	confused := jwt.NewWithClaims(jwt.SigningMethodHS256, claimsFor("alice", 1))
	confused.Header["kid"] = "rsa-1"
	forged, err := confused.SignedString(rsaKey.PublicPEM(t))
	require.NoError(t, err)
	none := jwt.NewWithClaims(jwt.SigningMethodNone, claimsFor("alice", 2))
	none.Header["kid"] = "rsa-1"
	unsigned, err := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	require.NoError(t, err)
	bad := map[string]string{
		"kid of another key":             misnamed.Sign(t, claimsFor("alice", 3)),
		"HS256 with public key":          forged,
		"HS256 with a published oct key": octKey.Sign(t, claimsFor("alice", 4)),
		"alg none":                       unsigned,
		"no sub":                         rsaKey.Sign(t, jwt.MapClaims{"exp": now.Add(time.Hour).Unix()}),
	}
	for name, tok := range bad {
		_, err := v.Verify(tok)
		require.ErrorIs(t, err, ErrUnauthenticated, name)
	}

	// Only the pinned algorithms pass: ES256 alone refuses RS256 tokens.
	esOnly := keySetVerifier(t, KeySetConfig{URL: idp.URL}, VerifierConfig{Algorithms: []string{"ES256"}})
	_, err = esOnly.Verify(rsaKey.Sign(t, claimsFor("alice", 5)))
	require.ErrorIs(t, err, ErrUnauthenticated)
	_, err = esOnly.Verify(ecKey.Sign(t, claimsFor("alice", 6)))
	require.NoError(t, err)
}

func TestKeySetNeverPinsHMACOrNone(t *testing.T) {
	t.Parallel()
	for _, algs := range [][]string{{"HS256"}, {"RS256", "none"}, {"HS512"}, {}} {
		if len(algs) > 0 {
			require.Error(t, CheckKeySetAlgorithms(algs), "%v", algs)
		}
		_, err := NewVerifier(VerifierConfig{KeySet: &KeySet{}, Algorithms: algs})
		if len(algs) == 0 {
			require.NoError(t, err, "empty means RS256 and ES256")
			continue
		}
		require.Error(t, err, "%v", algs)
	}
	require.NoError(t, CheckKeySetAlgorithms([]string{"RS256", "ES256", "PS256", "EdDSA"}))
}

// A new key is accepted once published, with no restart; a withdrawn one is
// refused after the next fetch, even for a token verified before.
func TestKeySetRotation(t *testing.T) {
	t.Parallel()
	idp := jwkstest.New(t)
	old := jwkstest.NewKey(t, "2026-01", jwt.SigningMethodRS256)
	next := jwkstest.NewKey(t, "2026-02", jwt.SigningMethodES256)
	idp.Publish(t, old)
	v := keySetVerifier(t, KeySetConfig{URL: idp.URL, UnknownKIDEvery: time.Nanosecond}, VerifierConfig{})

	remembered := old.Sign(t, claimsFor("alice", 0))
	_, err := v.Verify(remembered)
	require.NoError(t, err)
	_, err = v.Verify(next.Sign(t, claimsFor("alice", 1)))
	require.ErrorIs(t, err, ErrUnauthenticated, "not published yet")

	idp.Publish(t, old, next)
	_, err = v.Verify(next.Sign(t, claimsFor("alice", 2)))
	require.NoError(t, err, "its unknown kid fetched the set again")

	idp.Publish(t, next)
	_, err = v.Verify(remembered)
	require.NoError(t, err, "still trusted until the set is fetched again")
	_, err = v.Verify(jwkstest.NewKey(t, "unknown", jwt.SigningMethodRS256).Sign(t, claimsFor("alice", 3)))
	require.ErrorIs(t, err, ErrUnauthenticated) // and the set is fetched again
	_, err = v.Verify(remembered)
	require.ErrorIs(t, err, ErrUnauthenticated, "a withdrawn key's token is refused, remembered or not")
	_, err = v.Verify(old.Sign(t, claimsFor("alice", 4)))
	require.ErrorIs(t, err, ErrUnauthenticated)
	_, err = v.Verify(next.Sign(t, claimsFor("alice", 5)))
	require.NoError(t, err)
}

// A flood of tokens with made-up kids fetches the set once, not once each:
// the limit is one unknown-kid fetch a minute.
func TestKeySetUnknownKIDFloodFetchesOnce(t *testing.T) {
	t.Parallel()
	idp := jwkstest.New(t)
	known := jwkstest.NewKey(t, "known", jwt.SigningMethodES256)
	idp.Publish(t, known)
	v := keySetVerifier(t, KeySetConfig{URL: idp.URL}, VerifierConfig{})
	require.EqualValues(t, 1, idp.Fetches(), "the first fetch, at start")

	stranger := jwkstest.NewKey(t, "x", jwt.SigningMethodES256)
	var wg sync.WaitGroup
	for g := range 20 {
		wg.Go(func() {
			for i := range 25 {
				s := *stranger
				s.KID = fmt.Sprintf("made-up-%d-%d", g, i)
				_, err := v.Verify(s.Sign(t, claimsFor("mallory", i)))
				require.ErrorIs(t, err, ErrUnauthenticated)
			}
		})
	}
	wg.Wait()
	require.EqualValues(t, 2, idp.Fetches(), "500 unknown kids: one fetch beyond the first")
	_, err := v.Verify(known.Sign(t, claimsFor("alice", 0)))
	require.NoError(t, err, "known keys keep working")
}

// A provider that is down at start-up leaves the verifier not ready and
// every token refused, until a fetch succeeds; a later failure keeps the
// last good set.
func TestKeySetDownAtStartUp(t *testing.T) {
	t.Parallel()
	idp := jwkstest.New(t)
	key := jwkstest.NewKey(t, "k1", jwt.SigningMethodRS256)
	idp.Publish(t, key)
	idp.Fail(http.StatusServiceUnavailable)
	v := keySetVerifier(t, KeySetConfig{URL: idp.URL, UnknownKIDEvery: time.Nanosecond}, VerifierConfig{})

	ctx := context.Background()
	require.ErrorContains(t, v.Ready(ctx), "503")
	_, err := v.Verify(key.Sign(t, claimsFor("alice", 0)))
	require.ErrorIs(t, err, ErrUnauthenticated)

	idp.Fail(http.StatusOK)
	require.NoError(t, v.Ready(ctx), "readiness fetches the set again")
	_, err = v.Verify(key.Sign(t, claimsFor("alice", 1)))
	require.NoError(t, err)

	idp.Fail(http.StatusInternalServerError)
	before := idp.Fetches()
	_, err = v.Verify(jwkstest.NewKey(t, "k2", jwt.SigningMethodRS256).Sign(t, claimsFor("alice", 2)))
	require.ErrorIs(t, err, ErrUnauthenticated)
	require.Greater(t, idp.Fetches(), before, "the unknown kid asked the provider")
	require.NoError(t, v.Ready(ctx), "the last good set stays")
	_, err = v.Verify(key.Sign(t, claimsFor("alice", 3)))
	require.NoError(t, err)
}

func TestKeySetFromDiscovery(t *testing.T) {
	t.Parallel()
	idp := jwkstest.New(t)
	key := jwkstest.NewKey(t, "k1", jwt.SigningMethodES256)
	idp.Publish(t, key)
	v := keySetVerifier(t, KeySetConfig{Issuer: idp.Issuer}, VerifierConfig{Issuer: idp.Issuer})
	require.NoError(t, v.Ready(context.Background()))
	c := claimsFor("alice", 0)
	c["iss"] = idp.Issuer
	_, err := v.Verify(key.Sign(t, c))
	require.NoError(t, err)

	// The document must name the issuer it was asked for.
	other := keySetVerifier(t, KeySetConfig{Issuer: idp.Issuer + "/"}, VerifierConfig{})
	require.ErrorContains(t, other.Ready(context.Background()), "names issuer")
}

// Discovery that fails at start-up is tried again later, like a fetch.
func TestKeySetDiscoveryRetried(t *testing.T) {
	t.Parallel()
	idp := jwkstest.New(t)
	key := jwkstest.NewKey(t, "k1", jwt.SigningMethodES256)
	idp.Publish(t, key)
	idp.Fail(http.StatusServiceUnavailable)
	v := keySetVerifier(t, KeySetConfig{Issuer: idp.Issuer, UnknownKIDEvery: time.Nanosecond}, VerifierConfig{})
	require.Error(t, v.Ready(context.Background()))
	idp.Fail(http.StatusOK)
	require.NoError(t, v.Ready(context.Background()))
}

func TestCheckFetchURL(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"https://login.example.com/keys", "http://127.0.0.1:8081/keys", "http://localhost/x", "http://[::1]:9/k"} {
		require.NoError(t, CheckFetchURL(ok), ok)
	}
	for _, bad := range []string{"http://idp.example.com/keys", "ftp://x/y", "/keys", "https://u:p@idp/keys", "keys", "https://"} {
		require.Error(t, CheckFetchURL(bad), bad)
	}
}
