package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// procSampler follows one process's CPU time and resident memory through /proc (Linux only; on
// other systems it reports that it cannot).
type procSampler struct {
	pid      int
	err      error
	start    time.Time
	cpu0     time.Duration
	cpu1     time.Duration
	wall     time.Duration
	rss0     int64 // kB
	rssMax   int64
	rss1     int64
	hwm      int64 // VmHWM at the end: peak RSS since the process started
	finished bool
}

// clockTick is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every Linux architecture Go
// supports.
const clockTick = 10 * time.Millisecond

func newProcSampler(pid int) *procSampler {
	p := &procSampler{pid: pid, start: time.Now()}
	if pid == 0 {
		return p
	}
	p.cpu0, p.err = procCPU(pid)
	if p.err == nil {
		p.rss0, _, p.err = procMem(pid)
		p.rssMax = p.rss0
	}
	return p
}

// sampleEvery samples memory until ctx ends, then takes the final figures.
func (p *procSampler) sampleEvery(ctx context.Context, d time.Duration) {
	if p.pid == 0 || p.err != nil {
		return
	}
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			p.finish()
			return
		case <-t.C:
			if rss, _, err := procMem(p.pid); err == nil {
				p.rssMax = max(p.rssMax, rss)
			}
		}
	}
}

func (p *procSampler) finish() {
	if p.pid == 0 || p.err != nil || p.finished {
		return
	}
	p.finished = true
	p.wall = time.Since(p.start)
	if p.cpu1, p.err = procCPU(p.pid); p.err != nil {
		return
	}
	p.rss1, p.hwm, p.err = procMem(p.pid)
	p.rssMax = max(p.rssMax, p.rss1)
}

func (p *procSampler) report(w io.Writer, label string, updates float64) {
	p.finish()
	if p.err != nil {
		fmt.Fprintf(w, "%s: cpu and memory unknown: %v\n", label, p.err)
		return
	}
	cpu := p.cpu1 - p.cpu0
	fmt.Fprintf(w, "%s: cpu %.2fs (%.0f%% of one core over %.1fs), %.0fµs/update; rss %s → max %s → %s, peak since start %s\n",
		label, cpu.Seconds(), 100*cpu.Seconds()/p.wall.Seconds(), p.wall.Seconds(), float64(cpu.Microseconds())/updates,
		mb(p.rss0), mb(p.rssMax), mb(p.rss1), mb(p.hwm))
}

func mb(kb int64) string { return fmt.Sprintf("%.1fMB", float64(kb)/1024) }

// procCPU is user + system time from /proc/<pid>/stat.
func procCPU(pid int) (time.Duration, error) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces: count fields after it.
	s := string(raw)
	rest := s[strings.LastIndexByte(s, ')')+1:]
	f := strings.Fields(rest) // f[0] is field 3 (state); utime is field 14, stime 15
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad utime/stime", pid)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// procMem is VmRSS and VmHWM (kB) from /proc/<pid>/status.
func procMem(pid int) (rss, hwm int64, err error) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		switch k {
		case "VmRSS":
			rss, _ = strconv.ParseInt(f[0], 10, 64)
		case "VmHWM":
			hwm, _ = strconv.ParseInt(f[0], 10, 64)
		}
	}
	return rss, hwm, nil
}
