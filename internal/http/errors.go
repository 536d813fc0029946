package http

import (
	"context"
	"errors"
	"net/http"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/authz"
	"github.com/runproof/runproof/internal/domain"
)

// Error codes. Every error the API answers carries one, and statusOf is the
// only place that turns a code into an HTTP status.
const (
	codeInvalid          = "invalid"
	codeUnauthenticated  = "unauthenticated"
	codeForbidden        = "forbidden"
	codeNotFound         = "not_found"
	codeMethodNotAllowed = "method_not_allowed"
	codeConflict         = "conflict"
	codeTooLarge         = "too_large"
	codeUnsupportedMedia = "unsupported_media_type"
	codeUnavailable      = "unavailable"
	codeInternal         = "internal"
)

var statusOf = map[string]int{
	codeInvalid:          http.StatusBadRequest,
	codeUnauthenticated:  http.StatusUnauthorized,
	codeForbidden:        http.StatusForbidden,
	codeNotFound:         http.StatusNotFound,
	codeMethodNotAllowed: http.StatusMethodNotAllowed,
	codeConflict:         http.StatusConflict,
	codeTooLarge:         http.StatusRequestEntityTooLarge,
	codeUnsupportedMedia: http.StatusUnsupportedMediaType,
	codeUnavailable:      http.StatusServiceUnavailable,
	codeInternal:         http.StatusInternalServerError,
}

// apiError is an error the client may read: a code, one sentence and, for
// invalid input, the offending fields.
type apiError struct {
	Code   string
	Detail string
	Fields []FieldError
}

func (e *apiError) Error() string { return e.Code + ": " + e.Detail }

// FieldError names one bad input field as the client wrote it.
type FieldError struct {
	Field  string `json:"field" example:"limit"`
	Detail string `json:"detail" example:"must be an integer from 1 to 200"`
} //@name FieldError

func invalid(fields ...FieldError) *apiError {
	return &apiError{Code: codeInvalid, Detail: "The request has invalid fields.", Fields: fields}
}

func invalidField(field, detail string) *apiError {
	return invalid(FieldError{Field: field, Detail: detail})
}

// errNotFound is the one answer for everything the caller may not see or
// that does not exist: the same body and headers whatever the reason.
var errNotFound = &apiError{Code: codeNotFound, Detail: "Not found."}

var errForbidden = &apiError{Code: codeForbidden, Detail: "Your role in this workspace does not allow this."}

var errInternal = &apiError{Code: codeInternal, Detail: "Internal error."}

var errUnavailable = &apiError{Code: codeUnavailable, Detail: "The database is unavailable or did not answer in time; try again later."}

// classify is the one place errors become what the client is told: the
// handlers' own apiErrors, then the errors the use cases return (domain and
// authz, and a database that cannot serve); anything unknown becomes
// errInternal, and the caller logs the original.
func classify(err error) (e *apiError, known bool) {
	switch {
	case errors.As(err, &e):
		return e, true
	case errors.Is(err, domain.ErrNotFound):
		return errNotFound, true
	case errors.Is(err, authz.ErrUnauthenticated):
		return &apiError{Code: codeUnauthenticated, Detail: "A valid bearer token is required."}, true
	case errors.Is(err, authz.ErrForbidden):
		return errForbidden, true
	case errors.Is(err, domain.ErrConflict):
		return &apiError{Code: codeConflict, Detail: "The run kept changing while it was being reconciled; try again."}, true
	case errors.Is(err, context.Canceled):
		// The client went away, or shutdown ended the request; nothing went wrong.
		return &apiError{Code: codeUnavailable, Detail: "The request was cancelled."}, true
	case app.Unavailable(err):
		// Down, refusing, too slow or closed: the pool logs each outage once,
		// so the requests it fails are not logged one by one.
		return errUnavailable, true
	default:
		return errInternal, false
	}
}
