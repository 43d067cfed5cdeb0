/** Stable error codes: scripts and tests match on these, so add new ones rather than renaming. */
export type ErrorCode =
  | 'E_USAGE'
  | 'E_CONFIG'
  | 'E_NOT_A_REPO'
  | 'E_NO_COMMITS'
  | 'E_DETACHED_HEAD'
  | 'E_GIT_TOO_OLD'
  | 'E_GIT'
  | 'E_TOOL_MISSING'
  | 'E_PROCESS'
  | 'E_TIMEOUT'
  | 'E_BAD_NAME'
  | 'E_TASK_EXISTS'
  | 'E_NO_TASK'
  | 'E_BAD_REF'
  | 'E_PATH_ESCAPE'
  | 'E_DIRTY_WORKTREE'
  | 'E_UNLANDED_WORK'
  | 'E_NO_PORTS'
  | 'E_LOCKED'
  | 'E_SETUP_FAILED'
  | 'E_STORE'
  | 'E_AGENT_MISSING'
  | 'E_SESSION'
  | 'E_CONFLICT'
  | 'E_GATE_FAILED'
  | 'E_MAIN_MOVED'
  | 'E_PLAN'
  | 'E_SANDBOX'
  | 'E_LIMITS'
  | 'E_DATABASE'
  | 'E_BUDGET'
  | 'E_BACKEND'
  | 'E_INTERRUPTED';

/** Exit codes from DESIGN.md: 0 ok, 1 failed, 2 usage/config, 3 conflict or gate failure, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, conflict: 3, interrupted: 130 } as const;

const exitByCode: Partial<Record<ErrorCode, number>> = {
  E_USAGE: EXIT.usage,
  E_CONFIG: EXIT.usage,
  E_BAD_NAME: EXIT.usage,
  E_PLAN: EXIT.usage,
  E_CONFLICT: EXIT.conflict,
  E_GATE_FAILED: EXIT.conflict,
  E_INTERRUPTED: EXIT.interrupted,
};

/** A known failure: printed as message + hint without a stack. */
export class BraidError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, hint?: string, details?: unknown) {
    super(message);
    this.name = 'BraidError';
    this.code = code;
    this.hint = hint;
    this.details = details;
  }

  get exitCode(): number {
    return exitByCode[this.code] ?? EXIT.failed;
  }
}

export function isBraidError(err: unknown, code?: ErrorCode): err is BraidError {
  return err instanceof BraidError && (code === undefined || err.code === code);
}
