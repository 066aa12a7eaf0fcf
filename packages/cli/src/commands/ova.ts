import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { composedError, escapeControls as esc, OvfkitError, UsageError, redactUrl } from '@ovfkit/core';
import {
  checkOvaLayout, fileSystemError, ManifestVerifier, nodeHashName, parseManifest, readReferences, safeMemberName, storedNames, usableManifest, writeFileAtomic, writeOva,
  type OvaMember, type PackageIssue, type WriteOvaOptions,
} from '@ovfkit/package';
import { type Command, ExitCode, stringOption, writeJson } from '../command';
import { createProgress, formatBytes, progressHelp, progressMode, progressOptions } from '../progress';
import { openCliSource, sourceOptions, sourceOptionsFrom, sourceOptionsHelp } from '../source';
import { algorithmOption, packageIssueLine } from './manifest';

/** `ovfkit ova pack <dir|file.ovf> <out.ova>`: descriptor, manifest, certificate, then files in References order. */
export const ovaPackCommand: Command = {
  name: 'ova pack',
  summary: 'pack a package folder (or repack an .ova) into an .ova: descriptor first, manifest and certificate next, files in References order',
  usage: 'ova pack <dir|file.ovf|file.ova|URL> <out.ova> [options]',
  help: [
    '  --manifest <mode>       keep (default: the folder\'s .mf, or a new one if it has none), create, or none',
    '  --algorithm <alg>       digest for a created manifest: SHA256 (default), SHA512, SHA1',
    '  --sign-key <key.pem>    sign the manifest with this private key (writes the .cert)',
    '  --sign-cert <cert.pem>  the signer certificate (PEM) that goes with --sign-key',
    '  --force                 replace an existing output file',
    sourceOptionsHelp,
    progressHelp,
  ].join('\n'),
  options: { ...sourceOptions, ...progressOptions, manifest: { type: 'string' }, algorithm: { type: 'string' }, 'sign-key': { type: 'string' }, 'sign-cert': { type: 'string' }, force: { type: 'boolean' } },
  async run(positionals, values, ctx) {
    const json = values['json'] === true;
    if (positionals.length !== 2) throw new UsageError('ova pack takes a package folder (or its .ovf, or an .ova to repack) and the .ova to write');
    const [input = '', output = ''] = positionals;
    const out = path.resolve(ctx.cwd, output);
    if (fs.existsSync(out) && values['force'] !== true) throw new UsageError(`${output} exists; pass --force to replace it`);
    const mode = stringOption(values, 'manifest') ?? 'keep';
    if (!['keep', 'create', 'none'].includes(mode)) throw new UsageError(`--manifest must be keep, create or none, not ${JSON.stringify(mode)}`);
    const algorithm = algorithmOption(stringOption(values, 'algorithm'));
    const keyFile = stringOption(values, 'sign-key');
    const certFile = stringOption(values, 'sign-cert');
    if ((keyFile === undefined) !== (certFile === undefined)) throw new UsageError('--sign-key and --sign-cert go together');
    if (keyFile && mode === 'none') throw new UsageError('signing needs a manifest: drop --manifest none');

    const source = await openCliSource(input, ctx, await sourceOptionsFrom(values, ctx));
    // An .ova (local, or a URL with Range) can be repacked too: members are opened at their
    // offsets, so an out-of-order OVA comes out in References order.
    if (source.sequentialOnly) throw new UsageError(`${redactUrl(input)} can only be read in one pass (the server does not support Range requests); download it first`);
    const d = await source.descriptor();
    const base = d.name.replace(/\.ovf$/i, '');
    const members: OvaMember[] = [];
    let total = 0;
    for (const ref of readReferences(d.bytes)) {
      if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(ref.href)) continue;
      for (const name of await storedNames(source, ref)) {
        const size = await source.size(name);
        if (size === undefined) throw new OvfkitError('IO', `${name} is referenced by ${d.name} but not in the package`);
        total += size;
        members.push({ name: safeMemberName(name), size, open: () => source.open(name) });
      }
    }
    const options: WriteOvaOptions = { signal: ctx.signal };
    const existing = await source.manifest();
    const existingCert = await source.certificate();
    const warnings: string[] = [];
    if (mode === 'keep' && existing) {
      options.manifest = existing;
      if (keyFile && certFile) options.certificate = { name: `${base}.cert`, privateKeyPem: await fsp.readFile(path.resolve(ctx.cwd, keyFile), 'utf8'), certificatePem: await fsp.readFile(path.resolve(ctx.cwd, certFile), 'utf8') };
      else if (existingCert) options.certificate = existingCert;
    } else if (mode !== 'none') {
      options.manifest = { name: `${base}.mf`, compute: algorithm, position: 'after-descriptor' };
      if (keyFile && certFile) options.certificate = { name: `${base}.cert`, privateKeyPem: await fsp.readFile(path.resolve(ctx.cwd, keyFile), 'utf8'), certificatePem: await fsp.readFile(path.resolve(ctx.cwd, certFile), 'utf8') };
      else if (existingCert) warnings.push(`${existingCert.name} signs the old manifest and was left out; sign again with --sign-key/--sign-cert`);
    } else if (existingCert) {
      warnings.push(`${existingCert.name} was left out with the manifest`);
    }
    // A computed manifest placed before the files reads them twice; report both passes.
    const passes = options.manifest && 'compute' in options.manifest ? 2 : 1;
    const progress = createProgress(ctx.stderr, 'packing', total, progressMode(values, ctx));
    options.onProgress = (n) => progress.update(n);
    let result;
    try {
      result = await writeFileAtomic(out, (stream) => writeOva(stream, d, members, options));
    } finally {
      progress.done();
    }
    const names = [d.name, ...(options.manifest ? [options.manifest.name] : []), ...(options.certificate ? [options.certificate.name] : []), ...members.map((m) => m.name)];
    if (json) writeJson(ctx.stdout, { ova: out, bytes: result.bytes, members: result.members, manifest: result.manifest, warnings, readPasses: passes });
    else {
      ctx.stdout.write(`wrote ${esc(output, 'line')}: ${names.length} members, ${formatBytes(result.bytes)}\n${names.map((n) => `  ${esc(n)}`).join('\n')}\n`);
      for (const w of warnings) ctx.stderr.write(`ovfkit: warning: ${esc(w, 'line')}\n`);
    }
    return ExitCode.Ok;
  },
};

