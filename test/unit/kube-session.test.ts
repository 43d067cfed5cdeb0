import { describe, expect, it } from 'vitest';
import { backendOfOptions, chooseBackend } from '../../src/core/backend.js';
import { configSchema } from '../../src/core/config.js';
import { INNER_SESSION, INNER_TMUX } from '../../src/core/container-args.js';
import { endpointListen, podEndpointBase } from '../../src/core/kube-endpoint.js';
import {
  kubeLabels,
  POD_SETTINGS_FILE,
  POD_STOP_AGENT,
  type PodInput,
  podHookCommand,
  podManifest,
} from '../../src/core/kube-manifest.js';
import { claudeSettingsWith } from '../../src/run/agents/claude-settings.js';
import { backendOf } from '../../src/run/runtime/backend.js';
import { KubeBackend } from '../../src/run/runtime/kubernetes/backend.js';

const input = (over: Partial<PodInput> = {}): PodInput => ({
  name: 'braid-00000000-t1',
  namespace: 'agents',
  labels: kubeLabels('demo', '/src/demo/.git', 't1'),
  annotations: {},
  image: 'agent:1',
  mode: 'headless',
  argv: ['claude', '-p', 'hello'],
  env: {},
  workdir: '/work/demo',
  branch: 'braid/t1',
  base: 'a'.repeat(40),
  endpoint: 'http://10.0.0.5:7070/k/t1',
  token: 'secret-token',
  ...over,
});
const agentOf = (m: Record<string, unknown>) =>
  (m.spec as { containers: Array<{ command: string[]; env: Array<{ name: string; value: string }> }> })
    .containers[0];

describe('a task on the kubernetes backend', () => {
  it('is chosen by --backend, a plan task or braid.yaml, and recorded with the task', () => {
    expect(chooseBackend('kubernetes', 'local')).toBe('kubernetes');
    expect(chooseBackend(undefined, undefined, 'kubernetes')).toBe('kubernetes');
    expect(backendOfOptions({ backend: 'kubernetes' })).toBe('kubernetes');
    const cfg = configSchema.parse({ backend: 'kubernetes', kubernetes: { image: 'a', listen: '0.0.0.0' } });
    expect(cfg.kubernetes.listen).toBe('0.0.0.0');
  });

  it("writes the agent's settings in the pod before the agent starts, only when it has some", () => {
    const settings = JSON.stringify(claudeSettingsWith('t1', podHookCommand));
    const agent = agentOf(podManifest(input({ settings })));
    const env = Object.fromEntries(agent.env.map((e) => [e.name, e.value]));
    expect(JSON.parse(env.BRAID_AGENT_SETTINGS)).toEqual(JSON.parse(settings));
    const script = agent.command[2];
    expect(script.indexOf(POD_SETTINGS_FILE)).toBeLessThan(script.indexOf('"$@"'));
    // The agent's pid on file for braid stop, which ends the agent alone: the script goes on to send the work.
    const pidFile = /echo "\$!" > "([^"]+)"/.exec(script)?.[1];
    expect(pidFile).toBe('/work/agent.pid');
    expect(POD_STOP_AGENT.join(' ')).toContain(`cat ${pidFile}`);
    expect(script.indexOf('wait "$!"')).toBeLessThan(script.indexOf('git bundle create'));
    const bare = agentOf(podManifest(input()));
    expect(bare.env.map((e) => e.name)).not.toContain('BRAID_AGENT_SETTINGS');
  });

  it("posts each hook to the endpoint with the task's token, one command per event, quoted for sh", () => {
    const settings = claudeSettingsWith('t1', podHookCommand) as {
      env: Record<string, string>;
      hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>>;
    };
    expect(settings.env).toEqual({ BRAID_TASK: 't1' });
    const stop = settings.hooks.Stop[0].hooks[0].command;
    expect(stop).toMatch(/^node -e '[^']+' Stop$/);
    expect(stop).toContain('process.env.BRAID_ENDPOINT + "/hook/"');
    expect(stop).toContain('"Bearer " + process.env.BRAID_TOKEN');
    expect(settings.hooks.SessionStart[0].hooks[0].command).toMatch(/' SessionStart$/);
    expect(() => podHookCommand('Stop; rm -rf /')).toThrow(/not a hook event name/);
  });

  it("listens where braid.yaml says, and gives the pod the endpoint's URL with the port in use", () => {
    expect(endpointListen({})).toEqual({ host: '127.0.0.1', port: 0 });
    expect(endpointListen({ endpoint: 'http://172.18.0.1' })).toEqual({ host: '172.18.0.1', port: 0 });
    expect(endpointListen({ endpoint: 'http://bastion:7450', listen: '127.0.0.1' })).toEqual({
      host: '127.0.0.1',
      port: 7450,
    });
    expect(endpointListen({ endpoint: 'http://[fd00::1]:80' })).toEqual({ host: 'fd00::1', port: 80 });
    expect(podEndpointBase(undefined, 'http://127.0.0.1:4242')).toBe('http://127.0.0.1:4242');
    expect(podEndpointBase('http://172.18.0.1', 'http://172.18.0.1:4242')).toBe('http://172.18.0.1:4242');
    expect(podEndpointBase('https://bastion.example:7450/', 'http://127.0.0.1:7450')).toBe(
      'https://bastion.example:7450',
    );
  });
});

describe("reaching a pod's session", () => {
  const handle = {
    runtime: 'tmux' as const,
    pid: 1,
    backend: 'kubernetes' as const,
    pod: 'braid-1-t1',
    namespace: 'agents',
    context: 'kind-braid',
  };

  it('attaches through kubectl exec with a terminal into the tmux inside; a headless pod has nothing to attach', () => {
    const backend = new KubeBackend();
    expect(backend.attach(handle)).toEqual([
      'kubectl',
      '--context',
      'kind-braid',
      '-n',
      'agents',
      'exec',
      '-it',
      'braid-1-t1',
      '-c',
      'agent',
      '--',
      ...INNER_TMUX,
      'attach-session',
      '-t',
      INNER_SESSION,
    ]);
    expect(backend.attach({ ...handle, runtime: 'headless' })).toBeNull();
    expect(backendOf(handle).kind).toBe('kubernetes');
  });
});
