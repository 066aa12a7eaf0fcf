/**
 * examples/ci-preview runs here as its workflow runs on GitHub, without GitHub: the Pulumi
 * program (examples/pulumi-import) previewed offline through Pulumi's real dynamic-provider
 * plugin host (no Pulumi CLI here: the preview document is written from the Check responses, in
 * the shape `pulumi preview --json` prints), the CDKTF stack (examples/cdktf-import) compiled and
 * synthesized, then the example's own scripts: preview-comment.sh writes the comment and
 * post-comment.sh posts it with OVFKIT_COMMENT_DRY_RUN (to a file). The comment must be the one
 * the README shows, so the README cannot go stale.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { compileExample, testModules } from './cdktf/example-stack';
import { repoRoot } from './paths';
import { loadExample } from './pulumi/example-program';
import { runProgram } from './pulumi/mock-engine';
import { dynamicUrn, startPluginHost, type PluginHost } from './pulumi/plugin-host';

const exampleDir = path.join(repoRoot, 'examples', 'ci-preview');
const PROJECT = 'ovfkit-pulumi-import';
const STACK = 'ci';

/** The fenced block after `marker` in the README (between ````markdown and ````). */
function readmeBlock(marker: string): string {
  const readme = fs.readFileSync(path.join(exampleDir, 'README.md'), 'utf8');
  const at = readme.indexOf(marker);
  assert.ok(at >= 0, `README.md has the marker ${marker}`);
  const m = /````markdown\n([\s\S]*?)````\n/.exec(readme.slice(at));
  assert.ok(m, `a \`\`\`\`markdown block follows ${marker}`);
  return m[1]!;
}

