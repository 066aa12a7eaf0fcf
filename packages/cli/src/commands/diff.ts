import { createPlan, diffPlans, escapeControls as esc, UsageError, type PlanDiff } from '@ovfkit/core';
import { type Command, ExitCode, stringOption, writeJson } from '../command';
import { cispHelp, cispOptions, planOptionsFrom } from '../cisp-flags';
import { changeValue, changeWhere, diffMarkdown, textChangeLine } from '../markdown';
import { readDescriptorText, sourceOptionsFrom } from '../source';

/** The diff as text: one line per change, strings quoted (JSON) so nothing from a package reaches the terminal raw. */
function renderDiff(oldName: string, newName: string, d: PlanDiff): string {
  const l = [`${oldName} → ${newName}: ${d.identical ? 'no change' : `${d.changes.length} change(s)`}`];
  const q = (s: string): string => JSON.stringify(s);
  const width = Math.max(0, ...d.changes.map((c) => c.kind.length));
  for (const c of d.changes) {
    const [o, n] = [changeValue(c, c.old, q), changeValue(c, c.new, q)];
    const values = o && n ? `: ${o} → ${n}` : o || n ? `: ${o || n}` : '';
    l.push(`  ${c.kind.padEnd(width)}  ${q(changeWhere(c)).slice(1, -1)}${values}`);
    if (c.text) l.push(`  ${' '.repeat(width)}  ${textChangeLine(c.text, (s) => esc(s), (s) => `[-${s}-]`, (s) => `{+${s}+}`)}`);
  }
  return l.join('\n') + '\n';
}

/** `ovfkit diff OLD NEW`: what changed between two versions of an appliance, as core's plans see them. */
export const diffCommand: Command = {
  name: 'diff',
  summary: 'compare two versions of a package: hardware, disks, NICs, properties, deployment options, EULAs, files (exit 1 when they differ)',
  usage: 'diff <old.ovf|old.ova|URL> <new.ovf|new.ova|URL> [--format text|markdown] [plan options] [--json]',
  help: [
    '  --format <text|markdown>  text (default), or Markdown for a pull-request comment',
    '  Both packages are planned with the same options:',
    cispHelp,
    '  Exit codes: 0 no change, 1 the packages differ, 2 usage or input/output problem.',
  ].join('\n'),
  options: { ...cispOptions, format: { type: 'string' } },
  async run(positionals, values, ctx): Promise<number> {
    if (positionals.length !== 2) throw new UsageError('diff takes two packages: ovfkit diff <old> <new>');
    const format = stringOption(values, 'format') ?? 'text';
    if (format !== 'text' && format !== 'markdown') throw new UsageError(`--format must be text or markdown, got ${JSON.stringify(format)}`);
    const sourceOptions = await sourceOptionsFrom(values, ctx);
    const planOptions = await planOptionsFrom(values, ctx);
    const [a, b] = [await readDescriptorText(positionals[0]!, ctx, sourceOptions), await readDescriptorText(positionals[1]!, ctx, sourceOptions)];
    const d = diffPlans(createPlan(a.bytes, planOptions).plan, createPlan(b.bytes, planOptions).plan);
    if (values['json']) writeJson(ctx.stdout, d);
    else ctx.stdout.write(format === 'markdown' ? diffMarkdown(a.name, b.name, d) : renderDiff(a.name, b.name, d));
    return d.identical ? ExitCode.Ok : ExitCode.ResultErrors;
  },
};
