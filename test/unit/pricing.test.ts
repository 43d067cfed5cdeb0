import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBudget } from '../../src/core/budget.js';
import { isBraidError } from '../../src/core/errors.js';
import { costOf, findPrice, normalizeModel } from '../../src/core/pricing.js';
import { DEFAULT_PRICING } from '../../src/core/pricing-table.js';
import { loadPricing } from '../../src/project/pricing.js';

const M = 1_000_000;
const tokens = (input: number, output = 0, cacheCreation = 0, cacheRead = 0, cacheWrite1h = 0) => ({
  input,
  output,
  cacheCreation,
  cacheRead,
  cacheWrite1h,
});

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('model names', () => {
  it('folds dated, cloud and context-suffixed spellings onto one price', () => {
    for (const name of [
      'claude-sonnet-4-5-20250929',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'anthropic/claude-sonnet-4-5',
      'claude-sonnet-4-5@20250929',
      'claude-sonnet-4-5[1m]',
    ])
      expect(normalizeModel(name)).toBe('claude-sonnet-4-5');
    expect(findPrice(DEFAULT_PRICING, 'claude-3-5-haiku-latest')?.input).toBe(0.8);
    expect(findPrice(DEFAULT_PRICING, 'claude-opus-4-0')?.input).toBe(15);
    expect(findPrice(DEFAULT_PRICING, 'claude-opus-4-6')?.output).toBe(25);
  });

  it('knows no price for unknown or synthetic models', () => {
    expect(findPrice(DEFAULT_PRICING, 'gpt-5')).toBeNull();
    expect(findPrice(DEFAULT_PRICING, '<synthetic>')).toBeNull();
    expect(findPrice(DEFAULT_PRICING, null)).toBeNull();
  });
});

describe('cost of a request', () => {
  it('prices each bucket, 1-hour cache writes at 2x input', () => {
    const sonnet = findPrice(DEFAULT_PRICING, 'claude-sonnet-4-6')!;
    // 1M each: 3 + 15 + 5m writes 0.5M*3.75 + 1h writes 0.5M*6 + reads 0.3
    expect(costOf(tokens(M, M, M, M, M / 2), sonnet)).toBeCloseTo(3 + 15 + 1.875 + 3 + 0.3, 9);
    const haiku3 = findPrice(DEFAULT_PRICING, 'claude-3-haiku-20240307')!;
    expect(costOf(tokens(0, 0, M), haiku3)).toBeCloseTo(0.3, 9);
  });

  it('bills a whole long-context request at the premium rates (Sonnet 4.5 over 200k prompt tokens)', () => {
    const s45 = findPrice(DEFAULT_PRICING, 'claude-sonnet-4-5-20250929')!;
    expect(costOf(tokens(200_000, 1000), s45)).toBeCloseTo(0.6 + 0.015, 9);
    // 150k fresh + 60k cached = 210k prompt: everything at $6 / $22.50 / $0.60
    expect(costOf(tokens(150_000, 1000, 0, 60_000), s45)).toBeCloseTo(0.9 + 0.0225 + 0.036, 9);
    const opus = findPrice(DEFAULT_PRICING, 'claude-opus-4-6')!;
    expect(costOf(tokens(300_000), opus)).toBeCloseTo(1.5, 9);
  });
});

describe('pricing overrides', () => {
  it('merges a JSON file over the shipped table, filling cache rates from multipliers', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'braid-pricing-'));
    temps.push(dir);
    const file = path.join(dir, 'prices.json');
    writeFileSync(
      file,
      JSON.stringify({
        'acme-llm-1-20260101': { input: 2, output: 8 },
        'claude-opus-4-6': { input: 1, output: 2 },
      }),
    );
    const table = loadPricing(file);
    expect(findPrice(table, 'acme-llm-1')).toMatchObject({
      input: 2,
      cacheWrite5m: 2.5,
      cacheWrite1h: 4,
      cacheRead: 0.2,
    });
    expect(findPrice(table, 'claude-opus-4-6')?.output).toBe(2);
    expect(findPrice(table, 'claude-haiku-4-5')?.input).toBe(1);
    expect(loadPricing()).toEqual(DEFAULT_PRICING);
  });

  it('rejects a bad override with every problem named', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'braid-pricing-'));
    temps.push(dir);
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ x: { input: -1 } }));
    let err: unknown;
    try {
      loadPricing(file);
    } catch (e) {
      err = e;
    }
    expect(isBraidError(err, 'E_CONFIG')).toBe(true);
    expect((err as Error).message).toMatch(/x\.input/);
    expect((err as Error).message).toMatch(/x\.output/);
  });
});

describe('budgets', () => {
  const budget = { task_usd: 5, run_usd: 20, task_tokens: 1_000_000 };

  it('is ok under 80 %, warns from 80 %, and is exceeded at 100 %', () => {
    expect(checkBudget({ spentUsd: 3.99, tokens: 10 }, budget).level).toBe('ok');
    const warn = checkBudget({ spentUsd: 4, tokens: 10 }, budget);
    expect(warn).toMatchObject({ level: 'warn', reason: 'task spent $4.00 of $5.00 (80 %)' });
    expect(checkBudget({ spentUsd: 5, tokens: 10 }, budget).level).toBe('exceeded');
  });

  it('reports the worst limit, including tokens and the run', () => {
    const c = checkBudget({ spentUsd: 4.5, tokens: 1_200_000, runSpentUsd: 1 }, budget);
    expect(c.level).toBe('exceeded');
    expect(c.reason).toBe('task used 1,200,000 tokens of 1,000,000 tokens (120 %)');
    expect(checkBudget({ spentUsd: 0, tokens: 0, runSpentUsd: 19 }, budget).reason).toMatch(/^run spent/);
  });

  it('cannot judge what is unknown or unlimited', () => {
    expect(checkBudget({ spentUsd: null, tokens: null }, budget)).toEqual({
      level: 'ok',
      reason: '',
      ratio: null,
    });
    expect(checkBudget({ spentUsd: 100, tokens: 1e9 }, undefined).level).toBe('ok');
  });
});
