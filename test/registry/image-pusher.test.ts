// The in-project pusher and resolver agree with a real client: skopeo inspects what we push, and
// we resolve what skopeo pushes from an OCI layout written here.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runCli } from '../support/run-cli.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';

const run = promisify(execFile);

async function skopeoDigest(reference: string, ...flags: string[]): Promise<string> {
  const { stdout } = await run('skopeo', [
    'inspect',
    '--tls-verify=false',
    '--raw',
    ...flags,
    `docker://${reference}`,
  ]);
  return `sha256:${createHash('sha256').update(stdout).digest('hex')}`;
}

describe('pusher and resolver cross-checked against skopeo', () => {
  let registry: TestRegistry;
  let dir: string;
  before(async () => {
    registry = await startRegistry('plain');
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-oci-'));
  });
  after(async () => {
    await registry.pusher.close();
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('skopeo reads the manifests and indexes the pusher wrote, byte for byte', async () => {
    const image = await registry.pusher.pushImage('cross/app', 'v1', 'docker');
    const index = await registry.pusher.pushIndex('cross/multi', 'v1', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ]);
    assert.equal(await skopeoDigest(`${registry.host}/cross/app:v1`), image.digest);
    assert.equal(await skopeoDigest(`${registry.host}/cross/multi:v1`), index.digest);
    const { stdout } = await run('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--format',
      '{{.Digest}}',
      `docker://${registry.host}/cross/app:v1`,
    ]);
    assert.equal(stdout.trim(), image.digest);
  });

  it('resolves an image that skopeo copied from an OCI layout, as the same digest skopeo reports', async () => {
    const layout = await writeOciLayout(join(dir, 'layout'));
    await run('skopeo', [
      'copy',
      '-q',
      '--dest-tls-verify=false',
      `oci:${layout}:v1`,
      `docker://${registry.host}/skopeo/app:v1`,
    ]);
    const expected = (
      await run('skopeo', [
        'inspect',
        '--tls-verify=false',
        '--format',
        '{{.Digest}}',
        `docker://${registry.host}/skopeo/app:v1`,
      ])
    ).stdout.trim();
    const result = await runCli(['resolve', '-o', 'json', `${registry.host}/skopeo/app:v1`]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as Array<{ digest: string }>)[0]?.digest, expected);
  });
});

/** A minimal OCI image layout (one gzip layer, config, manifest, index.json) with tag v1. */
async function writeOciLayout(root: string): Promise<string> {
  const blobs = join(root, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const put = async (bytes: Buffer): Promise<{ digest: string; size: number }> => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const { gzipSync } = await import('node:zlib');
  const layer = await put(gzipSync(tarWithOneFile('hello.txt', randomBytes(16).toString('hex'))));
  const config = await put(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [] },
      }),
    ),
  );
  const manifest = await put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
      }),
    ),
  );
  await writeFile(join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(
    join(root, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': 'v1' },
        },
      ],
    }),
  );
  return root;
}

/** A one-file ustar archive. */
function tarWithOneFile(name: string, content: string): Buffer {
  const body = Buffer.from(content);
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  const sum = header.reduce((a, b) => a + b, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, padding, Buffer.alloc(1024)]);
}
