package proof

// artifactIndex is what the snapshot and backup-set loaders share: which
// requests name an artifact by pointer and which runs may have recorded one,
// and where a loaded artifact belongs.
type artifactIndex struct {
	reqs     []Request
	runs     runIndex // run id → requests
	pointers runIndex // artifact id → requests pointing at it
}

func newArtifactIndex(reqs []Request) artifactIndex {
	return artifactIndex{reqs: reqs, runs: runIndex{}, pointers: runIndex{}}
}

// add indexes request i, which may point at an artifact.
func (x *artifactIndex) add(i int, ptr Pointer) {
	x.runs.add(x.reqs[i].Run.ID, i)
	if ptr.Valid() {
		x.pointers.add(ptr.ID, i)
	}
}

// place hands one loaded artifact (id, of run runID, in ws and env) to
// every request pointing at it and to every request of its run, each time
// with whether it lies in that request's scope.
func (x *artifactIndex) place(id, runID, ws, env int64, pointed, candidate func(i int, inScope bool)) {
	for _, i := range x.pointers[id] {
		pointed(i, ScopeOf(x.reqs[i].Run).Contains(ws, env))
	}
	for _, i := range x.runs[runID] {
		candidate(i, ScopeOf(x.reqs[i].Run).Contains(ws, env))
	}
}
