package sweep

import (
	"context"

	"github.com/runproof/runproof/internal/repo"
)

// SetAfterClaim installs a hook that runs inside each batch transaction
// between claiming and writing.
func (s *Sweeper) SetAfterClaim(f func(ctx context.Context, tx repo.DBTX)) { s.afterClaim = f }