/** What is in the way of `name` in the destination, by lstat (a symbolic link, dangling or not, counts as itself). */
type Occupant = 'none' | 'file' | 'directory' | 'link' | 'other';

async function occupant(p: string): Promise<Occupant> {
  const st = await fsp.lstat(p).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw fileSystemError(e, `checking ${p}`);
  });
  if (!st) return 'none';
  return st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
}

/** Refuses a destination that is not a folder, or a symbolic link to no folder, before anything is created. */
async function checkDestination(dest: string, destArg: string): Promise<void> {
  const o = await occupant(dest);
  if (o === 'none' || o === 'directory') return;
  if (o === 'link') {
    const target = await fsp.stat(dest).catch(() => undefined);
    if (target?.isDirectory()) return;
    throw new OvfkitError('UNSAFE_PATH', `${destArg} is a symbolic link to ${target ? 'something that is not a folder' : 'nothing (dangling)'}; refusing to unpack through it`);
  }
  throw new OvfkitError('IO', `${destArg} exists and is not a folder`);
}

/** Removes the empty folders `mkdir -p` made, from `dest` up to and including `outermost`. */
async function removeCreated(dest: string, outermost: string): Promise<void> {
  for (let dir = dest; ; dir = path.dirname(dir)) {
    if (!(await fsp.rmdir(dir).then(() => true, () => false))) return;
    if (dir === outermost || path.dirname(dir) === dir) return;
  }
}

/** One file to move from the staging folder into the destination, and the folders it needs there. */
interface Move {
  from: string;
  to: string;
  replaces: boolean;
  /** Destination folders to create, outermost first. */
  mkdirs: string[];
}

/**
 * Checks where a file will go before anything moves: every folder on the way is a real folder
 * (not a link, dangling or not, and not a file) or does not exist yet, and the place itself is
 * free, or a regular file that `--force` may replace. Throws naming what is in the way.
 */
