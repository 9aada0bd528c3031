package limits

import (
	"strconv"
	"strings"
)

// ParseRule reads "max/seconds" (an admin's setting, HEARTH_LIMIT_<NAME>) into a rule named like
// def, or returns def when raw is empty or malformed.
func ParseRule(raw string, def Rule) Rule {
	max, window, ok := strings.Cut(raw, "/")
	if !ok {
		return def
	}
	m, err1 := strconv.Atoi(max)
	w, err2 := strconv.Atoi(window)
	if err1 != nil || err2 != nil || m < 0 || w <= 0 {
		return def
	}
	return Rule{Name: def.Name, Max: m, Window: w}
}
