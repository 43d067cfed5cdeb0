/**
 * The demo's plan: four scripted tasks, three independent and one that collides with another. The colliding
 * one's `@resolve` line is how the scripted agent, handed the conflict back by the queue, resolves it.
 */
export const DEMO_PLAN = `# Four tasks for the scripted demo agent (each prompt is its script).
max_parallel: 3
land: auto
tasks:
  - name: discount
    prompt: |
      Add a discount helper with tests.
      @say Adding src/discount.ts and its test.
      @write src/discount.ts export function discount(total: number, percent: number): number {\\n  return Math.round(total * (100 - percent)) / 100;\\n}
      @write test/discount.test.ts import assert from 'node:assert/strict';\\nimport { test } from 'node:test';\\nimport { discount } from '../src/discount.js';\\n\\ntest('discount takes a percentage off', () => {\\n  assert.equal(discount(200, 10), 180);\\n});
      @tokens 5200 900 1200 8000
      @sleep 1200
      @commit Add a discount helper
  - name: greet-loud
    prompt: |
      Make the greeting enthusiastic.
      @write src/greet.ts export function greet(name: string): string {\\n  return \`Welcome, \${name}!!!\`;\\n}
      @tokens 3100 400 0 6000
      @sleep 800
      @commit Greet customers enthusiastically
  - name: docs
    prompt: |
      Document the modules in the README.
      @append README.md \\n## Modules\\n\\n- cart: total()\\n- greet: greet()\\n
      @tokens 2400 700 0 3000
      @sleep 1500
      @commit Document the modules
  - name: greet-polite
    prompt: |
      Make the greeting polite (this collides with greet-loud on the same line).
      @write src/greet.ts export function greet(name: string): string {\\n  return \`Good day, \${name}. Welcome\`;\\n}
      @resolve src/greet.ts export function greet(name: string): string {\\n  return \`Good day, \${name}. Welcome!!!\`;\\n}
      @tokens 2900 350 0 5000
      @sleep 2500
      @commit Greet customers politely
`;

/** braid.yaml lines declaring the scripted agent `demo` (test/fixtures/fake-claude), with hooks, resume and braid's permission policy. */
export function scriptedAgentYaml(agentPath: string): string[] {
  const run = [JSON.stringify(process.execPath), JSON.stringify(agentPath)].join(', ');
  const headless = `${run}, "-p", "--output-format", "stream-json", "--verbose"`;
  return [
    'agent: demo',
    'agents:',
    '  demo:',
    `    command: [${run}, "--settings", "{settings}", "{permissions}", "--", "{prompt}"]`,
    `    headless_command: [${headless}, "--settings", "{settings}", "{permissions}", "--", "{prompt}"]`,
    `    resume_command: [${run}, "--settings", "{settings}", "--resume", "{session_id}", "{permissions}", "--", "{prompt}"]`,
    `    headless_resume_command: [${headless}, "--settings", "{settings}", "--resume", "{session_id}", "{permissions}", "--", "{prompt}"]`,
    '    status: hooks',
  ];
}

export function demoConfig(agentPath: string): string {
  return [
    '# braid.yaml of the demo sample',
    ...scriptedAgentYaml(agentPath),
    'include: [".env"]',
    'deps: none',
    'gate: npm test',
    'ports: { names: [PORT], range: [4300, 4399], block: 5 }',
    'land: { strategy: squash }',
    '',
  ].join('\n');
}
