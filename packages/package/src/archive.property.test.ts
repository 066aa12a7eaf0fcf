/**
 * Fuzzing of what an archive or a package can hold (issue 12 Proof): mutated tar headers, pax and
 * GNU records, manifests and certificates. Whatever the bytes, the reader ends (bounded runs with
 * fixed seeds, printed by fast-check on a failure) and either succeeds or throws ovfkit's own error
 * (an OvfkitError with a code); never a TypeError, a RangeError or a crash, and never a member
 * name that is absolute, climbs out or carries NUL.
 */
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { isOvfkitError } from '@ovfkit/core';
import { parseCertificateFile, pemCertificates, verifyCertificate } from './certificate';
import { parseManifest, usableManifest } from './manifest';
import { BLOCK, indexTar, readTar, tarHeader, tarPadding, tarTrailer } from './tar';

/** Runs per property: enough to reach every header field, small enough for a 2-core shared machine. */
const RUNS = 120;
const SEED = 20261207;

/** A 512-byte header with `fields` written over it and its checksum made right again (so the reader looks past it). */
function header(base: Buffer, edits: { at: number; bytes: number[] }[], fixChecksum: boolean): Buffer {
  const h = Buffer.from(base);
  for (const e of edits) for (const [i, b] of e.bytes.entries()) if (e.at + i < BLOCK) h[e.at + i] = b;
  if (fixChecksum) {
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  }
  return h;
}

/** Reads a whole archive both ways (stream and index); returns the names, or the error thrown. */
async function readAll(bytes: Buffer): Promise<{ names: string[] } | { error: unknown }> {
  try {
    const names: string[] = [];
    for await (const e of readTar(Readable.from([bytes]))) {
      names.push(e.name);
      for await (const _ of e.stream) void _;
    }
    const index = await indexTar(async (o, l) => bytes.subarray(o, o + l), bytes.length);
    names.push(...index.map((h) => h.name));
    return { names };
  } catch (error) {
    return { error };
  }
}

/** The outcome is ovfkit's: no member name that leaves the package, or one of its own errors. */
function assertClean(r: { names: string[] } | { error: unknown }): void {
  if ('error' in r) {
    assert.ok(isOvfkitError(r.error), `not an ovfkit error: ${(r.error as Error)?.stack ?? String(r.error)}`);
    return;
  }
  for (const n of r.names) {
    assert.ok(!n.startsWith('/') && !n.includes('\0') && !n.split('/').includes('..') && !n.includes('\\'), `unsafe name ${JSON.stringify(n)}`);
  }
}

/** Header field offsets (POSIX ustar): name, mode, uid, gid, size, mtime, chksum, typeflag, linkname, magic, version, uname, gname, devmajor, devminor, prefix. */
const FIELDS = [0, 100, 108, 116, 124, 136, 148, 156, 157, 257, 263, 265, 297, 329, 337, 345];
/** Bytes that matter to a tar reader: NUL, space, digits, '/', '.', the GNU base-256 marks, type flags, high bytes. */
const INTERESTING = fc.oneof(fc.constantFrom(0, 0x20, 0x2e, 0x2f, 0x30, 0x37, 0x38, 0x80, 0xff, 0xc0, 0x78, 0x67, 0x4c, 0x4b, 0x31, 0x32, 0x35, 0x53), fc.integer({ min: 0, max: 255 }));
const edit = fc.record({ at: fc.oneof(fc.constantFrom(...FIELDS), fc.integer({ min: 0, max: BLOCK - 1 })), bytes: fc.array(INTERESTING, { minLength: 1, maxLength: 12 }) });

/** A pax extended header record `len key=value\n`, with its length field possibly wrong. */
function paxRecord(key: string, value: Buffer, lengthDelta: number): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(Math.max(0, len + lengthDelta))), body]);
}

/** A typed metadata member (`x`, `g`, `L`, `K`) carrying `data`, with a valid header. */
function metaMember(type: string, data: Buffer): Buffer {
  const h = header(tarHeader('PaxHeaders/m', data.length), [{ at: 156, bytes: [type.charCodeAt(0)] }], true);
  return Buffer.concat([h, data, tarPadding(data.length)]);
}

