import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EnvironmentError, InputError, UsageError } from '../../core/errors.ts';
import { resolveConnection } from './kubeconfig-loader.ts';

const config = (body: string) => `apiVersion: v1\nkind: Config\n${body}`;
const A = config(`clusters:
- name: shared
  cluster: {server: "https://a.example:6443/", certificate-authority: certs/ca.pem}
- name: only-a
  cluster: {server: https://only-a.example}
users:
- name: shared-user
  user: {client-certificate: certs/a.crt, client-key: /abs/a.key, tokenFile: tok}
contexts:
- name: shared
  context: {cluster: shared, user: shared-user, namespace: team-a}
- name: anon
  context: {cluster: only-a}
current-context: shared
`);
const B = config(`clusters:
- name: shared
  cluster: {server: https://b.example}
- name: only-b
  cluster: {server: https://only-b.example}
users:
- name: b-user
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ./bin/get-token, args: [x]}
contexts:
- name: b
  context: {cluster: only-b, user: b-user}
current-context: b
`);

describe('resolveConnection', () => {
  let dir: string;
  let a: string;
  let b: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-kubeconfig-'));
    await mkdir(join(dir, 'b'));
    a = join(dir, 'a.yaml');
    b = join(dir, 'b', 'config');
    await writeFile(a, A);
    await writeFile(b, B);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reports a YAML error by position, without the excerpt (it may show a token) or a dangling colon', async () => {
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'users:\n- name: u\n  user:\n    token: tok-SECRET-1: [x\n');
    await assert.rejects(resolveConnection({ kubeconfigEnv: broken }), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /is not valid YAML: .* at line 4, column \d+$/);
      assert.doesNotMatch(e.message, /tok-SECRET-1/);
      return true;
    });
  });

  it('merges KUBECONFIG files: the first to define a name or current-context wins', async () => {
    const resolved = await resolveConnection({ kubeconfigEnv: `${join(dir, 'nope')}:${a}:${b}` });
    assert.equal(resolved.contextName, 'shared');
    assert.equal(resolved.cluster.server, 'https://a.example:6443');
    assert.equal(resolved.namespace, 'team-a');
    assert.deepEqual(resolved.sources, [a, b]);
    const other = await resolveConnection({ kubeconfigEnv: `${b}:${a}` });
    assert.equal(other.contextName, 'b');
    const shared = await resolveConnection({ kubeconfigEnv: `${b}:${a}` }, { context: 'shared' });
    assert.equal(
      shared.cluster.server,
      'https://b.example',
      'cluster "shared" comes from the first file',
    );
  });

  it('resolves relative paths against the file that names them', async () => {
    const resolved = await resolveConnection({ kubeconfigFlag: a });
    assert.equal(resolved.cluster.caFile, join(dir, 'certs/ca.pem'));
    assert.equal(resolved.user.certFile, join(dir, 'certs/a.crt'));
    assert.equal(resolved.user.keyFile, '/abs/a.key');
    assert.equal(resolved.user.tokenFile, join(dir, 'tok'));
    const exec = await resolveConnection({ kubeconfigFlag: b });
    assert.equal(exec.user.exec?.command, join(dir, 'b', 'bin/get-token'));
    assert.deepEqual(exec.user.exec?.args, ['x']);
  });

  it('--kubeconfig wins over KUBECONFIG, --namespace over the context, and a context may have no user', async () => {
    const resolved = await resolveConnection(
      { kubeconfigFlag: a, kubeconfigEnv: b },
      { context: 'anon', namespace: 'ops' },
    );
    assert.equal(resolved.contextName, 'anon');
    assert.equal(resolved.namespace, 'ops');
    assert.equal(resolved.user.name, '');
  });

  it('falls back to ~/.kube/config, then in-cluster, then fails with advice', async () => {
    const home = join(dir, 'home');
    await mkdir(join(home, '.kube'), { recursive: true });
    await writeFile(join(home, '.kube', 'config'), B);
    assert.equal((await resolveConnection({ home })).contextName, 'b');
    const sa = join(dir, 'sa');
    await mkdir(sa, { recursive: true });
    await writeFile(join(sa, 'token'), 't');
    await writeFile(join(sa, 'namespace'), 'kube-fresh\n');
    const inCluster = await resolveConnection({
      home: join(dir, 'empty'),
      inCluster: { host: 'fd00::1', port: '443' },
      serviceAccountDir: sa,
    });
    assert.equal(inCluster.cluster.server, 'https://[fd00::1]:443');
    assert.equal(inCluster.namespace, 'kube-fresh');
    assert.equal(inCluster.user.tokenFile, join(sa, 'token'));
    await assert.rejects(resolveConnection({ home: join(dir, 'empty') }), EnvironmentError);
  });

  it('reports selection problems as usage or input errors naming the files', async () => {
    await assert.rejects(
      resolveConnection({ kubeconfigFlag: a }, { context: 'nope' }),
      new UsageError(`context "nope" not found in ${a}`),
    );
    const dangling = join(dir, 'dangling.yaml');
    await writeFile(
      dangling,
      config('contexts:\n- name: x\n  context: {cluster: gone, user: u}\ncurrent-context: x\n'),
    );
    await assert.rejects(
      resolveConnection({ kubeconfigFlag: dangling }),
      new InputError(`context "x" refers to cluster "gone", which is not in ${dangling}`),
    );
    const noCurrent = join(dir, 'no-current.yaml');
    await writeFile(noCurrent, config('contexts:\n- name: x\n  context: {cluster: c}\n'));
    await assert.rejects(
      resolveConnection({ kubeconfigFlag: noCurrent }),
      /no current-context in .*no-current\.yaml \(contexts: x\)/,
    );
  });

  it('names the file and the entry of malformed kubeconfigs', async () => {
    const cases: [string, string][] = [
      ['clusters: {}', 'clusters must be a list'],
      ['users:\n- user: {}', 'users[0].name is missing'],
      ['users:\n- name: u\n  user: {token: 5}', 'users[0].user.token must be a string'],
      [
        'users:\n- name: u\n  user: {exec: {command: x}}',
        'users[0].user.exec.apiVersion is missing',
      ],
      ['contexts:\n- name: c\n  context: {user: u}', 'contexts[0].context.cluster is missing'],
      ['- just\n- a list', 'is not a YAML mapping'],
    ];
    for (const [body, problem] of cases) {
      const file = join(dir, 'bad.yaml');
      await writeFile(file, body);
      await assert.rejects(resolveConnection({ kubeconfigFlag: file }), (error: Error) => {
        assert.ok(error instanceof InputError);
        assert.ok(error.message.startsWith(`kubeconfig ${file}`), error.message);
        assert.ok(error.message.endsWith(problem), error.message);
        return true;
      });
    }
  });
});
