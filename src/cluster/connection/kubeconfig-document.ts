// One kubeconfig file → typed entries, with every problem reported against the file and the
// entry (`users[2].user.exec.command`), and relative paths resolved against the file's folder as
// client-go's ResolvePaths does (certificate files, token-file, an exec command with a slash).

import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { InputError } from '../../core/errors.ts';

export interface ClusterEntry {
  readonly name: string;
  readonly server: string;
  readonly caData: string | undefined;
  readonly caFile: string | undefined;
  readonly insecureSkipTlsVerify: boolean;
  readonly tlsServerName: string | undefined;
  readonly proxyUrl: string | undefined;
}

export interface ExecConfig {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly apiVersion: string;
  readonly installHint: string | undefined;
  readonly provideClusterInfo: boolean;
  readonly interactiveMode: string | undefined;
}

export interface UserEntry {
  readonly name: string;
  readonly certData: string | undefined;
  readonly certFile: string | undefined;
  readonly keyData: string | undefined;
  readonly keyFile: string | undefined;
  readonly token: string | undefined;
  readonly tokenFile: string | undefined;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly impersonate: string | undefined;
  readonly exec: ExecConfig | undefined;
  readonly authProvider:
    { readonly name: string; readonly config: Record<string, string> } | undefined;
}

export interface ContextEntry {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace: string | undefined;
}

export interface KubeconfigDocument {
  readonly file: string;
  readonly clusters: readonly ClusterEntry[];
  readonly users: readonly UserEntry[];
  readonly contexts: readonly ContextEntry[];
  readonly currentContext: string | undefined;
}

type Raw = Record<string, unknown>;

export function parseKubeconfig(text: string, file: string): KubeconfigDocument {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new InputError(`kubeconfig ${file} is not valid YAML: ${firstLine(error)}`, {
      cause: error,
    });
  }
  if (value === null || value === undefined) value = {};
  if (!isRecord(value)) throw new InputError(`kubeconfig ${file} is not a YAML mapping`);
  const reader = new FieldReader(file, dirname(file));
  return {
    file,
    clusters: reader.list(value, 'clusters', (item, at) => reader.cluster(item, at)),
    users: reader.list(value, 'users', (item, at) => reader.user(item, at)),
    contexts: reader.list(value, 'contexts', (item, at) => reader.context(item, at)),
    currentContext: reader.optionalString(value, 'current-context', '') || undefined,
  };
}

class FieldReader {
  constructor(
    private readonly file: string,
    private readonly base: string,
  ) {}

  list<T>(doc: Raw, key: string, read: (item: Raw, at: string) => T): T[] {
    const value = doc[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw this.problem(key, 'must be a list');
    return value.map((item: unknown, index) => {
      const at = `${key}[${index}]`;
      if (!isRecord(item)) throw this.problem(at, 'must be a mapping');
      return read(item, at);
    });
  }

  cluster(item: Raw, at: string): ClusterEntry {
    const body = this.section(item, 'cluster', at);
    const server = this.optionalString(body, 'server', `${at}.cluster`);
    if (!server) throw this.problem(`${at}.cluster.server`, 'is missing');
    return {
      name: this.name(item, at),
      server: server.replace(/\/+$/, ''),
      caData: this.optionalString(body, 'certificate-authority-data', `${at}.cluster`),
      caFile: this.path(this.optionalString(body, 'certificate-authority', `${at}.cluster`)),
      insecureSkipTlsVerify: body['insecure-skip-tls-verify'] === true,
      tlsServerName: this.optionalString(body, 'tls-server-name', `${at}.cluster`),
      proxyUrl: this.optionalString(body, 'proxy-url', `${at}.cluster`),
    };
  }

  user(item: Raw, at: string): UserEntry {
    const body = this.section(item, 'user', at, true);
    const s = (key: string): string | undefined => this.optionalString(body, key, `${at}.user`);
    const provider = body['auth-provider'];
    return {
      name: this.name(item, at),
      certData: s('client-certificate-data'),
      certFile: this.path(s('client-certificate')),
      keyData: s('client-key-data'),
      keyFile: this.path(s('client-key')),
      token: s('token'),
      tokenFile: this.path(s('tokenFile') ?? s('token-file')),
      username: s('username'),
      password: s('password'),
      impersonate: s('as'),
      exec:
        body.exec === undefined || body.exec === null
          ? undefined
          : this.exec(body.exec, `${at}.user.exec`),
      authProvider:
        isRecord(provider) && typeof provider.name === 'string'
          ? { name: provider.name, config: stringRecord(provider.config) }
          : undefined,
    };
  }

  context(item: Raw, at: string): ContextEntry {
    const body = this.section(item, 'context', at);
    const cluster = this.optionalString(body, 'cluster', `${at}.context`);
    const user = this.optionalString(body, 'user', `${at}.context`) ?? '';
    if (!cluster) throw this.problem(`${at}.context.cluster`, 'is missing');
    return {
      name: this.name(item, at),
      cluster,
      user,
      namespace: this.optionalString(body, 'namespace', `${at}.context`) || undefined,
    };
  }

  exec(value: unknown, at: string): ExecConfig {
    if (!isRecord(value)) throw this.problem(at, 'must be a mapping');
    const command = this.optionalString(value, 'command', at);
    const apiVersion = this.optionalString(value, 'apiVersion', at);
    if (!command) throw this.problem(`${at}.command`, 'is missing');
    if (!apiVersion) throw this.problem(`${at}.apiVersion`, 'is missing');
    const args = value.args ?? [];
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
      throw this.problem(`${at}.args`, 'must be a list of strings');
    }
    const env = value.env ?? [];
    if (
      !Array.isArray(env) ||
      !env.every((e) => isRecord(e) && typeof e.name === 'string' && typeof e.value === 'string')
    ) {
      throw this.problem(`${at}.env`, 'must be a list of {name, value} strings');
    }
    return {
      // client-go: a command with a path separator is relative to the kubeconfig's folder;
      // a bare name is looked up on PATH.
      command: command.includes('/') ? (this.path(command) ?? command) : command,
      args,
      env: env as { name: string; value: string }[],
      apiVersion,
      installHint: this.optionalString(value, 'installHint', at),
      provideClusterInfo: value.provideClusterInfo === true,
      interactiveMode: this.optionalString(value, 'interactiveMode', at),
    };
  }

  /** `parent` is the entry's path for messages (`users[0].user`); '' at the top level. */
  optionalString(body: Raw, key: string, parent: string): string | undefined {
    const value = body[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string')
      throw this.problem(parent ? `${parent}.${key}` : key, 'must be a string');
    return value;
  }

  private section(item: Raw, key: string, at: string, optional = false): Raw {
    const body = item[key];
    if ((body === undefined || body === null) && optional) return {};
    if (!isRecord(body)) throw this.problem(`${at}.${key}`, 'is missing or not a mapping');
    return body;
  }

  private name(item: Raw, at: string): string {
    const name = item.name;
    if (typeof name !== 'string' || name === '') throw this.problem(`${at}.name`, 'is missing');
    return name;
  }

  private path(value: string | undefined): string | undefined {
    if (value === undefined || value === '') return undefined;
    return isAbsolute(value) ? value : resolve(this.base, value);
  }

  private problem(at: string, what: string): InputError {
    return new InputError(`kubeconfig ${this.file}: ${at} ${what}`);
  }
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** The message without the source excerpt `yaml` appends (it may show a token), nor its `:` (F-20). */
function firstLine(error: unknown): string {
  const line = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  return line.replace(/:\s*$/, '');
}
