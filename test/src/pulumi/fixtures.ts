/**
 * The example package for the Pulumi tests and example: examples/minimal/minimal.ovf with a real
 * streamOptimized disk made by qemu-img, packed as an OVA with a SHA256 manifest.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { writeFileAtomic, writeOva } from '@ovfkit/package';

import { repoRoot } from '../paths';
import { makeStreamOptimizedVmdk } from '../vsphere-fixtures';

/** examples/minimal/minimal.ovf */
export const minimalOvf = path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf');

/**
 * Builds `<dir>/minimal.ova`: the example descriptor (its File size set to the real disk's),
 * then its manifest, then a 1 GiB-capacity streamOptimized VMDK.
 */
export async function buildMinimalOva(dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const disk = makeStreamOptimizedVmdk(dir, 'minimal-disk1', 1024);
  const size = fs.statSync(disk).size;
  const text = fs.readFileSync(minimalOvf, 'utf8').replace(/(ovf:href="minimal-disk1\.vmdk" ovf:id="file1" ovf:size=")\d+"/, `$1${size}"`);
  if (!text.includes(`ovf:size="${size}"`)) throw new Error('the example descriptor no longer has the File element this fixture rewrites');
  const ova = path.join(dir, 'minimal.ova');
  await writeFileAtomic(ova, (out) => writeOva(out, { name: 'minimal.ovf', bytes: Buffer.from(text, 'utf8') }, [
    { name: 'minimal-disk1.vmdk', size, open: () => fs.createReadStream(disk) },
  ], { manifest: { name: 'minimal.mf', compute: 'SHA256' } }));
  return ova;
}
