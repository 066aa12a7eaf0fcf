import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { OvfkitError, UsageError } from '@ovfkit/core';
import {
  checkOvaLayout, ManifestVerifier, nodeHashName, parseManifest, readReferences, safeMemberName, storedNames, writeFileAtomic, writeOva,
  type OvaMember, type PackageIssue, type WriteOvaOptions,
} from '@ovfkit/package';
import { type Command, ExitCode, stringOption, writeJson } from '../command';
import { createProgress, formatBytes } from '../progress';
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
  ].join('\n'),
  options: { ...sourceOptions, manifest: { type: 'string' }, algorithm: { type: 'string' }, 'sign-key': { type: 'string' }, 'sign-cert': { type: 'string' }, force: { type: 'boolean' } },
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
    if (source.sequentialOnly) throw new UsageError(`${input} can only be read in one pass (the server does not support Range requests); download it first`);
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
    const progress = createProgress(ctx.stderr, 'packing', total, !json);
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
      ctx.stdout.write(`wrote ${output}: ${names.length} members, ${formatBytes(result.bytes)}\n${names.map((n) => `  ${n}`).join('\n')}\n`);
      for (const w of warnings) ctx.stderr.write(`ovfkit: warning: ${w}\n`);
    }
    return ExitCode.Ok;
  },
};

/**
 * `ovfkit ova unpack <in.ova> <dir>`: one pass over the archive into a staging folder inside
 * `dir`, digests checked on the way; files are moved into `dir` only when everything was
 * written and verified, otherwise the staging folder is removed.
 */
export const ovaUnpackCommand: Command = {
  name: 'ova unpack',
  summary: 'unpack an .ova into a folder in one pass, verifying the manifest on the way; nothing is left behind on failure',
  usage: 'ova unpack <in.ova|URL> <dir> [options]',
  help: ['  --force                 replace files that already exist in <dir>', '  --no-verify             unpack even when digests do not match the manifest', sourceOptionsHelp].join('\n'),
  options: { ...sourceOptions, force: { type: 'boolean' }, 'no-verify': { type: 'boolean' } },
  async run(positionals, values, ctx) {
    const json = values['json'] === true;
    if (positionals.length !== 2) throw new UsageError('ova unpack takes an .ova and a destination folder');
    const [input = '', destArg = ''] = positionals;
    const source = await openCliSource(input, ctx, await sourceOptionsFrom(values, ctx));
    const entries = source.entries();
    if (!entries) throw new UsageError(`${input} is not an .ova`);
    const dest = path.resolve(ctx.cwd, destArg);
    const createdDest = !fs.existsSync(dest);
    await fsp.mkdir(dest, { recursive: true });
    const staging = await fsp.mkdtemp(path.join(dest, '.ovfkit-unpack-'));
    const mf = await source.manifest();
    const manifest = mf ? parseManifest(mf.bytes, mf.name) : undefined;
    const verifier = manifest ? new ManifestVerifier(manifest) : undefined;
    const progress = createProgress(ctx.stderr, 'unpacking', undefined, !json);
    const written: { name: string; size: number }[] = [];
    let bytes = 0;
    try {
      for await (const e of entries) {
        const name = safeMemberName(e.name);
        const target = path.join(staging, ...name.split('/'));
        if (!target.startsWith(staging + path.sep)) throw new OvfkitError('UNSAFE_PATH', `${e.name} would be written outside ${destArg}`);
        if (!values['force'] && fs.existsSync(path.join(dest, name))) throw new UsageError(`${path.join(destArg, name)} exists; pass --force to replace it`);
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
        await pipeline(e.stream, tap, fs.createWriteStream(target, { flags: 'wx' }), { signal: ctx.signal });
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
      if (errors.length && values['no-verify'] !== true) {
        throw new OvfkitError('INTEGRITY', `${input} failed verification, nothing was unpacked:\n${errors.map(packageIssueLine).join('\n')}`);
      }
      // Everything is written and checked: move it into place.
      // Check every target before moving anything, so a refusal leaves the destination as it was.
      const realDest = await fsp.realpath(dest);
      const moves: { from: string; to: string }[] = [];
      for (const w of written) {
        const to = path.join(dest, ...w.name.split('/'));
        // A symbolic link already in the destination must not carry a file elsewhere.
        let dir = path.dirname(to);
        while (!fs.existsSync(dir)) dir = path.dirname(dir);
        const parent = await fsp.realpath(dir);
        if (parent !== realDest && !parent.startsWith(realDest + path.sep)) throw new OvfkitError('UNSAFE_PATH', `${w.name} would be written outside ${destArg} through a symbolic link`);
        if ((await fsp.lstat(to).catch(() => undefined))?.isSymbolicLink()) throw new OvfkitError('UNSAFE_PATH', `${path.join(destArg, w.name)} is a symbolic link; refusing to write through it`);
        moves.push({ from: path.join(staging, ...w.name.split('/')), to });
      }
      for (const m of moves) {
        await fsp.mkdir(path.dirname(m.to), { recursive: true });
        await fsp.rename(m.from, m.to);
      }
      await fsp.rm(staging, { recursive: true, force: true });
      progress.done();
      if (json) writeJson(ctx.stdout, { destination: dest, files: written, issues, verified: verifier !== undefined });
      else {
        ctx.stdout.write(`unpacked ${written.length} files (${formatBytes(bytes)}) into ${destArg}${verifier ? `, ${manifest?.entries.length ?? 0} digests checked` : ', no manifest to check'}\n`);
        for (const i of issues) ctx.stdout.write(packageIssueLine(i) + '\n');
      }
      return ExitCode.Ok;
    } catch (e) {
      progress.done();
      await fsp.rm(staging, { recursive: true, force: true });
      if (createdDest) await fsp.rmdir(dest).catch(() => undefined);
      throw e;
    } finally {
      await source.close();
    }
  },
};
