package main

import (
	"os"
	"path/filepath"

	"github.com/pocketbase/pocketbase"
)

// version is Hearth's release (package.json's version), set at link time:
// -ldflags "-X main.version=0.3.0" (see the Makefile). A build without it says "dev".
var version = "dev"

// versionLine is what --version prints: Hearth's release and the PocketBase it is built on.
func versionLine() string {
	return version + " (PocketBase v" + pocketbase.Version + ")"
}

// releaseDir is the folder the executable is in (symlinks resolved), where an unpacked release keeps
// pb_data, pb_hooks, pb_migrations and pb_public beside it.
//
// note: not PocketBase's own default, which treats an executable under the temp dir like `go run`
// and then uses the working directory: an unpacked release must serve from its folder wherever that
// is and whatever the working directory.
func releaseDir() string {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return "."
	}
	return filepath.Dir(exe)
}
