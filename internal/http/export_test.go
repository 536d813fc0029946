package http

import (
	"time"

	"github.com/runproof/runproof/internal/app"
)

// SealHubCursor seals a hub position for the unfiltered listing of ws with
// secret, as the hub does, so that tests can hand the API positions no page
// would ever give.
func SealHubCursor(secret []byte, ws int64, createdAt time.Time, id int64) string {
	return newCursorCodec(secret).encode(app.Position{CreatedAt: createdAt, ID: id}, hubFilters{}.key(ws))
}
