// `kube-fresh webhook`: the admission webhook that pins Pods to digests, and `webhook manifests`
// to register it.

import { Option, type Command } from '@commander-js/extra-typings';
import type { CliIo } from '../../io.ts';
import { addRegistryOptions } from '../../registry-flags.ts';

const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

export function registerWebhookCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  const webhook = program
    .command('webhook')
    .summary('admission webhook: pin every new Pod to the digest its tags point to now')
    .description(
      'Serves AdmissionReview v1 over TLS. POST /mutate rewrites every containers, initContainers and ephemeralContainers image (and image volume) written as a tag to repo:tag@sha256:<what the tag points to now>, spelled as written, and records the originals in the kube-fresh.io/original-images annotation; digests are left alone, so a reinvocation changes nothing. POST /validate/warn and /validate/deny apply the runtime lint rules (KF001 floating tag under IfNotPresent, KF002 latest, KF003 Never, KF005, KF006) as warnings or a denial.\n\n' +
        "Credentials as the kubelet would use them: the Pod's imagePullSecrets (the ServiceAccount's are merged in at admission), read through the API and cached briefly, then --docker-config. Answers are cached for --cache-ttl per tag and credential set, shared in flight: a pin names what the tag pointed to at most --cache-ttl ago.\n\n" +
        'Fail open, fast: a registry that is down, slow, unauthorized or rate-limiting never blocks a Pod: after --resolve-timeout it is admitted unchanged with a warning. Register with `webhook manifests` (failurePolicy Ignore). Stops gracefully on SIGTERM.',
    )
    .addOption(new Option('--listen <HOST:PORT>', 'HTTPS admission address').default(':8443'))
    .addOption(
      new Option('--tls-cert-file <FILE>', 'serving certificate (PEM; re-read when it changes)'),
    )
    .addOption(new Option('--tls-key-file <FILE>', 'serving key (PEM)'))
    .addOption(
      new Option(
        '--metrics-listen <HOST:PORT>',
        'plain-HTTP address for /healthz, /readyz, /metrics',
      ).default(':8080'),
    )
    .addOption(
      new Option('--cache-ttl <DURATION>', 'reuse a tag → digest answer this long').default('30s'),
    )
    .addOption(
      new Option(
        '--resolve-timeout <DURATION>',
        'admit unchanged when the registry has not answered within this',
      ).default('2s'),
    )
    .addOption(
      new Option(
        '--exclude-namespace <NS>',
        'never touch Pods in this namespace (repeatable; default kube-system)',
      ).argParser(collect),
    )
    .addOption(
      new Option('--log-level <LEVEL>', 'JSON log level')
        .choices(['debug', 'info', 'warn', 'error'] as const)
        .default('info' as const),
    )
    .addOption(
      new Option(
        '--invalidate-token-file <FILE>',
        'serve POST /invalidate {"images":[…]} to callers sending this bearer token (a controller in another process)',
      ),
    )
    .addOption(
      new Option(
        '--kubeconfig <FILE>',
        'kubeconfig for reading pull Secrets (default: $KUBECONFIG, ~/.kube/config, else in-cluster)',
      ),
    )
    .addOption(new Option('--context <NAME>', 'kubeconfig context to use'))
    .addOption(
      new Option(
        '--request-timeout <DURATION>',
        'give up on one API request after this long',
      ).default('5s'),
    );
  addRegistryOptions(webhook)
    .addHelpText(
      'after',
      `\nExamples:\n` +
        `  ${io.programName} webhook manifests --url https://127.0.0.1:8443 \\\n` +
        `      --cert-dir ./pki | kubectl apply -f -\n` +
        `  ${io.programName} webhook --listen 127.0.0.1:8443 \\\n` +
        `      --tls-cert-file ./pki/tls.crt --tls-key-file ./pki/tls.key\n`,
    )
    .action(async (options) => {
      const { runWebhook } = await import('./webhook.ts');
      setExit(await runWebhook(options, io));
    });

  webhook
    .command('manifests')
    .summary('print the Mutating/ValidatingWebhookConfiguration that register the webhook')
    .description(
      'Prints YAML for a MutatingWebhookConfiguration (pin.kube-fresh.io → /mutate, reinvocationPolicy IfNeeded, skipped by matchConditions when every image has a digest) and a ValidatingWebhookConfiguration (warn/deny.policy.kube-fresh.io → /validate/warn, /validate/deny, chosen per namespace by the --policy-label value). All fail open (failurePolicy Ignore), sideEffects None, and skip the excluded namespaces. The caBundle comes from --ca-file, or from a CA and serving certificate generated in --cert-dir with the openssl CLI (IP SAN for an IP URL, DNS SANs for a service).',
    )
    .addOption(
      new Option(
        '--url <https://HOST:PORT>',
        'where the apiserver reaches the webhook (paths are added)',
      ),
    )
    .addOption(
      new Option(
        '--service <NAMESPACE/NAME[:PORT]>',
        'or: the in-cluster Service in front of it (port default 443)',
      ),
    )
    .addOption(new Option('--ca-file <FILE>', 'PEM CA that signed the serving certificate'))
    .addOption(new Option('--cert-dir <DIR>', 'generate (or reuse) ca.crt, tls.crt, tls.key here'))
    .addOption(
      new Option('--timeout-seconds <N>', 'the apiserver waits this long (1-30)').default('5'),
    )
    .addOption(new Option('--name <NAME>', 'name of both configurations').default('kube-fresh'))
    .addOption(
      new Option(
        '--policy-label <KEY>',
        'namespace label selecting the validate policy (warn | deny)',
      ).default('kube-fresh.io/admission-policy'),
    )
    .addOption(
      new Option(
        '--exclude-namespace <NS>',
        'namespaces the apiserver never sends (repeatable; default kube-system)',
      ).argParser(collect),
    )
    .action(async (options) => {
      const { runWebhookManifests } = await import('./webhook-manifests.ts');
      setExit(await runWebhookManifests(options, io));
    });
}
