/**
 * Signed packages for the signature tests of every front end: a PKI made with openssl (a CA, a
 * signer it issued, a signer of the same CA whose validity ended in 2020, an unrelated self-signed
 * signer) and package folders signed by them, including the ones an attacker would produce.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createSign } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { signManifest } from '@ovfkit/package';
import { repoRoot } from './paths';

/** PEM texts and key files of the test PKI. */
export interface TestPki {
  /** The CA's certificate file (a `--trust` argument). */
  caFile: string;
  ca: string;
  signer: { key: string; cert: string };
  expired: { key: string; cert: string };
  foreign: { key: string; cert: string };
}

/** Makes the PKI in `dir` with openssl. */
export function makeTestPki(dir: string): TestPki {
  fs.mkdirSync(dir, { recursive: true });
  const f = (n: string): string => path.join(dir, n);
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '30', '-subj', '/CN=ovfkit signing CA/O=ovfkit tests', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  fs.writeFileSync(f('signer.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n');
  for (const n of ['signer', 'expired']) ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`${n}.key`), '-out', f(`${n}.csr`), '-subj', `/CN=ovfkit ${n} publisher/O=ovfkit tests`);
  ssl('x509', '-req', '-in', f('signer.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('signer.pem'), '-days', '30', '-extfile', f('signer.ext'));
  // `openssl ca` takes explicit dates: January 2020.
  fs.mkdirSync(f('db'));
  fs.writeFileSync(f('db/index.txt'), '');
  fs.writeFileSync(f('db/serial'), '2000\n');
  fs.writeFileSync(f('ca.cnf'), `[ca]\ndefault_ca = c\n[c]\ndatabase = ${f('db/index.txt')}\nnew_certs_dir = ${f('db')}\nserial = ${f('db/serial')}\ndefault_md = sha256\npolicy = p\nx509_extensions = e\n[p]\ncommonName = supplied\norganizationName = optional\n[e]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\n`);
  ssl('ca', '-batch', '-notext', '-config', f('ca.cnf'), '-cert', f('ca.pem'), '-keyfile', f('ca.key'), '-in', f('expired.csr'), '-out', f('expired.pem'), '-startdate', '20200101000000Z', '-enddate', '20200201000000Z');
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('foreign.key'), '-out', f('foreign.pem'), '-days', '30', '-subj', '/CN=someone else');
  const r = (n: string): string => fs.readFileSync(f(n), 'utf8');
  const pair = (n: string) => ({ key: r(`${n}.key`), cert: r(`${n}.pem`) });
  return { caFile: f('ca.pem'), ca: r('ca.pem'), signer: pair('signer'), expired: pair('expired'), foreign: pair('foreign') };
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** How a signed folder is made: signed by whom, and what was done to it after signing. */
export type SignedVariant =
  | { kind: 'signed'; by: { key: string; cert: string } }
  /** Signed, then the descriptor changed and its manifest line rewritten (the .cert left as it was). */
  | { kind: 'descriptor-changed-manifest-redone'; by: { key: string; cert: string } }
  /** Signed, then the descriptor changed (manifest and .cert left as they were). */
  | { kind: 'descriptor-changed'; by: { key: string; cert: string } }
  /** A signature made with `key`, with a certificate `key` does not belong to attached. */
  | { kind: 'foreign-key'; key: string; cert: string }
  | { kind: 'unsigned' };

/**
 * A package folder `dir/<name>` holding `<name>.ovf` (the given descriptor), copies of its disks,
 * `<name>.mf` and, unless unsigned, `<name>.cert`. Returns the folder.
 */
export function signedFolder(dir: string, name: string, descriptor: string, disks: string[], variant: SignedVariant): string {
  const out = path.join(dir, name);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  for (const d of disks) fs.copyFileSync(d, path.join(out, path.basename(d)));
  const mfText = (ovf: string): string => [`SHA256(${name}.ovf)= ${sha256(ovf)}`, ...disks.map((d) => `SHA256(${path.basename(d)})= ${sha256(fs.readFileSync(d))}`)].join('\n') + '\n';
  fs.writeFileSync(path.join(out, `${name}.ovf`), descriptor);
  const mf = Buffer.from(mfText(descriptor));
  fs.writeFileSync(path.join(out, `${name}.mf`), mf);
  if (variant.kind === 'unsigned') return out;
  const cert = variant.kind === 'foreign-key'
    ? `SHA256(${name}.mf)= ${createSign('sha256').update(mf).sign(variant.key, 'hex')}\n${variant.cert}`
    : signManifest(mf, `${name}.mf`, variant.by.key, variant.by.cert);
  fs.writeFileSync(path.join(out, `${name}.cert`), cert);
  if (variant.kind === 'descriptor-changed' || variant.kind === 'descriptor-changed-manifest-redone') {
    const changed = descriptor.replace(/<Name>([^<]*)<\/Name>/, '<Name>$1-changed</Name>');
    if (changed === descriptor) throw new Error('the descriptor has no <Name> to change');
    fs.writeFileSync(path.join(out, `${name}.ovf`), changed);
    if (variant.kind === 'descriptor-changed-manifest-redone') fs.writeFileSync(path.join(out, `${name}.mf`), mfText(changed));
  }
  return out;
}

/** The example appliance (examples/minimal/minimal.ova) unpacked into `dir`: its descriptor text and disk files, to sign as folders. */
export function minimalParts(dir: string): { descriptor: string; disks: string[] } {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xf', path.join(repoRoot, 'examples', 'minimal', 'minimal.ova'), '-C', dir]);
  return {
    descriptor: fs.readFileSync(path.join(dir, 'minimal.ovf'), 'utf8'),
    disks: fs.readdirSync(dir).filter((f) => f.endsWith('.vmdk')).map((f) => path.join(dir, f)),
  };
}

/** The `[CODE]` a Pulumi failure reason ends with (the provider's issueReason). */
export function reasonCode(reason: string): string {
  // core's formatIssue ends with the tag [call: FaultType CODE]
  return /\[(?:[^\]]* )?([A-Za-z_]+)\]$/.exec(reason)?.[1] ?? reason;
}