async function planMove(dest: string, destArg: string, staging: string, name: string, force: boolean): Promise<Move> {
  const parts = name.split('/');
  const to = path.join(dest, ...parts);
  if (to === staging || to.startsWith(staging + path.sep)) throw new OvfkitError('UNSAFE_PATH', `${name} would be written into ovfkit's staging folder`);
  const mkdirs: string[] = [];
  let dir = dest;
  for (const part of parts.slice(0, -1)) {
    dir = path.join(dir, part);
    if (mkdirs.length) {
      mkdirs.push(dir);
      continue;
    }
    const o = await occupant(dir);
    if (o === 'none') mkdirs.push(dir);
    else if (o === 'link') throw new OvfkitError('UNSAFE_PATH', `${path.join(destArg, path.relative(dest, dir))} is a symbolic link; refusing to write ${name} through it`);
    else if (o !== 'directory') throw new OvfkitError('IO', `${path.join(destArg, path.relative(dest, dir))} is in the way of ${name}: it is not a folder`);
  }
  const o = await occupant(to);
  const shown = path.join(destArg, name);
  if (o === 'link') throw new OvfkitError('UNSAFE_PATH', `${shown} is a symbolic link; refusing to write through it`);
  if (o === 'directory' || o === 'other') throw new OvfkitError('IO', `${shown} is a ${o === 'directory' ? 'folder' : 'special file'}; it cannot be replaced by the file ${name}`);
  if (o === 'file' && !force) throw new UsageError(`${shown} exists; pass --force to replace it`);
  return { from: path.join(staging, ...parts), to, replaces: o === 'file', mkdirs };
}

/**
 * Moves every file into place, or none: replaced files are set aside first, and on any failure
 * each step is undone in reverse (new files back to staging, old files back, folders removed).
 */
