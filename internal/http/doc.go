// Package http serves runproof's JSON API: routing, authentication,
// request decoding, one use case of internal/app per route, rendering, and
// RFC 9457 problem responses.
//
//	@title						runproof API
//	@version					1.0
//	@description				runproof tells operators the truth about background operation runs: it shows each run's state and, for stale runs, decides the terminal outcome from recorded proof. Errors are RFC 9457 problem details (application/problem+json).
//	@license.name				Proprietary
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				A JWT as "Bearer <token>"; it must carry sub and exp.
package http
