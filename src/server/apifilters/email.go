package apifilters

// PocketBase hides an auth record's email unless emailVisibility is on and adds "AND
// emailVisibility = TRUE" to filters on it, but it sorts by the column as it is: ?sort=email listed
// people in the order of addresses nobody may see. So nobody but a superuser sorts or filters any
// list by a field named email (on the collection or through a relation).

import (
	"strings"

	"github.com/pocketbase/pocketbase/tools/search"
)

// EmailMessage is the 400 a non-superuser gets.
const EmailMessage = "Only superusers can sort or filter by email."

func usesEmail(filters, sorts []string) bool {
	for _, sort := range sorts {
		if SortUsesEmail(sort) {
			return true
		}
	}
	for _, filter := range filters {
		if FilterUsesEmail(filter) {
			return true
		}
	}
	return false
}

// SortUsesEmail tells whether a sort expression ("-created,email") orders by an email field.
func SortUsesEmail(sort string) bool {
	for _, field := range search.ParseSortFromString(sort) {
		if isEmail(field.Name) {
			return true
		}
	}
	return false
}

// FilterUsesEmail tells whether a filter expression compares an email field anywhere. A filter the
// tokenizer cannot read is judged by its text.
func FilterUsesEmail(filter string) bool {
	uses, err := anyIdentifier(filter, isEmail)
	if err != nil {
		return strings.Contains(strings.ToLower(filter), "email")
	}
	return uses
}

// isEmail tells whether an identifier ("email", "author.email", "email:lower") names a field
// called email: its last segment without modifiers, in any case.
func isEmail(identifier string) bool {
	name := strings.TrimSpace(identifier)
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[:i]
	}
	return strings.EqualFold(name, "email")
}
