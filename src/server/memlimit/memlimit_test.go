package memlimit

import (
	"os"
	"path/filepath"
	"testing"
)

const meminfo2G = "MemTotal:        2000000 kB\nMemFree:         1000000 kB\n"

// Each scenario is a fake system: the files read reads, under a temporary root.
func TestRead(t *testing.T) {
	const kb = 1 << 10
	scenarios := []struct {
		name  string
		files map[string]string
		want  Limit
	}{
		{"cgroup v2: the unit's memory.max", map[string]string{
			"proc/self/cgroup": "0::/system.slice/hearth.service\n",
			"sys/fs/cgroup/system.slice/hearth.service/memory.max": "536870912\n",
			"sys/fs/cgroup/system.slice/memory.max":                "max\n",
			"proc/meminfo":                                         meminfo2G,
		}, Limit{Bytes: 512 << 20, Cgroup: true}},
		{"cgroup v2: a parent slice's limit is smaller", map[string]string{
			"proc/self/cgroup": "0::/small.slice/hearth.service\n",
			"sys/fs/cgroup/small.slice/hearth.service/memory.max": "max\n",
			"sys/fs/cgroup/small.slice/memory.max":                "268435456\n",
			"proc/meminfo":                                        meminfo2G,
		}, Limit{Bytes: 256 << 20, Cgroup: true}},
		{"cgroup v2 in a container: only its own subtree is mounted", map[string]string{
			"proc/self/cgroup":         "0::/docker/0123abcd\n",
			"sys/fs/cgroup/memory.max": "536870912\n",
			"proc/meminfo":             meminfo2G,
		}, Limit{Bytes: 512 << 20, Cgroup: true}},
		{"cgroup v2 without a limit: physical memory", map[string]string{
			"proc/self/cgroup":                    "0::/user.slice\n",
			"sys/fs/cgroup/user.slice/memory.max": "max\n",
			"proc/meminfo":                        meminfo2G,
		}, Limit{Bytes: 2000000 * kb}},
		{"cgroup v1: memory.limit_in_bytes", map[string]string{
			"proc/self/cgroup": "5:cpu,cpuacct:/bench\n4:memory:/bench\n0::/\n",
			"sys/fs/cgroup/memory/bench/memory.limit_in_bytes": "536870912\n",
			"sys/fs/cgroup/memory/memory.limit_in_bytes":       "9223372036854771712\n",
			"proc/meminfo": meminfo2G,
		}, Limit{Bytes: 512 << 20, Cgroup: true}},
		{"cgroup v1 unlimited: physical memory", map[string]string{
			"proc/self/cgroup":                           "4:memory:/\n",
			"sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
			"proc/meminfo":                               meminfo2G,
		}, Limit{Bytes: 2000000 * kb}},
		{"a cgroup limit above physical memory: physical memory", map[string]string{
			"proc/self/cgroup":         "0::/\n",
			"sys/fs/cgroup/memory.max": "8589934592\n",
			"proc/meminfo":             meminfo2G,
		}, Limit{Bytes: 2000000 * kb}},
		{"nothing readable", map[string]string{}, Limit{}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			for name, text := range s.files {
				file := filepath.Join(root, name)
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if got := read(root); got != s.want {
				t.Fatalf("read = %+v, want %+v", got, s.want)
			}
		})
	}
}
