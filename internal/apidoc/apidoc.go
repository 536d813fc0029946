// Package apidoc generates api/openapi.yaml: swag reads the handlers'
// annotations in internal/http (Swagger 2.0), kin-openapi converts the result
// to OpenAPI 3.0, and a post-processing step adds what Swagger 2.0 cannot
// say and makes the document precise enough for client generators.
package apidoc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
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

// freeForm marks an object property whose keys the API does not fix (a
// struct tag `extensions:"x-free-form"`); every other object is closed.
const freeForm = "x-free-form"

// Generate builds the OpenAPI 3.0 document of the handlers under root (the
// module root) and returns it as YAML. It fails when swag cannot parse the
// annotations, an annotation leaves something untyped or undescribed, or the
// result does not validate.
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
	if err := fix(doc); err != nil {
		return nil, err
	}
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

// fix adds what Swagger 2.0 cannot express (bearer auth, problem+json
// bodies, servers, HEAD, the answers every route can give) and tightens the
// schemas: nullability that OpenAPI 3.0.3 readers honour and closed objects.
func fix(doc *openapi3.T) error {
	doc.Components.SecuritySchemes["BearerAuth"] = &openapi3.SecuritySchemeRef{Value: &openapi3.SecurityScheme{
		Type:         "http",
		Scheme:       "bearer",
		BearerFormat: "JWT",
		Description:  `A JWT sent as "Authorization: Bearer <token>"; it must carry sub and exp.`,
	}}
	doc.Servers = openapi3.Servers{{
		URL:         "{origin}",
		Description: "A runproof deployment: the API is at the root of its origin.",
		Variables: map[string]*openapi3.ServerVariable{"origin": {
			Default:     "http://localhost:8080",
			Description: "Scheme, host and port of the deployment (`make run` listens on http://localhost:8080).",
		}},
	}}
	problem := doc.Components.Schemas["Problem"]
	doc.Components.Responses = openapi3.ResponseBodies{
		// OpenAPI has no place for the methods a path lacks, so every
		// operation of the path documents their answer.
		"MethodNotAllowed": {Value: problemResponse(problem, "The answer to a method the path does not support; Allow lists the methods it does.",
			"Allow", &openapi3.Header{Parameter: openapi3.Parameter{
				Description: "The methods the path supports, e.g. GET, HEAD",
				Required:    true,
				Schema:      openapi3.NewStringSchema().NewRef(),
			}})},
		"Unavailable": {Value: problemResponse(problem, "The service cannot answer now: the database is unreachable, refusing or too slow, "+
			"or the service is shutting down. Nothing was changed; retry later.",
			"Retry-After", &openapi3.Header{Parameter: openapi3.Parameter{
				Description: "Seconds to wait before retrying, when the service can tell",
				Schema:      openapi3.NewIntegerSchema().WithMin(0).NewRef(),
			}})},
	}
	declared := map[string]bool{}
	for _, tag := range doc.Tags {
		declared[tag.Name] = true
	}
	var errs []error
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Description == "" {
				errs = append(errs, fmt.Errorf("%s %s: annotate a @Description", method, path))
			}
			for _, tag := range op.Tags {
				if !declared[tag] {
					errs = append(errs, fmt.Errorf("%s %s: tag %q is not declared with @tag.name in doc.go", method, path, tag))
				}
			}
			for code, resp := range op.Responses.Map() {
				problemContent(code, resp.Value)
			}
			if op.RequestBody != nil {
				delete(op.RequestBody.Extensions, "x-originalParamName") // a conversion leftover
			}
			if op.Security == nil { // public: said explicitly, so no reader takes a missing requirement for an oversight
				op.Security = openapi3.NewSecurityRequirements()
			}
			for code, name := range map[string]string{"405": "MethodNotAllowed", "503": "Unavailable"} {
				op.Responses.Set(code, &openapi3.ResponseRef{Ref: "#/components/responses/" + name, Value: doc.Components.Responses[name].Value})
			}
		}
		if item.Get != nil {
			item.Head = headOf(item.Get)
		}
	}
	if err := tightenSchemas(doc.Components.Schemas); err != nil {
		errs = append(errs, err)
	}
	if err := pruneSchemas(doc); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// problemResponse is an application/problem+json response with one header.
