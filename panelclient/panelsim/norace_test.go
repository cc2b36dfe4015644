//go:build !race

package panelsim

const raceEnabled = false
