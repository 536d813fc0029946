package http

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"

	"github.com/runproof/runproof/internal/app"
)

// cursorCodec makes the hub's opaque cursors: a keyset position sealed with
// an HMAC-SHA256 over the position and the page's filter set, so a cursor
// that was altered, forged without the key, or reused with other filters is
// refused. (Its key material comes from CURSOR_SECRET or the HS256 secret,
// never from a public key; see serve.)
type cursorCodec struct{ key []byte }

const (
	cursorVersion = 1
	cursorPayload = 1 + 8 + 8 // version, created_at (µs), id
	cursorMAC     = 16
)

var errBadCursor = invalidField("cursor", "is not a cursor of this listing with these filters")

// newCursorCodec derives the MAC key from secret. With no secret it uses a
// random key, so cursors then die with the process.
func newCursorCodec(secret []byte) cursorCodec {
	if len(secret) == 0 {
		secret = make([]byte, 32)
		_, _ = rand.Read(secret) // never fails (crypto/rand panics instead)
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("runproof/hub-cursor/v1"))
	return cursorCodec{key: mac.Sum(nil)}
}

// encode seals pos for the listing described by filters.
func (c cursorCodec) encode(pos app.Position, filters string) string {
	b := make([]byte, cursorPayload, cursorPayload+cursorMAC)
	b[0] = cursorVersion
	binary.BigEndian.PutUint64(b[1:9], uint64(pos.CreatedAt.UnixMicro()))
	binary.BigEndian.PutUint64(b[9:17], uint64(pos.ID))
	b = append(b, c.sum(b, filters)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decode opens a cursor made by encode for the same filters; anything else,
// including a sealed position no run can have (a time PostgreSQL cannot
// store, an id below 1), is errBadCursor.
func (c cursorCodec) decode(s, filters string) (app.Position, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != cursorPayload+cursorMAC || b[0] != cursorVersion {
		return app.Position{}, errBadCursor
	}
	if !hmac.Equal(b[cursorPayload:], c.sum(b[:cursorPayload], filters)) {
		return app.Position{}, errBadCursor
	}
	pos := app.Position{
		CreatedAt: time.UnixMicro(int64(binary.BigEndian.Uint64(b[1:9]))).UTC(),
		ID:        int64(binary.BigEndian.Uint64(b[9:17])),
	}
	if y := pos.CreatedAt.Year(); y < 1 || y > 9999 || pos.ID < 1 {
		return app.Position{}, errBadCursor
	}
	return pos, nil
}

func (c cursorCodec) sum(payload []byte, filters string) []byte {
	mac := hmac.New(sha256.New, c.key)
	mac.Write(payload)
	mac.Write([]byte(filters))
	return mac.Sum(nil)[:cursorMAC]
}
