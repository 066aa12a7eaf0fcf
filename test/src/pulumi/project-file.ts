/**
 * The checks the Pulumi CLI applies when it loads a `Pulumi.yaml` (`workspace.LoadProject`), so a
 * test can hold every project file of this repository to them without the CLI (which cannot be
 * installed here). Two stages, as in pulumi/pulumi `sdk/go/common/workspace`:
 *
 * 1. the project schema `project.json` (JSON Schema 2020-12), applied to the parsed YAML as a map
 *    (`ValidateProject`): written out below rule by rule, each one the schema's;
 * 2. `Project.Validate()` in `project.go`: name and runtime present; a config key cannot have both
 *    `default` and `value`; a key of this project (no `:`, or `<project>:`) that declares
 *    `type: array` needs `items`, and its `default` must be of its type; a key of another
 *    namespace (`ovfkit:server`) must not declare a `type` or a `default` and must give a `value`.
 *    Its messages are reproduced word for word.
 *
 * Read from pulumi/pulumi master (project.json at 5351d868, project.go at 73a66f48); an older
 * schema required `type` on every typed declaration and had no `value`, which this follows not.
 */
import * as yaml from 'js-yaml';

/** One finding: where in the file (a JSON pointer) and what is wrong. */
export interface ProjectFinding {
  at: string;
  message: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInteger = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);
const SIMPLE_CONFIG_TYPES = ['string', 'integer', 'boolean', 'array'] as const;
const OPTIONAL_TEXT = ['description', 'author', 'website', 'license', 'main', 'stackConfigDir'] as const;
const CONFIG_DECLARATION_KEYS = ['type', 'items', 'description', 'secret', 'default', 'value'];

/** `configItemsType`: `{ type, items }`, `type` a simple type or (recursively) an items type; `array` needs `items`. */
function itemsTypeFindings(v: unknown, at: string): ProjectFinding[] {
  if (!isObject(v)) return [{ at, message: 'must be an object with a "type"' }];
  const f: ProjectFinding[] = [];
  if (!('type' in v)) f.push({ at, message: 'is missing "type"' });
  else if (!(typeof v['type'] === 'string' && (SIMPLE_CONFIG_TYPES as readonly string[]).includes(v['type'])) && itemsTypeFindings(v['type'], `${at}/type`).length > 0) {
    f.push({ at: `${at}/type`, message: `must be one of ${SIMPLE_CONFIG_TYPES.join(', ')}` });
  }
  if ('items' in v) f.push(...itemsTypeFindings(v['items'], `${at}/items`));
  if (v['type'] === 'array' && !('items' in v)) f.push({ at, message: 'declares type array and is missing "items"' });
  return f;
}

/** One entry of `config`: a string, integer, boolean or array value, or a `configTypeDeclaration`. */
function configEntryFindings(key: string, v: unknown, at: string): ProjectFinding[] {
  if (key === 'secret' && typeof v !== 'boolean') return [{ at, message: 'the schema declares config "secret" a boolean' }];
  if (typeof v === 'string' || isInteger(v) || typeof v === 'boolean' || Array.isArray(v)) return [];
  if (!isObject(v)) return [{ at, message: 'must be a string, an integer, a boolean, an array or a config declaration object' }];
  const f: ProjectFinding[] = [];
  for (const k of Object.keys(v)) {
    if (!CONFIG_DECLARATION_KEYS.includes(k)) f.push({ at: `${at}/${k}`, message: `is not allowed in a config declaration (allowed: ${CONFIG_DECLARATION_KEYS.join(', ')})` });
  }
  if ('type' in v && !(typeof v['type'] === 'string' && (SIMPLE_CONFIG_TYPES as readonly string[]).includes(v['type']))) {
    f.push({ at: `${at}/type`, message: `must be one of ${SIMPLE_CONFIG_TYPES.join(', ')}` });
  }
  if ('items' in v) f.push(...itemsTypeFindings(v['items'], `${at}/items`));
  if ('description' in v && typeof v['description'] !== 'string') f.push({ at: `${at}/description`, message: 'must be a string' });
  if ('secret' in v && typeof v['secret'] !== 'boolean') f.push({ at: `${at}/secret`, message: 'must be a boolean' });
  return f;
}

