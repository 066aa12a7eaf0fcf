/**
 * The packages as npm users get them: `pnpm pack` of every package (the documented way to build
 * the tarballs; it rewrites `workspace:*` and `catalog:` to versions), installed with npm into
 * fresh projects outside the workspace. The CLI installed that way runs and plans as the
 * workspace's does; `@ovfkit/core` loads; copies of the Pulumi and CDKTF examples, with their own
 * package.json, type-check and synthesize against the tarballs. Release test: OVFKIT_RELEASE_TESTS=1
 * (`.ci/run` sets it); it needs the npm registry or an npm cache holding the third-party packages.
 */
import * as assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { repoRoot } from '../paths';
import { runCli } from '../run-cli';
import { packageDirs, releaseTestEnv, releaseTests } from './release-env';

interface PackedManifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const minimalOva = path.join(repoRoot, 'examples', 'minimal', 'minimal.ova');

function run(command: string, args: string[], cwd: string, extra: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: releaseTestEnv(extra) });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what}: exit ${r.status}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return r.stdout;
}

/** `npm install --no-save` of `tarballs` in `dir`: the project's package.json stays as written. */
function npmInstall(dir: string, tarballs: string[], extraArgs: string[] = []): void {
  ok(run('npm', ['install', '--no-save', '--no-package-lock', ...extraArgs, ...tarballs], dir), `npm install in ${dir}`);
}

