package http

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"
)

// maxBodyBytes bounds every request body; larger bodies get 413.
const maxBodyBytes = 16 << 10

var errTooLarge = &apiError{Code: codeTooLarge, Detail: fmt.Sprintf("The body must be at most %d bytes.", maxBodyBytes)}

// validate checks decoded bodies; its errors name fields by their JSON names.
var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	// text: what PostgreSQL can store as text or inside jsonb (no NUL).
	if err := v.RegisterValidation("text", func(fl validator.FieldLevel) bool { return isText(fl.Field().String()) }); err != nil {
		panic(err) // only a malformed tag name fails
	}
	return v
}

// decodeJSON is the one request body decoder. It reads at most maxBodyBytes
// (413 beyond, at once and unread when Content-Length says so), accepts an empty body as the zero value (every body in this
// API is optional), rejects non-JSON content types (415), malformed JSON,
// trailing data and unknown fields, then validates dst; every 400 names the
// offending fields as the client wrote them.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if r.ContentLength > maxBodyBytes {
		return errTooLarge
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &apiError{Code: codeUnsupportedMedia, Detail: "Send the body as application/json."}
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if dec.Decode(&struct{}{}) != io.EOF {
			return invalidField("body", "must hold a single JSON object and nothing after it")
		}
	} else if !errors.Is(err, io.EOF) {
		return decodeError(err)
	}
	return validateStruct(dst)
}

// decodeError turns what encoding/json reports into a client-readable error.
func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, new(*http.MaxBytesError)):
		return errTooLarge
	case errors.As(err, &syntax):
		return invalidField("body", fmt.Sprintf("is not valid JSON (at byte %d)", syntax.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalidField("body", "is not valid JSON (it ends too early)")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return invalidField("body", "must be a JSON object")
		}
		return invalidField(typ.Field, "must be "+jsonKind(typ.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return invalidField(name, "is not a known field")
	default:
		return invalidField("body", "could not be read as JSON")
	}
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}

// validateStruct runs the validate tags of dst and lists every failing field.
func validateStruct(dst any) error {
	err := validate.Struct(dst)
	var verrs validator.ValidationErrors
	if err == nil || !errors.As(err, &verrs) {
		return err
	}
	fields := make([]FieldError, 0, len(verrs))
	for _, fe := range verrs {
		fields = append(fields, FieldError{Field: fieldPath(fe.Namespace()), Detail: ruleText(fe)})
	}
	return invalid(fields...)
}

// fieldPath drops the Go struct name validator puts first: "body.note" → "note".
func fieldPath(ns string) string {
	_, path, found := strings.Cut(ns, ".")
	if !found {
		return ns
	}
	return path
}

func ruleText(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "is required"
	case "max":
		if fe.Kind() == reflect.String {
			return "must be at most " + fe.Param() + " characters"
		}
		return "must be at most " + fe.Param()
	case "min":
		if fe.Kind() == reflect.String {
			return "must be at least " + fe.Param() + " characters"
		}
		return "must be at least " + fe.Param()
	case "text":
		return textRule
	default:
		return "fails the " + fe.Tag() + " rule"
	}
}