async function commitMoves(dest: string, moves: Move[]): Promise<void> {
  const undo: Array<() => Promise<unknown>> = [];
  let aside: string | undefined;
  try {
    for (const [i, m] of moves.entries()) {
      for (const d of m.mkdirs) {
        if ((await occupant(d)) === 'directory') continue;
        await fsp.mkdir(d);
        undo.push(() => fsp.rmdir(d));
      }
      if (m.replaces) {
        aside ??= await fsp.mkdtemp(path.join(dest, '.ovfkit-replaced-'));
        const kept = path.join(aside, String(i));
        await fsp.rename(m.to, kept);
        undo.push(() => fsp.rename(kept, m.to));
      }
      await fsp.rename(m.from, m.to);
      undo.push(() => fsp.rename(m.to, m.from));
    }
  } catch (e) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    if (aside) await fsp.rm(aside, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  if (aside) await fsp.rm(aside, { recursive: true, force: true });
}

/**
 * `ovfkit ova unpack <in.ova> <dir>`: one pass over the archive into a staging folder inside
 * `dir`, digests checked on the way; files are moved into `dir` only when everything was
 * written and verified, and then all of them or none; otherwise the staging folder is removed.
 */
export const ovaUnpackCommand: Command = {
  name: 'ova unpack',
  summary: 'unpack an .ova into a folder in one pass, verifying the manifest on the way; nothing is left behind on failure',
  usage: 'ova unpack <in.ova|URL> <dir> [options]',
  help: ['  --force                 replace files that already exist in <dir>', '  --no-verify             unpack even when digests do not match the manifest', sourceOptionsHelp, progressHelp].join('\n'),
  options: { ...sourceOptions, ...progressOptions, force: { type: 'boolean' }, 'no-verify': { type: 'boolean' } },
  async run(positionals, values, ctx) {
    const json = values['json'] === true;
    if (positionals.length !== 2) throw new UsageError('ova unpack takes an .ova and a destination folder');
    const [input = '', destArg = ''] = positionals;
    // How the input is named in messages: a URL without its user, password or query token.
    const shown = redactUrl(input);
    const force = values['force'] === true;
    const noVerify = values['no-verify'] === true;
    const source = await openCliSource(input, ctx, await sourceOptionsFrom(values, ctx));
    const entries = source.entries();
    if (!entries) throw new UsageError(`${shown} is not an .ova`);
    const dest = path.resolve(ctx.cwd, destArg);
    const doing = `unpacking ${shown} into ${destArg}`;
    await checkDestination(dest, destArg);
    /** The outermost folder this command created for `dest`, removed again on failure. */
    let created: string | undefined;
    let staging: string | undefined;
    const progress = createProgress(ctx.stderr, 'unpacking', undefined, progressMode(values, ctx));
    try {
      // Refused before anything is written: a manifest with errors would fail the unpack anyway.
      const mf = await source.manifest();
      const manifest = mf ? (noVerify ? parseManifest(mf.bytes, mf.name) : usableManifest(mf.bytes, mf.name)) : undefined;
      const verifier = manifest ? new ManifestVerifier(manifest) : undefined;
      created = await fsp.mkdir(dest, { recursive: true });
      staging = await fsp.mkdtemp(path.join(dest, '.ovfkit-unpack-'));
      const written: { name: string; size: number }[] = [];
      let bytes = 0;
      for await (const e of entries) {
        const name = safeMemberName(e.name);
        const target = path.join(staging, ...name.split('/'));
        if (!target.startsWith(staging + path.sep)) throw new OvfkitError('UNSAFE_PATH', `${e.name} would be written outside ${destArg}`);
        // Early, so a refusal costs no copy; checked again, whole, before anything moves.
        await planMove(dest, destArg, staging, name, force);
        await fsp.mkdir(path.dirname(target), { recursive: true });
        const expect = verifier?.expecting(name);
        const hash = expect ? createHash(nodeHashName(expect.algorithm)) : undefined;
        let size = 0;
        const tap = new Transform({
          transform(chunk: Buffer, _e, cb) {
            hash?.update(chunk);
            size += chunk.length;
            bytes += chunk.length;
            progress.update(bytes, name);
            cb(null, chunk);
          },
        });
        await pipeline(e.stream, tap, fs.createWriteStream(target, { flags: 'wx' }), { signal: ctx.signal }).catch((err: unknown) => {
          throw fileSystemError(err, `${doing}: writing ${name}`);
        });
        if (hash) verifier?.record(name, hash.digest('hex'), size);
        written.push({ name, size });
      }
      const issues: PackageIssue[] = [];
      const descriptorEntry = written.find((w) => /\.ovf$/i.test(w.name));
      let refs: ReturnType<typeof readReferences> = [];
      if (descriptorEntry) {
        refs = readReferences(await fsp.readFile(path.join(staging, ...descriptorEntry.name.split('/')), 'utf8'));
        issues.push(...checkOvaLayout(written.map((w) => w.name), refs));
      }
      if (verifier) {
        const required = [descriptorEntry?.name ?? '', ...written.filter((w) => refs.some((r) => w.name === r.href || w.name.startsWith(`${r.href}.`))).map((w) => w.name)].filter(Boolean);
        issues.push(...verifier.report(written.map((w) => w.name), required).issues);
      }
      const errors = issues.filter((i) => i.severity === 'error');
      if (errors.length && !noVerify) {
        throw composedError(new OvfkitError('INTEGRITY', `${esc(shown, 'line')} failed verification, nothing was unpacked:\n${errors.map(packageIssueLine).join('\n')}`));
      }
      // Everything is written and checked: every target is checked, then all files move or none.
      const moves: Move[] = [];
      for (const w of written) moves.push(await planMove(dest, destArg, staging, w.name, force));
      ctx.signal?.throwIfAborted();
      await commitMoves(dest, moves);
      await fsp.rm(staging, { recursive: true, force: true });
      progress.done();
      if (json) writeJson(ctx.stdout, { destination: dest, files: written, issues, verified: verifier !== undefined });
      else {
        ctx.stdout.write(`unpacked ${written.length} files (${formatBytes(bytes)}) into ${esc(destArg, 'line')}${verifier ? `, ${manifest?.entries.length ?? 0} digests checked` : ', no manifest to check'}\n`);
        for (const i of issues) ctx.stdout.write(packageIssueLine(i) + '\n');
      }
      return ExitCode.Ok;
    } catch (e) {
      progress.done();
      if (staging) await fsp.rm(staging, { recursive: true, force: true }).catch(() => undefined);
      if (created) await removeCreated(dest, created);
      throw fileSystemError(e, doing);
    } finally {
      await source.close();
    }
  },
};
