import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { StatusChange } from '../../core/status.js';
import type { Task } from '../../core/task.js';
import { commonDirOf } from '../../git/worktree-state.js';
import { openStore, type Store, storePath } from '../../store/db.js';
import { pausePoint } from '../../store/journal.js';
import { type HookRecordResult, payloadToRecord, recordHookEvent } from './hook-record.js';
import {
  CONTEXT_EVENTS,
  type HookPayload,
  type HookResponder,
  MAX_CONTEXT_CHARS,
} from './hook-responders.js';
import { drainHookSpool, logHookError, newSpoolId, spoolHookEvent } from './hook-spool.js';
import { sessionCommonDir } from './session-repo.js';

/** A hook must never stall the agent: wait this long for a busy store, then spool the event. */
const HOOK_BUSY_TIMEOUT_MS = 250;
/** How long the hook waits for git to name the repository before it falls back to BRAID_REPO. */
const GIT_TIMEOUT_MS = 2_000;

export interface HookInput {
  event: string;
  /** The raw stdin text (JSON payload; anything else is treated as an empty payload). */
  stdin: string;
  env: NodeJS.ProcessEnv;
  /** Where the hook process runs; the payload's cwd wins when it exists. */
  cwd: string;
}

export interface HookOutcome {
  task: string | null;
  change: StatusChange | null;
  /** What to print on stdout for the agent (hook JSON output), or null. */
  output: string | null;
  error: string | null;
  /** The store was busy or broken: the event waits in the spool for the next one to hold the store. */
  spooled: boolean;
  /** The repository's git common dir, when the event was recorded. */
  commonDir?: string;
}

/**
 * Records one hook event and its status change, and asks the responders what to tell the agent.
 * Never throws, and never loses the event: whatever fails (git, the store, a responder) the event
 * is recorded or spooled; other failures go to <commonDir>/braid/hook-errors.log.
 */
export async function receiveHook(
  input: HookInput,
  responders: readonly HookResponder[],
): Promise<HookOutcome> {
  const at = Date.now();
  const payload = parsePayload(input.stdin);
  const dir = existingDir(payload.cwd) ?? input.cwd;
  const task = input.env.BRAID_TASK || null;
  let commonDir: string | null = null;
  let store: Store | null = null;
  try {
    const found = await braidRepoOf(dir, input.env, (where, why) => logHookError(where, input.event, why));
    if ('skip' in found) return skip(null, found.skip);
    commonDir = found.commonDir;
    const where = commonDir;
    let answer: { recorded: HookRecordResult; output: string | null } | null;
    try {
      store = openStore(where, { busyTimeoutMs: HOOK_BUSY_TIMEOUT_MS });
      const s = store;
      // Events spooled earlier go in before ours, in their own transaction: ours failing must not undo them.
      drainHookSpool(s, where, (why) => logHookError(where, input.event, why));
      // The responders' reads and writes (a note marked delivered) share the event's transaction:
      // once the hook holds the store nothing else can be refused; a busy store spools the event,
      // and what the responders would have said waits for the session's next hook.
      answer = s.tx(() => {
        const recorded = recordHookEvent(s, { event: input.event, task, dir, payload });
        if (!recorded) return null;
        return { recorded, output: respond(recorded.task, input.event, payload, responders, s, where) };
      });
    } catch (err) {
      if (!isBusy(err)) logHookError(where, input.event, `store unusable, event spooled: ${describe(err)}`);
      return spool(where);
    }
    // Test seam: the store work is done; a test takes the store here to prove nothing else needs it.
    pausePoint('hook', 'recorded');
    if (!answer) return skip(commonDir, `no task for BRAID_TASK=${input.env.BRAID_TASK ?? ''} or ${dir}`);
    return {
      task: answer.recorded.task.name,
      change: answer.recorded.change,
      output: answer.output,
      error: null,
      spooled: false,
      commonDir,
    };
  } catch (err) {
    // Anything else that went wrong: the session's repository still gets the event.
    const where = commonDir ?? sessionCommonDir(input.env);
    logHookError(where, input.event, `event spooled after: ${describe(err)}`);
    if (where && existsSync(storePath(where))) {
      try {
        return spool(where);
      } catch (spoolErr) {
        return skip(where, `could not spool the event either: ${describe(spoolErr)}`);
      }
    }
    return { task: null, change: null, output: null, error: describe(err), spooled: false };
  } finally {
    store?.close();
  }

  function spool(where: string): HookOutcome {
    spoolHookEvent(where, {
      id: newSpoolId(),
      at,
      event: input.event,
      task,
      dir,
      payload: payloadToRecord(payload),
    });
    return { task: null, change: null, output: null, error: null, spooled: true };
  }

  function skip(where: string | null, why: string): HookOutcome {
    logHookError(where, input.event, why);
    return { task: null, change: null, output: null, error: why, spooled: false };
  }
}

