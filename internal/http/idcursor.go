package http

import (
	"time"

	"github.com/runproof/runproof/internal/app"
)

// Item listings page in id order alone. Their cursors are the hub's,
// sealed by the same codec over the same payload, with the Unix epoch in
// place of a time; the filters they are bound to begin with the listing's
// name, so that a cursor of one listing never opens another.

var idCursorEpoch = time.Unix(0, 0).UTC()

// encodeID seals the position after item id for the listing filters
// describe.
func (c cursorCodec) encodeID(id int64, filters string) string {
	return c.encode(app.Position{CreatedAt: idCursorEpoch, ID: id}, filters)
}

// decodeID opens a cursor made by encodeID for the same filters; anything
// else is errBadCursor.
func (c cursorCodec) decodeID(s, filters string) (int64, error) {
	pos, err := c.decode(s, filters)
	if err != nil {
		return 0, err
	}
	if !pos.CreatedAt.Equal(idCursorEpoch) {
		return 0, errBadCursor
	}
	return pos.ID, nil
}
