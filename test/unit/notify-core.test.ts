import { describe, expect, it } from 'vitest';
import { agentBudgetEnd, agentBudgetEndOfLog } from '../../src/core/budget.js';
import { parseConfig } from '../../src/core/config.js';
import type { BraidEvent, EventDataByKind, EventKind } from '../../src/core/events.js';
import {
  enabledChannels,
  newlyWaiting,
  notificationFor,
  ntfyRequest,
  redactText,
  redactUrl,
  retryDelayMs,
  wantsEvent,
  webhookBody,
} from '../../src/core/notify.js';
import { parseStreamJsonLog } from '../../src/core/stream-json.js';
import { notifyCheck } from '../../src/orchestrate/doctor/notify-check.js';

let nextId = 1;
function ev<K extends EventKind>(kind: K, data: EventDataByKind[K], task: string | null = 't1'): BraidEvent {
  return { id: nextId++, at: Date.UTC(2026, 11, 6, 12), task, kind, data } as unknown as BraidEvent;
}
const status = (from: string, to: string, detail: string | null = null) =>
  ev('status.changed', { from, to, source: 'hook', detail } as EventDataByKind['status.changed']);

describe('which events notify', () => {
  it('maps each kind the user can ask for to its event and words', () => {
    const cases: Array<[BraidEvent, string, string]> = [
      [
        status('working', 'waiting', 'Claude needs your permission'),
        'waiting',
        't1 needs input: Claude needs your permission',
      ],
      [status('working', 'exited'), 'finished', 't1 finished'],
      [status('working', 'idle'), 'finished', 't1 finished its turn'],
      [status('working', 'failed', 'exit 2'), 'failed', 't1 failed: exit 2'],
      [status('working', 'limited', 'resets at 18:00'), 'limited', 't1 hit a usage limit: resets at 18:00'],
      [
        ev('land.landed', { commit: 'abcdef0123456789', mainBefore: 'x' }),
        'landed',
        't1 landed (abcdef0123)',
      ],
      [ev('land.rejected', { reason: 'gate failed' }), 'rejected', 't1 was not landed: gate failed'],
      [
        ev('land.handed-back', { files: ['a.ts', 'b.ts'] }),
        'handed-back',
        't1 conflict handed back: a.ts, b.ts',
      ],
      [
        status('working', 'paused', 'budget: task spent $5.10 of $5.00'),
        'budget',
        't1 budget reached: task spent $5.10 of $5.00',
      ],
    ];
    for (const [e, event, text] of cases) {
      const n = notificationFor(e, 'shop');
      expect(n, e.kind).toMatchObject({ event, text, task: 't1', eventId: e.id, at: e.at });
    }
    expect(notificationFor(cases[0][0], 'shop')?.title).toBe('braid shop: t1 needs input');
  });

  it('leaves out what is not news: other kinds, starts, idle after idle, unchanged status', () => {
    for (const e of [
      status('starting', 'working'),
      status('waiting', 'idle'),
      status('waiting', 'waiting', 'again'),
      ev('land.queued', { entry: 1 }),
      ev('budget.warned', { reason: '80 %' }),
      // The pause tells it (once), not the stop's own record.
      ev('budget.stopped', { reason: 'task used $5.10 of $5', committed: true }),
      ev('hook.received', { event: 'Stop' }),
    ])
      expect(notificationFor(e, 'shop'), JSON.stringify(e)).toBeNull();
  });
});

describe('a budget stop', () => {
  it('is told once, as budget reached, not as the session finishing or failing on the way', () => {
    const stops = new Set<string>();
    const told = [
      ev('budget.stopping', { reason: 'task spent $1.02 of $1.00', wholeRun: false }),
      status('working', 'exited', 'prompt_input_exit'),
      status('idle', 'failed', 'exit 130'),
      status('exited', 'paused', 'budget: task spent $1.02 of $1.00'),
      // Resumed by a raised budget: its turns are news again.
      status('working', 'idle'),
    ].map((e) => notificationFor(e, 'shop', stops)?.event ?? null);
    expect(told).toEqual([null, null, null, 'budget', 'finished']);
    // Another task's end meanwhile is still told.
    stops.add('t1');
    expect(
      notificationFor(
        ev('status.changed', { from: 'working', to: 'exited', source: 'hook', detail: null }, 't2'),
        'shop',
        stops,
      )?.event,
    ).toBe('finished');
  });
});

