// Pushes small but real images over the registry HTTP API (monolithic blob upload, manifest PUT):
// single-platform OCI or Docker schema 2 manifests, OCI indexes and Docker manifest lists. Its
// digests are checked against `skopeo inspect` in test/registry/image-pusher.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { HttpAgents, sendHttp } from '../../src/registry/send-http.ts';
import type { HttpResponse } from '../../src/registry/registry-transport.ts';
import { MEDIA_TYPES } from '../../src/core/image-resolver.ts';
import { parseWwwAuthenticate } from '../../src/registry/www-authenticate.ts';

export interface PusherOptions {
  readonly url: string;
  readonly caPem: string | undefined;
  readonly credentials: { readonly username: string; readonly password: string } | undefined;
}

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  /** Windows images: the build they need, written as the index's `os.version`. */
  readonly osVersion?: string;
}

export interface PushedManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly configDigest: string;
  readonly platform: Platform;
}

export interface PushedIndex {
  readonly digest: string;
  readonly mediaType: string;
  readonly children: readonly PushedManifest[];
}

export type ManifestFlavour = 'oci' | 'docker';

const USER_AGENT = 'test-image-pusher';

export class ImagePusher {
  private readonly agents: HttpAgents;
  private readonly tokens = new Map<string, string>();

  constructor(private readonly options: PusherOptions) {
    this.agents = new HttpAgents(16, options.caPem === undefined ? undefined : [options.caPem]);
  }

  /** Pushes a one-layer image and tags it; every call makes new content (a new digest). */
  async pushImage(
    repository: string,
    tag: string | undefined,
    flavour: ManifestFlavour = 'oci',
    platform: Platform = { os: 'linux', architecture: 'amd64' },
  ): Promise<PushedManifest> {
    const config = Buffer.from(
      JSON.stringify({
        architecture: platform.architecture,
        os: platform.os,
        ...(platform.variant ? { variant: platform.variant } : {}),
        rootfs: { type: 'layers', diff_ids: [] },
        config: { Env: [`NONCE=${randomBytes(8).toString('hex')}`] },
      }),
    );
    const layer = randomBytes(64);
    const configDigest = await this.pushBlob(repository, config);
    const layerDigest = await this.pushBlob(repository, layer);
    const oci = flavour === 'oci';
    const manifest = {
      schemaVersion: 2,
      mediaType: oci ? MEDIA_TYPES.ociManifest : MEDIA_TYPES.dockerManifest,
      config: {
        mediaType: oci
          ? 'application/vnd.oci.image.config.v1+json'
          : 'application/vnd.docker.container.image.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers: [
        {
          mediaType: oci
            ? 'application/vnd.oci.image.layer.v1.tar+gzip'
            : 'application/vnd.docker.image.rootfs.diff.tar.gzip',
          digest: layerDigest,
          size: layer.length,
        },
      ],
    };
    const body = Buffer.from(JSON.stringify(manifest));
    const digest = await this.putManifest(
      repository,
      tag ?? sha256(body),
      body,
      manifest.mediaType,
    );
    return { digest, mediaType: manifest.mediaType, size: body.length, configDigest, platform };
  }

  /** Pushes one child per platform by digest, then the index (or manifest list) under the tag. */
  async pushIndex(
    repository: string,
    tag: string,
    platforms: readonly Platform[],
    flavour: ManifestFlavour = 'oci',
  ): Promise<PushedIndex> {
    const children: PushedManifest[] = [];
    for (const platform of platforms)
      children.push(await this.pushImage(repository, undefined, flavour, platform));
    return this.pushIndexOf(
      repository,
      tag,
      children.map((manifest) => ({ manifest, platform: manifest.platform })),
      flavour,
    );
  }

  /**
   * Pushes an index over manifests already in the repository, in this order; `platform: null`
   * writes a child with no platform. Re-using children makes a re-indexed tag (same bits, new
   * index digest).
   */
  async pushIndexOf(
    repository: string,
    tag: string,
    entries: ReadonlyArray<{
      readonly manifest: PushedManifest;
      readonly platform: Platform | null;
    }>,
    flavour: ManifestFlavour = 'oci',
  ): Promise<PushedIndex> {
    const mediaType = flavour === 'oci' ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.dockerList;
    const index = {
      schemaVersion: 2,
      mediaType,
      manifests: entries.map(({ manifest: c, platform }) => ({
        mediaType: c.mediaType,
        digest: c.digest,
        size: c.size,
        ...(platform === null ? {} : { platform: platformJson(platform) }),
      })),
    };
    const body = Buffer.from(JSON.stringify(index));
    const digest = await this.putManifest(repository, tag, body, mediaType);
    return { digest, mediaType, children: entries.map((e) => e.manifest) };
  }

