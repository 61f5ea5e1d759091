// client-go exec credential plugins (client.authentication.k8s.io v1/v1beta1), run the way kubectl
// runs them: the caller's environment plus exec.env, KUBERNETES_EXEC_INFO describing the request
// (and the cluster when provideClusterInfo is set), non-interactive, the answer checked against
// the configured apiVersion, cached until expirationTimestamp or a 401. client-node's own ExecAuth
// differs (process.env, no KUBERNETES_EXEC_INFO, no version check, one spawn per parallel
// request, cache keyed by user name across files), so kube-fresh registers this one instead.

import { InputError } from '../../core/errors.ts';
import { ClusterError, type ClusterTarget } from '../cluster-error.ts';
import type { ClusterEntry, ExecConfig } from './kubeconfig-document.ts';
import { MAX_CREDENTIAL_OUTPUT_BYTES, runBounded } from '../../system/run-bounded.ts';

const SUPPORTED_VERSIONS = [
  'client.authentication.k8s.io/v1',
  'client.authentication.k8s.io/v1beta1',
];

export interface ExecCredential {
  readonly token: string | undefined;
  readonly clientCertificateData: string | undefined;
  readonly clientKeyData: string | undefined;
  /** ms since the epoch; undefined = valid until the API server says 401. */
  readonly expiresAt: number | undefined;
}

export interface ExecPluginSettings {
  readonly userName: string;
  readonly exec: ExecConfig;
  readonly cluster: ClusterEntry;
  readonly target: Pick<ClusterTarget, 'context' | 'server'>;
  /** The environment the plugin inherits (the CLI's, read once at the entry point). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs: number;
  readonly now?: () => number;
}

export class ExecCredentialPlugin {
  readonly #settings: ExecPluginSettings;
  #cached: ExecCredential | undefined;
  #pending: Promise<ExecCredential> | undefined;

  constructor(settings: ExecPluginSettings) {
    const { exec, userName } = settings;
    if (!SUPPORTED_VERSIONS.includes(exec.apiVersion)) {
      throw new InputError(
        `kubeconfig user "${userName}": exec plugin apiVersion ${exec.apiVersion} is not supported (use ${SUPPORTED_VERSIONS.join(' or ')})`,
      );
    }
    if (exec.apiVersion.endsWith('/v1') && exec.interactiveMode === undefined) {
      throw new InputError(
        `kubeconfig user "${userName}": exec.interactiveMode must be set for ${exec.apiVersion} (Never, IfAvailable or Always)`,
      );
    }
    this.#settings = settings;
  }

  /** A valid credential; concurrent callers share one plugin run. */
  credential(): Promise<ExecCredential> {
    const now = (this.#settings.now ?? Date.now)();
    const cached = this.#cached;
    if (cached !== undefined && (cached.expiresAt === undefined || cached.expiresAt > now)) {
      return Promise.resolve(cached);
    }
    this.#pending ??= this.#run().then(
      (credential) => {
        this.#cached = credential;
        this.#pending = undefined;
        return credential;
      },
      (error: unknown) => {
        this.#pending = undefined;
        throw error;
      },
    );
    return this.#pending;
  }

  /** After a 401: the next request runs the plugin again (client-go does the same). */
  invalidate(): void {
    this.#cached = undefined;
  }

