import { describe, expect, it } from 'vitest';
import { isBraidError } from '../../src/core/errors.js';
import { podState } from '../../src/core/kube-status.js';
import { kubeconfigPaths, kubeTarget } from '../../src/core/kubeconfig.js';

const doc = {
  'current-context': 'kind-braid',
  clusters: [
    { name: 'kind', cluster: { server: 'https://127.0.0.1:6443/', 'certificate-authority-data': 'Q0E=' } },
    { name: 'lab', cluster: { server: 'https://lab:6443', 'certificate-authority': 'ca.crt' } },
    { name: 'empty', cluster: {} },
  ],
  users: [
    { name: 'kind-user', user: { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' } },
    { name: 'sa', user: { tokenFile: '/var/run/token' } },
    { name: 'gke', user: { exec: { command: 'gke-gcloud-auth-plugin' } } },
  ],
  contexts: [
    { name: 'kind-braid', context: { cluster: 'kind', user: 'kind-user' } },
    { name: 'lab', context: { cluster: 'lab', user: 'sa', namespace: 'agents' } },
    { name: 'gke', context: { cluster: 'lab', user: 'gke' } },
    { name: 'broken', context: { cluster: 'empty', user: 'sa' } },
  ],
};

const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return isBraidError(err, 'E_BACKEND') ? (err as Error).message : `other: ${(err as Error).message}`;
  }
  return 'no error';
};

describe('reading a kubeconfig', () => {
  it('takes the current context: its server, inline CA and client certificate', () => {
    expect(kubeTarget(doc, '/home/u/.kube')).toEqual({
      context: 'kind-braid',
      server: 'https://127.0.0.1:6443',
      namespace: undefined,
      ca: { data: 'Q0E=' },
      insecure: false,
      token: undefined,
      cert: { data: 'Q0VSVA==' },
      key: { data: 'S0VZ' },
    });
  });

  it('takes a named context, with files relative to the kubeconfig’s folder and its namespace', () => {
    const t = kubeTarget(doc, '/home/u/.kube', 'lab');
    expect(t.ca).toEqual({ file: '/home/u/.kube/ca.crt' });
    expect(t.token).toEqual({ file: '/var/run/token' });
    expect(t.namespace).toBe('agents');
  });

  it('says what is missing: a context, a server, a login braid can use', () => {
    expect(code(() => kubeTarget(doc, '/', 'nope'))).toMatch(/no context 'nope'/);
    expect(code(() => kubeTarget(doc, '/', 'broken'))).toMatch(/has no server/);
    expect(code(() => kubeTarget(doc, '/', 'gke'))).toMatch(/plugin/);
    expect(code(() => kubeTarget({}, '/'))).toMatch(/no current context/);
  });

  it('looks in each file of KUBECONFIG, else ~/.kube/config', () => {
    expect(kubeconfigPaths(undefined, '/home/u')).toEqual(['/home/u/.kube/config']);
    expect(kubeconfigPaths('/a:/b:', '/home/u')).toEqual(['/a', '/b']);
  });
});

describe("a pod's state", () => {
  const pod = (status: object) => ({ metadata: { name: 'p' }, status });
  it('is alive while pending or running, ended with the agent’s exit code', () => {
    expect(podState(pod({ phase: 'Pending' }))).toEqual({ alive: true, exitCode: null, problem: null });
    expect(podState(pod({ phase: 'Running' })).alive).toBe(true);
    const done = pod({
      phase: 'Failed',
      containerStatuses: [{ name: 'agent', state: { terminated: { exitCode: 3 } } }],
    });
    expect(podState(done)).toEqual({ alive: false, exitCode: 3, problem: null });
  });

  it('names what keeps it from running: a failed init step, an image that cannot be pulled', () => {
    const init = pod({
      phase: 'Failed',
      initContainerStatuses: [{ name: 'fetch', state: { terminated: { exitCode: 1 } } }],
    });
    expect(podState(init)).toEqual({
      alive: false,
      exitCode: null,
      problem: "the step 'fetch' failed (exit 1)",
    });
    const pull = pod({
      phase: 'Pending',
      containerStatuses: [
        { name: 'agent', state: { waiting: { reason: 'ImagePullBackOff', message: 'no such image' } } },
      ],
    });
    expect(podState(pull)).toEqual({
      alive: true,
      exitCode: null,
      problem: 'ImagePullBackOff: no such image',
    });
  });
});
