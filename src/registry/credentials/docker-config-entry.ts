// One `auths` entry of a docker config as the kubelet reads it (its own file: both the keyring and
// the pull-secret parser use it, and neither may import the other).

/** One `auths` entry as the kubelet reads it (identitytoken, registrytoken are ignored). */
export interface DockerConfigEntry {
  readonly username?: string;
  readonly password?: string;
  readonly auth?: string;
}
