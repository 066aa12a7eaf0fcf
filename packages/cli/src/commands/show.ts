import { UsageError } from '@ovfkit/core';
import { type Command, ExitCode, stringOption, writeJson } from '../command';
import { readJson } from '../cisp-flags';
import { planMarkdown, mdText } from '../markdown';
import { plansIn, type NamedPlan } from '../plan-document';

/** The largest plan document read (a `pulumi preview --json` of a big program is a few MB). */
const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/** `ovfkit show`: plans a front end computed (Pulumi's preview, a CDKTF stack, `ovfkit plan --json`) shown as `ovfkit plan --format markdown` shows them. */
export const showCommand: Command = {
  name: 'show',
  summary: 'show plans computed elsewhere (pulumi preview --json, a CDKTF stack\'s OvfImport plans, ovfkit plan --json) as Markdown',
  usage: 'show <plans.json>… [--format markdown] [--json]',
  help: [
    '  <plans.json>            an ovfkit.plan/1 document (ovfkit plan --json), several ({ results } of plan A B --json),',
    '                          a pulumi preview --json document (each OvfImport\'s checked inputs carry its plan),',
    '                          or an object of plans by name (what examples/cdktf-import writes to cdktf.out/ovfkit-plans.json)',
    '  --format markdown       Markdown for a pull-request comment, as plan --format markdown (the default and only format)',
    '  exit code               0 every plan ready to import, 1 one or more cannot import, 2 a file unreadable or holding no plan',
  ].join('\n'),
  options: { format: { type: 'string' } },
  async run(positionals, values, ctx): Promise<number> {
    if (positionals.length === 0) throw new UsageError('show needs a plan document: ovfkit show <plans.json>… (the output of ovfkit plan --json or pulumi preview --json, or a CDKTF stack\'s plans)');
    const format = stringOption(values, 'format') ?? 'markdown';
    if (format !== 'markdown') throw new UsageError(`--format must be markdown, got ${JSON.stringify(format)}`);
    const plans: NamedPlan[] = [];
    for (const file of positionals) plans.push(...plansIn(await readJson(file, 'plan document', ctx, MAX_DOCUMENT_BYTES), file));
    const code = plans.some((p) => p.plan && !p.plan.ok) ? ExitCode.ResultErrors : ExitCode.Ok;
    if (values['json']) {
      writeJson(ctx.stdout, { plans: plans.map((p) => ({ name: p.name, ...(p.plan ? { ok: p.plan.ok, plan: p.plan } : { known: false }) })) });
      return code;
    }
    ctx.stdout.write(plans.map((p) => (p.plan ? planMarkdown(p.name, p.plan) : `### ❔ not known yet: ${mdText(p.name)}\n\nAn input of this import is computed by another resource: its plan is made when that value is known (at apply).\n`)).join('\n'));
    return code;
  },
};
