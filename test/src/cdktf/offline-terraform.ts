/** What the CDKTF end-to-end tests give `terraform`: a PATH of node and terraform only, and no provider download. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A PATH directory holding only `node` and `terraform`: what `terraform apply` gets in these tests. */
export function nodeAndTerraformOnly(dir: string, terraform: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  fs.symlinkSync(terraform, path.join(bin, 'terraform'));
  return bin;
}

/** A Terraform CLI configuration that allows no provider download at all. */
export function offlineCliConfig(dir: string): string {
  const mirror = path.join(dir, 'no-providers');
  fs.mkdirSync(mirror, { recursive: true });
  const file = path.join(dir, 'terraform.rc');
  fs.writeFileSync(file, `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["*/*/*"]\n  }\n  direct {\n    exclude = ["*/*/*"]\n  }\n}\n`);
  return file;
}
