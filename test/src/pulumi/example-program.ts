/**
 * examples/pulumi-import as the Pulumi language host runs it, for the tests that run the
 * program (its own example test, and examples/ci-preview's).
 */
import Module from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { repoRoot } from '../paths';

export const exampleDir = path.join(repoRoot, 'examples', 'pulumi-import');
const testDir = path.join(repoRoot, 'test');

/** Loads the example as the Pulumi language host would: a fresh module, its packages installed beside it. */
export function loadExample(edit: (source: string) => string = (x) => x): Record<string, unknown> {
  const file = path.join(exampleDir, 'index.ts');
  const js = ts.transpileModule(edit(fs.readFileSync(file, 'utf8')), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const m = new Module(file, module);
  m.filename = path.join(exampleDir, 'index.js');
  // Node's internal resolver paths: the example's own, then this package's node_modules.
  const nodeModulePaths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths;
  m.paths = [...nodeModulePaths(testDir), ...nodeModulePaths(exampleDir)];
  (m as unknown as { _compile(code: string, filename: string): void })._compile(js, m.filename);
  return m.exports as Record<string, unknown>;
}

