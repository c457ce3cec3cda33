import { describe, expect, it } from 'vitest';
import { chooseSource, IN_CLUSTER_TOKEN_PATH } from '../../src/discovery/source-choice.js';

const none = () => false;
const only = (...paths: string[]) => (p: string) => paths.includes(p);

describe('chooseSource', () => {
  it('obeys --source', () => {
    expect(chooseSource({ flag: 'file', env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, homedir: '/home/u', fileExists: () => true })).toEqual({ kind: 'file', reason: '--source file' });
    expect(chooseSource({ flag: 'kubernetes', env: {}, homedir: '/home/u', fileExists: none }).kind).toBe('kubernetes');
    expect(() => chooseSource({ flag: 'consul', env: {}, homedir: '/home/u', fileExists: none })).toThrow(/"consul" is not a source; use "kubernetes" or "file"/);
  });

  it('picks Kubernetes for --kubeconfig, an existing KUBECONFIG, or ~/.kube/config', () => {
    expect(chooseSource({ kubeconfig: '/tmp/k', env: {}, homedir: '/home/u', fileExists: none }).reason).toMatch(/--kubeconfig \/tmp\/k/);
    expect(chooseSource({ env: { KUBECONFIG: '/nope:/etc/k' }, homedir: '/home/u', fileExists: only('/etc/k') })).toEqual({ kind: 'kubernetes', reason: 'KUBECONFIG names /etc/k, which exists' });
    expect(chooseSource({ env: {}, homedir: '/home/u', fileExists: only('/home/u/.kube/config') }).reason).toBe('/home/u/.kube/config exists');
  });

  it('picks Kubernetes in a cluster, and only with a service account token', () => {
    expect(chooseSource({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, homedir: '/root', fileExists: only(IN_CLUSTER_TOKEN_PATH) }).reason).toMatch(/running in a cluster/);
    expect(chooseSource({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, homedir: '/root', fileExists: none }).kind).toBe('file');
  });

  it('falls back to the bundled file and says why', () => {
    const choice = chooseSource({ env: { KUBECONFIG: '/missing' }, homedir: '/home/u', fileExists: none });
    expect(choice.kind).toBe('file');
    expect(choice.reason).toMatch(/not in a cluster, no kubeconfig at KUBECONFIG=\/missing or \/home\/u\/.kube\/config/);
  });
});
