//go:build !linux

package main

import (
	"errors"
	"os"
	"os/exec"
	"time"
)

func dieWithParent(*exec.Cmd) {}

func terminate(p *os.Process) { _ = p.Kill() }

// memOf needs /proc: the memory figures are Linux-only.
func memOf(int) (rss, peak int64, err error) {
	return 0, 0, errors.New("resident memory is read from /proc (Linux only)")
}

func loadAverage() string { return "?" }

// cpuOf needs /proc: the CPU figures are Linux-only.
func cpuOf(int) (time.Duration, error) {
	return 0, errors.New("CPU time is read from /proc (Linux only)")
}

func selfCPU() time.Duration { return 0 }
