import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A streamOptimized VMDK `<dir>/<name>.vmdk` of `mib` MiB of random data (incompressible: its size is its capacity), made by qemu-img. */
export function randomVmdk(dir: string, name: string, mib: number): string {
  const raw = path.join(dir, `${name}.raw`);
  execFileSync('sh', ['-c', `head -c ${mib}M /dev/urandom > '${raw}'`]);
  const vmdk = path.join(dir, `${name}.vmdk`);
  execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', raw, vmdk]);
  fs.rmSync(raw);
  return vmdk;
}
