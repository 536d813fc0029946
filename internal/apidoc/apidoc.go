// Package apidoc generates api/openapi.yaml: swag reads the handlers'
// annotations in internal/http (Swagger 2.0), kin-openapi converts the result
// to OpenAPI 3.0, and a few fixes make it say what the server does.
package apidoc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/swaggo/swag"
	"go.yaml.in/yaml/v3"
)

// handlersDir holds the annotated handlers, relative to the module root; its
// doc.go carries the general API info.
const handlersDir = "internal/http"

// Generate builds the OpenAPI 3.0 document of the handlers under root (the
// module root) and returns it as YAML. It fails when swag cannot parse the
// annotations or the converted document does not validate.
func Generate(root string) ([]byte, error) {
	p := swag.New(swag.SetDebugger(quiet{}), swag.SetStrict(true))
	p.RequiredByDefault = true // fields are required unless their json tag says omitempty
	if err := p.ParseAPIMultiSearchDir([]string{filepath.Join(root, handlersDir)}, "doc.go", 1); err != nil {
		return nil, fmt.Errorf("swag: %w", err)
	}
	v2JSON, err := json.Marshal(p.GetSwagger())
	if err != nil {
		return nil, err
	}
	var v2 openapi2.T
	if err := json.Unmarshal(v2JSON, &v2); err != nil {
		return nil, fmt.Errorf("read swagger 2.0: %w", err)
	}
	doc, err := openapi2conv.ToV3(&v2)
	if err != nil {
		return nil, fmt.Errorf("convert to openapi 3: %w", err)
	}
	fix(doc)
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("generated document is invalid: %w", err)
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return out.Bytes(), enc.Close()
}

// fix corrects what Swagger 2.0 cannot express: bearer auth and
// problem+json error bodies.
func fix(doc *openapi3.T) {
	doc.Components.SecuritySchemes["BearerAuth"] = &openapi3.SecuritySchemeRef{Value: &openapi3.SecurityScheme{
		Type:         "http",
		Scheme:       "bearer",
		BearerFormat: "JWT",
		Description:  `A JWT sent as "Authorization: Bearer <token>"; it must carry sub and exp.`,
	}}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for code, resp := range op.Responses.Map() {
				problemContent(code, resp.Value)
			}
			if op.RequestBody != nil {
				delete(op.RequestBody.Extensions, "x-originalParamName") // a conversion leftover
			}
		}
	}
}

// problemContent makes error responses application/problem+json (RFC 9457).
func problemContent(code string, resp *openapi3.Response) {
	if resp == nil || !(strings.HasPrefix(code, "4") || strings.HasPrefix(code, "5")) {
		return
	}
	for _, mt := range resp.Content {
		if mt.Schema != nil && mt.Schema.Ref == "#/components/schemas/Problem" {
			resp.Content = openapi3.NewContentWithSchemaRef(mt.Schema, []string{"application/problem+json"})
			return
		}
	}
}

// quiet drops swag's progress messages.
type quiet struct{}

func (quiet) Printf(string, ...any) {}
