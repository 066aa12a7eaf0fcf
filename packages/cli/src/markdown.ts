/**
 * Plans and plan diffs as GitHub-flavoured Markdown, for a pull-request comment a reviewer reads:
 * the verdict first, then errors, then what would be created. Only core's plan and diff are
 * rendered; nothing is derived here. Text from packages is escaped for table cells (no raw HTML,
 * pipes, backticks or control characters reach the comment); password values never appear.
 */
import { escapeControls, TERMINAL_CONTROL, type OvfPlan, type PlanChange, type PlanDiff, type PlanIssue, type TextChange } from '@ovfkit/core';

const CONTROLS = new RegExp(TERMINAL_CONTROL.source, 'g');
import { fmtBytes } from './cisp-flags';

/**
 * Text from a package made safe for one Markdown table cell or line: no HTML, no table breaks, no
 * code spans; line breaks and tabs become spaces, every other control character (C0, C1, bidi)
 * its visible escape (core's escapeControls), so a reviewer sees it is there.
 */
export function mdText(s: string): string {
  return s
    .replace(/[\t\n\r\u2028\u2029]+/g, ' ')
    .replace(CONTROLS, (c) => escapeControls(c))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~!])/g, '\\$1')
    .trim();
}

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function issueRows(list: PlanIssue[], severity: string): string[][] {
  return list.map((i) => [severity, mdText(i.source), mdText(i.code), i.line ? String(i.line) : '', mdText(i.localizedMessage), i.fix ? mdText(i.fix) : '']);
}

/**
 * The plan of `name` as Markdown: a heading with the verdict, a summary table (package, digest,
 * host profile, placement, deployment option, counts), errors and warnings, then VMs, NICs,
 * disks, properties (secrets shown as "(secret)"), EULAs and the transfer.
 */
export function planMarkdown(name: string, p: OvfPlan): string {
  const l: string[] = [];
  l.push(`### ${p.ok ? '✅ ready to import' : '❌ cannot import'}: ${p.virtualApp ? 'vApp' : 'VM'} ${mdText(p.entityName)}`, '');
  const placement = [p.inventory && `inventory ${mdText(p.inventory)}`, p.target.host && `host ${mdText(p.target.host)}`, p.target.resourcePool && `pool ${mdText(p.target.resourcePool)}`, p.target.datastore && `datastore ${mdText(p.target.datastore)}`].filter(Boolean).join(', ');
  const deployment = p.deploymentOption.available.length
    ? `${mdText(p.deploymentOption.key)}${p.deploymentOption.label ? ` (${mdText(p.deploymentOption.label)})` : ''}${p.deploymentOption.default ? ', the default' : ''}; ${p.deploymentOption.available.length} available`
    : 'none defined';
  l.push(...table(['', ''], [
    ['package', mdText(name)],
    ['digest', `\`${p.descriptorDigest}\``],
    // Only when the text vSphere receives is not the file's bytes (a Latin-1 or UTF-16 descriptor, a BOM).
    ...(p.descriptorTextDigest && p.descriptorTextDigest !== p.descriptorDigest ? [['sent as', `\`${p.descriptorTextDigest}\` (the text in UTF-8)`]] : []),
    ['checked on', mdText(p.hostProfile)],
    ['placement', placement || 'not given (checked against the host profile only)'],
    ['deployment', deployment],
    ['result', `${p.errors.length} error(s), ${p.warnings.length} warning(s)`],
  ]));
  if (p.errors.length || p.warnings.length) {
    l.push('', '#### Issues', '', ...table(['', 'call', 'code', 'line', 'message', 'fix'], [...issueRows(p.errors, 'error'), ...issueRows(p.warnings, 'warning')]));
  }
  if (p.vms.length) {
    l.push('', '#### Virtual machines', '', ...table(['VM', 'hardware', 'guest', 'vCPU', 'memory', 'firmware'], p.vms.map((v) => [mdText(v.entity), mdText(v.hardwareVersion), mdText(v.guestId), String(v.numCPUs), `${v.memoryMB} MB`, `${v.firmware}${v.secureBoot ? ' + secure boot' : ''}`])));
  }
  if (p.networks.length) {
    l.push('', '#### Networks', '', ...table(['NIC', 'adapter', 'OVF network', 'vSphere network', 'mapped by'], p.networks.map((n) => [mdText(`${n.entity}/${n.label}`), mdText(n.adapter), mdText(n.ovfNetwork), n.network ? mdText(n.network.name) : '?', n.mappedBy])));
  }
  if (p.disks.length) {
    l.push('', '#### Disks', '', ...table(['disk', 'capacity', 'provisioning', 'controller', 'from'], p.disks.map((d) => [mdText(`${d.entity}/${d.label}`), fmtBytes(d.capacityBytes), d.provisioning, mdText(d.controller), d.file ? `${mdText(d.file)}${d.fileSizeBytes !== undefined ? ` (${fmtBytes(d.fileSizeBytes)})` : ''}` : 'empty'])));
  }
  if (p.properties.length) {
    const value = (x: OvfPlan['properties'][number]): string => (x.password ? (x.value ? '(secret, set)' : '(secret, empty)') : x.value === '' ? '(empty)' : mdText(x.value));
    l.push('', '#### Properties', '', ...table(['property', 'type', 'value', 'from'], p.properties.map((x) => [mdText(x.entity ? `${x.entity}/${x.id}` : x.id), mdText(x.type), value(x), x.source === 'propertyMapping' ? 'set' : 'default'])));
  }
  l.push('', `**EULAs**: ${p.eula.count ? `${p.eula.count}, ${p.eula.accepted ? 'accepted' : 'not accepted'}` : 'none'}. **Transfer**: ${p.files.length} file(s), ${fmtBytes(p.sizes.downloadBytes)}; needs ${fmtBytes(p.sizes.flatDeploymentBytes)} flat / ${fmtBytes(p.sizes.sparseDeploymentBytes)} sparse.`);
  return l.join('\n') + '\n';
}