describe('pnpm pack, then npm install outside the workspace', function () {
  this.timeout(20 * 60_000);
  let tmp = '';
  /** Tarball path by package name. */
  const tarballs = new Map<string, string>();
  const manifests = new Map<string, PackedManifest>();
  const tgz = (...names: string[]): string[] => names.map((n) => tarballs.get(n)!);

  before(function () {
    if (!releaseTests) {
      console.log('      SKIP: packing and installing the packages is a release test: set OVFKIT_RELEASE_TESTS=1 to run it (.ci/run does)');
      this.skip();
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-pack-'));
    const out = path.join(tmp, 'tarballs');
    ok(run('npx', ['-y', 'pnpm@10', '-r', '--filter', './packages/*', 'pack', '--pack-destination', out], repoRoot), 'pnpm pack');
    for (const file of fs.readdirSync(out)) {
      const m = JSON.parse(ok(run('tar', ['-xOzf', path.join(out, file), 'package/package.json'], tmp), `tar ${file}`)) as PackedManifest;
      tarballs.set(m.name, path.join(out, file));
      manifests.set(m.name, m);
    }
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('packs one tarball per package, with exact versions for workspace and catalog dependencies, README, LICENSE and no tests', () => {
    const names = packageDirs.map((d) => (JSON.parse(fs.readFileSync(path.join(repoRoot, 'packages', d, 'package.json'), 'utf8')) as PackedManifest).name);
    assert.deepEqual([...tarballs.keys()].sort(), [...names].sort());
    for (const [name, m] of manifests) {
      for (const [dep, range] of Object.entries({ ...m.dependencies, ...m.peerDependencies })) {
        assert.doesNotMatch(range, /^(workspace|catalog|file|link):/, `${name} → ${dep}`);
        if (manifests.has(dep)) assert.equal(range, manifests.get(dep)!.version, `${name} → ${dep}`);
      }
      const files = ok(run('tar', ['-tzf', tarballs.get(name)!], tmp), 'tar -t').split('\n').filter(Boolean);
      assert.ok(files.includes('package/README.md') && files.includes('package/LICENSE'), `${name}: ${files.filter((f) => !f.startsWith('package/dist/')).join(', ')}`);
      assert.deepEqual(files.filter((f) => /\.test\.|\/src\//.test(f)), [], name);
    }
  });

  it('the installed CLI prints its version, and its plan of the example OVA is the workspace CLI\'s, byte for byte', async () => {
    const project = path.join(tmp, 'cli-project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "scratch", "private": true }\n');
    npmInstall(project, tgz('@ovfkit/core', '@ovfkit/package', '@ovfkit/vsphere', '@ovfkit/terraform', 'ovfkit'));
    fs.copyFileSync(minimalOva, path.join(project, 'minimal.ova'));
    const bin = path.join(project, 'node_modules', '.bin', 'ovfkit');
    assert.equal(ok(run(bin, ['--version'], project), 'ovfkit --version'), `ovfkit ${manifests.get('ovfkit')!.version}\n`);

    const installed = run(bin, ['plan', 'minimal.ova', '--prop', 'workers=40', '--json'], project);
    const workspace = await runCli(['plan', 'minimal.ova', '--prop', 'workers=40', '--json'], {}, project);
    assert.equal(installed.status, 1, installed.stderr);
    assert.equal(workspace.code, 1, workspace.stderr);
    assert.equal(installed.stdout, workspace.stdout);
    const plan = JSON.parse(installed.stdout) as { ok: boolean; errors: { code: string }[] };
    assert.deepEqual(plan.errors.map((e) => e.code), ['PROPERTY_VALUE_INVALID']);

    const script = "const { createPlan } = require('@ovfkit/core'); const fs = require('node:fs'); const { plan } = createPlan(fs.readFileSync(0)); console.log(require.resolve('@ovfkit/core'), plan.ok, plan.entityName);";
    const r = spawnSync(process.execPath, ['-e', script], { cwd: project, input: fs.readFileSync(path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf')), encoding: 'utf8', env: releaseTestEnv() });
    assert.equal(ok(r, 'require @ovfkit/core'), `${fs.realpathSync(project)}/node_modules/@ovfkit/core/dist/index.js true minimal appliance\n`);
  });

  it('a copy of examples/pulumi-import type-checks with its own package.json and TypeScript against the tarballs', () => {
    const project = path.join(tmp, 'pulumi-import');
    fs.cpSync(path.join(repoRoot, 'examples', 'pulumi-import'), project, { recursive: true, filter: (f) => !f.includes('node_modules') });
    npmInstall(project, tgz('@ovfkit/core', '@ovfkit/package', '@ovfkit/vsphere', '@ovfkit/pulumi'));
    assert.ok(fs.existsSync(path.join(project, 'node_modules', '@pulumi', 'pulumi', 'package.json')));
    ok(run(path.join(project, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', '.'], project), 'tsc');
  });

  it('a copy of examples/cdktf-import compiles against the tarballs and synthesizes its terraform_data stack', () => {
    const project = path.join(tmp, 'cdktf-import');
    fs.cpSync(path.join(repoRoot, 'examples', 'cdktf-import'), project, { recursive: true, filter: (f) => !f.includes('node_modules') && !f.includes('cdktf.out') });
    // Without devDependencies: cdktf-cli is hundreds of packages, and synth is the app itself.
    npmInstall(project, tgz('@ovfkit/core', '@ovfkit/package', '@ovfkit/vsphere', '@ovfkit/terraform', 'ovfkit', '@ovfkit/cdktf'), ['--omit=dev']);
    const build = path.join(project, 'build');
    const program = ts.createProgram([path.join(project, 'main.ts')], {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
      strict: true, esModuleInterop: true, skipLibCheck: true, types: ['node'], outDir: build,
      // @types/node is a devDependency of the example: the workspace's stands in for it.
      typeRoots: [path.join(project, 'node_modules', '@types'), path.join(repoRoot, 'node_modules', '@types')],
    });
    const emitted = program.emit();
    assert.deepEqual(ts.getPreEmitDiagnostics(program).concat(emitted.diagnostics).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), []);
    const outdir = path.join(project, 'cdktf.out');
    ok(run(process.execPath, [path.join(build, 'main.js')], project, { CDKTF_OUTDIR: outdir, OVF_SOURCE: path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf') }), 'synth');
    const stack = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'appliance', 'cdk.tf.json'), 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
    assert.deepEqual(Object.keys(stack.resource ?? {}), ['terraform_data']);
  });
});
