package repo

import "context"

// RunFinalize is RunFinalizeBatch for one run, for tests. Losing the guard is a result,
// not an error; errors are database or encoding failures.
func RunFinalize(ctx context.Context, db DBTX, p FinalizeParams) (FinalizeResult, error) {
	res, err := RunFinalizeBatch(ctx, db, []FinalizeParams{p})
	if err != nil {
		return FinalizeResult{}, err
	}
	return res[0], nil
}
