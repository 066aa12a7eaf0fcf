'use strict';
// Mocha's spec reporter, plus one plain closing line ("ovfkit: N passed, N failed, N skipped")
// that CI reads to know how many tests really ran.
const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class OvfkitReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      process.stdout.write(`ovfkit: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
  }
}
module.exports = OvfkitReporter;
