// Command openapi-gen writes api/openapi.yaml from the handlers' annotations
// (`make openapi`, which then generates internal/apiclient from it); run it
// from the module root.
package main

import (
	"fmt"
	"os"

	"github.com/runproof/runproof/internal/apidoc"
)

func main() {
	doc, err := apidoc.Generate(".")
	if err == nil {
		err = os.WriteFile("api/openapi.yaml", doc, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "openapi-gen:", err)
		os.Exit(1)
	}
}
