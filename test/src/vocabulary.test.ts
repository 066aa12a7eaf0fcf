/**
 * One vocabulary (issue 14): the import and export tables of docs/architecture.md ("## One
 * vocabulary") against each front end's real input list, in both directions. Every name a row
 * gives exists in that front end, and every input of each front end is in a row, or in
 * {@link NO_COUNTERPART} below with the reason it has none. The lists are the runtime ones the
 * front ends enforce: Pulumi's check() refuses inputs not in IMPORT_INPUTS / EXPORT_INPUTS /
 * CONNECTION_INPUTS, the CDKTF constructs props not in OVF_IMPORT_PROPS / OVF_EXPORT_PROPS (both
 * held to their TypeScript interfaces at compile time), the Terraform provider's schema is what
 * it serves, the CLI's options are what its parser accepts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { OVF_EXPORT_OLD_PROPS, OVF_EXPORT_PROPS, OVF_IMPORT_PROPS, OvfExport as CdktfOvfExport, OvfImport as CdktfOvfImport, OvfkitProvider } from '@ovfkit/cdktf';
import { CONNECTION_INPUTS, EXPORT_INPUTS, EXPORT_OLD_NAMES, IMPORT_INPUTS, createOvfExportProvider, createOvfImportProvider, defaultBackend } from '@ovfkit/pulumi';
import { PROVIDER_SCHEMA, RESOURCE_SCHEMAS } from '@ovfkit/terraform';
import { parseCommandLine } from 'ovfkit';
import { repoRoot } from './paths';

const COLUMNS = ['API word', 'Pulumi', 'CDKTF', 'Terraform', 'CLI flag'] as const;
type Column = Exclude<(typeof COLUMNS)[number], 'API word'>;
type Table = 'import' | 'export';

/**
 * Inputs of a front end that no other front end has a counterpart for, and why: how that front
 * end itself runs, not what is imported or exported. Anything with a meaning in vSphere belongs in
 * a table row instead (a gap there is a cell starting with "—", with its reason).
 */
const NO_COUNTERPART: Record<Column, Record<Table, Record<string, string>>> = {
  Pulumi: { import: {}, export: {} },
  CDKTF: {
    import: {
      // The command the terraform_data provisioners run (the default backend's mechanics).
      ovfkitCommand: 'the command line of the terraform_data provisioners',
      // Which Terraform resource applies the construct: terraform_data or ovfkit_import.
      backend: 'terraform_data or ovfkit_import applies it',
    },
    export: {
      ovfkitCommand: 'the command line of the terraform_data provisioner',
      backend: 'terraform_data or ovfkit_export applies it',
    },
  },
  Terraform: { import: {}, export: {} },
  'CLI flag': {
    import: {
      // How progress is shown on a terminal or in a CI log; the IaC tools have their own output.
      progress: 'progress display',
      quiet: 'progress display (--progress none)',
      // ESXi without vCenter has no OVF environment transport; the IaC front ends do not offer it.
      'inject-ovf-env': 'CLI only: guestinfo.ovfEnv for a standalone ESXi',
      // The IaC front ends pin the descriptor through the plan they show and their state (digests).
      'expect-digest': 'the IaC front ends pin the package by their plan and state',
      // ovfkit plan only: check the descriptor without its files, and the plan's output format.
      'descriptor-only': 'a plan mode, not an import input',
      format: 'the output format of ovfkit plan',
    },
    export: {
      progress: 'progress display',
      quiet: 'progress display (--progress none)',
      // An export into a Content Library item is another destination kind (vCenter's createOvf);
      // Pulumi and CDKTF publish packages with OvfLibraryItem instead.
      'to-library': 'export into a Content Library item (createOvf)',
      item: 'the Content Library item of --to-library',
      description: 'the annotation of the --to-library item',
    },
  },
};

/** One name a table cell gives: an input of the resource, a provider block attribute, a key of Pulumi's `connection`. */
interface Named { kind: 'input' | 'provider' | 'connection'; name: string }
interface Cell { gap: boolean; positional: boolean; names: Named[] }
interface Row { api: string; cells: Record<Column, Cell> }