describe('a headless run stopping itself at --max-budget-usd', () => {
  const result = (subtype: string) =>
    `{"type":"result","subtype":"${subtype}","is_error":${subtype !== 'success'},"num_turns":2}\n`;

  it('ends paused for budget, told as budget reached and never as failed', () => {
    const end = agentBudgetEnd(parseStreamJsonLog(result('error_max_budget_usd')));
    expect(end).toEqual({
      status: 'paused',
      detail: 'budget: the agent stopped at its --max-budget-usd limit (error_max_budget_usd)',
    });
    const told = notificationFor(status('working', end!.status, end!.detail), 'shop');
    expect(told).toMatchObject({
      event: 'budget',
      text: 't1 budget reached: the agent stopped at its --max-budget-usd limit (error_max_budget_usd)',
    });
  });

  it('leaves every other end to the exit code: a success, another error, a run cut short', () => {
    expect(agentBudgetEnd(parseStreamJsonLog(result('success')))).toBeNull();
    expect(agentBudgetEnd(parseStreamJsonLog(result('error_during_execution')))).toBeNull();
    expect(agentBudgetEnd(parseStreamJsonLog('{"type":"system","subtype":"init"}\n'))).toBeNull();
  });

  it("is read from the log's last result line, as the SessionEnd hook reads the log's tail", () => {
    const init = '{"type":"system","subtype":"init"}\n';
    expect(agentBudgetEndOfLog(`${init}${result('error_max_budget_usd')}`)?.status).toBe('paused');
    // A resumed run's own result decides, not the earlier run's.
    expect(agentBudgetEndOfLog(`${result('error_max_budget_usd')}${init}${result('success')}`)).toBeNull();
    expect(agentBudgetEndOfLog(`…torn line"}\n${result('error_max_budget_usd')}{"type":"res`)?.status).toBe(
      'paused',
    );
    expect(agentBudgetEndOfLog(init)).toBeNull();
  });
});

describe('settings', () => {
  it('turns on the configured channels and filters by events', () => {
    const cfg = parseConfig(
      { notify: { webhook: 'https://hooks.example/x', desktop: true, events: ['waiting', 'failed'] } },
      't',
    );
    expect(enabledChannels(cfg.notify)).toEqual(['webhook', 'desktop']);
    expect(wantsEvent(cfg.notify, 'waiting')).toBe(true);
    expect(wantsEvent(cfg.notify, 'landed')).toBe(false);
    expect(wantsEvent(cfg.notify, 'test')).toBe(true);
    expect(wantsEvent(parseConfig({ notify: { ntfy: 'http://n/t' } }, 't').notify, 'landed')).toBe(true);
    expect(enabledChannels(undefined)).toEqual([]);
  });

  it('rejects a URL that is not http(s) and an unknown event, naming the keys', () => {
    expect(() =>
      parseConfig({ notify: { webhook: 'ftp://x/y', events: ['landed', 'merged'] } }, 'braid.yaml'),
    ).toThrow(/notify\.webhook: an http:\/\/ or https:\/\/ URL[\s\S]*notify\.events\.1/);
  });
});

describe('requests', () => {
  const n = notificationFor(status('working', 'waiting', 'Claude needs your permission'), 'shop');
  it('webhook: Slack-compatible text plus structured fields', () => {
    if (!n) throw new Error('no notification');
    expect(webhookBody(n, 'shop')).toMatchObject({
      text: 'braid shop: t1 needs input\nt1 needs input: Claude needs your permission',
      event: 'waiting',
      task: 't1',
      repo: 'shop',
      eventId: n.eventId,
      at: '2026-12-06T12:00:00.000Z',
    });
  });
  it('ntfy: the text as body, an ASCII title header', () => {
    if (!n) throw new Error('no notification');
    const r = ntfyRequest({ ...n, title: 'braid shöp: t1 needs input' });
    expect(r.body).toBe(n.text);
    expect(r.headers).toMatchObject({ Title: 'braid sh?p: t1 needs input', Priority: '4' });
  });
});

describe('retries and redaction', () => {
  it('backs off by four each time', () => {
    expect([1, 2, 3].map((a) => retryDelayMs(a, 5000))).toEqual([5000, 20000, 80000]);
  });
  it('keeps scheme and host of a URL, hides credentials, path and query', () => {
    expect(redactUrl('https://hooks.slack.com/services/T0/B0/secret')).toBe('https://hooks.slack.com/***');
    expect(redactUrl('https://user:pw@ntfy.sh/my-topic?auth=tok')).toBe('https://ntfy.sh/***?***');
    expect(redactUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(redactUrl('not a url')).toBe('***');
    const url = 'https://hooks.slack.com/services/T0/B0/secret';
    expect(redactText(`fetch ${url} failed; path /services/T0/B0/secret`, [url])).toBe(
      'fetch https://hooks.slack.com/*** failed; path /***',
    );
  });
});

describe('the dashboards ring on needs-input', () => {
  it('names tasks that began waiting since the last look, none on the first look', () => {
    const a = [
      { name: 'x', status: 'working' },
      { name: 'y', status: 'waiting' },
    ];
    expect(newlyWaiting(null, a)).toEqual([]);
    expect(
      newlyWaiting(a, [
        { name: 'x', status: 'waiting' },
        { name: 'y', status: 'waiting' },
        { name: 'z', status: 'waiting' },
      ]),
    ).toEqual(['x', 'z']);
    expect(newlyWaiting(a, a)).toEqual([]);
  });
});

describe('braid doctor on notifications', () => {
  it('says when desktop notifications cannot be shown, and shows targets without secrets', () => {
    const cfg = parseConfig({ notify: { ntfy: 'https://ntfy.sh/secret-topic', desktop: true } }, 't');
    const missing = notifyCheck(cfg, null, false);
    expect(missing).toMatchObject({ ok: false, hint: expect.stringContaining('libnotify') });
    expect(missing.detail).toContain('notify-send is not on PATH');
    const fine = notifyCheck(cfg, null, true);
    expect(fine).toEqual({ ok: true, detail: 'ntfy https://ntfy.sh/***, desktop notify-send', hint: null });
    expect(notifyCheck(parseConfig({}, 't'), null, false).ok).toBe(true);
  });
});
