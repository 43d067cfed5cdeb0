import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PRICING } from '../../src/core/pricing-table.js';
import { parseCodexJsonLog, parseStreamJsonLog } from '../../src/core/stream-json.js';
import type { Task } from '../../src/core/task.js';
import { parseUsageLine, totalsByDay, totalsOf, UsageLedger } from '../../src/core/usage.js';
import {
  encodeProjectDir,
  jsonlFilesUnder,
  projectDirFor,
  sessionIdOfFile,
  UsageReader,
} from '../../src/watch/monitor/transcripts.js';
import { TaskUsageTracker } from '../../src/watch/monitor/usage-of-task.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/transcripts');
const CLAUDE_DIR = path.join(FIXTURES, 'claude');
const ALPHA = path.join(CLAUDE_DIR, 'projects/-tmp-braid-fixture-repo-braid-alpha');
const BETA = path.join(CLAUDE_DIR, 'projects/-tmp-braid-fixture-repo-braid-beta');
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('transcript usage (fixtures, totals computed by hand)', () => {
  it('counts the alpha worktree: streaming copies, sidechain replay, resume copy, costUSD', () => {
    const totals = new UsageReader(jsonlFilesUnder(ALPHA)).read();
    expect(totals.tokens).toEqual({ input: 204, output: 506, cacheCreation: 3000, cacheRead: 7500 });
    expect(totals.costUsd).toBeCloseTo(0.272667, 9);
    expect(totals.unpricedModels).toEqual([]);
  });

  it('leaves the cost of an unknown model unknown, never zero', () => {
    const totals = new UsageReader(jsonlFilesUnder(BETA)).read();
    expect(totals.tokens).toEqual({ input: 1100, output: 600, cacheCreation: 0, cacheRead: 10000 });
    expect(totals.costUsd).toBeNull();
    expect(totals.knownCostUsd).toBeCloseTo(0.0225, 9);
    expect(totals.unpricedModels).toEqual(['acme-llm-1']);
  });

  it('equals ccusage 20.0.24 on the same files (recorded by record-ccusage.sh)', () => {
    const cc = JSON.parse(readFileSync(path.join(FIXTURES, 'ccusage-daily.json'), 'utf8'));
    const reader = new UsageReader(jsonlFilesUnder(path.join(CLAUDE_DIR, 'projects')));
    const all = reader.read();
    expect(all.tokens).toEqual({
      input: cc.totals.inputTokens,
      output: cc.totals.outputTokens,
      cacheCreation: cc.totals.cacheCreationTokens,
      cacheRead: cc.totals.cacheReadTokens,
    });
    // ccusage prices an unknown model at 0; braid's known part must equal its total.
    expect(all.knownCostUsd).toBeCloseTo(cc.totals.totalCost, 9);
    expect(all.unpricedModels).toEqual(cc.totals.unpricedModels);
    const days = totalsByDay(reader.entries(), DEFAULT_PRICING, utcDay);
    expect([...days.keys()]).toEqual(cc.daily.map((d: { period: string }) => d.period));
    for (const d of cc.daily) {
      const mine = days.get(d.period)!;
      expect(mine.tokens.input).toBe(d.inputTokens);
      expect(mine.tokens.output).toBe(d.outputTokens);
      expect(mine.tokens.cacheCreation).toBe(d.cacheCreationTokens);
      expect(mine.tokens.cacheRead).toBe(d.cacheReadTokens);
      expect(mine.knownCostUsd).toBeCloseTo(d.totalCost, 9);
    }
  });
});

describe('incremental reading', () => {
  it('reads only what was appended, including a line finished in a later write', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'braid-usage-'));
    temps.push(dir);
    const file = path.join(dir, 's.jsonl');
    const line = (id: string, out: number) =>
      `${JSON.stringify({ timestamp: '2026-01-01T00:00:00.000Z', requestId: `r-${id}`, message: { id, model: 'claude-haiku-4-5', usage: { input_tokens: 10, output_tokens: out } } })}\n`;
    writeFileSync(file, line('a', 1));
    const reader = new UsageReader([file]);
    expect(reader.read().tokens.output).toBe(1);
    const next = line('b', 5);
    appendFileSync(file, next.slice(0, 30));
    expect(reader.read().tokens.output).toBe(1);
    appendFileSync(file, next.slice(30) + line('a', 7));
    const t = reader.read();
    expect(t.tokens).toEqual({ input: 20, output: 12, cacheCreation: 0, cacheRead: 0 });
    expect(t.requests).toBe(2);
    writeFileSync(file, line('c', 2)); // rewritten shorter: start over
    expect(reader.read().tokens.output).toBe(2);
  });
});

