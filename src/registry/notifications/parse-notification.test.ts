// Table tests per provider over recorded/realistic payloads in test/fixtures/notifications: good,
// bad auth, malformed, pulls, deletes, several events, untagged pushes.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  githubSignatureValid,
  secretsEqual,
  type NotificationSecrets,
} from './notification-secrets.ts';
import { authenticateNotification, parseNotification } from './parse-notification.ts';
import type {
  NotificationOutcome,
  NotificationProvider,
  NotificationRequest,
} from './push-claim.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/notifications');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const RECEIVED = new Date('2026-12-08T03:00:00.000Z');
const EVENTS_TYPE = 'application/vnd.docker.distribution.events.v1+json';

const SECRETS: NotificationSecrets = {
  distribution: { token: 'dist-token-0123456789' },
  dockerhub: { token: 'hub-token-0123456789' },
  github: { secret: "It's a Secret to Everybody" },
  harbor: { authorization: 'Bearer harbor-secret-0123' },
  quay: { token: 'quay-token-0123456789' },
};

function sign(body: Buffer, secret = SECRETS.github!.secret): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function request(
  body: Buffer,
  headers: NotificationRequest['headers'] = {},
  urlToken?: string,
): NotificationRequest {
  return { body, headers, urlToken, receivedAt: RECEIVED };
}

const distribution = (body: Buffer, token = 'dist-token-0123456789'): NotificationRequest =>
  request(body, { authorization: `Bearer ${token}`, 'content-type': EVENTS_TYPE });
const github = (body: Buffer, event = 'package', signature = sign(body)): NotificationRequest =>
  request(body, {
    'x-github-event': event,
    'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'x-hub-signature-256': signature,
    'content-type': 'application/json',
  });
const harbor = (body: Buffer, authorization = 'Bearer harbor-secret-0123'): NotificationRequest =>
  request(body, { authorization, 'content-type': 'application/json' });

interface Row {
  readonly name: string;
  readonly provider: NotificationProvider;
  readonly request: NotificationRequest;
  readonly secrets?: NotificationSecrets;
  /** `registry/repository:tag[@digest]#eventId` per claim, or the refusal status. */
  readonly expect: readonly string[] | 400 | 401 | 403;
  readonly ignored?: number;
}

const SHA = (c: string): string => `sha256:${c.repeat(64)}`;

