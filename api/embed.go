// Package api holds runproof's OpenAPI document, generated from the handlers'
// annotations by `make openapi` and served at /openapi.yaml.
package api

import _ "embed"

// OpenAPI is api/openapi.yaml, an OpenAPI 3.0 document of the HTTP API.
//
//go:embed openapi.yaml
var OpenAPI []byte