describe('ledger rules', () => {
  const entry = (over: Record<string, unknown>, usage: Record<string, unknown> = {}) =>
    parseUsageLine(
      JSON.stringify({
        timestamp: '2026-01-01T00:00:00.000Z',
        sessionId: 's1',
        ...over,
        message: {
          id: 'm1',
          model: 'claude-sonnet-4-5',
          usage: { input_tokens: 1, output_tokens: 1, ...usage },
        },
      }),
      'file-session',
    );

  it('skips lines ccusage would not count', () => {
    expect(entry({ timestamp: '2026-01-01T00:00:00.123456Z' })).toEqual([]);
    expect(entry({ version: 'abc' })).toEqual([]);
    expect(entry({ requestId: '' })).toEqual([]);
    expect(entry({ costUSD: '1' })).toEqual([]);
    expect(entry({}, { input_tokens: 1.5 })).toEqual([]);
    expect(entry({}, { cache_read_input_tokens: null })).toEqual([]);
    expect(parseUsageLine('{"message":{"usage":', 's')).toEqual([]);
    expect(entry({ timestamp: '2026-01-01T01:00:00+01:00' })).toHaveLength(1);
  });

  it('bills the 5m/1h split when present and adds advisor iterations under their model', () => {
    const [e] = entry(
      {},
      { cache_creation_input_tokens: 10, cache_creation: { ephemeral_5m_input_tokens: 3 } },
    );
    expect(e.tokens.cacheCreation).toBe(3);
    const withAdvisor = entry(
      { requestId: 'r' },
      {
        iterations: [
          { type: 'message', model: null, input_tokens: 1, output_tokens: 1 },
          { type: 'advisor_message', model: 'claude-opus-4-6', input_tokens: 100, output_tokens: 10 },
        ],
      },
    );
    expect(withAdvisor.map((x) => [x.messageId, x.model])).toEqual([
      ['m1', 'claude-sonnet-4-5'],
      ['m1:advisor:0', 'claude-opus-4-6'],
    ]);
  });

  it('keeps the parent over a sidechain replay in either order, and the largest streaming copy', () => {
    const parent = entry({ requestId: 'r1' })[0];
    const replay = { ...entry({ requestId: 'r2', isSidechain: true }, { cache_read_input_tokens: 900 })[0] };
    for (const order of [
      [parent, replay],
      [replay, parent],
    ]) {
      const ledger = new UsageLedger();
      for (const e of order) ledger.add(e);
      expect(ledger.entries()).toEqual([parent]);
    }
    const ledger = new UsageLedger();
    ledger.add(entry({ requestId: 'r1' }, { output_tokens: 50 })[0]);
    ledger.add(entry({ requestId: 'r1' }, { output_tokens: 3 })[0]);
    expect(totalsOf(ledger.entries(), DEFAULT_PRICING).tokens.output).toBe(50);
  });
});

