/**
 * Child process used by `readOvfSourceSync` for `.ova` files and URLs: opens the source with
 * `@ovfkit/package` (which refuses unsafe archives and oversized descriptors), and prints
 * `{"ok":true,"ovfDescriptorBase64":…,"manifest":…}` or `{"ok":false,"error":{code,message}}` as
 * JSON. The descriptor goes as bytes: the plan's digest is taken of them, as the import engine does.
 */
import { promises as fs } from 'node:fs';
import { checkInventory, isOvfkitError, UsageError, type InventorySnapshot } from '@ovfkit/core';
import { readSourceForSynth } from './package-port';

async function main(): Promise<void> {
  // The source comes on stdin, not in argv (which the process list shows).
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  // `library:LIB/ITEM` NUL `<inventory snapshot file>`: the item as the snapshot captured it.
  const [source, inventoryFile] = Buffer.concat(chunks).toString('utf8').split('\0');
  if (!source) throw new Error('usage: read-source-worker < source');
  const inventory = inventoryFile ? await readInventory(inventoryFile) : undefined;
  const { ovfDescriptorBytes, manifest, package: pkg, signatureFiles } = await readSourceForSynth(source, inventory);
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
