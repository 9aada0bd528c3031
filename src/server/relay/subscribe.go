package relay

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Limits of PocketBase's own subscribe endpoint (POST /api/realtime), which otherwise takes up to
// 1,000 topics of up to 2,500 bytes each, whatever they are.
const (
	MaxTopics    = 50
	MaxTopicSize = 250
)

// hearthTopic matches the topics Hearth publishes to (src/realtime/topics.ts): a room's, and "me",
// where each event names the one person (or the room's readers) it is for.
var hearthTopic = regexp.MustCompile(`^(rooms/[a-z0-9]{15}|me)$`)

// bindSubscribeGuard refuses, with 400, a subscribe request with too many topics, a topic too long,
// or a topic nothing ever publishes to. An empty list (unsubscribe from everything) stays allowed.
func (r *Relay) bindSubscribeGuard() {
	r.app.OnRealtimeSubscribeRequest().Bind(&hook.Handler[*core.RealtimeSubscribeRequestEvent]{
		Id:       "hearthSubscribeTopics",
		Priority: -1000, // before any other handler sees the topics
		Func: func(e *core.RealtimeSubscribeRequestEvent) error {
			if len(e.Subscriptions) > MaxTopics {
				return e.BadRequestError("Invalid realtime subscriptions.", validation.Errors{
					"subscriptions": validation.NewError("validation_too_many_topics", "At most "+strconv.Itoa(MaxTopics)+" topics."),
				})
			}
			invalid := validation.Errors{}
			for i, topic := range e.Subscriptions {
				if err := checkTopic(e.App, topic); err != nil {
					invalid[strconv.Itoa(i)] = err
				}
			}
			if len(invalid) > 0 {
				return e.BadRequestError("Invalid realtime subscriptions.", validation.Errors{"subscriptions": invalid})
			}
			return e.Next()
		},
	})
}

// checkTopic accepts the topics something publishes to: Hearth's rooms/<id>, and PocketBase's
// record topics (apis/realtime.go) <collection>/* and <collection>/<record id>, plus the
// deprecated bare <collection> PocketBase still publishes to, each optionally followed by
// ?options=<json>, for a collection that exists (by its exact name or id, as PocketBase matches)
// and a record id its id field accepts.
func checkTopic(app core.App, topic string) error {
	if len(topic) > MaxTopicSize {
		return validation.NewError("validation_topic_too_long", "A topic has at most "+strconv.Itoa(MaxTopicSize)+" bytes.")
	}
	if topic == "" || hearthTopic.MatchString(topic) {
		return nil // PocketBase skips an empty topic
	}
	unknown := validation.NewError("validation_unknown_topic", "Nothing is published to this topic.")
	base, query, hasQuery := strings.Cut(topic, "?")
	if hasQuery && !validOptions(query) {
		return validation.NewError("validation_invalid_topic_options", "Topic options must be options=<JSON object>.")
	}
	collection, record, hasRecord := strings.Cut(base, "/")
	if collection == "" || (hasRecord && (record == "" || strings.Contains(record, "/"))) {
		return unknown
	}
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil || (c.Name != collection && c.Id != collection) {
		return unknown
	}
	// a record id the collection's id field would refuse is never published to (so rooms/lobby,
	// a room's slug, is refused: Hearth has a rooms collection with 15-character ids)
	if id, ok := c.Fields.GetByName(core.FieldNameId).(*core.TextField); ok && hasRecord && record != "*" {
		if id.ValidatePlainValue(record) != nil {
			return unknown
		}
	}
	return nil
}

// validOptions is true for "options=<JSON object>", URL-encoded or not, as PocketBase's client
// reads it (tools/subscriptions).
func validOptions(query string) bool {
	values, err := url.ParseQuery(query)
	if err != nil || len(values) != 1 || len(values["options"]) != 1 {
		return false
	}
	var options map[string]any
	return json.Unmarshal([]byte(values["options"][0]), &options) == nil
}
