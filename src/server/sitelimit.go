package main

import "github.com/pocketbase/pocketbase/core"

// siteLimit is an admin's "uses/seconds" for a limit from the settings row (src/site/settings.ts),
// or "" when it is empty or there is no row.
func siteLimit(app core.App, field string) string {
	var raw string
	err := app.DB().Select(field).From("settings").Limit(1).Row(&raw)
	if err != nil {
		return ""
	}
	return raw
}