/** A table cell: "— reason" (a gap), "positional" (the CLI's), or backquoted names, with "provider `x`" for the provider block; parentheses are prose. */
function readCell(text: string, where: string): Cell {
  const t = text.trim();
  if (t.startsWith('—')) {
    assert.ok(t.replace(/^—\s*/, '').length >= 8, `${where}: a gap ("—") must give its reason, got ${JSON.stringify(t)}`);
    return { gap: true, positional: false, names: [] };
  }
  if (t === 'positional') return { gap: false, positional: true, names: [] };
  const names: Named[] = [];
  for (const m of t.replace(/\([^)]*\)/g, '').matchAll(/(provider\s+)?`([^`]+)`/g)) {
    const name = m[2]!;
    if (m[1]) names.push({ kind: 'provider', name });
    else if (name.startsWith('connection.')) names.push({ kind: 'connection', name: name.slice('connection.'.length) });
    else names.push({ kind: 'input', name });
  }
  assert.ok(names.length > 0, `${where}: a cell is "— reason", "positional" or backquoted names, got ${JSON.stringify(t)}`);
  return { gap: false, positional: false, names };
}

/** The import and export tables of docs/architecture.md's "## One vocabulary". */
function readTables(markdown: string): Record<Table, Row[]> {
  const start = markdown.indexOf('\n## One vocabulary\n');
  assert.ok(start >= 0, 'docs/architecture.md has a "## One vocabulary" section');
  const end = markdown.indexOf('\n## ', start + 1);
  const lines = markdown.slice(start, end < 0 ? undefined : end).split('\n');
  const tables: Partial<Record<Table, Row[]>> = {};
  let caption: Table | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^Import \(/.test(line)) caption = 'import';
    else if (/^Export \(/.test(line)) caption = 'export';
    if (!line.startsWith('|')) continue;
    assert.ok(caption, `a table in "One vocabulary" before an "Import (" or "Export (" caption: ${line}`);
    assert.equal(tables[caption], undefined, `one ${caption} table`);
    const split = (l: string): string[] => l.replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
    assert.deepEqual(split(line), [...COLUMNS], `the ${caption} table's columns`);
    const rows: Row[] = [];
    for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
      const cells = split(lines[i]!);
      assert.equal(cells.length, COLUMNS.length, `${caption} row ${lines[i]}`);
      const api = cells[0]!;
      rows.push({ api, cells: Object.fromEntries(COLUMNS.slice(1).map((c, j) => [c, readCell(cells[j + 1]!, `${caption} "${api}" ${c}`)])) as Record<Column, Cell> });
    }
    tables[caption] = rows;
    caption = undefined;
  }
  assert.ok(tables.import && tables.export, 'docs/architecture.md has the import and the export table');
  return tables as Record<Table, Row[]>;
}

/** A front end's names for one table, as it spells them: its resource's inputs, the old names it still accepts, its provider block, Pulumi's connection keys. */
interface FrontEnd { inputs: string[]; oldNames: Record<string, string>; provider?: string[]; connection?: readonly string[] }

const camel = (snake: string): string => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const tfInputs = (attributes: Record<string, { required?: boolean; optional?: boolean }>): string[] =>
  Object.entries(attributes).filter(([, a]) => a.required === true || a.optional === true).map(([k]) => k);

