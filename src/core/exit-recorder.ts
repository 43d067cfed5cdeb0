/**
 * The shell lines that run an agent ("$@") and write its exit code to $BRAID_EXIT_FILE (temp file, then a
 * rename, so a reader never sees half a record), shared by the tmux pane and the container. The traps are
 * handlers, not ignores, so the agent keeps default signals; the script outlives Ctrl-C/TERM/HUP only to
 * write the record.
 */
export const RECORD_EXIT_LINES = [
  'trap : INT TERM HUP',
  '"$@"',
  'code=$?',
  'printf \'{"exitCode":%s,"signal":null,"endedAt":"%s"}\\n\' "$code" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$BRAID_EXIT_FILE.tmp" && mv -f "$BRAID_EXIT_FILE.tmp" "$BRAID_EXIT_FILE"',
  'exit "$code"',
];
