/**
 * examples/cdktf-import compiled as a user's project would be, for the tests that synthesize it
 * (its own example test, and examples/ci-preview's).
 */
import * as path from 'node:path';
import * as ts from 'typescript';
import { repoRoot } from '../paths';

const exampleDir = path.join(repoRoot, 'examples', 'cdktf-import');
export const testModules = path.join(repoRoot, 'test', 'node_modules');

/** Type-checks and compiles main.ts as a user's project would, with our workspace packages. */
export function compileExample(outDir: string): string[] {
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