/** The CDKTF OvfkitProvider's attributes, from the generated bindings themselves (what they synthesize). */
function cdktfProviderAttributes(): string[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-vocabulary-'));
  try {
    const provider = new OvfkitProvider(new TerraformStack(new App({ outdir }), 'vocabulary'), 'ovfkit');
    const attributes = (provider as unknown as { synthesizeAttributes(): Record<string, unknown> }).synthesizeAttributes();
    // `alias` is Terraform's meta-argument of every provider block, not one of ovfkit's.
    return Object.keys(attributes).filter((k) => k !== 'alias').map(camel);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The options of CLI commands (their parser's spec), and the old spellings they accept. */
function cliOptions(...commands: string[]): FrontEnd {
  const inputs = new Set<string>();
  const oldNames: Record<string, string> = {};
  for (const name of commands) {
    const { command } = parseCommandLine([...name.split(' ')]);
    for (const k of Object.keys(command.options)) inputs.add(k);
    Object.assign(oldNames, command.oldSpellings ?? {});
  }
  return { inputs: [...inputs], oldNames };
}

function frontEnds(): Record<Column, Record<Table, FrontEnd>> {
  const cdktfProvider = cdktfProviderAttributes();
  const tfProvider = Object.keys(PROVIDER_SCHEMA.attributes);
  return {
    Pulumi: {
      import: { inputs: [...IMPORT_INPUTS], oldNames: {}, connection: CONNECTION_INPUTS },
      export: { inputs: [...EXPORT_INPUTS], oldNames: { ...EXPORT_OLD_NAMES }, connection: CONNECTION_INPUTS },
    },
    CDKTF: {
      import: { inputs: [...OVF_IMPORT_PROPS], oldNames: {}, provider: cdktfProvider },
      export: { inputs: [...OVF_EXPORT_PROPS], oldNames: { ...OVF_EXPORT_OLD_PROPS }, provider: cdktfProvider },
    },
    Terraform: {
      import: { inputs: tfInputs(RESOURCE_SCHEMAS.ovfkit_import.attributes), oldNames: {}, provider: tfProvider },
      export: { inputs: tfInputs(RESOURCE_SCHEMAS.ovfkit_export.attributes), oldNames: {}, provider: tfProvider },
    },
    'CLI flag': { import: cliOptions('import', 'plan'), export: cliOptions('export') },
  };
}

/** The names of `kind` the table gives in `column`, with their rows. */
function named(rows: Row[], column: Column, kind: Named['kind']): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of rows) for (const n of r.cells[column].names) if (n.kind === kind) m.set(n.name, [...(m.get(n.name) ?? []), r.api]);
  return m;
}

/** Every problem between the tables and the front ends, one line each: [] when they agree. */
function disagreements(tables: Record<Table, Row[]>, fronts: Record<Column, Record<Table, FrontEnd>>): string[] {
  const problems: string[] = [];
  for (const column of COLUMNS.slice(1) as Column[]) {
    const providerSeen = new Set<string>();
    const connectionSeen = new Set<string>();
    for (const table of ['import', 'export'] as const) {
      const fe = fronts[column][table];
      const rows = tables[table];
      const flag = column === 'CLI flag';
      const inputs = named(rows, column, 'input');
      // Row → front end: every name a row gives exists there.
      for (const [name, apis] of inputs) {
        const bare = flag ? name.replace(/^--/, '') : name;
        if (flag !== name.startsWith('--')) problems.push(`${table} ${column} "${apis[0]}": ${name} is not spelled as this front end spells inputs`);
        else if (!fe.inputs.includes(bare)) problems.push(`${table} table, row "${apis.join('", "')}": ${column} has no input ${name}`);
      }
      for (const [name, apis] of named(rows, column, 'provider')) {
        providerSeen.add(name);
        if (!fe.provider) problems.push(`${table} table, row "${apis[0]}": ${column} has no provider block (provider \`${name}\`)`);
        else if (!fe.provider.includes(name)) problems.push(`${table} table, row "${apis.join('", "')}": ${column}'s provider block has no ${name}`);
      }
      for (const [name, apis] of named(rows, column, 'connection')) {
        connectionSeen.add(name);
        if (!fe.connection) problems.push(`${table} table, row "${apis[0]}": ${column} has no connection input`);
        else if (!fe.connection.includes(name)) problems.push(`${table} table, row "${apis.join('", "')}": ${column}'s connection has no ${name}`);
        else if (!fe.inputs.includes('connection')) problems.push(`${table} table: ${column} has connection.${name} but no connection input`);
      }
      if (rows.some((r) => r.cells[column].positional) && !flag) problems.push(`${table} table: "positional" is the CLI's, not ${column}'s`);
      // Front end → rows: every input is in a row (connection counts when its keys are), or has no counterpart, with a reason.
      const none = NO_COUNTERPART[column][table];
      const shown = new Set([...inputs.keys()].map((n) => (flag ? n.replace(/^--/, '') : n)));
      if (named(rows, column, 'connection').size > 0) shown.add('connection');
      for (const input of fe.inputs) {
        if (shown.has(input) || input in none) continue;
        problems.push(`${table}: ${column} input ${flag ? `--${input}` : input} is in no row of the ${table} table (nor in NO_COUNTERPART)`);
      }
      for (const input of Object.keys(none)) {
        if (!fe.inputs.includes(input)) problems.push(`NO_COUNTERPART ${column} ${table}: ${input} is not an input of ${column} (stale entry)`);
        if (shown.has(input)) problems.push(`NO_COUNTERPART ${column} ${table}: ${input} is in the table too`);
      }
      for (const [old, now] of Object.entries(fe.oldNames)) {
        if (fe.inputs.includes(old)) problems.push(`${column} ${table}: deprecated ${old} is still listed as an input`);
        if (!fe.inputs.includes(now)) problems.push(`${column} ${table}: deprecated ${old} stands for ${now}, which is not an input`);
      }
    }
    // The provider block and Pulumi's connection serve both resources: each attribute in some row.
    for (const name of fronts[column].import.provider ?? []) if (!providerSeen.has(name)) problems.push(`${column}'s provider block attribute ${name} is in no row`);
    for (const name of fronts[column].import.connection ?? []) if (!connectionSeen.has(name)) problems.push(`${column}'s connection.${name} is in no row`);
  }
  return problems;
}

describe('one vocabulary: docs/architecture.md\'s import and export tables against each front end\'s real inputs', () => {
  const markdown = fs.readFileSync(path.join(repoRoot, 'docs', 'architecture.md'), 'utf8');

  it('every name in a row is an input of that front end, and every input of each front end is in a row or has a stated reason not to be', () => {
    assert.deepEqual(disagreements(readTables(markdown), frontEnds()), []);
  });

  it('the same names in the CDKTF column and the Terraform one (snake_case), where both have the input', () => {
    const differ: string[] = [];
    for (const table of ['import', 'export'] as const) {
      for (const r of readTables(markdown)[table]) {
        const cdktf = r.cells.CDKTF.names.filter((n) => n.kind === 'input').map((n) => n.name);
        const tf = r.cells.Terraform.names.filter((n) => n.kind === 'input').map((n) => camel(n.name));
        if (cdktf.length && tf.length && !tf.every((n) => cdktf.includes(n) || n === 'vapp' || n === 'passwordPropertyMapping')) differ.push(`${table} "${r.api}": ${cdktf.join(', ')} vs ${tf.join(', ')}`);
      }
    }
    // vapp is vApp's snake_case; password_property_mapping is propertyMapping's fromEnv values (write-only).
    assert.deepEqual(differ, []);
  });

  it('the check finds a row or an input added on one side only (the check itself can fail)', () => {
    const tables = readTables(markdown);
    const fronts = frontEnds();
    const noLocale = { ...tables, import: tables.import.filter((r) => r.api !== 'locale') };
    assert.deepEqual(disagreements(noLocale, fronts), [
      'import: Pulumi input locale is in no row of the import table (nor in NO_COUNTERPART)',
      'import: CDKTF input locale is in no row of the import table (nor in NO_COUNTERPART)',
      'import: Terraform input locale is in no row of the import table (nor in NO_COUNTERPART)',
      'import: CLI flag input --locale is in no row of the import table (nor in NO_COUNTERPART)',
    ]);
    const withInput = { ...fronts, Terraform: { ...fronts.Terraform, export: { ...fronts.Terraform.export, inputs: [...fronts.Terraform.export.inputs, 'include_image_files'] } } };
    assert.deepEqual(disagreements(tables, withInput), ['export: Terraform input include_image_files is in no row of the export table (nor in NO_COUNTERPART)']);
    const withoutFlag = { ...fronts, 'CLI flag': { ...fronts['CLI flag'], export: { ...fronts['CLI flag'].export, inputs: fronts['CLI flag'].export.inputs.filter((i) => i !== 'chunk-size') } } };
    assert.deepEqual(disagreements(tables, withoutFlag), ['export table, row "`ovf:chunkSize`": CLI flag has no input --chunk-size']);
  });

  it('Pulumi\'s check() and the CDKTF constructs refuse an input that is not in their list, naming the nearest', async () => {
    const imp = await createOvfImportProvider(() => defaultBackend()).check({}, { source: path.join(repoRoot, 'examples', 'minimal', 'minimal.ova'), resoucePool: '/DC0/host/DC0_C0/Resources' } as never);
    assert.deepEqual(imp.failures.filter((f) => f.property === 'resoucePool'), [{ property: 'resoucePool', reason: 'OvfImport has no input "resoucePool"; did you mean "resourcePool"?' }]);
    const exp = await createOvfExportProvider(() => defaultBackend()).check({}, { entity: '/DC0/vm/x', destination: path.join(os.tmpdir(), 'x.ova'), chunksize: 1, __provider: 'serialized' } as never);
    assert.deepEqual(exp.failures, [{ property: 'chunksize', reason: 'OvfExport has no input "chunksize"; did you mean "chunkSize"?' }]);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-vocabulary-'));
    try {
      const stack = new TerraformStack(new App({ outdir }), 'vocabulary');
      assert.throws(() => new CdktfOvfExport(stack, 'Backup', { entity: '/DC0/vm/x', destination: 'x.ova', chunksize: 1 } as never), {
        message: 'vocabulary/Backup: OvfExport has no prop "chunksize"; did you mean "chunkSize"?',
      });
      assert.throws(() => new CdktfOvfImport(stack, 'App', { source: path.join(repoRoot, 'examples', 'minimal', 'minimal.ova'), datacenter: 'DC0', resoucePool: '/DC0/host/DC0_C0/Resources' } as never), {
        message: 'vocabulary/App: OvfImport has no prop "resoucePool"; did you mean "resourcePool"?',
      });
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