/** A change's value as shown: sizes in binary units, text quoted and escaped by `esc`. */
export function changeValue(c: PlanChange, v: PlanChange['old'], esc: (s: string) => string = (s) => s): string {
  if (v === undefined) return '';
  if (typeof v === 'number' && (/Bytes$/.test(c.field ?? c.path) || c.field === 'size' || c.field === 'chunkSize')) return fmtBytes(v);
  if (typeof v === 'number' && c.kind.startsWith('eula-')) return `${v} characters`;
  return typeof v === 'string' ? esc(v) : String(v);
}

/**
 * A text change on one line, as word diffs show it: context, removed, added, context; `esc`
 * escapes each part from the package, `removed` and `added` mark them.
 * @example textChangeLine(change, mdText, (s) => `~~${s}~~`, (s) => `**${s}**`) // 'the laws of ~~California~~ **Delaware** and'
 */
export function textChangeLine(t: TextChange, esc: (s: string) => string, removed: (s: string) => string, added: (s: string) => string): string {
  if (!t.removed && !t.added) return `(whitespace only) ${[t.before, t.after].map(esc).filter(Boolean).join(' … ')}`.trim();
  return [t.before && esc(t.before), t.removed && removed(esc(t.removed)), t.added && added(esc(t.added)), t.after && esc(t.after)].filter(Boolean).join(' ');
}

/** Where a change is, with its field: `web01/Hard Disk 1 capacityBytes`. */
export function changeWhere(c: PlanChange): string {
  return c.field ? `${c.path} ${c.field}` : c.path;
}

/** A plan diff as Markdown: a heading saying whether anything changed, and a table of the changes. */
export function diffMarkdown(oldName: string, newName: string, d: PlanDiff): string {
  const l = [`### ${d.identical ? 'No change' : `${d.changes.length} change(s)`}: ${mdText(oldName)} → ${mdText(newName)}`, ''];
  l.push(...table(['', 'old', 'new'], [
    ['digest', `\`${d.old.descriptorDigest}\``, `\`${d.new.descriptorDigest}\``],
    ['entity', mdText(d.old.entityName), mdText(d.new.entityName)],
    ['verdict', d.old.ok ? 'ready to import' : 'cannot import', d.new.ok ? 'ready to import' : 'cannot import'],
  ]));
  if (d.changes.length) l.push('', ...table(['change', 'where', 'old', 'new'], d.changes.map((c) => [c.kind, mdText(changeWhere(c)), changeValue(c, c.old, mdText), changeValue(c, c.new, mdText)])));
  const texts = d.changes.filter((c) => c.text);
  if (texts.length) l.push('', ...texts.map((c) => `- ${mdText(changeWhere(c))}: ${textChangeLine(c.text!, mdText, (s) => `~~${s}~~`, (s) => `**${s}**`)}`));
  return l.join('\n') + '\n';
}
