// Kubernetes image pull secrets: `kubernetes.io/dockerconfigjson` (`.dockerconfigjson`, the
// config.json body with `auths`) and legacy `kubernetes.io/dockercfg` (`.dockercfg`, the inner map).

import type { DockerConfigEntry } from './kubelet-keyring.ts';

export type PullSecretPayload =
  { ok: true; entries: Record<string, DockerConfigEntry> } | { ok: false; message: string };

/** Decodes a Secret's `data` (base64 values) into registry entries. */
export function parsePullSecret(
  type: string | undefined,
  data: Readonly<Record<string, string>> | undefined,
): PullSecretPayload {
  const jsonKey = type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
  const encoded = data?.[jsonKey];
  if (encoded === undefined) return { ok: false, message: `no ${jsonKey} key` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return { ok: false, message: `${jsonKey} is not base64-encoded JSON` };
  }
  if (typeof parsed !== 'object' || parsed === null)
    return { ok: false, message: `${jsonKey} is not a JSON object` };
  const map = jsonKey === '.dockerconfigjson' ? (parsed as { auths?: unknown }).auths : parsed;
  if (typeof map !== 'object' || map === null)
    return { ok: false, message: `${jsonKey} has no "auths" object` };
  const entries: Record<string, DockerConfigEntry> = {};
  for (const [key, value] of Object.entries(map as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null) continue;
    const v = value as Record<string, unknown>;
    entries[key] = {
      ...(typeof v.username === 'string' ? { username: v.username } : {}),
      ...(typeof v.password === 'string' ? { password: v.password } : {}),
      ...(typeof v.auth === 'string' ? { auth: v.auth } : {}),
    };
  }
  return { ok: true, entries };
}
