/**
 * Child process used by `readOvfSourceSync` for `.ova` files and URLs: opens the source with
 * `@ovfkit/package` (which refuses unsafe archives and oversized descriptors), and prints
 * `{"ok":true,"ovfDescriptorBase64":…,"manifest":…}` or `{"ok":false,"error":{code,message}}` as
 * JSON. The descriptor goes as bytes: the plan's digest is taken of them, as the import engine does.
 */
import { isOvfkitError } from '@ovfkit/core';
import { readSourceForSynth } from './package-port';

async function main(): Promise<void> {
  // The source comes on stdin, not in argv (which the process list shows).
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const source = Buffer.concat(chunks).toString('utf8');
  if (!source) throw new Error('usage: read-source-worker < source');
  const { ovfDescriptorBytes, manifest, package: pkg, signatureFiles } = await readSourceForSynth(source);
  process.stdout.write(JSON.stringify({ ok: true, ovfDescriptorBase64: ovfDescriptorBytes.toString('base64'), manifest, package: pkg, signatureFiles }));
}

main().catch((e: unknown) => {
  const code = isOvfkitError(e) ? e.code : 'IO';
  process.stdout.write(JSON.stringify({ ok: false, error: { code, message: (e as Error)?.message ?? String(e) } }));
});
