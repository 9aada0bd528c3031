// Package apifilters keeps PocketBase's REST API from revealing, through the filters and sorts of
// list requests and of realtime subscriptions, what its rules hide. Superusers are never checked.
//
//   - email.go: no sorting or filtering by a hidden email address.
//   - relations.go: no path through a back-relation or a relation to many records, which PocketBase
//     reads without the related collection's rules.
//
// Go hooks rather than JS ones: they need no JS runtime per list call, and they read a filter with
// PocketBase's own tokenizer (fexpr), so quoted text that merely looks like a field is not refused
// and no spelling of an identifier slips through.
package apifilters

import (
	"github.com/ganigeorgiev/fexpr"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/search"
)

// Register binds both checks to list requests, and the relation check to realtime subscriptions.
func Register(app core.App) {
	app.OnRecordsListRequest().Bind(&hook.Handler[*core.RecordsListRequestEvent]{
		Id: "hearthApiFilters",
		Func: func(e *core.RecordsListRequestEvent) error {
			if e.HasSuperuserAuth() {
				return e.Next()
			}
			query := e.Request.URL.Query()
			filters, sorts := query[search.FilterQueryParam], query[search.SortQueryParam]
			if usesEmail(filters, sorts) {
				return e.BadRequestError(EmailMessage, nil)
			}
			if Refused(e.App, e.Collection, filters, sorts) {
				return e.BadRequestError(RelationsMessage, nil)
			}
			return e.Next()
		},
	})
	app.OnRealtimeSubscribeRequest().Bind(&hook.Handler[*core.RealtimeSubscribeRequestEvent]{
		Id: "hearthApiFilters",
		Func: func(e *core.RealtimeSubscribeRequestEvent) error {
			if e.HasSuperuserAuth() {
				return e.Next()
			}
			for _, topic := range e.Subscriptions {
				if topicRefused(e.App, topic) {
					return e.BadRequestError(RelationsMessage, nil)
				}
			}
			return e.Next()
		},
	})
}

// anyIdentifier tells whether test holds for an identifier anywhere in a filter expression,
// inside groups and function arguments too; an error if the tokenizer cannot read it.
func anyIdentifier(text string, test func(identifier string) bool) (bool, error) {
	scanner := fexpr.NewScanner([]byte(text))
	for {
		token, err := scanner.Scan()
		if err != nil {
			return false, err
		}
		if token.Type == fexpr.TokenEOF {
			return false, nil
		}
		if found, err := tokenHas(token, test); err != nil || found {
			return found, err
		}
	}
}

func tokenHas(token fexpr.Token, test func(string) bool) (bool, error) {
	switch token.Type {
	case fexpr.TokenIdentifier:
		return test(token.Literal), nil
	case fexpr.TokenGroup:
		return anyIdentifier(token.Literal, test)
	case fexpr.TokenFunction:
		args, _ := token.Meta.([]fexpr.Token)
		for _, arg := range args {
			if found, err := tokenHas(arg, test); err != nil || found {
				return found, err
			}
		}
	}
	return false, nil
}
