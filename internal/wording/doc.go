// Package wording owns every sentence runproof shows operators: the hub's
// one-line summary of a run, the explanations of decisions, the stale
// sentences and the next-action labels. A copy change is one edit here.
// Each family's file words its figures once, so that a run's summary and
// its explanation always show the same figures. Sentences quote only what
// looks like a code (SafeCode), never free text written by jobs.
package wording
