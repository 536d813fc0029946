package app

import (
	"context"

	"github.com/runproof/runproof/internal/domain"
)

// SetAfterPreviewRead installs a hook that runs inside a preview's
// transaction once its stale runs are read, before they are decided, so
// that tests can act while the preview is under way.
func SetAfterPreviewRead(a *App, f func(ctx context.Context, runs []domain.Run)) {
	a.afterPreviewRead = f
}
