// Runs `kube-fresh webhook manifests`: prints the webhook configurations as YAML.

import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { InputError, UsageError } from '../../../core/errors.ts';
import { ensureServingCert } from '../../../webhook/serving-cert.ts';
import { webhookManifests, type ClientTarget } from '../../../webhook/webhook-manifests.ts';
import { ExitCode, type CliIo } from '../../io.ts';

export interface WebhookManifestsCliOptions {
  readonly url?: string | undefined;
  readonly service?: string | undefined;
  readonly caFile?: string | undefined;
  readonly certDir?: string | undefined;
  readonly timeoutSeconds: string;
  readonly name: string;
  readonly policyLabel: string;
  readonly excludeNamespace?: string[] | undefined;
}

export async function runWebhookManifests(
  options: WebhookManifestsCliOptions,
  io: CliIo,
): Promise<number> {
  const { target, hosts } = clientTarget(options);
  const timeoutSeconds = Number(options.timeoutSeconds);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 30) {
    throw new UsageError(
      `--timeout-seconds takes 1 to 30, not ${JSON.stringify(options.timeoutSeconds)}`,
    );
  }
  let caPem: string;
  if (options.caFile !== undefined) {
    caPem = await readFile(options.caFile, 'utf8').catch((error: unknown) => {
      throw new InputError(`cannot read --ca-file ${options.caFile}`, { cause: error });
    });
  } else if (options.certDir !== undefined) {
    const cert = await ensureServingCert(options.certDir, hosts);
    io.stderr.write(
      `${cert.created ? 'generated' : 'reusing'} ${cert.certFile} and ${cert.keyFile} (SAN: ${hosts.join(', ')}); ` +
        `serve with --tls-cert-file ${cert.certFile} --tls-key-file ${cert.keyFile}\n`,
    );
    caPem = cert.caPem;
  } else {
    throw new UsageError('webhook manifests needs --ca-file or --cert-dir for the caBundle');
  }
  if (!caPem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new InputError('the CA file holds no PEM certificate');
  }
  const docs = webhookManifests({
    name: options.name,
    target,
    caPem,
    timeoutSeconds,
    excludedNamespaces: options.excludeNamespace ?? ['kube-system'],
    policyLabel: options.policyLabel,
  });
  io.stdout.write(
    docs.map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n'),
  );
  return ExitCode.ok;
}

function clientTarget(options: WebhookManifestsCliOptions): {
  target: ClientTarget;
  hosts: string[];
} {
  if ((options.url === undefined) === (options.service === undefined)) {
    throw new UsageError('webhook manifests needs exactly one of --url and --service');
  }
  if (options.url !== undefined) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new UsageError(`--url ${JSON.stringify(options.url)} is not a URL`);
    }
    if (url.protocol !== 'https:' || url.username !== '' || url.search !== '' || url.hash !== '') {
      throw new UsageError(
        '--url must be https://HOST[:PORT] with no user, query or fragment (the apiserver requires it)',
      );
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return {
      target: { url: options.url },
      hosts: [host],
    };
  }
  const match = /^([a-z0-9-]+)\/([a-z0-9-]+)(?::(\d+))?$/.exec(options.service ?? '');
  if (match === null) throw new UsageError('--service takes NAMESPACE/NAME[:PORT]');
  const [, namespace = '', name = '', port = '443'] = match;
  return {
    target: { service: { namespace, name, port: Number(port) } },
    hosts: [`${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`, name],
  };
}
