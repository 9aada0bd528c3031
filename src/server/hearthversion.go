package main

// hearthVersion is the version the health answer reports: Hearth's release (release.go).
func hearthVersion() string {
	return version
}
