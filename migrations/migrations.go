// Package migrations embeds the SQL migrations that own runproof's schema.
package migrations

import "embed"

// FS holds the goose migration files, applied in file-name order.
//
//go:embed *.sql
var FS embed.FS
