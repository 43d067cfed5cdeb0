/**
 * The import rules of src/ (see src/README.md): imports go down the picture, never up.
 * `npm run check` runs `depcruise src`; every rule is an error.
 */
const STAGES = '^src/(isolate|run|watch|land)/';
const ABOVE_STAGES = '^src/(orchestrate|view|cli|tui|web|demo|bench)/';
const FACES = '^src/(cli|tui|web)/';

/** One rule: files matching `from` may not import files matching `to` (paths relative to the repo). */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

module.exports = {
  forbidden: [
    forbid('no-circular', 'A cycle ties modules into one: split out what both need.', {}, { circular: true }),
    forbid(
      'core-is-pure',
      'core/ decides, the others act: it imports only core/, zod, yaml, picomatch and node:path (pure libraries, string functions).',
      { path: '^src/core/' },
      {
        pathNot: ['^src/core/', '^node_modules/(zod|yaml|picomatch)/', '^path$'],
        dependencyTypesNot: ['type-only'],
      },
    ),
    forbid(
      'core-imports-no-node',
      'core/ has no I/O: no node built-in but path.',
      { path: '^src/core/' },
      { dependencyTypes: ['core'], pathNot: '^path$' },
    ),
    forbid(
      'exec-is-the-bottom',
      'exec/ runs processes for everyone: it imports core/ only.',
      { path: '^src/exec/' },
      { path: '^src/', pathNot: ['^src/(core|exec)/'] },
    ),
    forbid(
      'git-below-store',
      'git/ is plumbing over exec/: it imports core/ and exec/ only (no state).',
      { path: '^src/git/' },
      { path: '^src/', pathNot: ['^src/(core|exec|git)/'] },
    ),
    forbid(
      'store-below-git',
      'store/ is the state: it imports core/ and exec/ only.',
      { path: '^src/store/' },
      { path: '^src/', pathNot: ['^src/(core|exec|store)/'] },
    ),
    forbid(
      'project-is-a-foundation',
      'project/ (repository + braid.yaml + store) sits under the stages.',
      { path: '^src/project/' },
      { path: `${STAGES}|${ABOVE_STAGES}` },
    ),
    forbid(
      'stages-import-no-orchestration-or-face',
      'A stage is driven from above; it never imports the orchestration, the read model or a face.',
      { path: STAGES },
      { path: ABOVE_STAGES },
    ),
    // The stages follow the pipeline (isolate, run, watch, land): a stage imports only those before it.
    forbid(
      'isolate-is-the-first-stage',
      'isolate/ knows nothing of run/, watch/, land/.',
      { path: '^src/isolate/' },
      { path: '^src/(run|watch|land)/' },
    ),
    forbid(
      'run-before-watch-and-land',
      'run/ knows nothing of watch/ and land/.',
      { path: '^src/run/' },
      { path: '^src/(watch|land)/' },
    ),
    forbid(
      'watch-before-land',
      'watch/ knows nothing of land/.',
      { path: '^src/watch/' },
      { path: '^src/land/' },
    ),
    forbid(
      'orchestration-imports-no-face',
      'The orchestration drives the stages; the faces show it.',
      { path: '^src/orchestrate/' },
      { path: `^src/(view|cli|tui|web|demo|bench)/` },
    ),
    forbid(
      'view-reads-no-orchestration',
      'The read model reads what the stages stored; it neither drives nor depends on the loops. ' +
        '(orchestrate/supervisor/samples.ts is excepted until its usage tables move into store/.)',
      { path: '^src/view/' },
      { path: '^src/orchestrate/', pathNot: '^src/orchestrate/supervisor/samples\\.ts$' },
    ),
    forbid(
      'session-above-agents-and-runtimes',
      'run/session/ drives the agents and the runtimes; they know nothing of it.',
      { path: '^src/run/(agents|runtime)/' },
      { path: '^src/run/session/' },
    ),
    forbid(
      'view-imports-no-face',
      'The read model is shown by the faces, not the other way.',
      { path: '^src/view/' },
      { path: FACES },
    ),
    forbid(
      'faces-do-not-import-cli',
      'tui/ and web/ share through view/, not cli/.',
      { path: '^src/(tui|web)/' },
      { path: '^src/cli/' },
    ),
    forbid(
      'tui-is-not-web',
      'The terminal and the web dashboards share through view/.',
      { path: '^src/tui/' },
      { path: '^src/web/' },
    ),
    forbid(
      'web-is-not-tui',
      'The terminal and the web dashboards share through view/.',
      { path: '^src/web/' },
      { path: '^src/tui/' },
    ),
    forbid(
      'runtimes-behind-session',
      'run/session/ is the only caller of the session backends.',
      { path: '^src/', pathNot: '^src/run/(runtime|session)/' },
      { path: '^src/run/runtime/' },
    ),
    forbid(
      'nothing-imports-the-programs',
      'demo/ and bench/ are programs on top of everything.',
      { path: '^src/', pathNot: '^src/(demo|bench)/' },
      { path: '^src/(demo|bench)/' },
    ),
    forbid(
      'spawn-through-exec',
      'Everything that spawns goes through exec/ (argument arrays, timeouts, typed errors).',
      { path: '^src/', pathNot: '^src/exec/' },
      { dependencyTypes: ['core'], path: '^child_process$' },
    ),
    forbid(
      'sqlite-in-the-store',
      "Only store/ opens braid's state (isolate/workspace/database.ts copies a project's own SQLite file).",
      { path: '^src/', pathNot: ['^src/store/', '^src/isolate/workspace/database\\.ts$'] },
      { path: '^node_modules/better-sqlite3/' },
    ),
    forbid(
      'src-uses-no-dev-dependency',
      'What dist/ runs must be in dependencies.',
      { path: '^src/' },
      { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    ),
    forbid(
      'src-imports-no-test',
      'Tests use src/, never the other way.',
      { path: '^src/' },
      { path: '^test/' },
    ),
    forbid(
      'not-to-unresolvable',
      'An import that resolves to nothing.',
      { path: '^src/' },
      { couldNotResolve: true },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
