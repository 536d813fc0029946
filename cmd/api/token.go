package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/runproof/runproof/internal/authz"
	"github.com/runproof/runproof/internal/config"
)

func token(cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	sub := fs.String("sub", "", "subject (workspace member) the token is for")
	ttl := fs.Duration("ttl", 12*time.Hour, "how long the token is valid")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: token: %w", errUsage, err)
	}
	if *sub == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: token needs --sub S and takes no arguments", errUsage)
	}
	if cfg.JWTHS256Secret == "" {
		return errors.New("JWT_HS256_SECRET: dev tokens are only issued with the HS256 secret set")
	}
	p := authz.IssueParams{
		Secret: []byte(cfg.JWTHS256Secret), Subject: *sub, SubjectClaim: cfg.JWTSubjectClaim, TTL: *ttl,
		Issuer: cfg.JWTIssuer, Now: time.Now(),
	}
	if len(cfg.JWTAudience) > 0 {
		p.Audience = cfg.JWTAudience[0] // any one of them is accepted
	}
	tok, err := authz.IssueHS256(p)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}