  /** Points `tag` at an already pushed manifest (e.g. moving a tag back). */
  async retag(repository: string, fromReference: string, tag: string): Promise<string> {
    const res = await this.send('GET', `/v2/${repository}/manifests/${fromReference}`, repository, {
      headers: { accept: Object.values(MEDIA_TYPES).join(', ') },
    });
    const type = String(res.headers['content-type'] ?? MEDIA_TYPES.ociManifest);
    return this.putManifest(repository, tag, res.body, type);
  }

  /** A request that touches nothing (used to mark the access log). */
  async ping(path: string): Promise<void> {
    await this.http('GET', this.options.url + path, {});
  }

  close(): Promise<void> {
    this.agents.destroy();
    return Promise.resolve();
  }

  private http(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<HttpResponse> {
    return sendHttp(
      url,
      { method, target: url, headers, ...(body === undefined ? {} : { body }) },
      {
        agent: this.agents.pick(url, false),
        userAgent: USER_AGENT,
        connectTimeoutMs: 5_000,
        requestTimeoutMs: 30_000,
        maxBytes: 64 * 1024 * 1024,
      },
    );
  }

  private async pushBlob(repository: string, content: Buffer): Promise<string> {
    const digest = sha256(content);
    const start = await this.send('POST', `/v2/${repository}/blobs/uploads/`, repository, {
      expected: 202,
    });
    const location = String(start.headers.location);
    const upload = new URL(location, this.options.url);
    upload.searchParams.set('digest', digest);
    await this.send('PUT', upload.pathname + upload.search, repository, {
      headers: { 'content-type': 'application/octet-stream' },
      body: content,
      expected: 201,
    });
    return digest;
  }

  private async putManifest(
    repository: string,
    reference: string,
    body: Buffer,
    mediaType: string,
  ): Promise<string> {
    const res = await this.send('PUT', `/v2/${repository}/manifests/${reference}`, repository, {
      headers: { 'content-type': mediaType },
      body,
      expected: 201,
    });
    const digest = String(res.headers['docker-content-digest']);
    if (digest !== sha256(body))
      throw new Error(`registry stored ${digest} for a manifest hashing to ${sha256(body)}`);
    return digest;
  }

  private async send(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    repository: string,
    request: { headers?: Record<string, string>; body?: Buffer; expected?: number } = {},
  ): Promise<HttpResponse> {
    const { headers = {}, body, expected } = request;
    for (let attempt = 0; attempt < 2; attempt++) {
      const authorization = this.authorization(repository);
      const res = await this.http(
        method,
        this.options.url + path,
        { ...headers, ...(authorization ? { authorization } : {}) },
        body,
      );
      if (res.status === 401 && attempt === 0) {
        await this.learnChallenge(res.headers['www-authenticate'] ?? '', repository);
        continue;
      }
      if (expected !== undefined && res.status !== expected) {
        throw new Error(
          `${method} ${path}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`,
        );
      }
      return res;
    }
    throw new Error(`${method} ${path}: still unauthorized`);
  }

  private authorization(repository: string): string | undefined {
    return this.tokens.get(repository) ?? this.tokens.get('*');
  }

  private async learnChallenge(header: string, repository: string): Promise<void> {
    const creds = this.options.credentials;
    if (creds === undefined)
      throw new Error('the test registry asked for credentials the pusher does not have');
    const basic = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    const bearer = parseWwwAuthenticate(header).find((c) => c.scheme === 'bearer');
    if (bearer?.params.realm === undefined) {
      this.tokens.set('*', basic);
      return;
    }
    const url = new URL(bearer.params.realm);
    url.searchParams.set('service', bearer.params.service ?? '');
    url.searchParams.set('scope', `repository:${repository}:pull,push`);
    const res = await this.http('GET', url.toString(), { authorization: basic });
    const json = JSON.parse(res.body.toString('utf8')) as { token: string };
    this.tokens.set(repository, `Bearer ${json.token}`);
  }
}

function platformJson(p: Platform): Record<string, string> {
  return {
    os: p.os,
    architecture: p.architecture,
    ...(p.variant === undefined ? {} : { variant: p.variant }),
    ...(p.osVersion === undefined ? {} : { 'os.version': p.osVersion }),
  };
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