const ROWS: readonly Row[] = [
  // distribution
  {
    name: 'distribution: a tag push gives registry, repository, tag, digest and event id',
    provider: 'distribution',
    request: distribution(fixture('distribution-push.json')),
    expect: [
      '127.0.0.1:5004/demo/app:latest@sha256:66a74556f1df4dff04a659f83b1f2e577f8f770f373b9f0a7e0a62e30fd4106e#ffad401b-1602-4098-a5c2-f18864818212',
    ],
  },
  {
    name: 'distribution: the configured registry overrides the Host the push was sent to',
    provider: 'distribution',
    request: distribution(fixture('distribution-push.json')),
    secrets: { distribution: { token: 'dist-token-0123456789', registry: 'registry.example.com' } },
    expect: [
      'registry.example.com/demo/app:latest@sha256:66a74556f1df4dff04a659f83b1f2e577f8f770f373b9f0a7e0a62e30fd4106e#ffad401b-1602-4098-a5c2-f18864818212',
    ],
  },
  {
    name: 'distribution: a wrong token is 401',
    provider: 'distribution',
    request: distribution(fixture('distribution-push.json'), 'dist-token-012345678X'),
    expect: 401,
  },
  {
    name: 'distribution: no Authorization header is 401',
    provider: 'distribution',
    request: request(fixture('distribution-push.json'), { 'content-type': EVENTS_TYPE }),
    expect: 401,
  },
  {
    name: 'distribution: Basic instead of Bearer is 401',
    provider: 'distribution',
    request: request(fixture('distribution-push.json'), {
      authorization: 'Basic dist-token-0123456789',
      'content-type': EVENTS_TYPE,
    }),
    expect: 401,
  },
  {
    name: 'distribution: not configured is 403',
    provider: 'distribution',
    request: distribution(fixture('distribution-push.json')),
    secrets: {},
    expect: 403,
  },
  {
    name: 'distribution: another content type is 400',
    provider: 'distribution',
    request: request(fixture('distribution-push.json'), {
      authorization: 'Bearer dist-token-0123456789',
      'content-type': 'text/plain',
    }),
    expect: 400,
  },
  {
    name: 'distribution: malformed JSON is 400',
    provider: 'distribution',
    request: distribution(Buffer.from('{"events": [')),
    expect: 400,
  },
  {
    name: 'distribution: wrong types are 400',
    provider: 'distribution',
    request: distribution(Buffer.from('{"events": [{"id": 7, "action": "push", "target": {}}]}')),
    expect: 400,
  },
  {
    name: 'distribution: no events array is 400',
    provider: 'distribution',
    request: distribution(Buffer.from('{"event": {}}')),
    expect: 400,
  },
  {
    name: 'distribution: invalid UTF-8 is 400',
    provider: 'distribution',
    request: distribution(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])),
    expect: 400,
  },
  {
    name: 'distribution: a pull (HEAD of the tag) produces no claim',
    provider: 'distribution',
    request: distribution(fixture('distribution-pull.json')),
    expect: [],
    ignored: 1,
  },
  {
    name: 'distribution: a delete (by digest, then per tag) produces no claim',
    provider: 'distribution',
    request: distribution(fixture('distribution-delete.json')),
    expect: [],
    ignored: 2,
  },
  {
    name: 'distribution: several events: only tagged manifest pushes, docker.io normalised',
    provider: 'distribution',
    request: distribution(fixture('distribution-multiarch.json')),
    expect: [
      `registry.example.com:5000/demo/multi:v2@${SHA('2')}#e1a7c0de-0000-4000-8000-000000000003`,
      `docker.io/library/nginx:1.27@${SHA('3')}#e1a7c0de-0000-4000-8000-000000000004`,
    ],
    ignored: 2,
  },
  // Docker Hub
  {
    name: 'dockerhub: a push gives docker.io, repository and tag without digest',
    provider: 'dockerhub',
    request: request(fixture('dockerhub-push.json'), {}, 'hub-token-0123456789'),
    expect: ['docker.io/svendowideit/testhook:latest#svendowideit/testhook:latest@1417566161'],
  },
  {
    name: 'dockerhub: a wrong URL token is 401',
    provider: 'dockerhub',
    request: request(fixture('dockerhub-push.json'), {}, 'hub-token-012345678'),
    expect: 401,
  },
  {
    name: 'dockerhub: no URL token is 401',
    provider: 'dockerhub',
    request: request(fixture('dockerhub-push.json')),
    expect: 401,
  },
  {
    name: 'dockerhub: a missing push_data is 400',
    provider: 'dockerhub',
    request: request(
      Buffer.from('{"repository": {"repo_name": "a/b"}}'),
      {},
      'hub-token-0123456789',
    ),
    expect: 400,
  },
  {
    name: 'dockerhub: an invalid repository name is ignored, not pinned',
    provider: 'dockerhub',
    request: request(
      Buffer.from('{"push_data": {"tag": "v1"}, "repository": {"repo_name": "Bad Name/x"}}'),
      {},
      'hub-token-0123456789',
    ),
    expect: [],
    ignored: 1,
  },
  // GitHub
  {
    name: 'github: a published container version gives ghcr.io, lower-case repository, tag, digest',
    provider: 'github',
    request: github(fixture('github-package-published.json')),
    expect: [`ghcr.io/octo-org/web-app:v3@${SHA('7')}#72d3162e-cc78-11e3-81ab-4c9367dc0958`],
  },
  {
    name: 'github: the legacy registry_package event, action updated',
    provider: 'github',
    request: github(fixture('github-registry-package-updated.json'), 'registry_package'),
    expect: [`ghcr.io/octo-org/web-app:latest@${SHA('7')}#72d3162e-cc78-11e3-81ab-4c9367dc0958`],
  },
  {
    name: 'github: an untagged platform manifest of a multi-arch push produces no claim',
    provider: 'github',
    request: github(fixture('github-package-untagged.json')),
    expect: [],
    ignored: 1,
  },
  {
    name: 'github: an npm package produces no claim',
    provider: 'github',
    request: github(fixture('github-package-npm.json')),
    expect: [],
    ignored: 1,
  },
  {
    name: 'github: ping is answered without claims',
    provider: 'github',
    request: github(Buffer.from('{"zen": "Keep it logically awesome.", "hook_id": 1}'), 'ping'),
    expect: [],
    ignored: 1,
  },
  {
    name: 'github: a signature with another secret is 401',
    provider: 'github',
    request: github(
      fixture('github-package-published.json'),
      'package',
      sign(fixture('github-package-published.json'), 'another secret'),
    ),
    expect: 401,
  },
  {
    name: 'github: a body changed after signing is 401',
    provider: 'github',
    request: {
      ...github(fixture('github-package-published.json')),
      body: Buffer.concat([fixture('github-package-published.json'), Buffer.from(' ')]),
    },
    expect: 401,
  },
  {
    name: 'github: no signature is 401',
    provider: 'github',
    request: request(fixture('github-package-published.json'), { 'x-github-event': 'package' }),
    expect: 401,
  },
  {
    name: 'github: signed malformed JSON is 400',
    provider: 'github',
    request: github(Buffer.from('{"action": "published", "package": ')),
    expect: 400,
  },
  {
    name: 'github: signed wrong types are 400',
    provider: 'github',
    request: github(Buffer.from('{"action": "published", "package": {"name": 5}}')),
    expect: 400,
  },
  {
    name: 'github: a form-encoded delivery (payload=…) is read too',
    provider: 'github',
    request: (() => {
      const form = Buffer.from(
        `payload=${encodeURIComponent(fixture('github-package-published.json').toString('utf8'))}`,
      );
      return {
        ...github(form),
        headers: {
          ...github(form).headers,
          'content-type': 'application/x-www-form-urlencoded',
        },
      };
    })(),
    expect: [`ghcr.io/octo-org/web-app:v3@${SHA('7')}#72d3162e-cc78-11e3-81ab-4c9367dc0958`],
  },
  // Harbor
  {
    name: 'harbor: a Default-format push gives the external host, project/repo, tag, digest',
    provider: 'harbor',
    request: harbor(fixture('harbor-push-default.json')),
    expect: [`harbor.example.com/library/app:v1@${SHA('4')}#1764070138:library/app:${SHA('4')}:v1`],
  },
  {
    name: 'harbor: a CloudEvents push uses the CloudEvents id',
    provider: 'harbor',
    request: harbor(fixture('harbor-push-cloudevents.json')),
    expect: [
      `harbor.example.com:8443/team/svc:v2@${SHA('5')}#66f0d4f9-2c4e-4d3a-a6f5-7d1f2c2f8b3e`,
    ],
  },
  {
    name: 'harbor: a push by digest (no tag) produces no claim',
    provider: 'harbor',
    request: harbor(fixture('harbor-push-untagged.json')),
    expect: [],
    ignored: 1,
  },
  {
    name: 'harbor: a pull produces no claim',
    provider: 'harbor',
    request: harbor(fixture('harbor-pull.json')),
    expect: [],
    ignored: 1,
  },
  {
    name: 'harbor: a delete produces no claim',
    provider: 'harbor',
    request: harbor(fixture('harbor-delete.json')),
    expect: [],
    ignored: 1,
  },
  {
    name: 'harbor: a wrong Authorization header is 401',
    provider: 'harbor',
    request: harbor(fixture('harbor-push-default.json'), 'Bearer harbor-secret-0124'),
    expect: 401,
  },
  {
    name: 'harbor: malformed JSON is 400',
    provider: 'harbor',
    request: harbor(Buffer.from('not json')),
    expect: 400,
  },
  // Quay
  {
    name: 'quay: one claim per updated tag, no digest, no event id',
    provider: 'quay',
    request: request(fixture('quay-push.json'), {}, 'quay-token-0123456789'),
    expect: ['quay.io/mynamespace/repository:latest', 'quay.io/mynamespace/repository:v1.2'],
  },
  {
    name: 'quay: a wrong URL token is 401',
    provider: 'quay',
    request: request(fixture('quay-push.json'), {}, 'quay-token-0123456789x'),
    expect: 401,
  },
  {
    name: 'quay: updated_tags of the wrong type is 400',
    provider: 'quay',
    request: request(
      Buffer.from('{"repository": "a/b", "docker_url": "quay.io/a/b", "updated_tags": "v1"}'),
      {},
      'quay-token-0123456789',
    ),
    expect: 400,
  },
  {
    name: 'quay: not configured is 403',
    provider: 'quay',
    request: request(fixture('quay-push.json'), {}, 'quay-token-0123456789'),
    secrets: { distribution: SECRETS.distribution },
    expect: 403,
  },
];

