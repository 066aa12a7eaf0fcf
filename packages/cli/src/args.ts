/**
 * Reading a command line: node's parseArgs tokenizes, the checks and their messages are ours, so
 * a typo gets one balanced sentence naming the nearest option or command (core's nearest), not
 * parseArgs' text. Old spellings of renamed options are read as the new ones, with a warning.
 */
import { parseArgs } from 'node:util';
import { escapeControls as esc, nearest, UsageError } from '@ovfkit/core';
import type { Command, OptionsSpec, OptionValues } from './command';

/**
 * Renamed options: old spelling → the one every command uses now. An old spelling is accepted
 * (with a warning) by the commands that take the new one; a rename of one command only is its
 * {@link Command.oldSpellings}.
 */
export const OLD_SPELLINGS: Readonly<Record<string, string>> = {
  'timeout-seconds': 'timeout',
};

/** The options every command takes, added by the dispatcher. */
const COMMON: OptionsSpec = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };

/** A command line read against one command's options. */
export interface ReadArguments {
  positionals: string[];
  values: OptionValues;
  /** One line per old spelling used, for stderr. */
  warnings: string[];
}

/** A command's options with the common ones, and the old spellings it accepts as aliases. */
function optionsOf(command: Pick<Command, 'options' | 'oldSpellings'> | undefined): { known: OptionsSpec; aliases: [string, string][]; options: OptionsSpec } {
  const known: OptionsSpec = { ...command?.options, ...COMMON };
  const aliases = Object.entries({ ...OLD_SPELLINGS, ...command?.oldSpellings }).filter(([old, now]) => known[now] !== undefined && known[old] === undefined);
  return { known, aliases, options: { ...known, ...Object.fromEntries(aliases.map(([old, now]) => [old, known[now]!])) } };
}

/**
 * Whether `args` ask for JSON output as {@link readArguments} reads them, also when reading them
 * fails: a `--json` token, not the value of an option (`--annotation --json`) nor an argument after
 * `--`. Without a command (an unknown one) only the common options are known.
 * @example jsonRequested(['--name', '--json', 'x.ovf'], planCommand) // false: --json is --name's value
 */
export function jsonRequested(args: string[], command: Pick<Command, 'options' | 'oldSpellings'> | undefined): boolean {
  const { tokens } = parseArgs({ args, options: optionsOf(command).options, allowPositionals: true, strict: false, tokens: true });
  return tokens.some((t) => t.kind === 'option' && t.name === 'json' && t.value === undefined);
}

/** `--name` or `-n` as the user wrote it, escaped for a message. */
function shown(rawName: string): string {
  return esc(rawName, 'line');
}

/**
 * Reads `args` against `command`'s options (plus --json and --help). Throws a UsageError for an
 * unknown option (with the nearest known ones), a value missing or given to a flag, or an option
 * given in both its old and new spelling.
 * @example readArguments(['--jsn'], parseCommand) // throws: unknown option --jsn for "ovfkit parse"; did you mean --json?
 */
export function readArguments(args: string[], command: Pick<Command, 'name' | 'options' | 'oldSpellings'>): ReadArguments {
  const { known, aliases, options } = optionsOf(command);
  const { tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  const positionals: string[] = [];
  const values: OptionValues = {};
  const warnings: string[] = [];
  const given = new Map<string, string>();
  for (const t of tokens) {
    if (t.kind === 'positional') {
      positionals.push(t.value);
      continue;
    }
    if (t.kind === 'option-terminator') continue;
    const spec = options[t.name];
    if (spec === undefined) {
      // `-json` is read by parseArgs as the short options -j -s -o -n: the whole word is what was typed.
      const arg = args[t.index] ?? t.rawName;
      const typed = t.rawName.startsWith('--') ? t.rawName : arg.startsWith('--') ? t.rawName : arg.split('=')[0]!;
      const near = nearest(typed.replace(/^-+/, ''), Object.keys(known));
      const hint = near.length
        ? `; did you mean ${near.map((n) => `--${n}`).join(' or ')}?`
        : `; run "ovfkit ${command.name} --help" for its options (a file name starting with "-" goes after "--": ovfkit ${command.name} -- ${shown(arg)})`;
      throw new UsageError(`unknown option ${shown(typed)} for "ovfkit ${command.name}"${hint}`);
    }
    const name = aliases.find(([old]) => old === t.name)?.[1] ?? t.name;
    if (name !== t.name) warnings.push(`--${t.name} is an old spelling of --${name}; use --${name}`);
    const spelled = given.get(name);
    if (spelled !== undefined && spelled !== t.name) throw new UsageError(`--${name} was given twice, as --${spelled} and --${t.name}; give it once`);
    given.set(name, t.name);
    if (spec.type === 'boolean') {
      if (t.value !== undefined) throw new UsageError(`option ${shown(t.rawName)} takes no value, got ${shown(t.rawName)}=${esc(t.value, 'line')}`);
      values[name] = true;
      continue;
    }
    if (t.value === undefined) throw new UsageError(`option ${shown(t.rawName)} needs a value: ${shown(t.rawName)} <value>`);
    if (!t.inlineValue && t.value.startsWith('-') && t.value !== '-') {
      throw new UsageError(`option ${shown(t.rawName)} needs a value, got the option ${shown(t.value)}; for a value that starts with "-", write ${shown(t.rawName)}=${shown(t.value)}`);
    }
    if (spec.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), t.value];
    else values[name] = t.value;
  }
  return { positionals, values, warnings };
}

/**
 * The message for argv that names no command: the nearest command names (a two-word name compared
 * with the first two words typed), or a pointer to --help.
 * @example unknownCommand(['pars', 'x.ovf'], commands) // 'unknown command "pars"; did you mean "parse"? run "ovfkit --help" for the list'
 */
export function unknownCommand(argv: string[], commands: readonly Pick<Command, 'name'>[]): string {
  const first = argv[0] ?? '';
  const names = commands.map((c) => c.name);
  const group = names.filter((n) => n.startsWith(`${first} `));
  if (group.length) {
    const typed = argv[1];
    const near = typed === undefined || typed.startsWith('-') ? [] : nearest(`${first} ${typed}`, group);
    if (near.length) return `unknown command "${esc(`${first} ${typed}`, 'line')}"; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?`;
    return `${typed === undefined || typed.startsWith('-') ? `"ovfkit ${esc(first, 'line')}" needs a sub-command` : `unknown command "${esc(`${first} ${typed}`, 'line')}"`}: ${group.map((n) => `"${n}"`).join(' or ')}`;
  }
  const twoWords = argv.length > 1 ? nearest(argv.slice(0, 2).join(' '), names.filter((n) => n.includes(' '))) : [];
  const firstWords = [...new Set(names.map((n) => n.split(' ')[0]!))];
  const near = twoWords.length ? twoWords : nearest(first, firstWords).flatMap((w) => names.filter((n) => n === w || n.startsWith(`${w} `)));
  return `unknown command "${esc(first, 'line')}"; ${near.length ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}? ` : ''}run "ovfkit --help" for the list`;
}
