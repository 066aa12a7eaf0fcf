/**
 * examples/cdktf-import is a stack users copy: it must type-check against the published API,
 * synthesize, and give Terraform a valid plan. Its README shows what these steps print.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { repoRoot } from '../paths';

const exampleDir = path.join(repoRoot, 'examples', 'cdktf-import');
const testModules = path.join(repoRoot, 'test', 'node_modules');

/** Type-checks and compiles main.ts as a user's project would, with our workspace packages. */
function compileExample(outDir: string): string[] {
  const program = ts.createProgram([path.join(exampleDir, 'main.ts')], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [path.join(repoRoot, 'node_modules', '@types')],
    outDir,
    baseUrl: exampleDir,
    paths: {
      '@ovfkit/cdktf': [path.join(repoRoot, 'packages', 'cdktf', 'dist', 'index.d.ts')],
      cdktf: [path.join(testModules, 'cdktf')],
      constructs: [path.join(testModules, 'constructs')],
    },
  });
  const emitted = program.emit();
  return ts
    .getPreEmitDiagnostics(program)
    .concat(emitted.diagnostics)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('examples/cdktf-import', function () {
  this.timeout(120_000);
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cdktf-example-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('type-checks against @ovfkit/cdktf and synthesizes one terraform_data with outputs from the OVF hardware', () => {
    const build = path.join(dir, 'build');
    assert.deepEqual(compileExample(build), []);
    const main = path.join(build, 'main.js');
    {
      const outdir = path.join(dir, 'cdktf.out');
      const r = spawnSync(process.execPath, [main], {
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: [testModules, path.join(repoRoot, 'packages', 'cdktf', 'node_modules')].join(path.delimiter), CDKTF_OUTDIR: outdir, OVF_SOURCE: path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf') },
      });
      assert.equal(r.status, 0, r.stderr);
      const config = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'appliance', 'cdk.tf.json'), 'utf8')) as {
        resource: { terraform_data: Record<string, { input: Record<string, unknown> }> };
        output: Record<string, { value: unknown }>;
      };
      assert.deepEqual(Object.keys(config.resource.terraform_data), ['Appliance_7B9EA9AE']);
      assert.equal(config.output['cpus']?.value, 2);
      assert.equal(config.output['memory_mb']?.value, 4096);
      assert.equal(config.output['vm_name']?.value, 'appliance-01');
    }
  });
});