func problemResponse(problem *openapi3.SchemaRef, description, header string, h *openapi3.Header) *openapi3.Response {
	resp := openapi3.NewResponse().
		WithDescription(description).
		WithContent(openapi3.NewContentWithSchemaRef(openapi3.NewSchemaRef("#/components/schemas/Problem", problem.Value),
			[]string{"application/problem+json"}))
	resp.Headers = openapi3.Headers{header: {Value: h}}
	return resp
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

// headOf describes HEAD on a GET route: the same answers without bodies.
func headOf(get *openapi3.Operation) *openapi3.Operation {
	head := *get
	head.OperationID = "head" + strings.ToUpper(get.OperationID[:1]) + get.OperationID[1:]
	head.Summary = get.Summary + " (headers only)"
	head.Description = "The status and headers GET answers, without a body. " + get.Description
	head.Responses = openapi3.NewResponses()
	for code, ref := range get.Responses.Map() {
		resp := ref.Value
		bodiless := openapi3.NewResponse().WithDescription(*resp.Description)
		bodiless.Headers = resp.Headers
		head.Responses.Set(code, &openapi3.ResponseRef{Value: bodiless})
	}
	return &head
}

// tightenSchemas makes the component schemas say exactly what the server
// sends: a nullable $ref becomes a $ref to a nullable copy of its schema
// (OpenAPI 3.0.3 ignores nullable beside a bare $ref or allOf), a nullable
// enum lists null, objects with properties admit no others, and an object
// without properties must be marked free-form. It fails for an object that
// is neither typed nor marked.
func tightenSchemas(schemas openapi3.Schemas) error {
	for _, name := range slices.Sorted(maps.Keys(schemas)) {
		walkInline(schemas[name], name, func(ref *openapi3.SchemaRef, _ string) {
			if s := ref.Value; s.Nullable && len(s.AllOf) == 1 && s.AllOf[0].Ref != "" && len(s.Type.Slice()) == 0 {
				*ref = *nullableRef(schemas, s.AllOf[0].Ref, s.Description)
			}
		})
	}
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(schemas)) { // the nullable copies too
		walkInline(schemas[name], name, func(ref *openapi3.SchemaRef, at string) {
			s := ref.Value
			if s.Nullable && len(s.Enum) > 0 && !slices.Contains(s.Enum, any(nil)) {
				s.Enum = append(s.Enum, nil)
			}
			if !s.Type.Is(openapi3.TypeObject) || s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil {
				return
			}
			switch {
			case s.Extensions[freeForm] != nil:
				delete(s.Extensions, freeForm)
				s.AdditionalProperties.Has = new(true)
			case len(s.Properties) == 0:
				errs = append(errs, fmt.Errorf("%s is an object without properties: type it, or tag it `extensions:\"%s\"`", at, freeForm))
			default:
				s.AdditionalProperties.Has = new(false)
			}
		})
	}
	return errors.Join(errs...)
}

// walkInline calls visit on ref and on every schema written inline inside
// it (properties, items), depth first; $refs are visited, not followed.
func walkInline(ref *openapi3.SchemaRef, at string, visit func(ref *openapi3.SchemaRef, at string)) {
	if ref == nil || ref.Ref != "" || ref.Value == nil {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(ref.Value.Properties)) {
		prop := ref.Value.Properties[name]
		if prop.Ref == "" {
			walkInline(prop, at+"."+name, visit)
		}
	}
	walkInline(ref.Value.Items, at+"[]", visit)
	visit(ref, at)
}

// nullableRef returns a $ref to the nullable copy of the schema ref points
// to, adding the copy to schemas as Nullable<Name>.
func nullableRef(schemas openapi3.Schemas, ref, description string) *openapi3.SchemaRef {
	name := strings.TrimPrefix(ref, "#/components/schemas/")
	nullable := "Nullable" + name
	if _, ok := schemas[nullable]; !ok {
		copied := *schemas[name].Value
		copied.Nullable = true
		if description != "" {
			copied.Description = description
		}
		schemas[nullable] = copied.NewRef()
	}
	return openapi3.NewSchemaRef("#/components/schemas/"+nullable, schemas[nullable].Value)
}

var schemaRef = regexp.MustCompile(`"#/components/schemas/([^"]+)"`)

// pruneSchemas drops the component schemas nothing refers to any more (the
// originals of schemas that are only used nullable).
func pruneSchemas(doc *openapi3.T) error {
	schemas := doc.Components.Schemas
	for {
		doc.Components.Schemas = nil
		rest, err := json.Marshal(doc) // paths and shared responses
		doc.Components.Schemas = schemas
		if err != nil {
			return err
		}
		used := map[string]bool{}
		for name, s := range schemas {
			own, err := json.Marshal(s)
			if err != nil {
				return err
			}
			for _, m := range schemaRef.FindAllSubmatch(own, -1) {
				if string(m[1]) != name {
					used[string(m[1])] = true
				}
			}
		}
		for _, m := range schemaRef.FindAllSubmatch(rest, -1) {
			used[string(m[1])] = true
		}
		unused := 0
		for name := range schemas {
			if !used[name] {
				delete(schemas, name)
				unused++
			}
		}
		if unused == 0 {
			return nil
		}
	}
}

// quiet drops swag's progress messages.
type quiet struct{}

func (quiet) Printf(string, ...any) {}
