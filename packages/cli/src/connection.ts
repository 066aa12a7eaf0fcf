import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@ovfkit/core';
import { proxySettingsFromEnv } from '@ovfkit/package';
import { RestClient, VimSession } from '@ovfkit/vsphere';
import { type CommandContext, type OptionValues, type OptionsSpec, stringOption, timeoutOption } from './command';

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
  '  --server <url|host>     vCenter or ESXi, https:// only (or VSPHERE_SERVER)',
  '  --user <name>           user name (or VSPHERE_USER)',
  '  --password <pw>         password (prefer VSPHERE_PASSWORD: flags show up in process lists)',
  '  --thumbprint <sha256>   trust the server whose certificate has this SHA-256 fingerprint',
  '                          (or VSPHERE_THUMBPRINT)',
  '  --ca <file.pem>         trust certificates signed by this CA',
  '  --insecure              accept any certificate (never in production)',
  '  --timeout <seconds>     give up on a vSphere request after this long (default 60; old spelling\n                          --timeout-seconds)',
].join('\n');

/** The server and credentials of the connection flags, else VSPHERE_SERVER / VSPHERE_USER / VSPHERE_PASSWORD. */
export function credentialsFromFlags(values: OptionValues, ctx: CommandContext): { server: string; userName: string; password: string } {
  const server = stringOption(values, 'server') ?? ctx.env['VSPHERE_SERVER'];
  const userName = stringOption(values, 'user') ?? ctx.env['VSPHERE_USER'];
  const password = stringOption(values, 'password') ?? ctx.env['VSPHERE_PASSWORD'];
  if (!server) throw new UsageError('no vSphere server: pass --server or set VSPHERE_SERVER');
  if (!userName) throw new UsageError('no vSphere user: pass --user or set VSPHERE_USER');
  if (password === undefined) throw new UsageError('no vSphere password: set VSPHERE_PASSWORD (or pass --password)');
  return { server, userName, password };
}

/**
 * Opens a session from flags, falling back to VSPHERE_SERVER / VSPHERE_USER / VSPHERE_PASSWORD /
 * VSPHERE_THUMBPRINT. The password is never printed, logged or put in an error; whether it may
 * be sent (https only, one trust) is decided by @ovfkit/vsphere's connectionTrust and
 * vsphereEndpoint, as for every front end.
 */
export async function connectFromFlags(values: OptionValues, ctx: CommandContext): Promise<VimSession> {
  const { server, userName, password } = credentialsFromFlags(values, ctx);
  // A flag given empty is a mistake to report, not a flag to ignore; an empty variable is unset.
  const thumbprint = stringOption(values, 'thumbprint') ?? (ctx.env['VSPHERE_THUMBPRINT'] || undefined);
  const caFile = stringOption(values, 'ca');
  let ca: string | undefined;
  if (caFile !== undefined) {
    try {
      ca = fs.readFileSync(path.resolve(ctx.cwd, caFile), 'utf8');
    } catch {
      throw new UsageError(`cannot read the CA file ${caFile}`);
    }
  }
  const timeoutMs = timeoutOption(values);
  return VimSession.connect({
    server,
    userName,
    password,
    ...(thumbprint !== undefined ? { thumbprint } : {}),
    ...(ca !== undefined ? { ca } : {}),
    ...(values['insecure'] ? { insecure: true } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
    proxy: proxySettingsFromEnv(ctx.env),
    ...(ctx.env['OVFKIT_DEBUG'] ? { logger: (l: string) => ctx.stderr.write(`debug: ${l}\n`) } : {}),
  });
}

/**
 * Runs `fn` with a SOAP session and a REST (vSphere Automation) session beside it, over the same
 * verified connection; both are always ended.
 */
export async function withRestSession<T>(values: OptionValues, ctx: CommandContext, fn: (rest: RestClient, s: VimSession) => Promise<T>): Promise<T> {
  const { userName, password } = credentialsFromFlags(values, ctx);
  return withSession(values, ctx, async (session) => {
    const rest = await RestClient.open(session, { userName, password, signal: ctx.signal });
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
