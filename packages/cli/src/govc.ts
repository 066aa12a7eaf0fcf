/**
 * govc's environment variables (GOVC_URL and its credentials, TLS, placement), read as govc
 * reads them, for users who already have them set. Nothing here quotes GOVC_URL or a password.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@ovfkit/core';
import { type OptionValues, stringOption } from './command';

/** govc's GOVC_URL: `host`, `user:password@host`, `https://…/sdk`; the credentials split off. */
export function govcUrl(text: string): { server: string; userName?: string; password?: string; hostPort: string } {
  // Its value may hold a password: no message quotes it.
  const unreadable = new UsageError('GOVC_URL is neither a URL nor a host name (its value is not shown: it may hold a password)');
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim()) ? text.trim() : `https://${text.trim()}`);
  } catch {
    throw unreadable;
  }
  let userName: string | undefined;
  let password: string | undefined;
  try {
    userName = u.username ? decodeURIComponent(u.username) : undefined;
    password = u.password ? decodeURIComponent(u.password) : undefined;
  } catch {
    throw unreadable;
  }
  const port = u.port || (u.protocol === 'http:' ? '80' : '443');
  return { server: `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`, hostPort: `${u.hostname}:${port}`, ...(userName !== undefined ? { userName } : {}), ...(password !== undefined ? { password } : {}) };
}

/** A govc boolean (Go's strconv.ParseBool); empty is unset. */
export function govcBool(env: NodeJS.ProcessEnv, name: string): boolean {
  const v = env[name];
  if (v === undefined || v === '') return false;
  if (/^(1|t|true)$/i.test(v)) return true;
  if (/^(0|f|false)$/i.test(v)) return false;
  throw new UsageError(`${name} must be true or false (1 or 0), got ${JSON.stringify(v.slice(0, 40))}`);
}

/** The files of a govc path list (GOVC_TLS_CA_CERTS, GOVC_TLS_KNOWN_HOSTS: separated by ':'). */
export function govcFiles(env: NodeJS.ProcessEnv, name: string, cwd: string): string[] {
  return (env[name] ?? '').split(path.delimiter).filter(Boolean).map((f) => path.resolve(cwd, f.replace(/^~(?=\/|$)/, env['HOME'] ?? '~')));
}

/**
 * The SHA-256 pin GOVC_TLS_KNOWN_HOSTS holds for `hostPort` (lines `host[:port] thumbprint`, as
 * govc about.cert -thumbprint writes them; a missing file is skipped, as govc does), or what
 * stands in its way: a SHA-1 entry, which ovfkit does not pin by.
 */
export function knownHostPin(env: NodeJS.ProcessEnv, cwd: string, hostPort: string): { sha256?: string; sha1: boolean } {
  let sha1 = false;
  for (const file of govcFiles(env, 'GOVC_TLS_KNOWN_HOSTS', cwd)) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new UsageError(`cannot read the GOVC_TLS_KNOWN_HOSTS file ${file}: ${(e as Error).message}`);
    }
    for (const line of text.split(/\r?\n/)) {
      const at = line.indexOf(' ');
      if (at <= 0) continue;
      const host = line.slice(0, at);
      if ((/:\d+$/.test(host) ? host : `${host}:443`).toLowerCase() !== hostPort.toLowerCase()) continue;
      const hex = line.slice(at + 1).trim().replace(/:/g, '');
      if (/^[0-9a-f]{64}$/i.test(hex)) return { sha256: line.slice(at + 1).trim(), sha1: false };
      if (/^[0-9a-f]{40}$/i.test(hex)) sha1 = true;
    }
  }
  return { sha1 };
}

/** govc's variables for where things go, read when the flag is not given (empty is unset). */
export const GOVC_PLACEMENT = { datacenter: 'GOVC_DATACENTER', datastore: 'GOVC_DATASTORE', pool: 'GOVC_RESOURCE_POOL', folder: 'GOVC_FOLDER' } as const;

/**
 * A placement flag (--datacenter, --datastore, --pool, --folder), else its GOVC_* variable: the
 * offline plan and the import read the same ones, so both judge the same target.
 */
export function placementOption(values: OptionValues, env: NodeJS.ProcessEnv, flag: keyof typeof GOVC_PLACEMENT): string | undefined {
  return stringOption(values, flag) ?? (env[GOVC_PLACEMENT[flag]] || undefined);
}
