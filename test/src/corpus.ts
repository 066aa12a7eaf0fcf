/**
 * The shared corpus as the cross-package tests and benches read it: its PROVENANCE.tsv rows by
 * column name, files read in place, and golden results compared (or regenerated on purpose with
 * OVFKIT_UPDATE_GOLDEN=1).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { provenanceRecords, readCorpus } from '../corpus-gate';

/** One line of `PROVENANCE.tsv`: a corpus file and what is known about it. */
export interface ProvenanceRow {
  /** Path under the corpus root. */
  localPath: string;
  /** `descriptor`, `manifest`, `package`, … */
  kind: string;
  /** `positive`, `negative`, `edge`, … */
  status: string;
  note: string;
  /** `well-formed` when the corpus' XML check accepts the file. */
  xmlCheck: string;
  bytes: number;
}

/** Every row of the corpus' PROVENANCE.tsv, in file order (none while a suite skipped for want of the corpus is collected). */
export function provenance(): ProvenanceRow[] {
  return provenanceRecords().map((r) => ({
    localPath: r['local_path']!, kind: r['kind']!, status: r['status']!, note: r['note']!, xmlCheck: r['xml_check']!, bytes: Number(r['bytes']),
  }));
}

/** A corpus file's bytes, read in place. */
export { readCorpus };

/** The `n` largest well-formed descriptors of the corpus, largest first, with their bytes. */
export function largestDescriptors(n: number): { file: string; bytes: Buffer }[] {
  return provenance()
    .filter((r) => r.kind === 'descriptor' && r.xmlCheck === 'well-formed')
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, n)
    .map((r) => ({ file: r.localPath, bytes: readCorpus(r.localPath) }));
}

const UPDATE_GOLDEN = process.env['OVFKIT_UPDATE_GOLDEN'] === '1';

/** Asserts that `actual` equals the golden file `<dir>/<name>.json`; writes it first under OVFKIT_UPDATE_GOLDEN=1. */
export function assertGolden(dir: string, name: string, actual: string): void {
  const file = path.join(dir, `${name}.json`);
  if (UPDATE_GOLDEN) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, actual);
  }
  assert.ok(fs.existsSync(file), `missing golden ${file}; create it with OVFKIT_UPDATE_GOLDEN=1`);
  assert.equal(actual, fs.readFileSync(file, 'utf8'));
}
