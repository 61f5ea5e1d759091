// A resolved connection → client-node typed API clients that share one KubeConfig (TLS from the
// kubeconfig, never skipped unless the kubeconfig says so), kube-fresh's own exec/token-file
// authentication, and the budgeted transport.

import {
  AppsV1Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  ApiException,
  CustomObjectsApi,
  HttpMethod,
  KubeConfig,
  RequestContext,
  ServerConfiguration,
  createConfiguration,
  type User,
} from '@kubernetes/client-node';
import { readFile } from 'node:fs/promises';
import { InputError } from '../../core/errors.ts';
import { basicCredentialSecrets, redactUrl } from '../../core/redact-secrets.ts';
import { boundedFetchHttpLibrary, budgetedHttpLibrary, RequestRecorder } from './api-transport.ts';
import type { ClusterTarget } from '../cluster-error.ts';
import { ExecCredentialPlugin } from './exec-credential-plugin.ts';
import type { ResolvedConnection } from './kubeconfig-loader.ts';
import { RequestBudget, type BudgetSettings } from './request-budget.ts';

export interface KubeApi {
  readonly target: ClusterTarget;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  /** Leases, for leader election (cluster/leader-election/kube-lease-port.ts). */
  readonly coordination: CoordinationV1Api;
  readonly custom: CustomObjectsApi;
  readonly recorder: RequestRecorder;
  /** The client-node config (auth included) for long-running watches (cluster/watch/). */
  readonly kubeConfig: KubeConfig;
  /**
   * GET as plain JSON through the same auth, budget and timeouts, skipping client-node's model
   * deserialisation (Date objects, class instances): used for the big lists, where that
   * deserialisation costs most of the time and memory.
   */
  getJson(
    path: string,
    query?: Readonly<Record<string, string | number | undefined>>,
  ): Promise<unknown>;
}

export interface KubeApiSettings {
  readonly budget: BudgetSettings;
  readonly timeoutMs: number;
  readonly userAgent: string;
  /** Environment for exec credential plugins. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Marks users whose credentials come from kube-fresh's authenticator, not client-node's. */
const OWN_AUTH = 'kube-fresh';
const TOKEN_FILE_REREAD_MS = 60_000;

export function createKubeApi(connection: ResolvedConnection, settings: KubeApiSettings): KubeApi {
  const { cluster, user } = connection;
  const secrets = new Set<string>([
    ...(user.token === undefined ? [] : [user.token]),
    ...basicCredentialSecrets(user.username, user.password),
  ]);
  const target: ClusterTarget = {
    context: connection.contextName,
    // For messages and reports only: a password in the URL's userinfo is never shown (F-14).
    server: redactUrl(cluster.server),
    user: user.name || 'anonymous',
    namespace: connection.namespace,
  };
  // Not enumerable: the target is shown and serialised (`-o json`), its secrets never are.
  Object.defineProperty(target, 'secrets', { value: secrets, enumerable: false });
  if (cluster.server.startsWith('http://') && !cluster.insecureSkipTlsVerify) {
    throw new InputError(
      `cluster "${cluster.name}" has a plain-HTTP server ${redactUrl(cluster.server)}; kube-fresh talks to API servers over HTTPS only`,
    );
  }
  const credentials = ownCredentials(connection, target, settings);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.server,
        caData: cluster.caData,
        caFile: cluster.caFile,
        skipTLSVerify: cluster.insecureSkipTlsVerify,
        tlsServerName: cluster.tlsServerName,
        proxyUrl: cluster.proxyUrl,
      },
    ],
    users: [clientNodeUser(connection, credentials !== undefined)],
    contexts: [
      {
        name: connection.contextName,
        cluster: cluster.name,
        user: user.name,
        namespace: connection.namespace,
      },
    ],
    currentContext: connection.contextName,
  });
  if (credentials !== undefined) {
    kubeConfig.addAuthenticator({
      isAuthProvider: (candidate: User) =>
        (candidate.authProvider as { name?: string } | undefined)?.name === OWN_AUTH,
      applyAuthentication: async (_user, options) => {
        const found = await credentials.get();
        if (found.token) secrets.add(found.token);
        // client-node types `options` as https or WebSocket options; both take these fields.
        const request = options as {
          headers?: Record<string, unknown>;
          cert?: string;
          key?: string;
        };
        if (found.token)
          request.headers = { ...request.headers, Authorization: `Bearer ${found.token}` };
        if (found.certPem !== undefined && found.keyPem !== undefined) {
          request.cert = found.certPem;
          request.key = found.keyPem;
        }
      },
    });
  }
  const recorder = new RequestRecorder();
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    httpApi: budgetedHttpLibrary(
      boundedFetchHttpLibrary(),
      {
        budget: new RequestBudget(settings.budget),
        timeoutMs: settings.timeoutMs,
        userAgent: settings.userAgent,
        onUnauthorized: credentials?.invalidate,
      },
      recorder,
    ),
  });
  const getJson = async (
    path: string,
    query: Readonly<Record<string, string | number | undefined>> = {},
  ): Promise<unknown> => {
    const context = new RequestContext(cluster.server.replace(/\/+$/, '') + path, HttpMethod.GET);
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) context.setQueryParam(name, String(value));
    context.setHeaderParam('Accept', 'application/json');
    await kubeConfig.applySecurityAuthentication(context);
    const response = await configuration.httpApi.send(context).toPromise();
    const text = await response.body.text();
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      throw new ApiException(
        response.httpStatusCode,
        `GET ${path}: HTTP ${response.httpStatusCode}`,
        text,
        response.headers,
      );
    }
    return JSON.parse(text) as unknown;
  };
  return {
    target,
    getJson,
    core: new CoreV1Api(configuration),
    apps: new AppsV1Api(configuration),
    batch: new BatchV1Api(configuration),
    coordination: new CoordinationV1Api(configuration),
    custom: new CustomObjectsApi(configuration),
    recorder,
    kubeConfig,
  };
}

