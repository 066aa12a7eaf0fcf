import * as fs from 'node:fs';
import * as path from 'node:path';
import { escapeControls as esc, UsageError } from '@ovfkit/core';
import { exportOvf, exportToLibrary, parseChunkSize, type ManifestAlgorithm } from '@ovfkit/vsphere';
import { type Command, type CommandContext, ExitCode, type OptionValues, stringList, stringOption, writeJson } from '../command';
import { connectionHelp, connectionOptions, withRestSession, withSession } from '../connection';
import { progressHelp, progressMode, progressOptions, transferProgress } from '../progress';
import { parallelDisksFrom, parallelDisksHelp, parallelDisksOptions } from '../transfer-flags';

/** `ovfkit export`: a VM or vApp to an OVA or an OVF directory. */
export const exportCommand: Command = {
  name: 'export',
  summary: 'export a VM or vApp to an .ova or a directory (partial output removed on failure)',
  usage: 'export <vm-or-vapp> <out.ova|dir> --server <url> [options]\n       export <vm-or-vapp> --to-library <LIB> --item <NAME> --server <url> [--description T] [--export-option mac|uuid|extraconfig]',
  help: [
    '  <vm-or-vapp>            a moref (VirtualMachine:vm-42), an inventory path (/DC0/vm/apps/web01), a path under\n                          the VM folder (apps/web01) or a bare name when only one VM or vApp has it (as govc)',
    connectionHelp,
    '  --name <name>           ovf:id of the top entity and base name of the files',
    '  --algorithm <SHA256|SHA512|SHA1>  manifest digest (default SHA256), as manifest create and ova pack spell it\n                          (old spelling --manifest, which import and ova pack use for the manifest policy)',
    '  --export-option <kw>    OvfManager export option keyword (repeatable)',
    '  --chunk-size <n>        store each disk as <file>.000000000, … of n bytes (512M, 4G, or bytes; any positive size)',
    '  --sign-key <key.pem> --sign-cert <cert.pem>   sign the manifest (writes <name>.cert)',
    parallelDisksHelp('downloaded'),
    '  --to-library <LIB> --item <NAME>   export into an OVF item of a vCenter content library instead (vCenter\'s\n                          createOvf writes the descriptor and disks; an existing item\'s content is replaced);\n                          --export-option mac, uuid, extraconfig apply, --description sets the annotation',
    progressHelp,
  ].join('\n'),
  options: { ...connectionOptions, ...progressOptions, ...parallelDisksOptions, name: { type: 'string' }, algorithm: { type: 'string' }, 'export-option': { type: 'string', multiple: true }, 'chunk-size': { type: 'string' }, 'sign-key': { type: 'string' }, 'sign-cert': { type: 'string' }, 'to-library': { type: 'string' }, item: { type: 'string' }, description: { type: 'string' } },
  oldSpellings: { manifest: 'algorithm' },
  async run(positionals, values, ctx) {
    const json = values['json'] === true;
    const toLibrary = stringOption(values, 'to-library');
    if (toLibrary !== undefined) return exportLibrary(positionals, values, ctx, toLibrary);
    if (stringOption(values, 'item') !== undefined || stringOption(values, 'description') !== undefined) throw new UsageError('--item and --description go with --to-library');
    if (positionals.length !== 2) throw new UsageError('export takes the VM or vApp and the destination (.ova file or directory)');
    const algorithm = (stringOption(values, 'algorithm') ?? 'SHA256').toUpperCase();
    if (!['SHA1', 'SHA256', 'SHA512'].includes(algorithm)) throw new UsageError(`--algorithm must be SHA256, SHA512 or SHA1, got ${algorithm}`);
    const destination = path.resolve(ctx.cwd, positionals[1]!);
    const chunkText = stringOption(values, 'chunk-size');
    const chunkSize = chunkText === undefined ? undefined : parseChunkSize(chunkText);
    const parallelDisks = parallelDisksFrom(values);
    const signKey = stringOption(values, 'sign-key');
    const signCert = stringOption(values, 'sign-cert');
    if (!!signKey !== !!signCert) throw new UsageError('--sign-key and --sign-cert go together');
    const read = (f: string): string => {
      try {
        return fs.readFileSync(path.resolve(ctx.cwd, f), 'utf8');
      } catch {
        throw new UsageError(`cannot read ${f}`);
      }
    };
    const signing = signKey && signCert ? { privateKeyPem: read(signKey), certificatePem: read(signCert) } : undefined;
    return withSession(values, ctx, async (session) => {
      const onProgress = transferProgress(ctx.stderr, progressMode(values, ctx));
      const name = stringOption(values, 'name');
      const r = await exportOvf(session, {
        entity: positionals[0]!,
        destination,
        manifestAlgorithm: algorithm as ManifestAlgorithm,
        exportOption: stringList(values, 'export-option'),
        ...(name ? { name } : {}),
        ...(chunkSize !== undefined ? { chunkSize } : {}),
        ...(signing ? { signing } : {}),
        ...(parallelDisks !== undefined ? { parallelDisks } : {}),
        signal: ctx.signal,
        ...(onProgress ? { onProgress } : {}),
        vocabulary: 'cli',
      });
      if (json) writeJson(ctx.stdout, { entity: r.entity, destination: r.destination, ...(chunkSize !== undefined ? { chunkSize } : {}), files: r.files, serverManifest: r.serverManifest, warning: r.warning.map((w) => ({ type: w.fault._typeName, message: w.localizedMessage })) });
      else ctx.stdout.write(`exported ${r.entity.type} ${r.entity.value} to ${r.destination} (${r.files.length} files, ${r.files.reduce((n, f) => n + f.size, 0)} bytes)\n`);
      return ExitCode.Ok;
    });
  },
};

