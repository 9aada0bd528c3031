package names

import (
	"strings"
	"testing"
)

func TestProblem(t *testing.T) {
	cases := []struct {
		name, in string
		want     string // a substring of the problem; "" when the name is fine
	}{
		{"plain", "Alice Admin", ""},
		{"empty is fine (the username stands in)", "", ""},
		{"accents, composed or not", "Zoe\u0301 Ñúñez", ""},
		{"other scripts", "Алиса 愛麗絲 أليس", ""},
		{"emoji with a variation selector", "Sam ☕\uFE0F", ""},
		{"right-to-left override", "\u202Enimda_ecila", "invisible characters"},
		{"right-to-left isolate", "alice\u2067x", "invisible characters"},
		{"left-to-right mark", "al\u200Eice", "invisible characters"},
		{"zero-width space", "\u200B", "invisible characters"},
		{"zero-width joiner", "a\u200Db", "invisible characters"},
		{"byte order mark", "\uFEFFalice", "invisible characters"},
		{"soft hyphen", "ali\u00ADce", "invisible characters"},
		{"Hangul filler", "\u3164", "invisible characters"},
		{"tab", "a\tb", "control characters"},
		{"newline", "alice\nadmin", "control characters"},
		{"escape", "\x1b[31malice", "control characters"},
		{"DEL", "alice\x7f", "control characters"},
		{"C1 control", "alice\u0085", "control characters"},
		{"line separator", "a\u2028b", "control characters"},
		{"private use", "a\uE000", "private-use"},
		{"unassigned", "a\U0003FFFD", "not assigned"},
		{"noncharacter", "a\uFFFF", "not assigned"},
		{"invalid UTF-8", "a\xffb", "valid text"},
		{"60 characters", strings.Repeat("é", 60), ""},
		{"61 characters", strings.Repeat("é", 61), "60 characters"},
		{"length counts after trimming", "  " + strings.Repeat("a", 60) + "  ", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Problem(tc.in)
			if tc.want == "" && got != "" {
				t.Fatalf("Problem(%q) = %q, want none", tc.in, got)
			}
			if tc.want != "" && !strings.Contains(got, tc.want) {
				t.Fatalf("Problem(%q) = %q, want it to mention %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestProblemNamesTheCodePoint(t *testing.T) {
	if got := Problem("\u202Enimda_ecila"); !strings.Contains(got, "U+202E") {
		t.Fatalf("Problem = %q, want the code point", got)
	}
}

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Alice", "Alice"},
		{"  Alice   Admin  ", "Alice Admin"},
		{"Zoe\u0301", "Zo\u00E9"}, // NFC composes e + combining acute into é
		{"\u00A0Alice\u3000Admin\u00A0", "Alice Admin"},
		{"   ", ""},
		{"", ""},
	}
	for _, tc := range cases {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
