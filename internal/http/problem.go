package http

import (
	"encoding/json"
	"log/slog"
	"net/http"
)

// Problem is an RFC 9457 problem details body. Type is always about:blank, so
// Title is the HTTP status text; Code is the stable machine-readable reason.
type Problem struct {
	Type   string       `json:"type" example:"about:blank"`
	Title  string       `json:"title" example:"Bad Request"`
	Status int          `json:"status" example:"400"`
	Detail string       `json:"detail" example:"The request has invalid fields."`
	Code   string       `json:"code" enums:"invalid,unauthenticated,forbidden,not_found,method_not_allowed,conflict,too_large,unsupported_media_type,unavailable,internal" example:"invalid"`
	Errors []FieldError `json:"errors,omitempty"`
} //@name Problem

// retryAfter is the Retry-After of every 503, in seconds.
const retryAfter = "5"

// writeError is the one error writer: it answers err as application/problem+json.
// Errors the client may not read are logged with the request id and
// answered with a bare 500 "Internal error.". A 503 says when to retry.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	e, known := classify(err)
	if !known {
		log.ErrorContext(r.Context(), "request failed", "err", err, "request_id", requestID(r.Context()))
	}
	status := statusOf[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	switch status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="runproof"`)
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", retryAfter)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(Problem{ //nolint:errchkjson // Problem always encodes: only the write can fail
		Type:   "about:blank",
		Title:  http.StatusText(status),
		Status: status,
		Detail: e.Detail,
		Code:   e.Code,
		Errors: e.Fields,
	}) // the client has gone if this fails; nothing to tell it
}
