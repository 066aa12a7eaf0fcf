import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { OvfkitError, UsageError } from '@ovfkit/core';

/**
 * What the import engine needs of an OVF package: the descriptor, the manifest digests, and the
 * bytes of each file by href, in the order the package can give them cheaply (an OVA: archive
 * order, so one sequential pass). Kept this small so the sources of @ovfkit/package fit it.
 */
export interface PackageSource {
  /** Shown in messages. */
  readonly name: string;
  descriptor(): Promise<string>;
  /** `href` → `{algorithm, digest}` from the package's `.mf`, when it has one. */
  manifest(): Promise<Map<string, { algorithm: string; digest: string }> | undefined>;
  /** The hrefs present, in the order reading them is cheapest. */
  order(): Promise<string[]>;
  /** Size of a file in bytes, when known without reading it. */
  size(href: string): Promise<number | undefined>;
  open(href: string): Promise<Readable>;
  close(): Promise<void>;
}

/** Parses `.mf` text: `ALG(name)= hex`, tolerating spaces around `=` as govmomi does. */
export function parseManifestText(text: string): Map<string, { algorithm: string; digest: string }> {
  const out = new Map<string, { algorithm: string; digest: string }>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(SHA1|SHA256|SHA512)\s*\((.+)\)\s*=\s*([0-9a-fA-F]+)\s*$/.exec(line);
    if (m) out.set(m[2]!, { algorithm: m[1]!, digest: m[3]!.toLowerCase() });
  }
  return out;
}

/** Refuses hrefs that could leave the package: absolute, `..`, URLs, backslashes. */
export function safeHref(href: string): string {
  if (!href || href.startsWith('/') || href.includes('\\') || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.split('/').some((s) => s === '..' || s === '')) {
    throw new OvfkitError('UNSAFE_PATH', `the package refers to ${JSON.stringify(href)}, which is not a plain relative path inside the package`);
  }
  return href;
}

/**
 * A local package: an `.ovf` file with its directory, or an `.ova` read in place (member offsets
 * from the tar headers, then each member streamed from its offset — never unpacked).
 */
export async function openLocalPackage(file: string): Promise<PackageSource> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(file);
  } catch {
    throw new UsageError(`cannot read ${file}: no such file`);
  }
  if (st.isDirectory()) {
    const ovfs = (await fs.promises.readdir(file)).filter((f) => f.toLowerCase().endsWith('.ovf'));
    if (ovfs.length !== 1) throw new UsageError(`${file} holds ${ovfs.length} .ovf files; name the descriptor`);
    return openLocalPackage(path.join(file, ovfs[0]!));
  }
  return file.toLowerCase().endsWith('.ova') ? openOva(file) : openDirectory(file);
}

function openDirectory(ovfPath: string): PackageSource {
  const dir = path.dirname(ovfPath);
  const base = path.basename(ovfPath, path.extname(ovfPath));
  const resolve = (href: string): string => path.join(dir, safeHref(href));
  return {
    name: ovfPath,
    descriptor: () => fs.promises.readFile(ovfPath, 'utf8'),
    async manifest() {
      try {
        return parseManifestText(await fs.promises.readFile(path.join(dir, `${base}.mf`), 'utf8'));
      } catch {
        return undefined;
      }
    },
    async order() {
      return (await fs.promises.readdir(dir)).sort();
    },
    async size(href) {
      return (await fs.promises.stat(resolve(href)).catch(() => undefined))?.size;
    },
    async open(href) {
      const p = resolve(href);
      await fs.promises.access(p).catch(() => {
        throw new OvfkitError('IO', `the package has no file ${JSON.stringify(href)} (looked for ${p})`);
      });
      return fs.createReadStream(p);
    },
    async close() {},
  };
}

interface Member {
  name: string;
  offset: number;
  size: number;
}

async function openOva(file: string): Promise<PackageSource> {
  const fh = await fs.promises.open(file, 'r');
  const members: Member[] = [];
  try {
    const header = Buffer.alloc(512);
    let pos = 0;
    let longName: string | undefined;
    for (;;) {
      const { bytesRead } = await fh.read(header, 0, 512, pos);
      if (bytesRead < 512 || header.every((b) => b === 0)) break;
      const size = tarSize(header);
      const type = String.fromCharCode(header[156] ?? 48);
      const prefix = cstr(header, 345, 155);
      let name = longName ?? (prefix ? `${prefix}/${cstr(header, 0, 100)}` : cstr(header, 0, 100));
      longName = undefined;
      if (type === 'L') {
        const b = Buffer.alloc(size);
        await fh.read(b, 0, size, pos + 512);
        longName = cstr(b, 0, size);
      } else if (type === '0' || type === '\0') {
        name = name.replace(/^\.\//, '');
        members.push({ name, offset: pos + 512, size });
      }
      pos += 512 + Math.ceil(size / 512) * 512;
    }
  } finally {
    await fh.close();
  }
  const first = members[0];
  if (!first || !first.name.toLowerCase().endsWith('.ovf')) throw new OvfkitError('IO', `${file} is not an OVA: its first member must be the .ovf descriptor`);
  if (first.size > 64 * 1024 * 1024) throw new OvfkitError('INPUT_TOO_LARGE', `the descriptor in ${file} is ${first.size} bytes; ovfkit reads descriptors up to 64 MiB`);
  const byName = new Map(members.map((m) => [m.name, m]));
  const read = (m: Member): Readable => (m.size === 0 ? Readable.from([]) : fs.createReadStream(file, { start: m.offset, end: m.offset + m.size - 1 }));
  const text = async (m: Member): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const c of read(m)) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  return {
    name: file,
    descriptor: () => text(first),
    async manifest() {
      const mf = members.find((m) => m.name.toLowerCase().endsWith('.mf'));
      return mf ? parseManifestText(await text(mf)) : undefined;
    },
    async order() {
      return members.map((m) => m.name);
    },
    async size(href) {
      return byName.get(href)?.size;
    },
    async open(href) {
      const m = byName.get(safeHref(href));
      if (!m) throw new OvfkitError('IO', `the OVA ${file} has no member ${JSON.stringify(href)}`);
      return read(m);
    },
    async close() {},
  };
}

function cstr(b: Buffer, start: number, len: number): string {
  const s = b.subarray(start, start + len);
  const z = s.indexOf(0);
  return s.subarray(0, z < 0 ? s.length : z).toString('utf8');
}

/** Member size: octal, or GNU base-256 for members of 8 GiB and more. */
function tarSize(h: Buffer): number {
  if ((h[124]! & 0x80) !== 0) {
    let n = 0;
    for (let i = 125; i < 136; i++) n = n * 256 + h[i]!;
    return n;
  }
  return parseInt(cstr(h, 124, 12).trim() || '0', 8);
}
