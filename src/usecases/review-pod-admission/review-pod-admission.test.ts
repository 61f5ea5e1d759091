// Table tests of the admission decisions on recorded AdmissionReview fixtures, through the JSON
// layer the server uses, with a hand-written PodTagResolver fake (the narrow registry port).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Digest } from '../../core/digest.ts';
import { admissionResponse, parseAdmissionReview } from '../../webhook/admission-review-json.ts';
import { MAX_WARNING_CHARS } from './admission-warnings.ts';
import type { JsonPatchOp, TagOutcome } from './pod-pin-plan.ts';
import {
  mutatePod,
  validatePod,
  type AdmissionRequestView,
  type PodCredentialScope,
  type PodTagResolver,
} from './review-pod-admission.ts';

const D = `sha256:${'b'.repeat(64)}` as Digest;
const REG = 'registry.example.com:5000';

function fixture(name: string): AdmissionRequestView {
  const body = readFileSync(
    new URL(`../../../test/fixtures/admission/${name}.json`, import.meta.url),
  );
  const parsed = parseAdmissionReview(body);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
  return parsed.request;
}

class FakeResolver implements PodTagResolver {
  readonly scopes: PodCredentialScope[] = [];
  readonly asked: string[] = [];
  constructor(
    private readonly answer: (tagKey: string) => TagOutcome | 'hang' = () => ({
      ok: true,
      digest: D,
    }),
  ) {}
  forPod(
    scope: PodCredentialScope,
  ): Promise<{ lookup: (r: unknown, k: string) => Promise<TagOutcome>; warnings: string[] }> {
    this.scopes.push(scope);
    return Promise.resolve({
      warnings: [],
      lookup: (_r: unknown, key: string) => {
        this.asked.push(key);
        const a = this.answer(key);
        return a === 'hang' ? new Promise<TagOutcome>(() => undefined) : Promise.resolve(a);
      },
    });
  }
}

const settings = (resolver: PodTagResolver, resolveTimeoutMs = 2_000) => ({
  resolver,
  excludedNamespaces: new Set(['kube-system']),
  resolveTimeoutMs,
});

function patchOf(decision: Awaited<ReturnType<typeof mutatePod>>): JsonPatchOp[] {
  assert.ok(decision.allowed);
  return [...decision.patch];
}

