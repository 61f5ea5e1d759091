// GitHub Packages webhooks for container images: `package` events (and the legacy
// `registry_package`), actions `published`/`updated`, signed with HMAC-SHA256 over the raw body
// (`X-Hub-Signature-256`). The tagged event carries the manifest digest; per-platform manifests
// of a multi-arch push arrive as extra events with an empty tag name and are skipped.

import { z } from 'zod';
import { isDigest } from '../../core/digest.ts';
import { mediaTypeOf } from './distribution-notification.ts';
import { decodeUtf8, parsePayload } from './payload-json.ts';
import { githubSignatureValid, type NotificationSecrets } from './notification-secrets.ts';
import {
  buildClaim,
  collectClaims,
  headerValue,
  type IgnoredEvent,
  type NotificationOutcome,
  type PushClaim,
  type NotificationRequest,
} from './push-claim.ts';

const GITHUB_REGISTRY = 'ghcr.io';
const PACKAGE_EVENTS: ReadonlySet<string> = new Set(['package', 'registry_package']);
const PUSH_ACTIONS: ReadonlySet<string> = new Set(['published', 'updated']);

const packageSchema = z.object({
  name: z.string().min(1),
  ecosystem: z.string().nullish(),
  package_type: z.string().nullish(),
  owner: z.object({ login: z.string() }).nullish(),
  package_version: z
    .object({
      version: z.string().nullish(),
      package_url: z.string().nullish(),
      container_metadata: z
        .object({
          tag: z.object({ name: z.string().nullish(), digest: z.string().nullish() }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

const payloadSchema = z.object({
  action: z.string().optional(),
  package: packageSchema.optional(),
  registry_package: packageSchema.optional(),
});

type GithubPackage = z.infer<typeof packageSchema>;

/** Authenticates and parses one delivery to `/hooks/github`. */
export function parseGithubPackageEvent(
  request: NotificationRequest,
  secrets: NotificationSecrets,
): NotificationOutcome {
  const config = secrets.github;
  if (config === undefined) {
    return { ok: false, status: 403, reason: 'GitHub webhooks are not enabled' };
  }
  const signature = headerValue(request.headers, 'x-hub-signature-256');
  if (!githubSignatureValid(config.secret, request.body, signature)) {
    return { ok: false, status: 401, reason: 'missing or wrong X-Hub-Signature-256' };
  }
  const event = headerValue(request.headers, 'x-github-event') ?? '';
  const eventId = headerValue(request.headers, 'x-github-delivery');
  const text = payloadText(request);
  if (text === undefined) return { ok: false, status: 400, reason: 'the body is not readable' };
  const parsed = parsePayload(text, payloadSchema);
  if (!parsed.ok) return parsed;
  return claimFromEvent(event, parsed.payload, {
    eventId,
    registry: config.registry,
    receivedAt: request.receivedAt,
  });
}

interface EventContext {
  readonly eventId: string | undefined;
  readonly registry: string | undefined;
  readonly receivedAt: Date;
}

function claimFromEvent(
  event: string,
  payload: z.infer<typeof payloadSchema>,
  context: EventContext,
): NotificationOutcome {
  const { eventId } = context;
  const ignore = (reason: string): NotificationOutcome => ({
    ok: true,
    claims: [],
    ignored: [{ reason, ...(eventId === undefined ? {} : { eventId }) }],
  });
  // `ping` (sent when the webhook is created) and every other event type are answered 2xx.
  if (!PACKAGE_EVENTS.has(event)) return ignore(`${event || 'unnamed'} event`);
  const { action } = payload;
  if (action === undefined || !PUSH_ACTIONS.has(action)) return ignore(`${action} action`);
  const pkg = payload.package ?? payload.registry_package;
  if (pkg === undefined) return { ok: false, status: 400, reason: 'the payload has no package' };
  if (!isContainerPackage(pkg)) return ignore('not a container package');
  const tag = pkg.package_version?.container_metadata?.tag?.name ?? '';
  if (tag === '') return ignore('untagged manifest (one platform of a multi-arch push)');
  return { ok: true, ...collectClaims([claimFromPackage(pkg, tag, context)]) };
}

function claimFromPackage(
  pkg: GithubPackage,
  tag: string,
  context: EventContext,
): PushClaim | IgnoredEvent {
  const version = pkg.package_version;
  const image = imageName(pkg);
  return buildClaim({
    provider: 'github',
    registry: context.registry ?? image.host,
    repository: image.repository,
    tag,
    digest: firstDigest(version?.container_metadata?.tag?.digest, version?.version),
    eventId: context.eventId,
    receivedAt: context.receivedAt,
  });
}

/** GitHub lets a webhook use `application/x-www-form-urlencoded` (`payload=<json>`). */
function payloadText(request: NotificationRequest): string | undefined {
  const text = decodeUtf8(request.body);
  if (text === undefined) return undefined;
  const type = mediaTypeOf(headerValue(request.headers, 'content-type'));
  if (type !== 'application/x-www-form-urlencoded') return text;
  return new URLSearchParams(text).get('payload') ?? undefined;
}

function isContainerPackage(pkg: GithubPackage): boolean {
  return [pkg.ecosystem, pkg.package_type].some(
    (kind) => typeof kind === 'string' && /^(container|docker)$/i.test(kind),
  );
}

/**
 * `package_url` is `ghcr.io/<owner>/<name>:<tag>` (GHES: `containers.<host>/…`); GHCR names are
 * lower case whatever the owner's login looks like, and Pods must write them so.
 */
function imageName(pkg: GithubPackage): { host: string; repository: string } {
  const url = pkg.package_version?.package_url?.toLowerCase();
  if (url !== undefined && url.includes('/')) {
    const slash = url.indexOf('/');
    const rest = url.slice(slash + 1);
    const lastSlash = rest.lastIndexOf('/');
    const end = rest.slice(lastSlash + 1).search(/[:@]/);
    const repository = end < 0 ? rest : rest.slice(0, lastSlash + 1 + end);
    return { host: url.slice(0, slash), repository };
  }
  const owner = pkg.owner?.login ?? '';
  return { host: GITHUB_REGISTRY, repository: `${owner}/${pkg.name}`.toLowerCase() };
}

function firstDigest(...candidates: (string | null | undefined)[]): string | undefined {
  return candidates.find((c): c is string => typeof c === 'string' && isDigest(c));
}
