package http

import (
	"net/http"

	"github.com/go-chi/cors"
)

// corsFor lets browser pages on the given origins (exact, as
// CORS_ALLOWED_ORIGINS checked them) call the API with a bearer token.
// Preflights from them answer 204 before routing, so no route needs an
// OPTIONS handler; any other origin gets no CORS header, so its browser
// refuses to hand the page the response.
func corsFor(origins []string) func(http.Handler) http.Handler {
	c := cors.New(cors.Options{
		AllowedOrigins: origins, // never empty here: empty means every origin to go-chi/cors
		AllowedMethods: []string{http.MethodGet, http.MethodHead, http.MethodPost},
		AllowedHeaders: []string{"Authorization", "Content-Type", "X-Request-Id"},
		ExposedHeaders: []string{"Retry-After", "X-Request-Id"},
		// Bearer tokens are sent by script, not by the browser: no cookies.
		AllowCredentials:   false,
		MaxAge:             600,
		OptionsPassthrough: true, // to answer 204 below rather than its 200
	})
	return func(next http.Handler) http.Handler {
		return c.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				if w.Header().Get("Access-Control-Allow-Origin") != "" {
					// Every method, not only the one asked about: the browser caches the answer for each.
					w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, POST")
				}
				w.WriteHeader(http.StatusNoContent)
				return
			}
			next.ServeHTTP(w, r)
		}))
	}
}
