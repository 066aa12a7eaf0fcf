/**
 * Where the provider finds its vCenter / ESXi connection: the stack configuration handed to
 * `configure()` by the engine (`ovfkit:server`, `ovfkit:user`, `ovfkit:password`,
 * `ovfkit:thumbprint`, `ovfkit:insecure`), else the `VSPHERE_*` environment of the provider
 * process. Read when the provider runs, never captured in the serialized provider, so no
 * credential ends up in the checkpoint.
 */

import { SecretString } from '@ovfkit/core';

export { SecretString };

/** A vSphere endpoint and its credentials, as the vsphere backend needs them. */
export interface ConnectionSettings {
  /** Host name or URL of vCenter / ESXi (`https://` and `/sdk` are implied). */
  server: string;
  user: string;
  password: SecretString;
  /** SHA-256 (or SHA-1) fingerprint of the server certificate to pin. */
  thumbprint?: string;
  /** Skip TLS verification; only when asked for by name. @default false */
  insecure: boolean;
  /** Where the settings came from, for messages (never the values). */
  origin: 'config' | 'environment';
}

/** The subset of `pulumi.dynamic.Config` we read. */
export interface ConfigReader {
  get(key: string): string | undefined;
}

/** Config keys, in the `ovfkit` namespace. */
export const CONFIG_KEYS = {
  server: 'ovfkit:server',
  user: 'ovfkit:user',
  password: 'ovfkit:password',
  thumbprint: 'ovfkit:thumbprint',
  insecure: 'ovfkit:insecure',
} as const;

/** Environment variables, named as the Terraform vSphere provider and `ovfkit import` name them. */
export const ENV_KEYS = {
  server: 'VSPHERE_SERVER',
  user: 'VSPHERE_USER',
  password: 'VSPHERE_PASSWORD',
  thumbprint: 'VSPHERE_THUMBPRINT',
  insecure: ['VSPHERE_INSECURE', 'VSPHERE_ALLOW_UNVERIFIED_SSL'],
} as const;

const truthy = (v: string | undefined): boolean => v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());

/**
 * Resolves the connection: provider config first, then the environment; `undefined` when no
 * server is configured (checks then run offline against a host profile).
 * @example
 * resolveConnection(req.config, process.env) // { server: 'vc.example', user: 'ci', password: [secret], ... }
 */
export function resolveConnection(config: ConfigReader | undefined, env: NodeJS.ProcessEnv): ConnectionSettings | undefined {
  const fromConfig = config?.get(CONFIG_KEYS.server);
  if (fromConfig !== undefined && fromConfig !== '') {
    const thumbprint = config?.get(CONFIG_KEYS.thumbprint);
    return {
      server: fromConfig,
      user: config?.get(CONFIG_KEYS.user) ?? '',
      password: new SecretString(config?.get(CONFIG_KEYS.password) ?? ''),
      ...(thumbprint ? { thumbprint } : {}),
      insecure: truthy(config?.get(CONFIG_KEYS.insecure)),
      origin: 'config',
    };
  }
  const server = env[ENV_KEYS.server];
  if (server === undefined || server === '') return undefined;
  const thumbprint = env[ENV_KEYS.thumbprint];
  return {
    server,
    user: env[ENV_KEYS.user] ?? '',
    password: new SecretString(env[ENV_KEYS.password] ?? ''),
    ...(thumbprint ? { thumbprint } : {}),
    insecure: ENV_KEYS.insecure.some((k) => truthy(env[k])),
    origin: 'environment',
  };
}

let configured: ConfigReader | undefined;

/** Keeps the engine's configuration for later calls in this provider process. */
export function setProviderConfig(config: ConfigReader | undefined): void {
  configured = config;
}

/** The connection for a call being served now (configure, then environment, read now). */
export function currentConnection(): ConnectionSettings | undefined {
  return resolveConnection(configured, process.env);
}
