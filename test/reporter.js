'use strict';
// Mocha's spec reporter, plus one plain closing line ("ovfkit: N passed, N failed, N skipped")
// that CI reads to know how many tests really ran, after the corpus gate's SKIP line if any.
const Mocha = require('mocha');
const { skipLine } = require('./corpus-gate.js');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class OvfkitReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      const corpusSkip = skipLine();
      if (corpusSkip) process.stdout.write(`${corpusSkip}\n`);
      process.stdout.write(`ovfkit: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
  }
}
module.exports = OvfkitReporter;
