/**
 * Where the provider finds its vCenter / ESXi connection, first that applies:
 * 1. the resource's own `connection` input (so one program can target several vCenters);
 * 2. the stack configuration handed to `configure()` by the engine: `ovfkit:server`,
 *    `ovfkit:user`, `ovfkit:password`, `ovfkit:thumbprint`, `ovfkit:insecure`;
 * 3. the keys `@pulumi/vsphere` users already have: `vsphere:vsphereServer` (or its older name
 *    `vsphere:vcenterServer`), `vsphere:user`, `vsphere:password`, `vsphere:allowUnverifiedSsl`;
 * 4. the `VSPHERE_*` environment of the provider process.
 * Each is taken whole (the one that names a server), never field by field across sources. Stack
 * config and environment are read when the provider runs, never captured in the serialized
 * provider; a `connection` input is a Pulumi secret in the checkpoint, inputs and outputs alike.
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
  origin: 'resource' | 'config' | 'vsphere-config' | 'environment';
}

/** A resource's `connection` input on the wire (plain JSON: the engine unwraps the secret for a dynamic provider). */
export interface ConnectionInput {
  /** Host name or URL of vCenter / ESXi. */
  server: string;
  user?: string;
  password?: string;
  /** SHA-256 (or SHA-1) fingerprint of the server certificate to pin. */
  thumbprint?: string;
  /** Skip TLS verification. @default false */
  insecure?: boolean;
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

/** The `@pulumi/vsphere` provider's config keys (its `config/vars.ts`); it has no thumbprint key. */
export const VSPHERE_CONFIG_KEYS = {
  server: ['vsphere:vsphereServer', 'vsphere:vcenterServer'],
  user: 'vsphere:user',
  password: 'vsphere:password',
  insecure: 'vsphere:allowUnverifiedSsl',
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

/** The keys of a resource's `connection` input (`OvfConnectionArgs`), as check() accepts them. */
export const CONNECTION_INPUTS = ['server', 'user', 'password', 'thumbprint', 'insecure'] as const;

/** What a resource's `connection` input can be, as check() reports it; empty when it is fine. */
export function connectionInputFailures(c: unknown): { property: string; reason: string }[] {
  if (c === undefined || c === null) return [];
  if (typeof c !== 'object' || Array.isArray(c)) return [{ property: 'connection', reason: 'connection must be an object { server, user, password, thumbprint?, insecure? }' }];
  const f: { property: string; reason: string }[] = [];
  const o = c as Record<string, unknown>;
  const allowed: readonly string[] = CONNECTION_INPUTS;
  for (const k of Object.keys(o)) if (!allowed.includes(k)) f.push({ property: `connection.${k}`, reason: `connection has no "${k}"; allowed: ${allowed.join(', ')}` });
  if (typeof o['server'] !== 'string' || o['server'] === '') f.push({ property: 'connection.server', reason: 'connection.server is required: the host name or URL of vCenter / ESXi' });
  for (const k of ['user', 'password', 'thumbprint'] as const) if (o[k] !== undefined && typeof o[k] !== 'string') f.push({ property: `connection.${k}`, reason: `connection.${k} must be a string` });
  if (o['insecure'] !== undefined && typeof o['insecure'] !== 'boolean') f.push({ property: 'connection.insecure', reason: 'connection.insecure must be true or false' });
  return f;
}

/** The settings of a `connection` input, or undefined when there is none (or it names no server). */
function fromInput(c: ConnectionInput | undefined): ConnectionSettings | undefined {
  if (!c || typeof c !== 'object' || typeof c.server !== 'string' || c.server === '') return undefined;
  return {
    server: c.server,
    user: c.user ?? '',
    password: new SecretString(c.password ?? ''),
    ...(c.thumbprint ? { thumbprint: c.thumbprint } : {}),
    insecure: c.insecure === true,
    origin: 'resource',
  };
}

/**
 * Resolves the connection: the resource's `connection` input, then `ovfkit:*` config, then
 * `vsphere:*` config, then the environment; `undefined` when none names a server (checks then
 * run offline against a host profile).
 * @example
 * resolveConnection(req.config, process.env) // { server: 'vc.example', user: 'ci', password: [secret], ... }
 */
export function resolveConnection(config: ConfigReader | undefined, env: NodeJS.ProcessEnv, input?: ConnectionInput): ConnectionSettings | undefined {
  // A resource that names its connection never falls back to the stack's (a malformed one is a check failure).
  if (input !== undefined && input !== null) return fromInput(input);
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
  const vsphereServer = VSPHERE_CONFIG_KEYS.server.map((k) => config?.get(k)).find((v) => v !== undefined && v !== '');
  if (vsphereServer !== undefined) {
    return {
      server: vsphereServer,
      user: config?.get(VSPHERE_CONFIG_KEYS.user) ?? '',
      password: new SecretString(config?.get(VSPHERE_CONFIG_KEYS.password) ?? ''),
      insecure: truthy(config?.get(VSPHERE_CONFIG_KEYS.insecure)),
      origin: 'vsphere-config',
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

/** What to tell a user whose operation needs vSphere and found no connection. */
export const NO_CONNECTION_HINT = 'give the resource a connection { server, user, password }, or set the ovfkit:server, ovfkit:user and ovfkit:password (secret) config, or vsphere:vsphereServer, vsphere:user and vsphere:password, or VSPHERE_SERVER, VSPHERE_USER and VSPHERE_PASSWORD';

let configured: ConfigReader | undefined;

/** Keeps the engine's configuration for later calls in this provider process. */
export function setProviderConfig(config: ConfigReader | undefined): void {
  configured = config;
}

/** The connection for a call being served now: the resource's input, else configure()'s config, else the environment (read now). */
export function currentConnection(input?: ConnectionInput): ConnectionSettings | undefined {
  return resolveConnection(configured, process.env, input);
}
