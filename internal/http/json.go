package http

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// writeJSON writes v with status as application/json. It writes nothing and
// returns the error when v does not encode.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b) // the client has gone if this fails; nothing to tell it
	return nil
}