describe('mutatePod', () => {
  it('pins containers, init containers and image volumes as written; digests untouched', async () => {
    const resolver = new FakeResolver();
    const decision = await mutatePod(fixture('pod-create'), settings(resolver));
    assert.equal(decision.result, 'pinned');
    assert.deepEqual(patchOf(decision), [
      { op: 'replace', path: '/spec/containers/0/image', value: `${REG}/team/web:1.4@${D}` },
      { op: 'replace', path: '/spec/containers/1/image', value: `nginx:latest@${D}` },
      {
        op: 'replace',
        path: '/spec/initContainers/0/image',
        value: `${REG}/team/migrate:1.4@${D}`,
      },
      {
        op: 'replace',
        path: '/spec/volumes/0/image/reference',
        value: `${REG}/team/models:v3@${D}`,
      },
      {
        op: 'add',
        path: '/metadata/annotations/kube-fresh.io~1original-images',
        value: JSON.stringify({
          'containers/app': `${REG}/team/web:1.4`,
          'containers/sidecar': 'nginx',
          'initContainers/migrate': `${REG}/team/migrate:1.4`,
          'volumes/models': `${REG}/team/models:v3`,
        }),
      },
    ]);
    assert.deepEqual(decision.warnings, []);
    assert.deepEqual(resolver.scopes, [{ namespace: 'team-a', pullSecretNames: ['regcred'] }]);
    assert.ok(
      !resolver.asked.some((k) => k.includes('proxy')),
      'the digest-pinned image is not looked up',
    );
  });

  it("pins the AdmissionReview kube-apiserver v1.35 sent for a Deployment's Pod (recorded)", async () => {
    const request = fixture('pod-create-recorded');
    const resolver = new FakeResolver();
    const decision = await mutatePod(request, settings(resolver));
    assert.equal(decision.result, 'pinned');
    assert.deepEqual(
      patchOf(decision).map((op) => [op.path, op.value]),
      [
        ['/spec/containers/0/image', `${REG}/team/web:1.4@${D}`],
        ['/spec/containers/1/image', `nginx:latest@${D}`],
        ['/spec/initContainers/0/image', `${REG}/team/migrate:1.4@${D}`],
        ['/spec/volumes/0/image/reference', `${REG}/team/models:v3@${D}`],
        [
          '/metadata/annotations',
          {
            'kube-fresh.io/original-images': JSON.stringify({
              'containers/app': `${REG}/team/web:1.4`,
              'containers/sidecar': 'nginx',
              'initContainers/migrate': `${REG}/team/migrate:1.4`,
              'volumes/models': `${REG}/team/models:v3`,
            }),
          },
        ],
      ],
    );
    // The ServiceAccount's pull secret was merged into the Pod before the webhook ran.
    assert.deepEqual(resolver.scopes, [{ namespace: 'team-a', pullSecretNames: ['regcred'] }]);
  });

  it('is idempotent on reinvocation: only the injected sidecar is pinned, the annotation merged', async () => {
    const decision = await mutatePod(fixture('pod-reinvocation'), settings(new FakeResolver()));
    const patch = patchOf(decision);
    assert.deepEqual(patch[0], {
      op: 'replace',
      path: '/spec/containers/1/image',
      value: `${REG}/mesh/proxy:1.20@${D}`,
    });
    assert.deepEqual(JSON.parse(String(patch[1]?.value)), {
      'containers/app': `${REG}/team/web:1.4`,
      'containers/mesh-proxy': `${REG}/mesh/proxy:1.20`,
    });
    const pinned = applyPatch(fixture('pod-reinvocation').object, patch);
    const again = await mutatePod(
      { ...fixture('pod-reinvocation'), object: pinned },
      settings(new FakeResolver()),
    );
    assert.equal(again.result, 'unchanged');
    assert.deepEqual(patchOf(again), []);
  });

  it('pins an added ephemeral container (kubectl debug) and nothing that was already there', async () => {
    const decision = await mutatePod(fixture('pod-ephemeral-update'), settings(new FakeResolver()));
    assert.deepEqual(patchOf(decision)[0], {
      op: 'replace',
      path: '/spec/ephemeralContainers/0/image',
      value: `busybox:1.36@${D}`,
    });
  });

  it('on UPDATE pins only the image that changed (an untouched tag would restart its container)', async () => {
    const resolver = new FakeResolver();
    const patch = patchOf(await mutatePod(fixture('pod-update'), settings(resolver)));
    assert.deepEqual(
      patch.map((op) => op.path),
      ['/spec/containers/1/image', '/metadata/annotations'],
    );
    assert.deepEqual(resolver.asked, ['docker.io/library/nginx:1.28']);
  });

  it('leaves excluded namespaces and other kinds alone without asking a registry', async () => {
    for (const name of ['pod-kube-system', 'deployment-create']) {
      const resolver = new FakeResolver();
      const decision = await mutatePod(fixture(name), settings(resolver));
      assert.equal(decision.result, 'skipped', name);
      assert.deepEqual(patchOf(decision), []);
      assert.equal(resolver.scopes.length, 0);
    }
  });

  it('answers a dryRun request exactly like the real one', async () => {
    const dry = await mutatePod(fixture('pod-dry-run'), settings(new FakeResolver()));
    const real = await mutatePod(
      { ...fixture('pod-dry-run'), dryRun: false },
      settings(new FakeResolver()),
    );
    assert.deepEqual(dry, real);
  });

  it('fails open: registry failures leave images as written, with short warnings', async () => {
    const resolver = new FakeResolver((key) =>
      key.includes('nginx')
        ? { ok: true, digest: D }
        : { ok: false, reason: `registry unreachable (${REG})` },
    );
    const decision = await mutatePod(fixture('pod-create'), settings(resolver));
    assert.equal(decision.result, 'partly-pinned');
    assert.deepEqual(
      patchOf(decision).map((op) => op.path),
      ['/spec/containers/1/image', '/metadata/annotations/kube-fresh.io~1original-images'],
    );
    assert.equal(decision.warnings.length, 3);
    for (const w of decision.warnings) {
      assert.ok(w.length <= MAX_WARNING_CHARS, w);
      assert.match(w, /^kube-fresh: /);
    }
  });

  it('fails open when the credential look-up itself throws', async () => {
    const broken: PodTagResolver = { forPod: () => Promise.reject(new Error('boom')) };
    const decision = await mutatePod(fixture('pod-dry-run'), settings(broken));
    assert.equal(decision.result, 'failed-open');
    assert.match(decision.warnings[0] ?? '', /credential look-up failed/);
  });

  it('fails open within the deadline when the registry never answers', async () => {
    const decision = await mutatePod(
      fixture('pod-dry-run'),
      settings(new FakeResolver(() => 'hang'), 50),
    );
    assert.equal(decision.result, 'failed-open');
    assert.deepEqual(patchOf(decision), []);
    assert.match(decision.warnings[0] ?? '', /no registry answer within 50 ms/);
  });
});