/** The vim25 export option keywords createOvf has a flag for (`vcenter.ovf.ExportFlag`). */
const LIBRARY_EXPORT_FLAGS: Record<string, string> = { mac: 'MAC', uuid: 'UUID', extraconfig: 'EXTRA_CONFIG' };

/** `ovfkit export VM --to-library LIB --item NAME`: vCenter's createOvf into a library item. */
async function exportLibrary(positionals: string[], values: OptionValues, ctx: CommandContext, library: string): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('export --to-library takes the VM or vApp only (the library item is the destination)');
  const item = stringOption(values, 'item');
  if (!item) throw new UsageError('--to-library needs --item <NAME>, the library item to create or replace');
  for (const flag of ['algorithm', 'chunk-size', 'sign-key', 'sign-cert', 'name', 'parallel-disks'] as const) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} does not apply to --to-library (vCenter writes the item's files; the item is named by --item)`);
  }
  const flags = stringList(values, 'export-option').map((o) => {
    const f = LIBRARY_EXPORT_FLAGS[o.toLowerCase()];
    if (!f) throw new UsageError(`--export-option ${o} has no createOvf flag; with --to-library: ${Object.keys(LIBRARY_EXPORT_FLAGS).join(', ')}`);
    return f;
  });
  const description = stringOption(values, 'description');
  return withRestSession(values, ctx, async (rest, session) => {
    const r = await exportToLibrary(rest, session, { entity: positionals[0]!, library, item, ...(description !== undefined ? { description } : {}), ...(flags.length ? { flags } : {}), signal: ctx.signal });
    if (values['json'] === true) writeJson(ctx.stdout, { entity: r.entity, libraryId: r.libraryId, itemId: r.itemId, created: r.created, contentVersion: r.contentVersion, files: r.files, warning: r.warning.map((w) => ({ type: w.fault._typeName, message: w.localizedMessage })) });
    else ctx.stdout.write(`exported ${r.entity.type} ${r.entity.value} to library item "${esc(item)}" (${r.itemId}, content version ${r.contentVersion}${r.created ? ', new' : ', replaced'}): ${r.files.length} files, ${r.files.reduce((n, f) => n + (f.size ?? 0), 0)} bytes\n`);
    return ExitCode.Ok;
  });
}
