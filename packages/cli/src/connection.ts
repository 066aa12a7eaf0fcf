import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@ovfkit/core';
import { proxySettingsFromEnv } from '@ovfkit/package';
import type { RestClient, VimSession } from '@ovfkit/vsphere';
import { type CommandContext, type OptionValues, type OptionsSpec, stringOption, timeoutOption } from './command';
import { govcBool, govcFiles, govcUrl, knownHostPin } from './govc';

/* eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand: a command that never connects (plan of a local package) does not load the vSphere client */
export const vsphere = (): typeof import('@ovfkit/vsphere') => require('@ovfkit/vsphere') as typeof import('@ovfkit/vsphere');

/** The connection flags every vSphere command takes. */
export const connectionOptions: OptionsSpec = {
  server: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  thumbprint: { type: 'string' },
  ca: { type: 'string' },
  insecure: { type: 'boolean' },
  timeout: { type: 'string' },
};

/** `--help` lines for {@link connectionOptions}. */
export const connectionHelp = [
  '  --server <url|host>     vCenter or ESXi, https:// only (or VSPHERE_SERVER, or govc\'s GOVC_URL)',
  '  --user <name>           user name (or VSPHERE_USER, or GOVC_USERNAME with GOVC_URL)',
  '  --password <pw>         password (prefer VSPHERE_PASSWORD or GOVC_PASSWORD: flags show up in process lists)',
  '  --thumbprint <sha256>   trust the server whose certificate has this SHA-256 fingerprint',
  '                          (or VSPHERE_THUMBPRINT)',
  '  --ca <file.pem>         trust certificates signed by this CA',
  '  --insecure              accept any certificate (never in production; GOVC_INSECURE=1 with GOVC_URL)',
  '                          with GOVC_URL, GOVC_TLS_KNOWN_HOSTS (SHA-256 entries) and GOVC_TLS_CA_CERTS are read too',
  '  --timeout <seconds>     give up on a vSphere request after this long (default 60; old spelling\n                          --timeout-seconds)',
].join('\n');

/** What {@link connectionSettings} gives VimSession.connect. */
export interface ConnectionSettings {
  server: string;
  userName: string;
  password: string;
  thumbprint?: string;
  ca?: string;
  insecure?: true;
  timeoutMs?: number;
  /** Lines for stderr (GOVC_INSECURE in use), never holding a secret. */
  warnings: string[];
}

/**
 * Where to connect and how, from flags, then VSPHERE_SERVER / VSPHERE_USER / VSPHERE_PASSWORD /
 * VSPHERE_THUMBPRINT, then govc's variables. The GOVC_* set belongs to the server of GOVC_URL:
 * it is read only when that is the server (neither --server nor VSPHERE_SERVER given), so
 * credentials meant for one server never go to another. GOVC_URL's own user:password comes
 * before GOVC_USERNAME / GOVC_PASSWORD, as in govc. Trust, when no flag and no
 * VSPHERE_THUMBPRINT gives one: a SHA-256 pin from GOVC_TLS_KNOWN_HOSTS, else the CAs of
 * GOVC_TLS_CA_CERTS, else GOVC_INSECURE (with a warning), else the system CAs. Whether a password
 * may then be sent is decided by @ovfkit/vsphere (connectionTrust, vsphereEndpoint), as for every
 * front end; no message quotes GOVC_URL or a password.
 */
