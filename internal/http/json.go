package http

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
)

// buffers recycles response buffers; a hub page is tens of kilobytes
// (BenchmarkHub, hub_bench_test.go, shows recycling them pays).
var buffers = sync.Pool{New: func() any { return new([]byte) }}

// writeJSON writes v with status as application/json, encoded by its own
// appendJSON when it has one and by encoding/json otherwise. It writes
// nothing and returns the error when v does not encode.
func writeJSON(w http.ResponseWriter, status int, v any) error { //nolint:unparam // each handler names its status; the current ones all happen to answer 200
	bp := buffers.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 1<<20 { // do not keep a rare huge page alive
			buffers.Put(bp)
		}
	}()
	b := (*bp)[:0]
	if a, ok := v.(jsonAppender); ok {
		b = a.appendJSON(b)
	} else {
		enc, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b = append(b, enc...)
	}
	b = append(b, '\n')
	*bp = b
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b) // the client has gone if this fails; nothing to tell it
	return nil
}
