/**
 * The repository's build graph for lanes, pure: its units (package workspace members and TypeScript
 * projects, each a folder) and which depend on which, read from the tracked package.json and
 * tsconfig files. Two changes are in one lane when one touches a unit that depends, directly or not,
 * on a unit the other touches (core/queue-lanes.ts).
 */
import path from 'node:path';

/** Units by folder ('' is the repository's root); `deps`: the folders each one depends on. */
export interface UnitGraph {
  units: string[];
  deps: Map<string, string[]>;
}

/** A tracked manifest: its path in the repository and its text. */
export interface Manifest {
  path: string;
  text: string;
}

/** Whether a tracked path is a manifest the graph reads (never inside node_modules). */
export function isManifest(file: string): boolean {
  if (file.split('/').includes('node_modules')) return false;
  const base = path.posix.basename(file);
  return base === 'package.json' || /^tsconfig(\..+)?\.json$/.test(base);
}

/** JSON with comments and trailing commas (tsconfig's dialect) as plain JSON. */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      // A string, escapes and all, copied as it is.
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return dropTrailingCommas(out);
}

/** Just past the JSON string that opens at `start` (its quote), escapes skipped. */
function stringEnd(text: string, start: number): number {
  let j = start + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j + 1;
}

const CLOSES = /\s*[}\]]/y;

/** Commas right before a closing bracket, outside strings. */
function dropTrailingCommas(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    CLOSES.lastIndex = i + 1;
    if (c === ',' && CLOSES.test(text)) {
      i++;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

function parse(text: string, jsonc: boolean): Record<string, unknown> | null {
  try {
    const v = JSON.parse(jsonc ? stripJsonComments(text) : text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const DEP_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

/**
 * The units and their dependencies: each named package (a package.json; its dependencies on the
 * others by name, any dependency field), and each folder with a tsconfig that references projects or
 * is referenced. Null when nothing depends on anything (a single package, no project references):
 * lanes are then by files alone.
 */
export function unitGraph(manifests: readonly Manifest[]): UnitGraph | null {
  const deps = new Map<string, Set<string>>();
  const edge = (from: string, to: string) => {
    if (from === to) return;
    const set = deps.get(from) ?? new Set<string>();
    set.add(to);
    deps.set(from, set);
    if (!deps.has(to)) deps.set(to, new Set());
  };
  const packages = new Map<string, { dir: string; wants: string[] }>();
  for (const m of manifests) {
    const dir = path.posix.dirname(m.path) === '.' ? '' : path.posix.dirname(m.path);
    if (path.posix.basename(m.path) === 'package.json') {
      const json = parse(m.text, false);
      if (!json || typeof json.name !== 'string') continue;
      const wants = DEP_FIELDS.flatMap((f) =>
        json[f] && typeof json[f] === 'object' ? Object.keys(json[f] as object) : [],
      );
      packages.set(json.name, { dir, wants });
      continue;
    }
    const refs = parse(m.text, true)?.references;
    if (!Array.isArray(refs)) continue;
    for (const r of refs) {
      const to = r && typeof r === 'object' ? (r as { path?: unknown }).path : undefined;
      if (typeof to !== 'string') continue;
      let target = path.posix.normalize(path.posix.join(dir, to));
      if (target.endsWith('.json')) target = path.posix.dirname(target);
      if (target === '.') target = '';
      if (!target.startsWith('..')) edge(dir, target);
    }
  }
  let edges = [...deps.values()].some((d) => d.size > 0);
  for (const { dir, wants } of packages.values())
    for (const name of wants) {
      const dep = packages.get(name);
      if (dep && dep.dir !== dir) {
        edge(dir, dep.dir);
        edges = true;
      }
    }
  if (!edges) return null;
  // Every package is a unit, with dependencies or not: its files are not the root's.
  for (const { dir } of packages.values()) if (!deps.has(dir)) deps.set(dir, new Set());
  const units = [...deps.keys()].sort((a, b) => b.length - a.length);
  return { units, deps: new Map([...deps].map(([k, v]) => [k, [...v]])) };
}

/** The deepest unit holding a file; '' (the root) when none does. */
export function unitOf(file: string, graph: UnitGraph): string {
  return graph.units.find((u) => u !== '' && (file === u || file.startsWith(`${u}/`))) ?? '';
}

/** Each unit's dependents, direct or not (itself excluded); every unit depends on the root. */
export function dependentsOf(graph: UnitGraph): Map<string, Set<string>> {
  const direct = new Map<string, string[]>();
  for (const [from, tos] of graph.deps)
    for (const to of tos) direct.set(to, [...(direct.get(to) ?? []), from]);
  const out = new Map<string, Set<string>>();
  for (const unit of [...graph.units, '']) {
    const seen = new Set<string>();
    const todo = [...(direct.get(unit) ?? [])];
    while (todo.length) {
      const u = todo.pop() as string;
      if (u === unit || seen.has(u)) continue;
      seen.add(u);
      todo.push(...(direct.get(u) ?? []));
    }
    if (unit === '') for (const u of graph.units) if (u !== '') seen.add(u);
    out.set(unit, seen);
  }
  return out;
}
