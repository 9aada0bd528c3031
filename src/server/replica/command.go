package replica

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
)

// NewRestoreCommand is `restore`: the replica's newest state (or its state at --at) becomes
// data.db in --dir, which must not hold one yet.
//
// note: it must run outside PocketBase's Execute, which opens (and so creates) data.db in the
// data dir before any command runs, and exits 0 when a command fails. main.go runs it first.
func NewRestoreCommand() *cobra.Command {
	var dir, url, at string
	cmd := &cobra.Command{
		Use:           "restore",
		Short:         "Restores data.db from the replica (HEARTH_REPLICA) into an empty data dir",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if url == "" {
				return errors.New("no replica: set HEARTH_REPLICA or pass --replica")
			}
			var when time.Time
			if at != "" {
				t, err := time.Parse(time.RFC3339, at)
				if err != nil {
					return fmt.Errorf("--at %q: want a time like 2026-11-29T17:00:00Z", at)
				}
				when = t
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			out := filepath.Join(dir, "data.db")
			if err := Restore(context.Background(), url, out, when); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Restored %s from %s\n", out, url)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "pb_data", "the data dir to restore into")
	cmd.Flags().StringVar(&url, "replica", URLFromEnv(), "the replica: a folder, file:// or s3:// URL")
	cmd.Flags().StringVar(&at, "at", "", "restore the state at this time (RFC 3339) instead of the newest")
	return cmd
}

// NewListedRestoreCommand is the restore command as PocketBase's root command lists it: reached
// only when `restore` is not the first argument (e.g. after --dir), when PocketBase has already
// opened its data dir, so it only says how to run it, and exits 1 itself (PocketBase would exit 0).
func NewListedRestoreCommand() *cobra.Command {
	cmd := NewRestoreCommand()
	cmd.RunE = func(*cobra.Command, []string) error {
		fmt.Fprintln(os.Stderr, "restore: write it first: pocketbase restore --dir <empty folder> [--replica <url>]")
		os.Exit(1)
		return nil
	}
	return cmd
}

// RunRestore runs the restore command with args and tells the process's exit code.
func RunRestore(args []string) int {
	cmd := NewRestoreCommand()
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "restore:", err)
		return 1
	}
	return 0
}
