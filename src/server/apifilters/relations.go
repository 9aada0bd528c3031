package apifilters

// PocketBase v0.39.11 checks a related collection's list rule when a filter reaches it through a
// relation, except in the subquery it builds for multi-valued paths with any operator but the
// "any" ones (?=, ?~ …): that subquery reads every row (core/record_field_resolver.go, "the joins
// are not applied for multi-match conditions"). Any signed-in person may list users, so
// `username = "ann" && messages_via_author.body !~ "a%"` told whether some message of Ann's, in
// any private room or conversation, or hidden by the community, matched: a DM's text came out in
// a few hundred requests. Hearth's pages never use the REST API's filters and nothing a person
// may read needs such a path, so they are refused outright, in list requests and in the options
// of PocketBase's realtime subscriptions, which filter the same way.

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"
)

// RelationsMessage is the 400 a non-superuser gets.
const RelationsMessage = "Filters and sorts cannot go through back-relations or relations to many records."

// Refused tells whether any of the filters or sorts goes through a back-relation or a relation to
// many records of collection. A filter the tokenizer cannot read is refused if it names "_via_".
func Refused(app core.App, collection *core.Collection, filters, sorts []string) bool {
	for _, filter := range filters {
		if filterRefused(app, collection, filter) {
			return true
		}
	}
	for _, sort := range sorts {
		for _, field := range search.ParseSortFromString(sort) {
			if pathRefused(app, collection, field.Name) {
				return true
			}
		}
	}
	return false
}

// topicRefused reads a realtime topic's options ("messages/*?options={"query":{"filter":…}}", as
// PocketBase's subscriptions client does) and checks its filter and sort.
func topicRefused(app core.App, topic string) bool {
	base, rawQuery, ok := strings.Cut(topic, "?")
	if !ok {
		return false
	}
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return strings.Contains(strings.ToLower(rawQuery), "_via_")
	}
	var options struct {
		Query map[string]any `json:"query"`
	}
	if raw := values.Get("options"); raw == "" || json.Unmarshal([]byte(raw), &options) != nil {
		return false // PocketBase ignores options it cannot read
	}
	name, _, _ := strings.Cut(base, "/")
	collection, err := app.FindCachedCollectionByNameOrId(name)
	if err != nil {
		return false // nothing is published to it (the relay's topic check refuses it)
	}
	text := func(key string) []string {
		if v, ok := options.Query[key]; ok {
			s, _ := v.(string)
			return []string{s}
		}
		return nil
	}
	return Refused(app, collection, text(search.FilterQueryParam), text(search.SortQueryParam))
}

func filterRefused(app core.App, collection *core.Collection, filter string) bool {
	refused, err := anyIdentifier(filter, func(identifier string) bool { return pathRefused(app, collection, identifier) })
	if err != nil {
		return strings.Contains(strings.ToLower(filter), "_via_")
	}
	return refused
}

// pathRefused follows an identifier ("room.owner.name", "@request.auth.memberships_via_user.room")
// from its collection and tells whether it passes a back-relation or a relation to many records
// on the way to its last field. The last field may itself be a relation to many: its value is the
// record's own list of ids.
func pathRefused(app core.App, collection *core.Collection, identifier string) bool {
	if strings.Contains(strings.ToLower(identifier), "_via_") {
		return true
	}
	segments := strings.Split(strings.TrimSpace(identifier), ".")
	if strings.HasPrefix(segments[0], "@") {
		if len(segments) < 3 || segments[0] != "@request" || segments[1] != "auth" {
			return false // @request.query, @request.body, @now …: no relation to follow here
		}
		// superusers are never checked, so the one signed in is one of Hearth's users
		users, err := app.FindCachedCollectionByNameOrId("users")
		if err != nil {
			return false
		}
		collection, segments = users, segments[2:]
	}
	current := collection
	for _, segment := range segments[:len(segments)-1] {
		name, _, _ := strings.Cut(segment, ":")
		relation, ok := current.Fields.GetByName(name).(*core.RelationField)
		if !ok {
			return false // a JSON field's path, or no field: PocketBase answers that itself
		}
		if relation.IsMultiple() {
			return true
		}
		next, err := app.FindCachedCollectionByNameOrId(relation.CollectionId)
		if err != nil {
			return false
		}
		current = next
	}
	return false
}
