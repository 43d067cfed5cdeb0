import { describe, expect, it } from 'vitest';
import {
  dependentsOf,
  isManifest,
  stripJsonComments,
  unitGraph,
  unitOf,
} from '../../src/core/queue-graph.js';
import { assignLanes } from '../../src/core/queue-lanes.js';

const pkg = (name: string, deps: Record<string, string> = {}, dev: Record<string, string> = {}) =>
  JSON.stringify({ name, dependencies: deps, devDependencies: dev });

/** A workspace: app depends on lib, lib on util; docs stands alone. */
const WORKSPACE = [
  { path: 'package.json', text: JSON.stringify({ name: 'root', workspaces: ['packages/*'] }) },
  { path: 'packages/util/package.json', text: pkg('@x/util') },
  { path: 'packages/lib/package.json', text: pkg('@x/lib', { '@x/util': '*', zod: '^3' }) },
  { path: 'packages/app/package.json', text: pkg('@x/app', {}, { '@x/lib': 'workspace:*' }) },
  { path: 'packages/docs/package.json', text: pkg('@x/docs') },
];

describe('the build graph for lanes', () => {
  it('reads package.json and tsconfig files, never inside node_modules', () => {
    expect(isManifest('package.json')).toBe(true);
    expect(isManifest('packages/a/tsconfig.build.json')).toBe(true);
    expect(isManifest('packages/a/node_modules/b/package.json')).toBe(false);
    expect(isManifest('src/package.ts')).toBe(false);
  });

  it('tsconfig dialect: comments and trailing commas go, strings stay as they are', () => {
    const text = '{\n  // a comment\n  "a": "x // not a comment, }",\n  /* block */ "b": [1, 2,],\n}';
    expect(JSON.parse(stripJsonComments(text))).toEqual({ a: 'x // not a comment, }', b: [1, 2] });
  });

  it('workspace packages depend on one another by name; dependents are found through the chain', () => {
    const graph = unitGraph(WORKSPACE);
    expect(graph).not.toBeNull();
    if (!graph) return;
    expect(graph.deps.get('packages/lib')).toEqual(['packages/util']);
    const dependents = dependentsOf(graph);
    expect([...(dependents.get('packages/util') ?? [])].sort()).toEqual(['packages/app', 'packages/lib']);
    expect([...(dependents.get('packages/app') ?? [])]).toEqual([]);
    // The root: every unit depends on it, a package with no dependencies too.
    expect([...(dependents.get('') ?? [])].sort()).toEqual([
      'packages/app',
      'packages/docs',
      'packages/lib',
      'packages/util',
    ]);
    expect(unitOf('packages/docs/guide.md', graph)).toBe('packages/docs');
    expect(unitOf('packages/lib/src/a.ts', graph)).toBe('packages/lib');
    expect(unitOf('README.md', graph)).toBe('');
  });

  it('TypeScript project references are edges too; no graph at all for a single package', () => {
    const graph = unitGraph([
      {
        path: 'tsconfig.json',
        text: '{ "files": [], "references": [{ "path": "./core" }, { "path": "cli/tsconfig.json" }] }',
      },
      { path: 'cli/tsconfig.json', text: '{ "references": [{ "path": "../core" },] // cli uses core\n}' },
    ]);
    expect(graph?.deps.get('cli')).toEqual(['core']);
    expect(graph?.deps.get('')?.sort()).toEqual(['cli', 'core']);
    expect(unitGraph([{ path: 'package.json', text: pkg('solo', { zod: '^3' }) }])).toBeNull();
    expect(unitGraph([{ path: 'package.json', text: '{ not json' }])).toBeNull();
  });

  it("lanes: a change in a dependent of another's unit shares its lane; unrelated packages do not", () => {
    const graph = unitGraph(WORKSPACE);
    const changes = [
      ['packages/util/src/u.ts'],
      ['packages/docs/guide.md'],
      ['packages/app/src/main.ts'],
      ['packages/lib/src/other.ts'],
    ];
    // By files alone, four lanes; with the graph, app and lib depend on util.
    expect(assignLanes(changes)).toEqual([0, 1, 2, 3]);
    expect(assignLanes(changes, graph)).toEqual([0, 1, 0, 0]);
    // A root file (outside every package) shares a lane with every change in a package.
    expect(assignLanes([['packages/docs/a.md'], ['tsconfig.base.json']], graph)).toEqual([0, 0]);
    // Two files of the same package are not dependents of each other: files alone decide.
    expect(assignLanes([['packages/lib/a.ts'], ['packages/lib/b.ts']], graph)).toEqual([0, 1]);
  });
});