export function connectionSettings(values: OptionValues, ctx: CommandContext): ConnectionSettings {
  const env = ctx.env;
  const flagOrVsphere = stringOption(values, 'server') ?? env['VSPHERE_SERVER'];
  const govc = flagOrVsphere === undefined && env['GOVC_URL'] ? govcUrl(env['GOVC_URL']) : undefined;
  const server = flagOrVsphere ?? govc?.server;
  const userName = stringOption(values, 'user') ?? env['VSPHERE_USER'] ?? (govc ? govc.userName ?? env['GOVC_USERNAME'] : undefined);
  const password = stringOption(values, 'password') ?? env['VSPHERE_PASSWORD'] ?? (govc ? govc.password ?? env['GOVC_PASSWORD'] : undefined);
  if (!server) throw new UsageError('no vSphere server: pass --server or set VSPHERE_SERVER (or GOVC_URL)');
  if (!userName) throw new UsageError(`no vSphere user: pass --user or set VSPHERE_USER${govc ? ' (or GOVC_USERNAME, or user@ in GOVC_URL)' : ''}`);
  if (password === undefined) throw new UsageError(`no vSphere password: set VSPHERE_PASSWORD${govc ? ' (or GOVC_PASSWORD)' : ''} (or pass --password)`);
  // A flag given empty is a mistake to report, not a flag to ignore; an empty variable is unset.
  const thumbprint = stringOption(values, 'thumbprint') ?? (env['VSPHERE_THUMBPRINT'] || undefined);
  const caFile = stringOption(values, 'ca');
  const warnings: string[] = [];
  const out: ConnectionSettings = { server, userName, password, warnings };
  if (thumbprint !== undefined) out.thumbprint = thumbprint;
  if (caFile !== undefined) {
    try {
      out.ca = fs.readFileSync(path.resolve(ctx.cwd, caFile), 'utf8');
    } catch {
      throw new UsageError(`cannot read the CA file ${caFile}`);
    }
  }
  if (values['insecure']) out.insecure = true;
  if (govc && thumbprint === undefined && caFile === undefined && !values['insecure']) {
    const pin = knownHostPin(env, ctx.cwd, govc.hostPort);
    const caFiles = govcFiles(env, 'GOVC_TLS_CA_CERTS', ctx.cwd);
    const insecure = govcBool(env, 'GOVC_INSECURE');
    if (pin.sha256) out.thumbprint = pin.sha256;
    else if (caFiles.length) {
      out.ca = caFiles
        .map((f) => {
          try {
            return fs.readFileSync(f, 'utf8');
          } catch {
            throw new UsageError(`cannot read the GOVC_TLS_CA_CERTS file ${f}`);
          }
        })
        .join('\n');
    } else if (insecure) {
      out.insecure = true;
      warnings.push(`GOVC_INSECURE is set: the certificate of ${govc.hostPort} is not verified`);
    } else if (pin.sha1) {
      throw new UsageError(`GOVC_TLS_KNOWN_HOSTS pins ${govc.hostPort} by a SHA-1 thumbprint; ovfkit pins only SHA-256: pass --thumbprint with the certificate's SHA-256 fingerprint (openssl x509 -noout -fingerprint -sha256), or --ca`);
    }
  }
  const timeoutMs = timeoutOption(values);
  if (timeoutMs) out.timeoutMs = timeoutMs;
  return out;
}

/** Opens a session from {@link connectionSettings}. The password is never printed, logged or put in an error. */
export async function connectFromFlags(values: OptionValues, ctx: CommandContext): Promise<VimSession> {
  const { warnings, ...settings } = connectionSettings(values, ctx);
  for (const w of warnings) ctx.stderr.write(`ovfkit: warning: ${w}\n`);
  return vsphere().VimSession.connect({
    ...settings,
    vocabulary: 'cli',
    proxy: proxySettingsFromEnv(ctx.env),
    ...(ctx.env['OVFKIT_DEBUG'] ? { logger: (l: string) => ctx.stderr.write(`debug: ${l}\n`) } : {}),
  });
}

/**
 * Runs `fn` with a SOAP session and a REST (vSphere Automation) session beside it, over the same
 * verified connection; both are always ended.
 */
export async function withRestSession<T>(values: OptionValues, ctx: CommandContext, fn: (rest: RestClient, s: VimSession) => Promise<T>): Promise<T> {
  const { userName, password } = connectionSettings(values, ctx);
  return withSession(values, ctx, async (session) => {
    const rest = await vsphere().RestClient.open(session, { userName, password, signal: ctx.signal });
    try {
      return await fn(rest, session);
    } finally {
      await rest.close();
    }
  });
}

/** Runs `fn` with a session and always logs out. */
export async function withSession<T>(values: OptionValues, ctx: CommandContext, fn: (s: VimSession) => Promise<T>): Promise<T> {
  const session = await connectFromFlags(values, ctx);
  try {
    return await fn(session);
  } finally {
    await session.logout();
  }
}