function summarise(outcome: NotificationOutcome): readonly string[] | number {
  if (!outcome.ok) return outcome.status;
  return outcome.claims.map(
    (c) =>
      `${c.registry}/${c.repository}:${c.tag}${c.digest === undefined ? '' : `@${c.digest}`}` +
      (c.eventId === undefined ? '' : `#${c.eventId}`),
  );
}

describe('parseNotification', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      const outcome = parseNotification(row.provider, row.request, row.secrets ?? SECRETS);
      assert.deepEqual(summarise(outcome), row.expect);
      if (outcome.ok) {
        assert.equal(outcome.ignored.length, row.ignored ?? 0);
        for (const claim of outcome.claims) {
          assert.equal(claim.provider, row.provider);
          assert.equal(claim.receivedAt, RECEIVED);
          assert.equal(claim.reference.domain, claim.registry);
          assert.equal(claim.reference.path, claim.repository);
          assert.equal(claim.reference.tag, claim.tag);
          assert.equal(claim.reference.digest, undefined);
        }
      } else {
        const reason = outcome.reason;
        for (const secret of [
          'dist-token',
          'hub-token',
          'quay-token',
          'harbor-secret',
          'Secret to',
        ])
          assert.doesNotMatch(reason, new RegExp(secret));
      }
    });
  }
});

