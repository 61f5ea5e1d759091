// Kubernetes image pull secrets: `kubernetes.io/dockerconfigjson` (`.dockerconfigjson`, the
// config.json body with `auths`) and legacy `kubernetes.io/dockercfg` (`.dockercfg`, the inner map).

import type { DockerConfigEntry } from './kubelet-keyring.ts';

export type PullSecretPayload =
  { ok: true; entries: Record<string, DockerConfigEntry> } | { ok: false; message: string };

/**
 * Reads a Secret's docker-config key into registry entries. `encoding` says whether the values
 * are still base64 (a Secret's `data` as the API returns it) or already decoded text.
 */
export function parsePullSecret(
  type: string | undefined,
  data: Readonly<Record<string, string>> | undefined,
  encoding: 'base64' | 'text' = 'base64',
): PullSecretPayload {
  const jsonKey = type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
  const encoded = data?.[jsonKey];
  if (encoded === undefined) return { ok: false, message: `no ${jsonKey} key` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      encoding === 'base64' ? Buffer.from(encoded, 'base64').toString('utf8') : encoded,
    );
  } catch {
    return {
      ok: false,
      message: `${jsonKey} is not ${encoding === 'base64' ? 'base64-encoded ' : ''}JSON`,
    };
  }
  if (typeof parsed !== 'object' || parsed === null)
    return { ok: false, message: `${jsonKey} is not a JSON object` };
  const map = jsonKey === '.dockerconfigjson' ? (parsed as { auths?: unknown }).auths : parsed;
  if (typeof map !== 'object' || map === null)
    return { ok: false, message: `${jsonKey} has no "auths" object` };
  return { ok: true, entries: toEntries(map as Record<string, unknown>) };
}

function toEntries(map: Record<string, unknown>): Record<string, DockerConfigEntry> {
  const entries: Record<string, DockerConfigEntry> = {};
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'object' || value === null) continue;
    const v = value as Record<string, unknown>;
    const pick = (field: 'username' | 'password' | 'auth'): Partial<DockerConfigEntry> =>
      typeof v[field] === 'string' ? { [field]: v[field] } : {};
    entries[key] = { ...pick('username'), ...pick('password'), ...pick('auth') };
  }
  return entries;
}
