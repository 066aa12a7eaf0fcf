/** Helpers for this package's tests: temporary folders, GNU tar, qemu-img and hand-made tar headers. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh folder under os.tmpdir(), removed by the returned cleanup. */
export function tempDir(prefix = 'ovfkit-pkg-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a program and returns its stdout; throws with stderr on failure. */
export function run(cmd: string, args: string[], cwd?: string): Buffer {
  return execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
}

/** A small real VMDK (streamOptimized, as ovftool exports) made by qemu-img from `mb` MiB of patterned data. */
export function makeVmdk(dir: string, name: string, mb = 2): string {
  const raw = path.join(dir, `${name}.raw`);
  const b = Buffer.alloc(mb * 1024 * 1024);
  for (let i = 0; i < b.length; i += 4096) b.write(`block ${i} of ${name}\n`, i);
  fs.writeFileSync(raw, b);
  const out = path.join(dir, name);
  run('qemu-img', ['convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', raw, out]);
  fs.rmSync(raw);
  return out;
}

/** A minimal OVF 1.x descriptor whose References list the given files. */
export function descriptorXml(files: { href: string; id: string; size?: number; compression?: string; chunkSize?: number }[]): string {
  const refs = files
    .map((f) => {
      const extra = `${f.size !== undefined ? ` ovf:size="${f.size}"` : ''}${f.compression ? ` ovf:compression="${f.compression}"` : ''}${f.chunkSize ? ` ovf:chunkSize="${f.chunkSize}"` : ''}`;
      return `    <File ovf:href="${f.href}" ovf:id="${f.id}"${extra}/>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References>
${refs}
  </References>
  <VirtualSystem ovf:id="vm"><Info>test</Info></VirtualSystem>
</Envelope>
`;
}

/** One raw tar header block with any name, type and size — including the ones a safe writer refuses. */
export function rawTarHeader(name: string, size: number, type = '0', linkname = ''): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 100, 'utf8');
  b.write('0000644\0', 100, 8, 'latin1');
  b.write('0000000\0', 108, 8, 'latin1');
  b.write('0000000\0', 116, 8, 'latin1');
  b.write(size.toString(8).padStart(11, '0') + '\0', 124, 12, 'latin1');
  b.write('00000000000\0', 136, 12, 'latin1');
  b.write(type, 156, 1, 'latin1');
  b.write(linkname, 157, 100, 'utf8');
  b.write('ustar\0', 257, 6, 'latin1');
  b.write('00', 263, 2, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const c of b) sum += c;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return b;
}

/** A whole archive of hand-made members (data padded to 512), with or without the end marker. */
export function rawTar(members: { name: string; data?: Buffer; type?: string; size?: number; linkname?: string }[], trailer = true): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = m.data ?? Buffer.alloc(0);
    parts.push(rawTarHeader(m.name, m.size ?? data.length, m.type ?? '0', m.linkname ?? ''));
    parts.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (trailer) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** The shared corpus, read in place, and mocha's describe/it that skip without it (a test-only path: these files are not published). */
export { corpusRoot, describeCorpus, itCorpus, readCorpus } from '../../../test/corpus-gate';

/** Makes with openssl a self-signed CA, a signer it issued, a signer it issued that expired in 2020, and an unrelated self-signed signer; PEM texts. */
export function makeCertificates(dir: string): { caCert: string; leafKey: string; leafCert: string; otherKey: string; otherCert: string; expiredKey: string; expiredCert: string } {
  const f = (n: string): string => path.join(dir, n);
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=ovfkit test CA']);
  run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('leaf.key'), '-out', f('leaf.csr'), '-subj', '/CN=ovfkit test signer/O=ovfkit']);
  run('openssl', ['x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('leaf.pem'), '-days', '2']);
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('other.key'), '-out', f('other.pem'), '-days', '2', '-subj', '/CN=someone else']);
  // A signer of the same CA whose validity ended in 2020 (`openssl ca` takes explicit dates).
  run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('expired.key'), '-out', f('expired.csr'), '-subj', '/CN=ovfkit expired signer']);
  fs.mkdirSync(f('ca-db'));
  fs.writeFileSync(f('ca-db/index.txt'), '');
  fs.writeFileSync(f('ca-db/serial'), '1000\n');
  fs.writeFileSync(f('ca.cnf'), `[ca]\ndefault_ca = c\n[c]\ndatabase = ${f('ca-db/index.txt')}\nnew_certs_dir = ${f('ca-db')}\nserial = ${f('ca-db/serial')}\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n`);
  run('openssl', ['ca', '-batch', '-notext', '-config', f('ca.cnf'), '-cert', f('ca.pem'), '-keyfile', f('ca.key'), '-in', f('expired.csr'), '-out', f('expired.pem'), '-startdate', '20200101000000Z', '-enddate', '20200201000000Z']);
  const r = (n: string): string => fs.readFileSync(f(n), 'utf8');
  return { caCert: r('ca.pem'), leafKey: r('leaf.key'), leafCert: r('leaf.pem'), otherKey: r('other.key'), otherCert: r('other.pem'), expiredKey: r('expired.key'), expiredCert: r('expired.pem') };
}