/** `plugins.providers|analyzers|languages`: arrays of `{ name, path, version }` strings. */
function pluginFindings(v: unknown, at: string): ProjectFinding[] {
  if (!isObject(v)) return [{ at, message: 'must be an object' }];
  const f: ProjectFinding[] = [];
  for (const kind of ['providers', 'analyzers', 'languages']) {
    if (!(kind in v)) continue;
    const list = v[kind];
    if (!Array.isArray(list)) { f.push({ at: `${at}/${kind}`, message: 'must be an array' }); continue; }
    list.forEach((p, i) => {
      if (!isObject(p)) { f.push({ at: `${at}/${kind}/${i}`, message: 'must be an object' }); return; }
      for (const k of ['name', 'path', 'version']) if (k in p && typeof p[k] !== 'string') f.push({ at: `${at}/${kind}/${i}/${k}`, message: 'must be a string' });
    });
  }
  return f;
}

/** Stage 1: the project schema, over the document as parsed. */
export function schemaFindings(doc: unknown): ProjectFinding[] {
  if (!isObject(doc)) return [{ at: '', message: 'a project file must be a mapping' }];
  const f: ProjectFinding[] = [];
  for (const k of ['name', 'runtime']) if (!(k in doc)) f.push({ at: '', message: `is missing "${k}"` });
  if ('name' in doc && !(typeof doc['name'] === 'string' && doc['name'].length >= 1)) f.push({ at: '/name', message: 'must be a non-empty string' });
  for (const k of OPTIONAL_TEXT) if (k in doc && doc[k] !== null && typeof doc[k] !== 'string') f.push({ at: `/${k}`, message: 'must be a string or null' });
  if ('runtime' in doc) {
    const r = doc['runtime'];
    if (typeof r === 'string') { if (r.length < 1) f.push({ at: '/runtime', message: 'must be a non-empty string' }); }
    else if (isObject(r)) {
      for (const k of Object.keys(r)) if (k !== 'name' && k !== 'options') f.push({ at: `/runtime/${k}`, message: 'is not allowed (allowed: name, options)' });
      if ('name' in r && !(typeof r['name'] === 'string' && r['name'].length >= 1)) f.push({ at: '/runtime/name', message: 'must be a non-empty string' });
      if ('options' in r && !isObject(r['options'])) f.push({ at: '/runtime/options', message: 'must be an object' });
    } else f.push({ at: '/runtime', message: 'must be a runtime name or { name, options }' });
  }
  if ('config' in doc) {
    const c = doc['config'];
    if (isObject(c)) for (const [k, v] of Object.entries(c)) f.push(...configEntryFindings(k, v, `/config/${k}`));
    else if (c !== null && typeof c !== 'string') f.push({ at: '/config', message: 'must be an object, a string or null' });
  }
  const closedObject = (key: string, allowed: Record<string, (v: unknown) => boolean>): void => {
    if (!(key in doc) || doc[key] === null) return;
    const o = doc[key];
    if (!isObject(o)) { f.push({ at: `/${key}`, message: 'must be an object or null' }); return; }
    for (const [k, v] of Object.entries(o)) {
      const ok = allowed[k];
      if (!ok) f.push({ at: `/${key}/${k}`, message: `is not allowed (allowed: ${Object.keys(allowed).join(', ')})` });
      else if (!ok(v)) f.push({ at: `/${key}/${k}`, message: 'has the wrong type' });
    }
  };
  const textOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
  closedObject('backend', { url: (v) => typeof v === 'string' });
  closedObject('options', { refresh: (v) => v === 'always' });
  closedObject('template', {
    description: textOrNull, quickstart: textOrNull, important: (v) => v === null || typeof v === 'boolean',
    config: (v) => v === null || (isObject(v) && Object.values(v).every((e) => !isObject(e) || ((e['description'] === undefined || textOrNull(e['description'])) && (e['secret'] === undefined || e['secret'] === null || typeof e['secret'] === 'boolean')))),
  });
  if ('plugins' in doc) f.push(...pluginFindings(doc['plugins'], '/plugins'));
  return f;
}

