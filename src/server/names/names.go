// Package names checks and normalises the display names people choose, so that no name can pass
// for another's or render as nothing.
//
// Why in Go: goja, the JS hooks runtime, does not match Unicode property regexes (\p{Cf}), and
// Go's unicode tables and golang.org/x/text/unicode/norm (already a dependency of PocketBase)
// answer exactly the questions needed. The hooks see it as $names (registered in main.go):
//
//	$names.problem(s)   // '' when s may be a display name, else why not (an English sentence)
//	$names.normalize(s) // NFC, trimmed, inner runs of white space as one space
//
// Refused: invalid UTF-8; control characters (Cc: tabs, line breaks, escapes) and line or
// paragraph separators; format characters (Cf: bidi overrides, embeddings, isolates and marks,
// zero-width spaces and joiners, soft hyphens) and the other default-ignorable code points that
// render as nothing (the Hangul fillers U+115F, U+1160, U+3164, U+FFA0, ...); private-use code
// points; code points Unicode has not assigned (as of Go's tables, unicode.Version); and names
// longer than MaxRunes after normalising. A right-to-left override is how "nimda_ecila" could
// read as "alice_admin", and a zero-width name is how an author could render blank.
package names

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxRunes is the longest display name, in code points after normalising.
const MaxRunes = 60

// assigned lists every general category; a code point in none of them is unassigned (Cn).
var assigned = []*unicode.RangeTable{
	unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z,
	unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs,
}

// Normalize returns s in Unicode NFC with white space trimmed and each inner run of it (spaces of
// any width, tabs, line breaks) made one space. It does not refuse anything: see Problem.
func Normalize(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// Problem tells why s cannot be a display name, or returns "" when it can. An empty s is fine
// (the caller falls back to the username).
func Problem(s string) string {
	if !utf8.ValidString(s) {
		return "Display names must be valid text (UTF-8)."
	}
	for _, r := range norm.NFC.String(s) {
		if why := refused(r); why != "" {
			return fmt.Sprintf("Display names cannot contain %s (U+%04X).", why, r)
		}
	}
	if n := utf8.RuneCountInString(Normalize(s)); n > MaxRunes {
		return fmt.Sprintf("Keep the display name to %d characters; this one has %d.", MaxRunes, n)
	}
	return ""
}

// refused names the kind of character r is when a display name may not contain it.
func refused(r rune) string {
	switch {
	case unicode.Is(unicode.Cc, r), unicode.In(r, unicode.Zl, unicode.Zp):
		return "control characters such as tabs or line breaks"
	case unicode.Is(unicode.Cf, r), unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r):
		return "invisible characters such as direction overrides or zero-width spaces"
	case unicode.Is(unicode.Co, r), unicode.Is(unicode.Cs, r):
		return "private-use characters"
	case !unicode.In(r, assigned...):
		return "characters Unicode has not assigned yet"
	}
	return ""
}