/**
 * A small PKI made with openssl for chain validation: a root CA, an intermediate CA limited to
 * pathlen 0, an end-entity signer under it, and the certificates an attacker would try to use
 * as issuers (an end-entity certificate, a CA without keyCertSign, a short-lived intermediate,
 * a root whose pathlen forbids any intermediate). PEM texts and keys by name.
 */
export function makeChainCertificates(dir: string): Record<string, string> {
  const f = (n: string): string => path.join(dir, n);
  const ext = (name: string, lines: string): string => {
    fs.writeFileSync(f(`${name}.ext`), lines);
    return f(`${name}.ext`);
  };
  const root = (name: string, subject: string, extension: string): void => {
    run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.pem`), '-days', '30', '-subj', subject, '-addext', extension, '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  };
  const issued = (name: string, subject: string, issuer: string, days: number, extensions: string): void => {
    run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', subject]);
    run('openssl', ['x509', '-req', '-in', f(`${name}.csr`), '-CA', f(`${issuer}.pem`), '-CAkey', f(`${issuer}.key`), '-CAcreateserial', '-out', f(`${name}.pem`), '-days', String(days), '-extfile', ext(name, extensions)]);
  };
  root('root', '/CN=ovfkit chain root', 'basicConstraints=critical,CA:TRUE');
  root('strictRoot', '/CN=ovfkit root pathlen 0', 'basicConstraints=critical,CA:TRUE,pathlen:0');
  const caExt = 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n';
  const signerExt = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n';
  issued('intermediate', '/CN=ovfkit intermediate', 'root', 30, caExt);
  issued('signer', '/CN=ovfkit chain signer', 'intermediate', 30, signerExt);
  // An end-entity certificate of the root, used as if it were a CA.
  issued('endEntity', '/CN=ovfkit end entity', 'root', 30, signerExt);
  issued('forgedByEndEntity', '/CN=ovfkit chain signer', 'endEntity', 30, signerExt);
  // A CA certificate whose keyUsage does not allow issuing.
  issued('noCertSign', '/CN=ovfkit CA without keyCertSign', 'root', 30, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature\n');
  issued('underNoCertSign', '/CN=ovfkit chain signer', 'noCertSign', 30, signerExt);
  // An intermediate valid for 1 day, its signer for 30: a verification on day 3 sees it expired.
  issued('shortIntermediate', '/CN=ovfkit short-lived intermediate', 'root', 1, caExt);
  issued('underShort', '/CN=ovfkit chain signer', 'shortIntermediate', 30, signerExt);
  // pathlen 0 on the intermediate: a CA below it may not issue.
  issued('subCa', '/CN=ovfkit sub CA', 'intermediate', 30, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n');
  issued('underSubCa', '/CN=ovfkit chain signer', 'subCa', 30, signerExt);
  // pathlen 0 on the root: no intermediate at all.
  issued('strictIntermediate', '/CN=ovfkit intermediate of strict root', 'strictRoot', 30, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n');
  issued('underStrict', '/CN=ovfkit chain signer', 'strictIntermediate', 30, signerExt);
  // A signer whose keyUsage does not allow signing.
  issued('encipherOnly', '/CN=ovfkit key agreement only', 'intermediate', 30, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyAgreement\n');
  const out: Record<string, string> = {};
  for (const n of ['root', 'strictRoot', 'intermediate', 'signer', 'endEntity', 'forgedByEndEntity', 'noCertSign', 'underNoCertSign', 'shortIntermediate', 'underShort', 'subCa', 'underSubCa', 'strictIntermediate', 'underStrict', 'encipherOnly']) {
    out[n] = fs.readFileSync(f(`${n}.pem`), 'utf8');
    out[`${n}Key`] = fs.readFileSync(f(`${n}.key`), 'utf8');
  }
  return out;
}
