// Package hiddenemail keeps hidden e-mail addresses from being ordered or probed through
// PocketBase's REST API. PocketBase hides an auth record's email unless emailVisibility is on and
// adds "AND emailVisibility = TRUE" to filters on it, but it sorts by the column as it is:
// ?sort=email lists people in the order of addresses nobody may see. Only superusers may sort or
// filter any list by a field named email (on the collection or through a relation).
//
// It is a Go hook on every records-list request rather than a JS one: it needs no JS runtime per
// list call, and it reads the filter with PocketBase's own tokenizer (fexpr), so quoted text that
// merely contains "email" is not refused and no spelling of the identifier slips through.
package hiddenemail

import (
	"strings"

	"github.com/ganigeorgiev/fexpr"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/search"
)

// Message is the 400 a non-superuser gets.
const Message = "Only superusers can sort or filter by email."

// Register refuses sorting and filtering by email in list requests of non-superusers.
func Register(app core.App) {
	app.OnRecordsListRequest().Bind(&hook.Handler[*core.RecordsListRequestEvent]{
		Id: "hearthHiddenEmail",
		Func: func(e *core.RecordsListRequestEvent) error {
			if e.HasSuperuserAuth() {
				return e.Next()
			}
			query := e.Request.URL.Query()
			for _, sort := range query[search.SortQueryParam] {
				if SortUsesEmail(sort) {
					return e.BadRequestError(Message, nil)
				}
			}
			for _, filter := range query[search.FilterQueryParam] {
				if FilterUsesEmail(filter) {
					return e.BadRequestError(Message, nil)
				}
			}
			return e.Next()
		},
	})
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

// FilterUsesEmail tells whether a filter expression compares an email field anywhere, including
// inside groups and function arguments. A filter the tokenizer cannot read is judged by its text.
func FilterUsesEmail(filter string) bool {
	uses, err := tokensUseEmail(filter)
	if err != nil {
		return strings.Contains(strings.ToLower(filter), "email")
	}
	return uses
}

func tokensUseEmail(text string) (bool, error) {
	scanner := fexpr.NewScanner([]byte(text))
	for {
		token, err := scanner.Scan()
		if err != nil {
			return false, err
		}
		if token.Type == fexpr.TokenEOF {
			return false, nil
		}
		if uses, err := tokenUsesEmail(token); err != nil || uses {
			return uses, err
		}
	}
}

func tokenUsesEmail(token fexpr.Token) (bool, error) {
	switch token.Type {
	case fexpr.TokenIdentifier:
		return isEmail(token.Literal), nil
	case fexpr.TokenGroup:
		return tokensUseEmail(token.Literal)
	case fexpr.TokenFunction:
		args, _ := token.Meta.([]fexpr.Token)
		for _, arg := range args {
			if uses, err := tokenUsesEmail(arg); err != nil || uses {
				return uses, err
			}
		}
	}
	return false, nil
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
