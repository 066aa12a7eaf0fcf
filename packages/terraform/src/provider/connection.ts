/**
 * The provider's configuration: the vSphere connection (provider block first, then the
 * `VSPHERE_*` environment of the provider process, as the vSphere provider and `ovfkit import`
 * read it) and the offline target. The password is held in a value that never prints.
 */
import { SecretString } from '@ovfkit/core';
import type { ConnectOptions } from '@ovfkit/vsphere';

import type { TfObject } from './check';
import { knownString, type PlanTarget } from './check';

export interface ProviderSettings {
  /** undefined: no server configured, everything is checked offline and apply refuses. */
  connection?: { server: string; user: string; password: SecretString; thumbprint?: string; ca?: string; insecure: boolean };
  target: PlanTarget;
}

const truthy = (v: string | undefined): boolean => v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());

/**
 * Resolves the settings from the provider block and the environment.
 * @example providerSettings({ server: 'vc.example', user: 'ci', password: 's' }, process.env).connection?.server // 'vc.example'
 */
export function providerSettings(config: TfObject, env: NodeJS.ProcessEnv): ProviderSettings {
  const get = (attr: string, envKey: string): string | undefined => knownString(config[attr]) ?? (env[envKey] !== undefined && env[envKey] !== '' ? env[envKey] : undefined);
  const hostProfile = knownString(config['host_profile']);
  const inventory = knownString(config['inventory']);
  const target: PlanTarget = { ...(hostProfile ? { hostProfile } : {}), ...(inventory ? { inventory } : {}) };
  const server = get('server', 'VSPHERE_SERVER');
  if (server === undefined) return { target };
  const thumbprint = get('thumbprint', 'VSPHERE_THUMBPRINT');
  const ca = knownString(config['ca']);
  const insecure = typeof config['insecure'] === 'boolean' ? config['insecure'] : truthy(env['VSPHERE_INSECURE']) || truthy(env['VSPHERE_ALLOW_UNVERIFIED_SSL']);
  return {
    connection: {
      server, user: get('user', 'VSPHERE_USER') ?? '', password: new SecretString(get('password', 'VSPHERE_PASSWORD') ?? ''),
      ...(thumbprint ? { thumbprint } : {}), ...(ca ? { ca } : {}), insecure,
    },
    target,
  };
}

/** The options @ovfkit/vsphere connects with. */
export function connectOptions(c: NonNullable<ProviderSettings['connection']>): ConnectOptions {
  return {
    server: c.server, userName: c.user, password: c.password.reveal(),
    ...(c.thumbprint ? { thumbprint: c.thumbprint } : {}), ...(c.ca ? { ca: c.ca } : {}), ...(c.insecure ? { insecure: true } : {}),
    vocabulary: 'terraform',
  };
}
