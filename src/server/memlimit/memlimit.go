// Package memlimit reads how much memory the process may use: its cgroup's limit (a container's,
// a systemd unit's MemoryMax) or else the machine's physical memory. The heap floor and the size of
// the JS runtime pool follow it, so Hearth fits a 512 MB VPS (BENCHMARKS.md, "Small machines").
package memlimit

import (
	"bufio"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// unlimited is where a cgroup's number stops meaning a limit: cgroup v1 writes "no limit" as
// 9223372036854771712 (the largest page-aligned int64).
const unlimited = 1 << 62

// Limit is how much memory the process may use.
type Limit struct {
	// Bytes is 0 when nothing could be read.
	Bytes uint64
	// Cgroup says a cgroup limit (a container's or a systemd unit's MemoryMax) set Bytes, not the
	// machine's physical memory.
	Cgroup bool
}

// Read reads the process's memory limit from the system.
func Read() Limit {
	return read("/")
}

// read is the smallest of the limits of the process's cgroup and its ancestors (cgroup v2
// memory.max, else v1 memory.limit_in_bytes) and the machine's physical memory, reading the files
// under root (the tests' fake systems).
func read(root string) Limit {
	mem := memTotal(filepath.Join(root, "proc/meminfo"))
	cg := cgroupLimit(root)
	if cg > 0 && (mem == 0 || cg < mem) {
		return Limit{Bytes: cg, Cgroup: true}
	}
	return Limit{Bytes: mem}
}

func cgroupLimit(root string) uint64 {
	v2, v1 := ownCgroups(filepath.Join(root, "proc/self/cgroup"))
	if v2 != "" {
		if n := smallestUp(filepath.Join(root, "sys/fs/cgroup"), v2, "memory.max"); n > 0 {
			return n
		}
	}
	if v1 != "" {
		return smallestUp(filepath.Join(root, "sys/fs/cgroup/memory"), v1, "memory.limit_in_bytes")
	}
	return 0
}

// ownCgroups reads /proc/self/cgroup: the v2 path ("0::/path") and the v1 memory controller's
// ("4:memory:/path").
func ownCgroups(file string) (v2, v1 string) {
	f, err := os.Open(file)
	if err != nil {
		return "", ""
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		parts := strings.SplitN(lines.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			v2 = parts[2]
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == "memory" {
				v1 = parts[2]
			}
		}
	}
	return v2, v1
}

// smallestUp is the smallest limit in name from the cgroup at rel up to the hierarchy's root under
// mount. Walking up covers a parent's limit (a systemd slice) and a container that sees only its
// own subtree mounted (its path then is not under mount, but the mount's root is its cgroup).
func smallestUp(mount, rel, name string) uint64 {
	var least uint64
	for p := path.Clean("/" + rel); ; p = path.Dir(p) {
		if n := readLimit(filepath.Join(mount, p, name)); n > 0 && (least == 0 || n < least) {
			least = n
		}
		if p == "/" {
			return least
		}
	}
}

// readLimit is 0 for a missing file, "max" or a number that means no limit.
func readLimit(file string) uint64 {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || n >= unlimited {
		return 0
	}
	return n
}

// memTotal is /proc/meminfo's MemTotal in bytes.
func memTotal(file string) uint64 {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