describe('validatePod', () => {
  it('warns with the lint rule IDs of the runtime rules', () => {
    const decision = validatePod(fixture('pod-policy'), 'warn', new Set());
    assert.equal(decision.allowed, true);
    assert.deepEqual(
      decision.warnings.map((w) => w.split(' ').slice(0, 2).join(' ')),
      [
        'KF001 containers/app',
        'KF002 containers/latest',
        'KF003 containers/never',
        'KF006 containers/bad',
      ],
    );
    for (const w of decision.warnings) assert.ok(w.length <= MAX_WARNING_CHARS);
  });

  it('denies with a 403 naming every rule in deny mode', () => {
    const decision = validatePod(fixture('pod-policy'), 'deny', new Set());
    assert.ok(!decision.allowed);
    assert.equal(decision.code, 403);
    for (const id of ['KF001', 'KF002', 'KF003', 'KF006'])
      assert.match(decision.message, new RegExp(id));
  });

  it('judges only the images an UPDATE changed, and skips excluded namespaces', () => {
    const decision = validatePod(fixture('pod-ephemeral-update'), 'warn', new Set());
    assert.deepEqual(
      decision.warnings.map((w) => w.split(' ').slice(0, 2).join(' ')),
      ['KF001 ephemeralContainers/debugger'],
    );
    const clean = validatePod(fixture('pod-kube-system'), 'deny', new Set(['kube-system']));
    assert.equal(clean.result, 'skipped');
  });
});

describe('AdmissionReview JSON', () => {
  it('answers with the uid, patchType with the patch, base64 JSON', async () => {
    const request = fixture('pod-create');
    const decision = await mutatePod(request, settings(new FakeResolver()));
    const body = admissionResponse(request.uid, decision) as { response: Record<string, unknown> };
    assert.equal(body.response.uid, request.uid);
    assert.equal(body.response.patchType, 'JSONPatch');
    assert.deepEqual(
      JSON.parse(Buffer.from(String(body.response.patch), 'base64').toString()),
      decision.allowed ? decision.patch : [],
    );
    const none = admissionResponse('u', {
      allowed: true,
      result: 'unchanged',
      patch: [],
      warnings: [],
    }) as { response: Record<string, unknown> };
    assert.equal('patchType' in none.response, false);
    assert.equal('patch' in none.response, false);
  });

  it('rejects garbage with a reason', () => {
    for (const body of [
      '',
      'null',
      '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}',
      '[1]',
      '\u0000\u00ff',
      '{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{}}',
    ]) {
      const parsed = parseAdmissionReview(Buffer.from(body));
      assert.equal(parsed.ok, false, body);
    }
  });
});

/** Enough of RFC 6902 for the ops the webhook emits. */
function applyPatch(object: unknown, ops: readonly JsonPatchOp[]): unknown {
  const copy = structuredClone(object) as Record<string, unknown>;
  for (const op of ops) {
    const tokens = op.path
      .split('/')
      .slice(1)
      .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = tokens.pop() ?? '';
    let at: Record<string, unknown> = copy;
    for (const t of tokens) at = at[t] as Record<string, unknown>;
    at[last] = op.value;
  }
  return copy;
}