function clientNodeUser(connection: ResolvedConnection, ownAuth: boolean): User {
  const { user } = connection;
  return {
    name: user.name,
    certData: user.certData,
    certFile: user.certFile,
    keyData: user.keyData,
    keyFile: user.keyFile,
    token: ownAuth ? undefined : user.token,
    username: user.username,
    password: user.password,
    impersonateUser: user.impersonate,
    // Exec and token files are ours (see below); other auth providers (oidc…) stay client-node's.
    authProvider: ownAuth ? { name: OWN_AUTH, config: {} } : user.authProvider,
  };
}

interface Credentials {
  get(): Promise<{
    token?: string | undefined;
    certPem?: string | undefined;
    keyPem?: string | undefined;
  }>;
  invalidate: () => void;
}

/**
 * exec plugins: see exec-credential-plugin.ts. Token files: re-read every minute and trimmed, as
 * client-go's cached file token source does (bound ServiceAccount tokens rotate; a trailing
 * newline would make an invalid header).
 */
function ownCredentials(
  connection: ResolvedConnection,
  target: ClusterTarget,
  settings: KubeApiSettings,
): Credentials | undefined {
  const { user, cluster } = connection;
  if (user.exec !== undefined) {
    const plugin = new ExecCredentialPlugin({
      userName: user.name,
      exec: user.exec,
      cluster,
      target,
      env: settings.env,
      timeoutMs: Math.max(settings.timeoutMs, 30_000),
    });
    return {
      get: async () => {
        const credential = await plugin.credential();
        return {
          token: credential.token,
          certPem: credential.clientCertificateData,
          keyPem: credential.clientKeyData,
        };
      },
      invalidate: () => plugin.invalidate(),
    };
  }
  const tokenFile = user.token === undefined ? user.tokenFile : undefined;
  if (tokenFile === undefined) return undefined;
  let cached: { token: string; readAt: number } | undefined;
  return {
    get: async () => {
      if (cached === undefined || Date.now() - cached.readAt > TOKEN_FILE_REREAD_MS) {
        const token = await readFile(tokenFile, 'utf8').catch((error: unknown) => {
          throw new InputError(
            `cannot read the token file ${tokenFile} of user "${user.name}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
            { cause: error },
          );
        });
        cached = { token: token.trim(), readAt: Date.now() };
      }
      return { token: cached.token };
    },
    invalidate: () => (cached = undefined),
  };
}
