//go:build race

package panelsim

// raceEnabled skips the slow large-seed test under the race detector.
const raceEnabled = true
