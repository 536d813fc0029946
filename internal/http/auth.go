package http

import (
	"context"
	"net/http"
	"strings"

	"github.com/runproof/runproof/internal/authz"
)

// TokenVerifier checks a bearer token and says who sent it; errors wrap
// authz.ErrUnauthenticated. *authz.Verifier is one.
type TokenVerifier interface {
	Verify(token string) (authz.Identity, error)
}

type identityKey struct{}

// authenticate lets a request through only with a valid bearer token in its
// one Authorization header (never a query parameter) and puts the caller's
// identity in the request context; anything else is a 401 with
// WWW-Authenticate: Bearer. Two Authorization headers are refused, since a
// proxy reading the other one would see another caller.
func (a *api) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		values := r.Header.Values("Authorization")
		if len(values) != 1 {
			a.fail(w, r, authz.ErrUnauthenticated)
			return
		}
		scheme, token, ok := strings.Cut(values[0], " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			a.fail(w, r, authz.ErrUnauthenticated)
			return
		}
		id, err := a.verifier.Verify(strings.TrimSpace(token))
		if err != nil {
			a.log.DebugContext(r.Context(), "token rejected", "err", err, "request_id", requestID(r.Context()))
			a.fail(w, r, authz.ErrUnauthenticated)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), identityKey{}, id)))
	})
}

// identity returns the caller authenticate verified.
func identity(ctx context.Context) authz.Identity {
	id, _ := ctx.Value(identityKey{}).(authz.Identity)
	return id
}
