'use strict';
// The corpus gate, loaded once per mocha run by every test that reads the shared OVF corpus (the
// package tests by relative path, test/ through src/paths.ts): where the corpus is, whether it is
// there, and describe/it that become pending when it is not, so a clone without ../shared runs
// every other test and the reporter prints one SKIP line with the count (see skipLine).
const fs = require('node:fs');
const path = require('node:path');

/** The corpus folder: OVFKIT_CORPUS, else ../shared/corpus beside the repository. */
const corpusRoot = process.env.OVFKIT_CORPUS || path.resolve(__dirname, '..', '..', 'shared', 'corpus');
/** True when the corpus' PROVENANCE.tsv is there to read. */
const corpusPresent = fs.existsSync(path.join(corpusRoot, 'PROVENANCE.tsv'));

/** The suites and tests registered as pending because the corpus is absent. */
const skipped = [];
/** Set while a skipped suite's body runs (mocha collects its tests): corpus reads return nothing then. */
let collectingSkipped = false;

/** mocha's describe, or describe.skip (its tests collected as pending) when the corpus is absent. */
function describeCorpus(title, fn) {
  if (corpusPresent) return describe(title, fn);
  collectingSkipped = true;
  try {
    const suite = describe.skip(title, fn);
    skipped.push(suite);
    return suite;
  } finally {
    collectingSkipped = false;
  }
}

/** mocha's it, or a pending test when the corpus is absent. */
function itCorpus(title, fn) {
  if (corpusPresent) return it(title, fn);
  const test = it.skip(title, fn);
  if (!collectingSkipped) skipped.push(test);
  return test;
}

/** Throws unless the corpus can be read: present, or a skipped suite is only being collected. */
function assertReadable(what) {
  if (corpusPresent || collectingSkipped) return;
  throw new Error(`${what} needs the OVF corpus, absent at ${corpusRoot}: wrap the test in describeCorpus/itCorpus (test/corpus-gate.js) or set OVFKIT_CORPUS`);
}

/** Every row of the corpus' PROVENANCE.tsv as an object keyed by column name (none while a skipped suite is collected). */
function provenanceRecords() {
  assertReadable('PROVENANCE.tsv');
  if (!corpusPresent) return [];
  const lines = fs.readFileSync(path.join(corpusRoot, 'PROVENANCE.tsv'), 'utf8').trim().split('\n');
  const header = lines[0].split('\t');
  return lines.slice(1).map((l) => {
    const f = l.split('\t');
    return Object.fromEntries(header.map((h, i) => [h, f[i] ?? '']));
  });
}

/** A corpus file's bytes, read in place (an empty buffer while a skipped suite is collected). */
function readCorpus(localPath) {
  assertReadable(localPath);
  return corpusPresent ? fs.readFileSync(path.join(corpusRoot, localPath)) : Buffer.alloc(0);
}

/** The one line the reporter prints at the end when tests were skipped for want of the corpus, else undefined. */
function skipLine() {
  const count = skipped.reduce((n, r) => n + (typeof r.total === 'function' ? r.total() : 1), 0);
  if (count === 0) return undefined;
  return `SKIP: ${count} test(s) need the OVF corpus, absent at ${corpusRoot} (set OVFKIT_CORPUS to its folder; tables generated from its file list are not counted)`;
}

module.exports = { corpusRoot, corpusPresent, describeCorpus, itCorpus, provenanceRecords, readCorpus, skipLine };