describe('examples/ci-preview: the workflow\'s scripts, run locally (issue 15)', function () {
  this.timeout(300_000);
  let tmp = '';
  let host: PluginHost | undefined;
  /** PATH with `ovfkit` (this checkout's CLI) first, as `npm install -g ovfkit` puts it. */
  let env: NodeJS.ProcessEnv = {};
  const bash = (script: string, args: string[], extra: NodeJS.ProcessEnv = {}): ReturnType<typeof spawnSync> =>
    spawnSync('bash', [path.join(exampleDir, script), ...args], { cwd: tmp, encoding: 'utf8', env: { ...env, ...extra } });

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-ci-preview-'));
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'ovfkit'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js'))} "$@"\n`, { mode: 0o755 });
    env = { PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}`, HOME: tmp, LANG: 'C.UTF-8' };

    // The Pulumi program's preview, offline (no ovfkit:server: its hostProfile), as the workflow runs it.
    host = await startPluginHost({ project: PROJECT });
    await host.configure({});
    pulumi.runtime.setAllConfig({ [`${PROJECT}:rootPassword`]: 'example-root-pw-1' }, [`${PROJECT}:rootPassword`]);
    const preview = await runProgram(host, () => { loadExample(); }, { preview: true, project: PROJECT, stack: STACK });
    assert.deepEqual(preview.resources.flatMap((r) => r.check.failures), []);
    const steps = preview.resources.map((r) => ({ op: 'create', urn: dynamicUrn(r.name, r.type, STACK, PROJECT), newState: { type: r.type, custom: true, inputs: r.check.inputs } }));
    fs.writeFileSync(path.join(tmp, 'pulumi-preview.json'), JSON.stringify({ steps, changeSummary: { create: steps.length } }, null, 2));

    // The CDKTF stack compiled where a user's copy would be (beside examples/minimal, its default package) and synthesized.
    fs.mkdirSync(path.join(tmp, 'examples'));
    fs.symlinkSync(path.join(repoRoot, 'examples', 'minimal'), path.join(tmp, 'examples', 'minimal'));
    const stack = path.join(tmp, 'examples', 'cdktf-import');
    assert.deepEqual(compileExample(stack), []);
    const synth = spawnSync(process.execPath, [path.join(stack, 'main.js')], {
      cwd: stack,
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: [testModules, path.join(repoRoot, 'packages', 'cdktf', 'node_modules')].join(path.delimiter), CDKTF_OUTDIR: path.join(stack, 'cdktf.out'), APPLIANCE_ROOT_PASSWORD: 'example-root-pw-1' },
    });
    assert.equal(synth.status, 0, String(synth.stderr));
  });
  after(async () => {
    await host?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('writes the comment the README shows, and posts it (dry run) unchanged; exit 0 when every plan is ready', () => {
    const plans = path.join('examples', 'cdktf-import', 'cdktf.out', 'ovfkit-plans.json');
    const r = bash('preview-comment.sh', ['--pulumi', 'pulumi-preview.json', '--cdktf', plans]);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    fs.writeFileSync(path.join(tmp, 'comment.md'), String(r.stdout));
    const posted = path.join(tmp, 'posted.md');
    const post = bash('post-comment.sh', ['comment.md'], { OVFKIT_COMMENT_DRY_RUN: posted });
    assert.deepEqual([post.status, post.stderr], [0, `post-comment.sh: dry run, not posted: the comment is in ${posted}\n`]);
    assert.equal(fs.readFileSync(posted, 'utf8'), readmeBlock('<!-- comment: test/src/cli-ci-preview.test.ts -->'));
  });

  it('a plan with errors still gives its comment, and exit 1; a document with no plan is said in the comment, exit 2', () => {
    const stackPlans = path.join(tmp, 'examples', 'cdktf-import', 'cdktf.out', 'ovfkit-plans.json');
    const plans = JSON.parse(fs.readFileSync(stackPlans, 'utf8')) as Record<string, { ok: boolean; errors: unknown[] }>;
    const broken = Object.fromEntries(Object.entries(plans).map(([k, p]) => [k, { ...p, ok: false, errors: [{ source: 'createImportSpec', code: 'PROPERTY_VALUE_INVALID', localizedMessage: 'Value for property "log_level" is invalid', fix: 'give log_level one of "debug", "info", "warn"' }] }]));
    fs.writeFileSync(path.join(tmp, 'broken.json'), JSON.stringify(broken));
    const bad = bash('preview-comment.sh', ['--cdktf', 'broken.json']);
    assert.equal(bad.status, 1);
    assert.match(String(bad.stdout), /^## CDKTF stack \(`cdktf synth`\)\n\n### ❌ cannot import: VM appliance-01\n/);
    fs.writeFileSync(path.join(tmp, 'empty.json'), JSON.stringify({ steps: [] }));
    const none = bash('preview-comment.sh', ['--pulumi', 'empty.json', '--cdktf', 'broken.json']);
    assert.equal(none.status, 2);
    assert.match(String(none.stdout), /^## Pulumi program \(`pulumi preview`\)\n\nNo plan could be read from `empty.json` \(ovfkit show: exit 2\): see the job log.\n\n## CDKTF stack/);
    assert.match(String(none.stderr), /^ovfkit: empty.json holds no ovfkit.plan\/1 plan/);
  });

  it('a comment longer than GitHub takes is cut at a line and says so', () => {
    const long = Array.from({ length: 3000 }, (_, i) => `| line ${i} | ${'x'.repeat(20)} |`).join('\n') + '\n';
    fs.writeFileSync(path.join(tmp, 'long.md'), long);
    const posted = path.join(tmp, 'long-posted.md');
    const post = bash('post-comment.sh', ['long.md'], { OVFKIT_COMMENT_DRY_RUN: posted });
    assert.equal(post.status, 0);
    const body = fs.readFileSync(posted, 'utf8');
    const [kept, note] = body.split('\n… ');
    assert.ok(body.length <= 65536 && long.startsWith(kept!) && kept!.endsWith('|\n'), 'whole lines of the comment, then the note');
    assert.equal(note, 'cut here: the comment was longer than GitHub takes; the whole of it is in the job log.\n');
  });
});