/** `ValidateConfigValue`: a default of the declared type (YAML whole floats and integer strings count as integers). */
function valueOfType(type: string, items: unknown, value: unknown): boolean {
  if (type === 'string') return typeof value === 'string';
  if (type === 'integer') return isInteger(value) || (typeof value === 'string' && /^[+-]?\d+$/.test(value));
  if (type === 'boolean') return typeof value === 'boolean' || value === 'true' || value === 'false';
  if (!Array.isArray(value) || !isObject(items)) return false;
  return value.every((v) => valueOfType(String(items['type']), items['items'], v));
}

/** Stage 2: `Project.Validate()`, one message per config key in key order (Go reports the first it meets). */
export function validateFindings(doc: Record<string, Json>): ProjectFinding[] {
  if (typeof doc['name'] !== 'string' || doc['name'] === '') return [{ at: '/name', message: "project is missing a 'name' attribute" }];
  const runtime = doc['runtime'];
  const runtimeName = typeof runtime === 'string' ? runtime : isObject(runtime) && typeof runtime['name'] === 'string' ? runtime['name'] : '';
  if (runtimeName === '') return [{ at: '/runtime', message: "project is missing a 'runtime' attribute" }];
  const project = doc['name'];
  const config = isObject(doc['config']) ? doc['config'] : {};
  const f: ProjectFinding[] = [];
  for (const key of Object.keys(config).sort()) {
    const raw = config[key];
    // A plain value is `{ value: <it> }` (ProjectConfigType's YAML unmarshaling).
    const decl: Record<string, Json> = isObject(raw) ? raw : { value: raw ?? null };
    const at = `/config/${key}`;
    const typed = decl['type'] !== undefined;
    const type = typed ? String(decl['type']) : 'string';
    if (decl['default'] !== undefined && decl['value'] !== undefined) { f.push({ at, message: `project config '${key}' cannot have both a 'default' and 'value' attribute` }); continue; }
    const ownKey = !key.includes(':') || key.startsWith(`${project}:`);
    if (ownKey) {
      if (typed && type === 'array' && decl['items'] === undefined) f.push({ at, message: `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute` });
      else if (typed && decl['default'] !== undefined && !valueOfType(type, decl['items'], decl['default'])) {
        const full = (t: string, items: unknown): string => (isObject(items) ? `array<${full(String(items['type']), items['items'])}>` : t);
        f.push({ at, message: `The default value specified for configuration key '${key}' is not of the expected type '${full(type, decl['items'])}'` });
      }
    } else if (typed) f.push({ at, message: `Configuration key '${key}' is not namespaced by the project and should not define a type` });
    else if (decl['default'] !== undefined) f.push({ at, message: `Configuration key '${key}' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?` });
    else if (decl['value'] === undefined) f.push({ at, message: `Configuration key '${key}' is namespaced and must provide an attribute 'value'` });
  }
  return f;
}

/**
 * Everything the CLI would refuse in a `Pulumi.yaml` text: YAML errors, schema findings, then
 * (when the schema passed, as LoadProject stops there) `Project.Validate()`'s.
 * @example
 * checkProjectFile('name: x\nruntime: nodejs\nconfig:\n  ovfkit:server:\n    description: vCenter\n')
 * // [{ at: '/config/ovfkit:server', message: "Configuration key 'ovfkit:server' is namespaced and must provide an attribute 'value'" }]
 */
export function checkProjectFile(text: string): ProjectFinding[] {
  let doc: unknown;
  try {
    doc = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch (e) {
    return [{ at: '', message: `not YAML: ${(e as Error).message}` }];
  }
  const schema = schemaFindings(doc);
  if (schema.length > 0 || !isObject(doc)) return schema;
  return validateFindings(doc);
}
