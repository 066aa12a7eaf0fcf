import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { escapeControls as esc, OvfkitError, UsageError } from '@ovfkit/core';
import {
  digestOf, formatManifest, readReferences, storedNames, verifyPackage, writeFileAtomic, type ManifestAlgorithm, type PackageIssue, type PackageVerification,
} from '@ovfkit/package';
import { type Command, type CommandContext, ExitCode, stringList, stringOption, writeJson } from '../command';
import { createProgress, formatBytes, progressHelp, progressMode, progressOptions } from '../progress';
import { signatureLine, signatureOptions, trustStoreFrom } from '../signature-flags';
import { openCliSource, sourceOptions, sourceOptionsHelp, sourceOptionsFrom } from '../source';

/** One issue as a readable line (and its fix); its text quotes package names, so it is escaped. */
export function packageIssueLine(i: PackageIssue): string {
  return `  ${i.severity} ${i.code} at ${esc(i.path)}: ${esc(i.message, 'line')}\n      fix: ${esc(i.fix, 'line')}`;
}

function renderVerification(v: PackageVerification): string {
  const lines: string[] = [];
  const m = v.manifest;
  lines.push(`${esc(v.source, 'line')}: descriptor ${esc(v.descriptor)}`);
  if (m) {
    const good = m.checked.filter((c) => c.ok).length;
    lines.push(`  manifest     ${esc(m.manifest)}: ${good} of ${m.checked.length} digests match (${formatBytes(v.bytesHashed)} hashed)`);
  } else {
    lines.push('  manifest     none (nothing to verify the files against)');
  }
  if (v.signature) lines.push(`  certificate  ${signatureLine(v.signature)}`);
  const errors = v.issues.filter((i) => i.severity === 'error');
  const warnings = v.issues.filter((i) => i.severity === 'warning');
  for (const i of errors) lines.push(packageIssueLine(i));
  for (const i of warnings) lines.push(packageIssueLine(i));
  lines.push(v.ok ? `OK${warnings.length ? ` with ${warnings.length} warning(s)` : ''}` : `FAILED: ${errors.length} error(s), ${warnings.length} warning(s)`);
  return lines.join('\n') + '\n';
}

/** `ovfkit manifest verify <source>`: digests, certificate, OVA order and sizes, in one pass. */
export const manifestVerifyCommand: Command = {
  name: 'manifest verify',
  summary: 'verify a package against its manifest (.mf) and certificate (.cert), reading each byte once',
  usage: 'manifest verify <dir|file.ovf|file.ova|URL> [options]',
  help: ['  --trust <ca.pem>        trusted CA certificate(s) for the signer (repeatable)', sourceOptionsHelp, progressHelp].join('\n'),
  options: { ...sourceOptions, ...progressOptions, trust: signatureOptions['trust']! },
  async run(positionals, values, ctx) {
    const json = values['json'] === true;
    if (positionals.length !== 1) throw new UsageError('manifest verify takes one package: a folder, an .ovf, an .ova or a URL');
    const arg = positionals[0] ?? '';
    const trustStore = await trustStoreFrom(values, ctx);
    const source = await openCliSource(arg, ctx, await sourceOptionsFrom(values, ctx));
    const progress = createProgress(ctx.stderr, 'verifying', undefined, progressMode(values, ctx));
    let v: PackageVerification;
    try {
      v = await verifyPackage(source, { ...(trustStore.length ? { trustStore } : {}), onProgress: (n, name) => progress.update(n, name) });
    } finally {
      progress.done();
      await source.close();
    }
    if (json) writeJson(ctx.stdout, v);
    else ctx.stdout.write(renderVerification(v));
    return v.ok ? ExitCode.Ok : ExitCode.ResultErrors;
  },
};