describe('secret checks', () => {
  it("GitHub's published test vector verifies", () => {
    const body = Buffer.from('Hello, World!');
    const header = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    assert.equal(githubSignatureValid("It's a Secret to Everybody", body, header), true);
    assert.equal(
      githubSignatureValid("It's a Secret to Everybody", body, header.slice(0, -1)),
      false,
    );
    assert.equal(githubSignatureValid("It's a Secret to Everybody", body, undefined), false);
  });

  it('compares tokens of any length without throwing', () => {
    assert.equal(secretsEqual('abc', 'abc'), true);
    assert.equal(secretsEqual('abc', 'abcd'), false);
    assert.equal(secretsEqual('', 'abc'), false);
    assert.equal(secretsEqual(undefined, 'abc'), false);
  });
});

describe('authenticateNotification (before the body is read)', () => {
  it('refuses from headers and URL alone, and leaves GitHub to the signature over the body', () => {
    const headers = { authorization: 'Bearer dist-token-0123456789' };
    assert.equal(authenticateNotification('distribution', { headers }, SECRETS), undefined);
    assert.equal(authenticateNotification('distribution', { headers: {} }, SECRETS)?.status, 401);
    assert.equal(
      authenticateNotification('quay', { headers: {}, urlToken: 'quay-token-0123456789' }, SECRETS),
      undefined,
    );
    assert.equal(authenticateNotification('dockerhub', { headers: {} }, SECRETS)?.status, 401);
    assert.equal(
      authenticateNotification('harbor', { headers: { authorization: 'x' } }, SECRETS)?.status,
      401,
    );
    assert.equal(authenticateNotification('github', { headers: {} }, SECRETS), undefined);
    assert.equal(authenticateNotification('github', { headers: {} }, {})?.status, 403);
  });
});