  async #run(): Promise<ExecCredential> {
    const { exec } = this.#settings;
    if (exec.interactiveMode === 'Always') {
      throw this.#failure(
        'requires an interactive terminal (interactiveMode: Always), and kube-fresh runs plugins non-interactively',
      );
    }
    const output = await this.#spawn();
    return this.#parse(output);
  }

  async #spawn(): Promise<string> {
    const { exec, env, timeoutMs } = this.#settings;
    const childEnv: Record<string, string> = {};
    for (const [name, value] of Object.entries(env))
      if (value !== undefined) childEnv[name] = value;
    for (const { name, value } of exec.env) childEnv[name] = value;
    childEnv.KUBERNETES_EXEC_INFO = JSON.stringify(this.#execInfo());
    const outcome = await runBounded({
      command: exec.command,
      args: exec.args,
      env: childEnv,
      timeoutMs,
      maxOutputBytes: MAX_CREDENTIAL_OUTPUT_BYTES,
    });
    switch (outcome.kind) {
      case 'not-started':
        throw outcome.error.code === 'ENOENT'
          ? this.#failure(`executable ${exec.command} not found`, exec.installHint)
          : this.#failure(`could not be started (${outcome.error.code ?? 'error'})`);
      case 'timed-out':
        throw this.#failure(`gave no answer within ${timeoutMs / 1000} s`);
      case 'too-much-output':
        throw this.#failure(
          `printed more than ${MAX_CREDENTIAL_OUTPUT_BYTES} bytes on ${outcome.stream} and was stopped`,
        );
      case 'exited':
        // Its stderr is not quoted: a failing plugin may print the token it holds (F-13).
        if (outcome.code !== 0)
          throw this.#failure(
            `exited with ${outcome.code ?? outcome.signal ?? 'an error'} (run it yourself to see its output, which is not shown here as it may hold a secret)`,
          );
        return outcome.stdout;
    }
  }

  #execInfo(): Record<string, unknown> {
    const { exec, cluster } = this.#settings;
    const spec: Record<string, unknown> = { interactive: false };
    if (exec.provideClusterInfo) {
      spec.cluster = {
        server: cluster.server,
        ...(cluster.caData === undefined ? {} : { 'certificate-authority-data': cluster.caData }),
        ...(cluster.tlsServerName === undefined
          ? {}
          : { 'tls-server-name': cluster.tlsServerName }),
        ...(cluster.insecureSkipTlsVerify ? { 'insecure-skip-tls-verify': true } : {}),
        ...(cluster.proxyUrl === undefined ? {} : { 'proxy-url': cluster.proxyUrl }),
      };
    }
    return { kind: 'ExecCredential', apiVersion: exec.apiVersion, spec };
  }

  #parse(output: string): ExecCredential {
    const { exec } = this.#settings;
    let value: unknown;
    try {
      value = JSON.parse(output);
    } catch {
      throw this.#failure('did not print an ExecCredential (stdout is not JSON)');
    }
    const credential = value as {
      apiVersion?: unknown;
      kind?: unknown;
      status?: Record<string, unknown>;
    };
    if (credential.kind !== 'ExecCredential')
      throw this.#failure('did not print an ExecCredential');
    if (credential.apiVersion !== exec.apiVersion) {
      throw this.#failure(
        `is configured for ${exec.apiVersion} but answered ${String(credential.apiVersion)}`,
      );
    }
    const status = credential.status ?? {};
    const text = (key: string): string | undefined =>
      typeof status[key] === 'string' && status[key] !== '' ? status[key] : undefined;
    const token = text('token');
    const cert = text('clientCertificateData');
    const key = text('clientKeyData');
    if ((cert === undefined) !== (key === undefined)) {
      throw this.#failure('returned only one of clientCertificateData and clientKeyData');
    }
    if (token === undefined && cert === undefined)
      throw this.#failure('returned neither a token nor a client certificate');
    const expiry = text('expirationTimestamp');
    const expiresAt = expiry === undefined ? undefined : Date.parse(expiry);
    return {
      token,
      clientCertificateData: cert,
      clientKeyData: key,
      expiresAt: Number.isNaN(expiresAt) ? undefined : expiresAt,
    };
  }

  #failure(what: string, hint?: string): ClusterError {
    const { userName, exec, target } = this.#settings;
    return new ClusterError(
      'unauthorized',
      `cannot get credentials for user "${userName}": exec plugin ${exec.command} ${what}`,
      target,
      hint === undefined ? undefined : { hint },
    );
  }
}
