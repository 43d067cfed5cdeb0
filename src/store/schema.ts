/**
 * Schema migrations, applied in order by user_version. Append new entries; never edit a shipped one.
 */
export const MIGRATIONS: string[] = [
  // 1: tasks, port leases, named locks, the intent journal, the event log.
  `
  CREATE TABLE tasks (
    name TEXT PRIMARY KEY,
    branch TEXT NOT NULL,
    worktree TEXT NOT NULL,
    base TEXT NOT NULL,
    base_commit TEXT NOT NULL,
    agent TEXT NOT NULL,
    prompt TEXT,
    runtime TEXT NOT NULL DEFAULT 'tmux',
    status TEXT NOT NULL,
    status_source TEXT NOT NULL DEFAULT 'process',
    status_since INTEGER NOT NULL,
    status_detail TEXT,
    exit_code INTEGER,
    pid INTEGER,
    agent_session_id TEXT,
    transcript_path TEXT,
    log_path TEXT,
    needs TEXT NOT NULL DEFAULT '[]',
    run_id TEXT,
    landed_commit TEXT,
    options TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE port_leases (
    port INTEGER PRIMARY KEY,
    task TEXT NOT NULL,
    name TEXT,
    leased_at INTEGER NOT NULL
  );
  CREATE INDEX port_leases_task ON port_leases(task);
  CREATE TABLE locks (
    name TEXT PRIMARY KEY,
    pid INTEGER NOT NULL,
    pid_start TEXT,
    holder TEXT NOT NULL,
    acquired_at INTEGER NOT NULL
  );
  CREATE TABLE operations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task TEXT NOT NULL,
    kind TEXT NOT NULL,
    done_steps TEXT NOT NULL DEFAULT '[]',
    data TEXT NOT NULL DEFAULT '{}',
    pid INTEGER NOT NULL,
    pid_start TEXT,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    outcome TEXT
  );
  CREATE INDEX operations_open ON operations(task) WHERE finished_at IS NULL;
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    task TEXT,
    kind TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX events_task ON events(task, id);
  `,
  // 2: the conflict radar: last snapshot per task, cached pair results, findings already told to agents.
  `
  CREATE TABLE radar_snapshots (
    task TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    commit_id TEXT NOT NULL,
    tree TEXT NOT NULL,
    head TEXT NOT NULL,
    taken_at INTEGER NOT NULL
  );
  CREATE TABLE radar_pairs (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    a_tree TEXT NOT NULL,
    b_tree TEXT NOT NULL,
    kind TEXT NOT NULL,
    files TEXT NOT NULL DEFAULT '[]',
    lines TEXT,
    computed_at INTEGER NOT NULL,
    PRIMARY KEY (a, b, kind)
  );
  CREATE INDEX radar_pairs_b ON radar_pairs(b);
  CREATE TABLE radar_notified (
    task TEXT NOT NULL,
    finding_key TEXT NOT NULL,
    notified_at INTEGER NOT NULL,
    PRIMARY KEY (task, finding_key)
  );
  `,
  // 3: the merge queue: one row per landing attempt of a task, processed in id order.
  `
  CREATE TABLE queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task TEXT NOT NULL,
    enqueued_at INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    attempt INTEGER NOT NULL DEFAULT 0,
    candidate TEXT,
    main_before TEXT,
    tip TEXT,
    gate_log TEXT,
    reason TEXT,
    conflict_files TEXT NOT NULL DEFAULT '[]',
    prev_status TEXT,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX queue_task ON queue(task, id);
  `,
  // 4: usage samples the supervisor takes: the latest per task (for braid ls) and a sparse history (for charts).
  `
  CREATE TABLE usage_latest (
    task TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
    rss_bytes INTEGER,
    cpu_percent REAL,
    processes INTEGER NOT NULL DEFAULT 0,
    tokens TEXT,
    cost_usd REAL
  );
  CREATE TABLE usage_samples (
    task TEXT NOT NULL,
    at INTEGER NOT NULL,
    rss_bytes INTEGER,
    cpu_percent REAL,
    tokens TEXT,
    cost_usd REAL,
    PRIMARY KEY (task, at)
  );
  `,
  // 5: braid note: notes shared with every session, and which task has received which note.
  `
  CREATE TABLE notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE note_deliveries (
    note_id INTEGER NOT NULL,
    task TEXT NOT NULL,
    via TEXT NOT NULL,
    delivered_at INTEGER NOT NULL,
    PRIMARY KEY (note_id, task)
  );
  `,
  // 6: every transcript a task's sessions wrote (a fresh start makes a new one; usage sums them all).
  `
  ALTER TABLE tasks ADD COLUMN transcript_paths TEXT NOT NULL DEFAULT '[]';
  UPDATE tasks SET transcript_paths = json_array(transcript_path) WHERE transcript_path IS NOT NULL;
  `,
  // 7: hook events ingested from the spool (<commonDir>/braid/hook-spool.jsonl), so none is applied twice.
  `
  CREATE TABLE hook_spool_applied (
    id TEXT PRIMARY KEY,
    applied_at INTEGER NOT NULL
  );
  `,
  // 8: event kinds named <area>.<what>, one union (src/core/events.ts): rows of earlier braids renamed;
  // where a long-lived reader of the event feed (the supervisor's log) stopped, so the next one goes on from there.
  `
  UPDATE events SET kind = CASE kind
    WHEN 'hook' THEN 'hook.received'
    WHEN 'status' THEN 'status.changed'
    WHEN 'session-started' THEN 'session.started'
    WHEN 'budget-warning' THEN 'budget.warned'
    WHEN 'budget-stopping' THEN 'budget.stopping'
    WHEN 'budget-stopped' THEN 'budget.stopped'
    WHEN 'plan-started' THEN 'plan.task-started'
    WHEN 'plan-state' THEN 'plan.task-state'
    WHEN 'plan-revived' THEN 'plan.task-revived'
  END
  WHERE kind IN ('hook', 'status', 'session-started', 'budget-warning', 'budget-stopping', 'budget-stopped',
    'plan-started', 'plan-state', 'plan-revived');
  CREATE INDEX events_kind ON events(kind, id);
  CREATE TABLE event_cursors (
    name TEXT PRIMARY KEY,
    event_id INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  // 9: notifications: one row per event and channel, so each is delivered once across supervisors, with its retries;
  // each task's disk use as last measured (the supervisor's disk loop, braid ls --fresh).
  `
  CREATE TABLE notify_deliveries (
    event_id INTEGER NOT NULL,
    channel TEXT NOT NULL,
    task TEXT,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (event_id, channel)
  );
  CREATE INDEX notify_deliveries_due ON notify_deliveries(state, next_at);
  CREATE TABLE task_disk (
    task TEXT PRIMARY KEY,
    bytes INTEGER NOT NULL,
    measured_at INTEGER NOT NULL
  );
  `,
  // 10: each task's changes against its base (ahead, behind, changed paths), keyed by what they were
  // computed from, so braid ls reuses them instead of asking git again (src/watch/monitor/task-changes.ts).
  `
  CREATE TABLE task_changes (
    task TEXT PRIMARY KEY,
    head TEXT NOT NULL,
    base_commit TEXT NOT NULL,
    ahead INTEGER NOT NULL,
    behind INTEGER NOT NULL,
    committed TEXT NOT NULL,
    dirty TEXT NOT NULL,
    index_sig TEXT NOT NULL,
    dirty_at INTEGER NOT NULL,
    dirty_by TEXT NOT NULL
  );
  `,
];
