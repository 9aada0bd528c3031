package main

// hearthRelease is Hearth's release (package.json's version), set at link time by the Makefile
// (-X main.hearthRelease=...); a build without it says "dev".
var hearthRelease = "dev"

// hearthVersion is the version the health answer reports.
func hearthVersion() string {
	return hearthRelease
}
