import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventLine } from '../src/core/event-lines.js';
import { EVENT_KINDS, eventKindOf, isEventKind, LEGACY_EVENT_KINDS } from '../src/core/events.js';
import { openStore, type Store, storePath } from '../src/store/db.js';
import { appendEvent, EventFeed, latestRefusals, listEvents } from '../src/store/events.js';
import { MIGRATIONS } from '../src/store/schema.js';

let dir: string;
let store: Store | null = null;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'braid-events-'));
});

afterEach(() => {
  store?.close();
  store = null;
  rmSync(dir, { recursive: true, force: true });
});

/** A store as braid left it before the union (schema 7), with events of the names it wrote then. */
function oldStore(rows: Array<[task: string | null, kind: string, data: unknown]>): void {
  const file = storePath(dir);
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  for (const sql of MIGRATIONS.slice(0, 7)) db.exec(sql);
  db.pragma('user_version = 7');
  const insert = db.prepare('INSERT INTO events (at, task, kind, data) VALUES (?, ?, ?, ?)');
  for (const [i, [task, kind, data]] of rows.entries())
    insert.run(1000 + i, task, kind, JSON.stringify(data));
  db.close();
}

const storedKinds = (store: Store) =>
  (store.db.prepare('SELECT kind FROM events ORDER BY id').all() as Array<{ kind: string }>).map(
    (r) => r.kind,
  );

describe('the event union', () => {
  it('opens a store with the old kinds and reads every one under its new name', () => {
    const old = Object.keys(LEGACY_EVENT_KINDS);
    oldStore([
      ...old.map((kind): [string, string, unknown] => ['t1', kind, { reason: kind }]),
      ['t1', 'land.handed-back', { files: ['a.txt'] }],
    ]);
    store = openStore(dir);
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    // The rows themselves are renamed: SQL readers see the new names too.
    expect(storedKinds(store)).toEqual([...old.map((k) => LEGACY_EVENT_KINDS[k]), 'land.handed-back']);
    const events = listEvents(store, { task: 't1' });
    expect(events.map((e) => e.kind)).toEqual([
      'hook.received',
      'status.changed',
      'session.started',
      'budget.warned',
      'budget.stopping',
      'budget.stopped',
      'plan.task-started',
      'plan.task-state',
      'plan.task-revived',
      'land.handed-back',
    ]);
    expect(events[5].data).toEqual({ reason: 'budget-stopped' });
    // Readers that count by kind see the old rows.
    expect(listEvents(store, { task: 't1', kinds: ['budget.stopped', 'land.handed-back'] })).toHaveLength(2);
  });

  it('keeps the refusals of the latest session across the rename', () => {
    const denial = (tool: string) => ({ denials: [{ tool, target: null }] });
    oldStore([
      ['t1', 'session-started', {}],
      ['t1', 'agent.permission-denied', denial('Write')],
      ['t1', 'session-started', {}],
      ['t1', 'agent.permission-denied', denial('Bash')],
    ]);
    store = openStore(dir);
    expect(latestRefusals(store, 't1')).toEqual([{ tool: 'Bash', target: null }]);
  });

  it('reads an old name an older braid still running writes after the upgrade, and skips unknown kinds', () => {
    store = openStore(dir);
    const insert = store.db.prepare('INSERT INTO events (at, task, kind, data) VALUES (?, ?, ?, ?)');
    insert.run(1, 't1', 'budget-warning', JSON.stringify({ reason: 'late' }));
    insert.run(2, 't1', 'something.newer', '{}');
    appendEvent(store, 't1', 'budget.warned', { reason: 'now' });
    const warned = listEvents(store, { kinds: ['budget.warned'] });
    expect(warned.map((e) => e.data.reason)).toEqual(['late', 'now']);
    expect(listEvents(store).map((e) => e.kind)).toEqual(['budget.warned', 'budget.warned']);
  });

  it('names every kind <area>.<what>, and maps every old name to one of them', () => {
    for (const kind of EVENT_KINDS) expect(kind).toMatch(/^[a-z]+\.[a-z-]+$/);
    for (const [old, now] of Object.entries(LEGACY_EVENT_KINDS)) {
      expect(isEventKind(old)).toBe(false);
      expect(eventKindOf(old)).toBe(now);
      expect(EVENT_KINDS).toContain(now);
    }
    expect(eventKindOf('land.landed')).toBe('land.landed');
    expect(eventKindOf('hook.nonsense')).toBeNull();
  });

  it('puts events in words for the progress and the dashboards', () => {
    store = openStore(dir);
    appendEvent(store, 't1', 'budget.warned', { reason: 'task used 85 %' });
    appendEvent(store, 't1', 'land.landed', { commit: '0123456789abcdef', mainBefore: 'f00' });
    appendEvent(store, 't1', 'hook.received', { event: 'Stop' });
    const run = {
      commit: 'abcdef0123456789',
      tree: 't',
      passed: true,
      seconds: 2,
      log: null,
      batch: 1,
      prefix: 5,
    };
    appendEvent(store, 't1', 'land.gate-run', { ...run, without: ['t0'] });
    const lines = listEvents(store).map(eventLine);
    expect(lines).toEqual([
      't1: budget warning: task used 85 %',
      't1: landed 0123456789',
      null,
      't1: gate passed on abcdef0123 (without t0)',
    ]);
  });

  it('type-checks kinds and data: a wrong kind or shape does not compile (npm run check)', () => {
    store = openStore(dir);
    const db = store;
    const wrong = () => {
      // @ts-expect-error: an old name is no kind of the union
      appendEvent(db, 't1', 'budget-warning', { reason: 'x' });
      // @ts-expect-error: budget.warned carries a reason
      appendEvent(db, 't1', 'budget.warned', { why: 'x' });
      // @ts-expect-error: a landing records its commit
      appendEvent(db, 't1', 'land.landed', { mainBefore: 'a' });
    };
    expect(wrong).toBeTypeOf('function');
  });
});

describe('the event feed', () => {
  it('hands out each new event once, in order, from where it was made', () => {
    store = openStore(dir);
    appendEvent(store, 't1', 'land.queued', { entry: 1 });
    const fromNow = new EventFeed(store);
    const fromStart = new EventFeed(store, { from: 'start' });
    appendEvent(store, 't1', 'land.rejected', { reason: 'red' });
    appendEvent(store, 't2', 'land.queued', { entry: 2 });
    expect(fromNow.next().map((e) => e.kind)).toEqual(['land.rejected', 'land.queued']);
    expect(fromNow.next()).toEqual([]);
    expect(fromStart.next({ limit: 2 }).map((e) => e.data)).toEqual([{ entry: 1 }, { reason: 'red' }]);
    expect(fromStart.next().map((e) => e.task)).toEqual(['t2']);
  });

  it('moves past what a filtered read skipped, never past an event recorded after it', () => {
    store = openStore(dir);
    const feed = new EventFeed(store);
    appendEvent(store, 't1', 'hook.received', { event: 'Stop' });
    appendEvent(store, 't1', 'land.queued', { entry: 1 });
    expect(feed.next({ kinds: ['land.queued'] }).map((e) => e.id)).toEqual([2]);
    appendEvent(store, 't1', 'land.queued', { entry: 2 });
    expect(feed.next().map((e) => e.data)).toEqual([{ entry: 2 }]);
  });
});
