/**
 * The process joins the cgroup before exec, so the agent and everything it forks (daemons with
 * setsid included) start inside it: no window where a child escapes accounting or killing.
 * The script is constant; the cgroup files and the argv are positional arguments, never spliced.
 */
const JOIN_THEN_EXEC =
  'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';

/** `sh -c <script> sh <count> <procs files…> <argv…>`: exits 125 when the cgroup cannot be joined. */
export function execInCgroupArgv(procsFiles: readonly string[], argv: readonly string[]): string[] {
  if (argv.length === 0) throw new Error('execInCgroupArgv: empty argv');
  return ['sh', '-c', JOIN_THEN_EXEC, 'sh', String(procsFiles.length), ...procsFiles, ...argv];
}
