import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { parsePlan } from '../../src/core/plan.js';
import { sessionCwd, taskSparse, taskWorkdir } from '../../src/core/workdir.js';

describe('workdir', () => {
  it('resolves inside the worktree and refuses a way out', () => {
    expect(sessionCwd('/w/t', undefined)).toBe('/w/t');
    expect(sessionCwd('/w/t', 'packages/api/')).toBe('/w/t/packages/api');
    expect(sessionCwd('/w/t', '.')).toBe('/w/t');
    for (const bad of ['..', '../t2', 'a/../../x', '/etc'])
      expect(() => sessionCwd('/w/t', bad), bad).toThrow(/leads outside/);
  });
  it("takes the task's own over braid.yaml's", () => {
    expect(taskWorkdir({ workdir: 'a' }, 'b')).toBe('a');
    expect(taskWorkdir({}, 'b')).toBe('b');
    expect(taskWorkdir({}, undefined)).toBeUndefined();
  });
  it('is checked in braid.yaml and in plans', () => {
    expect(parseConfig({ workdir: 'packages/api' }, 't').workdir).toBe('packages/api');
    expect(() => parseConfig({ workdir: '../x' }, 'braid.yaml')).toThrow(/workdir: must be a path inside/);
    const plan = parsePlan('tasks:\n  - { name: a, prompt: p, workdir: packages/a }\n', 'plan.yaml');
    expect(plan.tasks[0].workdir).toBe('packages/a');
    expect(() => parsePlan('tasks:\n  - { name: a, prompt: p, workdir: /abs }\n', 'plan.yaml')).toThrow(
      /workdir/,
    );
  });
});

describe('sparse per task', () => {
  it("reads a plan task's cone paths and checks them like braid.yaml's", () => {
    const plan = parsePlan(
      'tasks:\n  - { name: a, prompt: p, sparse: [apps/web, libs/ui] }\n  - { name: b, prompt: p }\n',
      'plan.yaml',
    );
    expect(plan.tasks[0].sparse).toEqual(['apps/web', 'libs/ui']);
    expect(plan.tasks[1].sparse).toBeUndefined();
    expect(() => parsePlan('tasks:\n  - { name: a, prompt: p, sparse: [../out] }\n', 'plan.yaml')).toThrow(
      /sparse/,
    );
    expect(() => parsePlan('tasks:\n  - { name: a, prompt: p, sparse: [] }\n', 'plan.yaml')).toThrow(
      /sparse/,
    );
  });
  it("takes the task's own over braid.yaml's", () => {
    expect(taskSparse({ sparse: ['apps/web'] }, ['libs'])).toEqual(['apps/web']);
    expect(taskSparse({}, ['libs'])).toEqual(['libs']);
    expect(taskSparse({}, undefined)).toEqual([]);
  });
});
