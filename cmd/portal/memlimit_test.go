package main

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestMemoryTuningDefaultsUnlessTheOperatorSetsIt(t *testing.T) {
	limit, percent := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetMemoryLimit(limit); debug.SetGCPercent(percent) })
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	reset := func() {
		debug.SetMemoryLimit(math.MaxInt64)
		debug.SetGCPercent(100)
	}

	reset()
	tuneMemory(env(nil))
	if got := debug.SetMemoryLimit(-1); got != defaultMemoryLimit {
		t.Errorf("limit %d, want %d", got, defaultMemoryLimit)
	}
	if got := debug.SetGCPercent(100); got != defaultGCPercent {
		t.Errorf("GC percent %d, want %d", got, defaultGCPercent)
	}

	reset()
	tuneMemory(env(map[string]string{"GOGC": "150"}))
	if got := debug.SetMemoryLimit(-1); got != defaultMemoryLimit {
		t.Errorf("with GOGC set: limit %d, want %d", got, defaultMemoryLimit)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set by the operator was overridden: %d", got)
	}

	reset()
	tuneMemory(env(map[string]string{"GOMEMLIMIT": "200MiB"}))
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set by the operator was overridden: %d", got)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("without the portal's ceiling GOGC must stay: %d", got)
	}
}
