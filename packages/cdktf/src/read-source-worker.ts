/**
 * Child process used by `readOvfSourceSync`: opens the source with `@ovfkit/package` (which
 * refuses unsafe archives and oversized descriptors) and prints
 * `{"ok":true,"ovfDescriptorBase64":…,"manifest":…}`, or, asked for the facts of the files core's
 * plan lists, `{"ok":true,"package":…}`, or `{"ok":false,"error":{code,message}}` as JSON. The
 * descriptor goes as bytes: the plan's digest is taken of them, as the import engine does; it is
 * never parsed here (the plan, in the synth process, is the one parse).
 */
import { promises as fs } from 'node:fs';
import { checkInventory, isOvfkitError, UsageError, type InventorySnapshot } from '@ovfkit/core';
import { factsForSynth, readSourceForSynth } from './package-port';
import type { ReaderRequest } from './source';

async function main(): Promise<void> {
  // The request comes on stdin, not in argv (which the process list shows): a URL's credentials or token.
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReaderRequest;
  if (typeof request?.source !== 'string' || !request.source) throw new Error('usage: read-source-worker < {"source":…}');
  // `library:LIB/ITEM` with `inventory`, a snapshot file: the item as the snapshot captured it.
  const inventory = request.inventory !== undefined ? await readInventory(request.inventory) : undefined;
  if (request.files !== undefined) {
    process.stdout.write(JSON.stringify({ ok: true, package: await factsForSynth(request.source, request.files, inventory) }));
    return;
  }
  const { ovfDescriptorBytes, manifest, package: pkg, signatureFiles } = await readSourceForSynth(request.source, inventory);
  process.stdout.write(JSON.stringify({ ok: true, ovfDescriptorBase64: ovfDescriptorBytes.toString('base64'), manifest, package: pkg, signatureFiles }));
}

/** The snapshot file, checked as `ovfkit plan --inventory` checks it. */
async function readInventory(file: string): Promise<InventorySnapshot> {
  const check = checkInventory(JSON.parse(await fs.readFile(file, 'utf8')) as unknown);
  if (!check.inventory) throw new UsageError(`inventory snapshot ${file} is not valid: ${check.issues.map((i) => i.message).join('; ')}`);
  return check.inventory;
}

main().catch((e: unknown) => {
  const code = isOvfkitError(e) ? e.code : 'IO';
  process.stdout.write(JSON.stringify({ ok: false, error: { code, message: (e as Error)?.message ?? String(e) } }));
});
