package proxies

import "testing"

func TestTrusted(t *testing.T) {
	def, err := Parse(Default)
	if err != nil {
		t.Fatal(err)
	}
	custom, err := Parse("10.0.0.5, 192.168.1.0/24")
	if err != nil {
		t.Fatal(err)
	}
	scenarios := []struct {
		name   string
		ranges string
		ip     string
		want   bool
	}{
		{"loopback by default", Default, "127.0.0.1", true},
		{"all of 127/8 by default", Default, "127.0.0.2", true},
		{"IPv6 loopback by default", Default, "::1", true},
		{"IPv4-mapped loopback by default", Default, "::ffff:127.0.0.1", true},
		{"another machine is not", Default, "192.0.2.2", false},
		{"a listed address", "custom", "10.0.0.5", true},
		{"its neighbour is not", "custom", "10.0.0.6", false},
		{"a listed range", "custom", "192.168.1.77", true},
		{"loopback is not, once a list is given", "custom", "127.0.0.1", false},
		{"garbage is not", Default, "not-an-ip", false},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			ranges := def
			if s.ranges == "custom" {
				ranges = custom
			}
			if got := Trusted(ranges, s.ip); got != s.want {
				t.Fatalf("Trusted(%s, %s) = %v", s.ranges, s.ip, got)
			}
		})
	}
}

func TestParseRefusesWhatIsNotAnAddress(t *testing.T) {
	if _, err := Parse("10.0.0.1, proxy.example"); err == nil {
		t.Fatal("a host name was accepted")
	}
}