describe('archives and manifests, fuzzed: never a crash, a hang or a path out of the package', () => {
  const valid = [tarHeader('vm.ovf', 3), Buffer.from('abc'), tarPadding(3), tarHeader(`${'d/'.repeat(60)}disk.vmdk`, 0), tarTrailer()];

  it('mutated headers (checksum, size, type, names, base-256, magic) give a result or an ovfkit error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.nat({ max: 2 }), async (edits, fix, which) => {
        const parts = valid.map((p) => Buffer.from(p));
        // Mutate one of the headers (the pax header of the long name is parts[3]'s first block).
        const target = [0, 3, 3][which]!;
        const blocks = parts[target]!;
        const at = which === 2 && blocks.length > BLOCK ? blocks.length - BLOCK : 0;
        header(blocks.subarray(at, at + BLOCK), edits, fix).copy(blocks, at);
        assertClean(await readAll(Buffer.concat(parts)));
      }),
      { numRuns: RUNS * 2, seed: SEED },
    );
  });

  it('names with "..", absolute paths, drive letters, backslashes and NUL are refused, whatever record carries them', async () => {
    const hostile = fc.constantFrom('../x', 'a/../../x', '/etc/passwd', 'C:/x', 'a\\..\\x', 'a\0b', '..', './../x', 'a/./../..', '//x');
    await fc.assert(
      fc.asyncProperty(hostile, fc.constantFrom('ustar', 'pax', 'gnu', 'prefix'), async (name, via) => {
        // In a ustar name or prefix field and a GNU long name NUL ends the text (a C string), as
        // every tar reads it; only a pax record, length-delimited, can carry one.
        fc.pre(!(name.includes('\0') && via !== 'pax'));
        const data = Buffer.from('x');
        const member =
          via === 'pax' ? Buffer.concat([metaMember('x', paxRecord('path', Buffer.from(name), 0)), tarHeader('ok', 1)])
          : via === 'gnu' ? Buffer.concat([metaMember('L', Buffer.from(`${name}\0`)), tarHeader('ok', 1)])
          : via === 'prefix' ? header(tarHeader('ok', 1), [{ at: 345, bytes: [...Buffer.from(name)] }], true)
          : header(tarHeader('ok', 1), [{ at: 0, bytes: [...Buffer.from(name), 0] }], true);
        const r = await readAll(Buffer.concat([member, data, tarPadding(1), tarTrailer()]));
        assertClean(r);
        if ('names' in r) assert.deepEqual(r.names.filter((n) => n !== 'ok'), [], `${via} ${JSON.stringify(name)} was read as ${JSON.stringify(r.names)}`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('pax x/g records with wrong lengths, huge counts, bad keys and invalid UTF-8 give a result or an ovfkit error', async () => {
    const value = fc.oneof(
      fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u)),
      fc.constantFrom(Buffer.from([0xc3, 0x28]), Buffer.from([0xff, 0xfe]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('99999999999999999999999'), Buffer.from('-1'), Buffer.from('1e30'), Buffer.from('0x10')),
    );
    const record = fc.record({
      key: fc.constantFrom('path', 'size', 'linkpath', 'mtime', 'uname', 'GNU.sparse.size', 'SCHILY.xattr.x', '', '=', 'path '),
      value,
      delta: fc.integer({ min: -3, max: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 5 }), fc.constantFrom('x', 'g'), fc.integer({ min: 0, max: 3 }), async (records, type, repeat) => {
        const pax = Buffer.concat(records.map((r) => paxRecord(r.key, r.value, r.delta)));
        const meta = Array.from({ length: repeat + 1 }, () => metaMember(type, pax));
        assertClean(await readAll(Buffer.concat([...meta, tarHeader('vm.ovf', 2), Buffer.from('ok'), tarPadding(2), tarTrailer()])));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('a size field claiming more than the archive holds, in octal or base-256, ends with an ovfkit error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), fc.constant(Number.MAX_SAFE_INTEGER)), fc.boolean(), async (size, base256) => {
        const bytes = base256 ? [0x80, ...Array.from({ length: 11 }, (_, i) => Math.floor(size / 256 ** (10 - i)) % 256)] : [...Buffer.from(`${size.toString(8).padStart(11, '0')}\0`)];
        const h = header(tarHeader('disk.vmdk', 0), [{ at: 124, bytes }], true);
        const r = await readAll(Buffer.concat([h, Buffer.alloc(BLOCK), tarTrailer()]));
        assertClean(r);
        assert.ok('error' in r || size <= 2 * BLOCK, `a ${size}-byte member was read from ${3 * BLOCK} bytes`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('manifests with duplicate lines, bad digests, CRLF, garbage and huge lines give issues, never a throw', () => {
    const digest = fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.stringMatching(/^[0-9a-fA-FxZ ]{0,130}$/));
    const line = fc.oneof(
      fc.tuple(fc.constantFrom('SHA256', 'SHA1', 'SHA512', 'sha256', 'MD5', 'SHA-256', ''), fc.constantFrom('vm.ovf', 'disk.vmdk', 'a(b).vmdk', '', ' x ', 'd\u202e.vmdk'), fc.constantFrom('= ', '=', '=  ', ' = '), digest)
        .map(([a, f, eq, d]) => `${a}(${f})${eq}${d}`),
      fc.string({ maxLength: 80 }),
      fc.constant('x'.repeat(70_000)),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'), fc.boolean(), (lines, eol, bom) => {
        const text = `${bom ? '\ufeff' : ''}${lines.join(eol)}`;
        const m = parseManifest(Buffer.from(text), 'vm.mf');
        assert.ok(Array.isArray(m.entries) && Array.isArray(m.issues));
        // A file listed twice with different digests is an error, never the first line taken.
        const names = m.entries.map((e) => e.name);
        const twice = m.entries.filter((e, i) => names.indexOf(e.name) !== i && m.entries[names.indexOf(e.name)]!.digest !== e.digest);
        if (twice.length) assert.ok(m.issues.some((i) => i.code === 'MF_DUPLICATE_ENTRY' && i.severity === 'error'));
        try {
          usableManifest(Buffer.from(text), 'vm.mf');
        } catch (e) {
          assert.ok(isOvfkitError(e), String(e));
        }
      }),
      { numRuns: RUNS * 2, seed: SEED },
    );
  });

  it('certificate files of any shape are read or refused as data, never a crash', () => {
    const pem = (body: string): string => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
    const part = fc.oneof(
      fc.constantFrom('SHA256(vm.mf)= ', 'SHA1(vm.mf)= ', 'SHA512(vm.mf)=', 'MD5(x)= ', '\r\n', '\n'),
      fc.stringMatching(/^[0-9a-fA-F]{0,600}$/),
      fc.base64String({ maxLength: 400 }).map(pem),
      fc.string({ maxLength: 40 }).map(pem),
      fc.constant(pem('MII' + 'A'.repeat(2000))),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const text = parts.join('');
        assert.ok(Array.isArray(pemCertificates(text)));
        parseCertificateFile(text);
        // Documented never to throw: every problem is an issue of the verdict.
        const v = verifyCertificate(text, Buffer.from('SHA256(vm.ovf)= 00\n'), { manifestName: 'vm.mf' });
        assert.ok(Array.isArray(v.issues));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
