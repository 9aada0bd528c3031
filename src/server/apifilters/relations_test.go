package apifilters

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
	_ "github.com/pocketbase/pocketbase/migrations" // PocketBase's system tables, for Bootstrap
)

// newApp has Hearth's shape in small: users; rooms owned by one user; messages in a room, by an
// author, mentioning many users.
func newApp(t *testing.T) core.App {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	if err := app.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	users, err := app.FindCollectionByNameOrId("users") // PocketBase's own first migration makes it
	if err != nil {
		t.Fatal(err)
	}
	users.Fields.Add(&core.TextField{Name: "username"})
	save(t, app, users)
	rooms := core.NewBaseCollection("rooms")
	rooms.Fields.Add(&core.TextField{Name: "name"}, &core.RelationField{Name: "owner", CollectionId: users.Id, MaxSelect: 1}, &core.JSONField{Name: "data"})
	save(t, app, rooms)
	messages := core.NewBaseCollection("messages")
	messages.Fields.Add(
		&core.TextField{Name: "body"},
		&core.RelationField{Name: "room", CollectionId: rooms.Id, MaxSelect: 1},
		&core.RelationField{Name: "author", CollectionId: users.Id, MaxSelect: 1},
		&core.RelationField{Name: "mentions", CollectionId: users.Id, MaxSelect: 1000},
	)
	save(t, app, messages)
	t.Cleanup(func() { app.ResetBootstrapState() })
	return app
}

func save(t *testing.T, app core.App, c *core.Collection) {
	t.Helper()
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
}

func TestFiltersThroughBackRelationsOrRelationsToManyAreRefused(t *testing.T) {
	app := newApp(t)
	users, _ := app.FindCollectionByNameOrId("users")
	messages, _ := app.FindCollectionByNameOrId("messages")
	for _, c := range []struct {
		collection *core.Collection
		filter     string
		refused    bool
	}{
		{users, `username = "ann" && messages_via_author.body !~ "a%"`, true},
		{users, `messages_via_author.body ?~ "a"`, true},
		{users, `messages_via_author:length > 2`, true},
		{users, `(username != "" && (MESSAGES_VIA_AUTHOR.body = "x"))`, true},
		{users, `strftime('%Y', messages_via_author.created) = "2026"`, true},
		{users, `@request.auth.messages_via_author.body = "x"`, true},
		{messages, `mentions.username != "ann"`, true},
		{messages, `room.owner.username = "ann" && mentions.username ~ "b"`, true},
		{messages, `@request.auth.id != "" && mentions.id ?= "x"`, true},
		{users, `username_via_x = 1`, true},
		{users, `username = "messages_via_author.body"`, false},
		{users, `username = "ann"`, false},
		{messages, `room.owner.username = "ann" && room.name ~ "x"`, false},
		{messages, `mentions ?= "abc" && mentions:length > 1 && mentions:each != ""`, false},
		{messages, `room.data.a.b = 1`, false},
		{messages, `@request.auth.username = "ann" && @request.query.x = 1`, false},
		{messages, ``, false},
	} {
		if got := Refused(app, c.collection, []string{c.filter}, nil); got != c.refused {
			t.Errorf("%s: %q refused = %v, want %v", c.collection.Name, c.filter, got, c.refused)
		}
	}
}

func TestSortsThroughBackRelationsOrRelationsToManyAreRefused(t *testing.T) {
	app := newApp(t)
	users, _ := app.FindCollectionByNameOrId("users")
	messages, _ := app.FindCollectionByNameOrId("messages")
	for _, c := range []struct {
		collection *core.Collection
		sort       string
		refused    bool
	}{
		{users, `-messages_via_author.created`, true},
		{messages, `created,mentions.username`, true},
		{messages, `-created,room.owner.username,@random`, false},
	} {
		if got := Refused(app, c.collection, nil, []string{c.sort}); got != c.refused {
			t.Errorf("%s: sort %q refused = %v, want %v", c.collection.Name, c.sort, got, c.refused)
		}
	}
}

func TestRealtimeTopicOptionsAreChecked(t *testing.T) {
	app := newApp(t)
	for topic, refused := range map[string]bool{
		`users/*?options={"query":{"filter":"messages_via_author.body !~ \"a%\""}}`:               true,
		`users/*?options=%7B%22query%22%3A%7B%22filter%22%3A%22messages_via_author.body%22%7D%7D`: true,
		`messages/*?options={"query":{"sort":"mentions.username"}}`:                               true,
		`messages/*?options={"query":{"filter":"room.name = \"x\""}}`:                             false,
		`messages/*?options={"headers":{"x":"messages_via_author"}}`:                              false,
		`messages/*`:             false,
		`rooms/abc`:              false,
		`nosuch/*?options={}`:    false,
		`users/*?options=nojson`: false,
	} {
		if got := topicRefused(app, topic); got != refused {
			t.Errorf("%s refused = %v, want %v", topic, got, refused)
		}
	}
}
