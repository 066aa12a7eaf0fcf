// Command ovfunmarshal is the peer baseline of `pnpm bench parse`: it runs govmomi's
// ovf.Unmarshal (Debian's govmomi 0.24.2; encoding/xml, no validation) over the same
// descriptors as ovfkit's parseDescriptor and prints one JSON line with its timing and
// peak RSS. Build (from the repository root):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o .bench/bin/ovfunmarshal ./test/bench-go/ovfunmarshal
//
// Usage: ovfunmarshal <iterations> <list-file> [cold]   (list-file: one descriptor path per line;
// "cold": no warm-up pass, so the timed loop is the process's first pass)
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/vmware/govmomi/ovf"
)

type result struct {
	Files     int     `json:"files"`
	Bytes     int64   `json:"bytes"`
	Iters     int     `json:"iterations"`
	Seconds   float64 `json:"seconds"`
	CPUSecs   float64 `json:"cpuSeconds"`
	Failures  int     `json:"failures"`
	MaxRSSKiB int64   `json:"maxRssKiB"`
}

func main() {
	cold := len(os.Args) == 4 && os.Args[3] == "cold"
	if len(os.Args) != 3 && !cold {
		fmt.Fprintln(os.Stderr, "usage: ovfunmarshal <iterations> <list-file> [cold]")
		os.Exit(2)
	}
	iters, err := strconv.Atoi(os.Args[1])
	if err != nil || iters < 1 {
		fmt.Fprintln(os.Stderr, "iterations must be a positive integer")
		os.Exit(2)
	}
	list, err := os.Open(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var data [][]byte
	var total int64
	sc := bufio.NewScanner(list)
	for sc.Scan() {
		if sc.Text() == "" {
			continue
		}
		b, err := os.ReadFile(sc.Text())
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		data = append(data, b)
		total += int64(len(b))
	}
	list.Close()

	// One warm-up pass, not timed, as the Node side does (none for the cold measure).
	if !cold {
		for _, d := range data {
			_, _ = ovf.Unmarshal(bytes.NewReader(d))
		}
	}
	failures := 0
	var ru0 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	start := time.Now()
	for i := 0; i < iters; i++ {
		for _, d := range data {
			if _, err := ovf.Unmarshal(bytes.NewReader(d)); err != nil {
				failures++
			}
		}
	}
	elapsed := time.Since(start).Seconds()
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := func(r syscall.Rusage) float64 {
		return float64(r.Utime.Sec+r.Stime.Sec) + float64(r.Utime.Usec+r.Stime.Usec)/1e6
	}
	out, _ := json.Marshal(result{Files: len(data), Bytes: total, Iters: iters, Seconds: elapsed, CPUSecs: cpu(ru) - cpu(ru0), Failures: failures / iters, MaxRSSKiB: ru.Maxrss})
	fmt.Println(string(out))
}