/** Where the descriptor of a folder or `.ovf` argument is. */
async function descriptorPath(arg: string, ctx: CommandContext): Promise<string> {
  const full = path.resolve(ctx.cwd, arg);
  const st = await fs.stat(full).catch(() => undefined);
  if (!st) throw new OvfkitError('IO', `cannot open ${arg}: no such file or directory`);
  if (st.isFile()) {
    if (!/\.ovf$/i.test(full)) throw new UsageError(`${arg} is not an .ovf descriptor; give the package folder or its .ovf`);
    return full;
  }
  const ovfs = (await fs.readdir(full)).filter((n) => /\.ovf$/i.test(n));
  if (ovfs.length !== 1) throw new UsageError(ovfs.length ? `${arg} has several descriptors (${ovfs.join(', ')}); name the .ovf` : `${arg} contains no .ovf descriptor`);
  return path.join(full, ovfs[0] ?? '');
}

const ALGORITHMS: ManifestAlgorithm[] = ['SHA256', 'SHA512', 'SHA1'];

/** Parses `--algorithm`. @default SHA256 */
export function algorithmOption(v: string | undefined): ManifestAlgorithm {
  const a = (v ?? 'SHA256').toUpperCase().replace('-', '');
  if (!ALGORITHMS.includes(a as ManifestAlgorithm)) throw new UsageError(`--algorithm must be one of ${ALGORITHMS.join(', ')}, not ${JSON.stringify(v)}`);
  return a as ManifestAlgorithm;
}

/** `ovfkit manifest create <dir>`: a canonical manifest for the descriptor and every referenced file. */
export const manifestCreateCommand: Command = {
  name: 'manifest create',
  summary: 'write the manifest (.mf) of a package folder: the descriptor and every referenced file, SHA256 by default',
  usage: 'manifest create <dir|file.ovf> [options]',
  help: [
    '  --algorithm <alg>       SHA256 (default), SHA512, or SHA1 (refused by vCenter 8)',
    '  --force                 replace an existing manifest',
    progressHelp,
  ].join('\n'),
  options: { ...progressOptions, algorithm: { type: 'string' }, force: { type: 'boolean' } },
  async run(positionals, values, ctx) {
    const json = values['json'] === true;
    if (positionals.length !== 1) throw new UsageError('manifest create takes one package folder or .ovf file');
    const algorithm = algorithmOption(stringOption(values, 'algorithm'));
    const ovf = await descriptorPath(positionals[0] ?? '', ctx);
    const mfPath = ovf.replace(/\.ovf$/i, '.mf');
    const exists = await fs.stat(mfPath).then(() => true, () => false);
    if (exists && values['force'] !== true) throw new UsageError(`${path.relative(ctx.cwd, mfPath) || mfPath} exists; pass --force to replace it`);
    const source = await openCliSource(ovf, ctx);
    const d = await source.descriptor();
    const names = [d.name];
    for (const ref of readReferences(d.bytes)) {
      if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(ref.href)) continue;
      names.push(...(await storedNames(source, ref)));
    }
    const total = (await Promise.all(names.slice(1).map((n) => source.size(n)))).reduce<number>((a, b) => a + (b ?? 0), 0);
    const progress = createProgress(ctx.stderr, 'hashing', total, progressMode(values, ctx));
    const files: { name: string; digest: string }[] = [{ name: d.name, digest: (await digestOf([d.bytes], algorithm)).digest }];
    let done = 0;
    try {
      for (const name of names.slice(1)) {
        if (!(await source.has(name))) throw new OvfkitError('IO', `${name} is referenced by ${d.name} but not in the package`);
        const stream = await source.open(name);
        const counted = (async function* () {
          for await (const c of stream) {
            done += (c as Buffer).length;
            progress.update(done, name);
            yield c as Buffer;
          }
        })();
        files.push({ name, digest: (await digestOf(counted, algorithm)).digest });
      }
    } finally {
      progress.done();
    }
    const text = formatManifest(files, algorithm);
    await writeFileAtomic(mfPath, async (out) => {
      out.write(text);
    });
    if (json) writeJson(ctx.stdout, { manifest: mfPath, algorithm, entries: files });
    else ctx.stdout.write(`wrote ${esc(path.relative(ctx.cwd, mfPath) || mfPath, 'line')}: ${files.length} ${algorithm} digests (${formatBytes(done + d.bytes.length)})\n`);
    return ExitCode.Ok;
  },
};