/** SQLite's "database is locked": the store is fine, someone holds it longer than a hook may wait. */
function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) return true;
  return /database is locked/i.test((err as Error)?.message ?? '');
}

function describe(err: unknown): string {
  return (err as Error)?.stack ?? String(err);
}

function respond(
  task: Task,
  event: string,
  payload: HookPayload,
  responders: readonly HookResponder[],
  store: Store,
  commonDir: string,
): string | null {
  if (!CONTEXT_EVENTS.includes(event) || responders.length === 0) return null;
  const texts: string[] = [];
  for (const responder of responders) {
    try {
      // A savepoint each: a responder that throws undoes its own writes, not the event's.
      const text = store.tx(() => responder(task, event, payload, { store, commonDir }));
      if (text) texts.push(text);
    } catch (err) {
      logHookError(commonDir, event, `responder failed: ${(err as Error)?.stack ?? String(err)}`);
    }
  }
  if (texts.length === 0) return null;
  const additionalContext = texts.join('\n\n').slice(0, MAX_CONTEXT_CHARS);
  return JSON.stringify({ hookSpecificOutput: { hookEventName: event, additionalContext } });
}

type RepoFound = { commonDir: string } | { skip: string };

/**
 * The braid repository the event belongs to: the one git finds around `dir`, else (git failed or
 * slow, or `dir` lies outside braid's repository) the session's own, from BRAID_REPO.
 */
async function braidRepoOf(
  dir: string,
  env: NodeJS.ProcessEnv,
  log: (where: string, why: string) => void,
): Promise<RepoFound> {
  let found: string | null = null;
  let gitFailed: string | null = null;
  try {
    // Read from the checkout's files when plain: a git process is most of what a hook costs.
    found = commonDirOf(dir, env) ?? (await findCommonDir(dir));
  } catch (err) {
    gitFailed = (err as Error)?.message ?? String(err);
  }
  if (found && existsSync(storePath(found))) return { commonDir: found };
  const session = sessionCommonDir(env);
  if (session && existsSync(storePath(session))) {
    if (gitFailed)
      log(session, `git could not name the repository of ${dir} (${gitFailed}); used BRAID_REPO`);
    return { commonDir: session };
  }
  if (gitFailed) return { skip: `git could not name the repository of ${dir}: ${gitFailed}` };
  // Not a braid repository: leave no trace in it.
  return { skip: found ? `no braid state in ${found}` : `not inside a git repository: ${dir}` };
}

async function findCommonDir(cwd: string): Promise<string | null> {
  // Loaded only here: most hooks name their repository from its files, and the runner's modules cost start-up time.
  const { run } = await import('../../exec/run.js');
  const res = await run('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], {
    cwd,
    timeoutMs: GIT_TIMEOUT_MS,
    allowFailure: true,
    // A git that hangs (or a wrapper of it) is ended whole at the timeout.
    processGroup: true,
  });
  const dir = res.code === 0 ? res.stdout.trim() : '';
  return dir ? realpathSync(dir) : null;
}

/** A hook's stdin as its payload: anything but a JSON object is an empty one. */
export function parsePayload(text: string): HookPayload {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as HookPayload) : {};
  } catch {
    return {};
  }
}

function existingDir(p: unknown): string | null {
  if (typeof p !== 'string' || !path.isAbsolute(p)) return null;
  try {
    return statSync(p).isDirectory() ? realpathSync(p) : null;
  } catch {
    return null;
  }
}