describe('headless logs', () => {
  it('takes usage and cost from the stream-json result, tolerating garbage and a cut-off line', () => {
    const log = [
      '{"type":"system","subtype":"init","session_id":"abc","model":"claude-sonnet-4-5"}',
      'npm WARN something',
      '{"type":"assistant","session_id":"abc","message":{"id":"m1","model":"claude-sonnet-4-5","usage":{"input_tokens":10,"output_tokens":4}}}',
      '{"type":"result","subtype":"success","is_error":false,"num_turns":2,"session_id":"abc","total_cost_usd":0.0123,"usage":{"input_tokens":12,"output_tokens":40,"cache_creation_input_tokens":100,"cache_read_input_tokens":2000}}',
      '{"type":"assis',
    ].join('\n');
    const u = parseStreamJsonLog(log);
    expect(u).toMatchObject({
      sessionId: 'abc',
      finished: true,
      isError: false,
      numTurns: 2,
      reported: true,
    });
    expect(u.totals.tokens).toEqual({ input: 12, output: 40, cacheCreation: 100, cacheRead: 2000 });
    expect(u.totals.costUsd).toBe(0.0123);
  });

  it('sums assistant events (streamed copies once) while the run is still going', () => {
    const a =
      '{"type":"assistant","session_id":"s","message":{"id":"m1","model":"claude-haiku-4-5","usage":{"input_tokens":1000000,"output_tokens":0}}}';
    const u = parseStreamJsonLog(`${a}\n${a}\n`);
    expect(u.finished).toBe(false);
    expect(u.totals.tokens.input).toBe(1_000_000);
    expect(u.totals.costUsd).toBeCloseTo(1, 9);
    expect(parseStreamJsonLog('garbage\n').reported).toBe(false);
  });

  it("takes a limit's reset to the second from Claude Code 2.1's rate_limit_event", () => {
    // As 2.1.197 printed it (subscription, 429 with the unified headers); the result says it to the minute.
    const log = [
      '{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1796601210,"rateLimitType":"five_hour"}}',
      '{"type":"result","subtype":"success","is_error":true,"api_error_status":429,"num_turns":1,"result":"You\'ve hit your session limit · resets 11:53pm (UTC)","session_id":"s","total_cost_usd":0,"usage":{}}',
    ].join('\n');
    const u = parseStreamJsonLog(log);
    expect(u).toMatchObject({ isError: true, limitResetsAt: 1796601210_000 });
    expect(u.resultText).toMatch(/^You've hit your session limit/);
    const allowed = log.replace('"rejected"', '"allowed"');
    expect(parseStreamJsonLog(allowed).limitResetsAt).toBeNull();
  });

  it('reads codex exec --json turns; its cost stays unknown', () => {
    const log = [
      '{"type":"thread.started","thread_id":"t-1"}',
      '{"type":"turn.completed","usage":{"input_tokens":1000,"cached_input_tokens":600,"output_tokens":50}}',
      '{"type":"turn.completed","usage":{"input_tokens":500,"cached_input_tokens":0,"output_tokens":5}}',
    ].join('\n');
    const u = parseCodexJsonLog(log);
    expect(u.sessionId).toBe('t-1');
    expect(u.totals.tokens).toEqual({ input: 900, output: 55, cacheCreation: 0, cacheRead: 600 });
    expect(u.totals.costUsd).toBeNull();
    expect(parseCodexJsonLog('').reported).toBe(false);
  });

  it('reads codex 0.171 turns: cache writes are their own figure, retry notices are not a failure', () => {
    // As printed by the real `codex exec --json` (two model calls in the turn, one retry notice first).
    const log = [
      'Reading additional input from stdin...',
      '{"type":"thread.started","thread_id":"01a2-thread"}',
      '{"type":"item.completed","item":{"id":"item_0","type":"error","message":"Model metadata not found"}}',
      '{"type":"turn.started"}',
      '{"type":"error","message":"Reconnecting... 1/5 (stream disconnected before completion)"}',
      '{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"Done."}}',
      '{"type":"turn.completed","usage":{"input_tokens":2003,"cached_input_tokens":200,"cache_write_input_tokens":60,"output_tokens":100,"reasoning_output_tokens":7}}',
    ].join('\n');
    const u = parseCodexJsonLog(log);
    expect(u.sessionId).toBe('01a2-thread');
    expect(u.totals.tokens).toEqual({ input: 1743, output: 100, cacheCreation: 60, cacheRead: 200 });
    expect(u.isError).toBe(false);
    const failed = parseCodexJsonLog(
      `${log}\n{"type":"turn.started"}\n{"type":"error","message":"Reconnecting... 5/5"}\n{"type":"turn.failed","error":{"message":"stream disconnected"}}\n`,
    );
    expect(failed.isError).toBe(true);
    expect(failed.totals.tokens.input).toBe(1743);
  });
});

describe('transcript locations', () => {
  it('derives Claude Code folder names, shortening long paths with a hash', () => {
    expect(encodeProjectDir('/home/me/my repo.braid/fix_login')).toBe('-home-me-my-repo-braid-fix-login');
    const long = `/${'a'.repeat(250)}`;
    const enc = encodeProjectDir(long);
    expect(enc.slice(0, 200)).toBe(`-${'a'.repeat(199)}`);
    expect(enc).toMatch(/^-a{199}-[0-9a-z]+$/);
    expect(projectDirFor('/nonexistent/x', { CLAUDE_CONFIG_DIR: '/cfg' })).toBe(
      '/cfg/projects/-nonexistent-x',
    );
    expect(projectDirFor('/x', { HOME: '/home/u' })).toBe('/home/u/.claude/projects/-x');
  });

  it('finds the session of nested subagent files', () => {
    expect(sessionIdOfFile('/c/projects/p/s1.jsonl')).toBe('s1');
    expect(sessionIdOfFile('/c/projects/p/s1/subagents/agent-1.jsonl')).toBe('s1');
  });
});

describe('usage of a task', () => {
  it('ignores transcripts older than the task in its worktree folder and keeps reading incrementally', () => {
    const cfg = mkdtempSync(path.join(tmpdir(), 'braid-claude-'));
    temps.push(cfg);
    const worktree = '/tmp/braid-nowhere/wt';
    const dir = projectDirFor(worktree, { CLAUDE_CONFIG_DIR: cfg });
    mkdirSync(dir, { recursive: true });
    const line = (id: string) =>
      `${JSON.stringify({ timestamp: '2026-01-01T00:00:00.000Z', requestId: id, message: { id, model: 'claude-haiku-4-5', usage: { input_tokens: 1, output_tokens: 1 } } })}\n`;
    const old = path.join(dir, 'old.jsonl');
    writeFileSync(old, line('o'));
    utimesSync(old, new Date('2025-01-01'), new Date('2025-01-01'));
    const task = {
      name: 't',
      worktree,
      createdAt: Date.parse('2025-06-01'),
      updatedAt: 0,
      transcriptPath: null,
      transcriptPaths: [],
      logPath: null,
      agent: 'claude',
    } as unknown as Task;
    const tracker = new TaskUsageTracker({ env: { CLAUDE_CONFIG_DIR: cfg } });
    expect(tracker.usage(task)).toMatchObject({ source: 'none', totals: null });
    const current = path.join(dir, 'new.jsonl');
    writeFileSync(current, line('a'));
    expect(tracker.usage(task).totals?.tokens.input).toBe(1);
    appendFileSync(current, line('b'));
    const u = tracker.usage(task);
    expect(u.source).toBe('transcript');
    expect(u.totals?.tokens.input).toBe(2);
    expect([...u.byDay.keys()]).toHaveLength(1);
  });
});
