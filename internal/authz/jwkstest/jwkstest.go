// Package jwkstest is an identity provider for tests: an HTTP server that
// publishes a JSON Web Key Set and an OpenID discovery document, whose keys
// sign tokens, and which counts the fetches of its key set.
package jwkstest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

// Server is the provider. Its key set is at URL; its discovery document at
// Issuer + "/.well-known/openid-configuration" names Issuer and URL.
type Server struct {
	URL, Issuer string

	mu        sync.Mutex
	published []jwkset.JWKMarshal
	status    int // answered instead of the documents when not 200
	fetches   atomic.Int64
}

// New starts a provider publishing no keys, stopped when t ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{status: http.StatusOK}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /keys", s.serveKeys)
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		status := s.status
		s.mu.Unlock()
		if status != http.StatusOK {
			http.Error(w, "unavailable", status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": s.Issuer, "jwks_uri": s.URL})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.Issuer, s.URL = srv.URL, srv.URL+"/keys"
	return s
}

func (s *Server) serveKeys(w http.ResponseWriter, _ *http.Request) {
	s.fetches.Add(1)
	s.mu.Lock()
	status, set := s.status, jwkset.JWKSMarshal{Keys: s.published}
	s.mu.Unlock()
	if status != http.StatusOK {
		http.Error(w, "unavailable", status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(set) //nolint:errchkjson // set always encodes; a failed write means the client has gone, and it sees that itself
}

// Publish replaces the published key set with keys.
func (s *Server) Publish(t testing.TB, keys ...*Key) {
	t.Helper()
	set := make([]jwkset.JWKMarshal, 0, len(keys))
	for _, k := range keys {
		set = append(set, k.jwk(t))
	}
	s.mu.Lock()
	s.published = set
	s.mu.Unlock()
}

// Fail makes the provider answer status to every request (200 serves again).
func (s *Server) Fail(status int) {
	s.mu.Lock()
	s.status = status
	s.mu.Unlock()
}

// Fetches counts the requests for the key set so far.
func (s *Server) Fetches() int64 { return s.fetches.Load() }

// Key is a signing key with its kid.
type Key struct {
	KID    string
	Method jwt.SigningMethod
	signer any // *rsa.PrivateKey, *ecdsa.PrivateKey or an HMAC secret
}

// NewKey makes a key for method: RS256 (RSA 2048), ES256 (P-256), or HS256,
// whose secret a key set would publish as an "oct" key.
func NewKey(t testing.TB, kid string, method jwt.SigningMethod) *Key {
	t.Helper()
	var signer any
	var err error
	switch method {
	case jwt.SigningMethodRS256:
		signer, err = rsa.GenerateKey(rand.Reader, 2048)
	case jwt.SigningMethodES256:
		signer, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case jwt.SigningMethodHS256:
		signer = []byte(rand.Text() + rand.Text())
	default:
		t.Fatalf("jwkstest: no keys for %s", method.Alg())
	}
	if err != nil {
		t.Fatal(err)
	}
	return &Key{KID: kid, Method: method, signer: signer}
}

// Public is the key a verifier checks with: the public key, or the secret.
func (k *Key) Public() any {
	if s, ok := k.signer.(crypto.Signer); ok {
		return s.Public()
	}
	return k.signer
}

// PublicPEM is the public key as a PEM block, as in JWT_PUBLIC_KEY_FILE.
func (k *Key) PublicPEM(t testing.TB) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// Sign makes a token with claims, its header naming the key's kid.
func (k *Key) Sign(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(k.Method, claims)
	tok.Header["kid"] = k.KID
	s, err := tok.SignedString(k.signer)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (k *Key) jwk(t testing.TB) jwkset.JWKMarshal {
	t.Helper()
	_, secret := k.signer.([]byte)
	j, err := jwkset.NewJWKFromKey(k.Public(), jwkset.JWKOptions{
		Marshal:  jwkset.JWKMarshalOptions{Private: secret}, // an "oct" key is nothing but its secret
		Metadata: jwkset.JWKMetadataOptions{KID: k.KID, ALG: jwkset.ALG(k.Method.Alg()), USE: jwkset.UseSig},
	})
	if err != nil {
		t.Fatal(err)
	}
	return j.Marshal()
}
