// Package http serves runproof's JSON API: routing, authentication,
// request decoding, one use case of internal/app per route, rendering, and
// RFC 9457 problem responses.
//
//	@title						runproof API
//	@version					1.0
//	@description				runproof tells operators the truth about background operation runs: it shows each run's state and, for stale runs, decides the terminal outcome from recorded proof. Errors are RFC 9457 problem details (application/problem+json); a 503 carries Retry-After. Every GET route also answers HEAD, and a 405 lists the methods the path allows in Allow.
//	@license.name				Proprietary
//	@license.url				https://github.com/runproof/runproof
//	@tag.name					operations
//	@tag.description			A workspace's operation runs: the hub, one run, and reconciling a stale run.
//	@tag.name					reconciliation
//	@tag.description			How runproof decides runs: families, thresholds and rules, and what a stale sweep would do now.
//	@tag.name					proof
//	@tag.description			The proof behind runs' outcomes: baseline snapshots, backup sets and their items, and observed inventory items, each linked back to its runs.
//	@tag.name					health
//	@tag.description			Liveness and readiness probes.
//	@tag.name					meta
//	@tag.description			Metrics and this document.
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				A JWT as "Bearer <token>"; it must carry sub and exp.
package http
