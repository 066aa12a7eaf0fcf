/**
 * Every user-facing validation message of the OVF engine, in one place (STYLE §4): each builder
 * returns a complete {@link OvfIssue} — the vim25 fault, a message a person can act on, and the
 * stable ovfkit `code`, element `path`, `value` seen, what is `allowed`, and the `fix`.
 */
import { escapeControls } from './terminal-text';
import type {
  OvfDuplicateElement, OvfDuplicatedElementBoundary, OvfDuplicatedPropertyIdImport, OvfFault, OvfHostResourceConstraint,
  OvfInvalidValue, OvfInvalidValueConfiguration, OvfInvalidValueEmpty, OvfInvalidValueFormatMalformed,
  OvfInvalidValueReference, OvfIssue, OvfMissingAttribute, OvfMissingElement, OvfMissingElementNormalBoundary,
  OvfPropertyQualifier, OvfPropertyQualifierIgnored, OvfPropertyType, OvfPropertyValue, OvfUnexpectedElement,
  OvfUnsupportedSection, OvfWrongNamespace, OvfXmlFormat, OvfDiskOrderConstraint, OvfNoSupportedHardwareFamily, OvfWrongElement,
  OvfPropertyNetwork, OvfInternalError, OvfUnsupportedElement,
} from './faults';

/** Stable codes of every issue the engine reports; callers may switch on them. */
export type OvfIssueCode =
  | 'XML_MALFORMED' | 'XML_DOCTYPE' | 'XML_TOO_LARGE' | 'XML_TOO_DEEP' | 'XML_TOO_MANY_ELEMENTS' | 'XML_TOO_MANY_ATTRIBUTES' | 'XML_INVALID_UTF8' | 'XML_ENCODING_MISMATCH'
  | 'XML_UNSUPPORTED_ENCODING' | 'NAMESPACE_TOLERATED' | 'WRONG_NAMESPACE' | 'LEGACY_NAMESPACE'
  | 'MISSING_ELEMENT' | 'MISSING_ATTRIBUTE' | 'EMPTY_VALUE' | 'MALFORMED_NUMBER' | 'NUMBER_OUT_OF_RANGE' | 'BAD_UNITS'
  | 'INVALID_VALUE' | 'POPULATED_SIZE_EXCEEDS_CAPACITY'
  | 'DUPLICATE_FILE_ID' | 'DUPLICATE_FILE_HREF' | 'DUPLICATE_DISK_ID' | 'DUPLICATE_NETWORK' | 'DUPLICATE_CONFIGURATION'
  | 'DUPLICATE_CONTENT_ID' | 'DUPLICATE_INSTANCE_ID' | 'DUPLICATE_SECTION' | 'DUPLICATE_PROPERTY' | 'DUPLICATE_PRODUCT_SECTION'
  | 'DANGLING_FILE_REF' | 'DANGLING_PARENT_REF' | 'DANGLING_STRINGS_FILE_REF' | 'DANGLING_ICON_FILE_REF'
  | 'DANGLING_CONNECTION' | 'DANGLING_PARENT' | 'DANGLING_HOST_RESOURCE' | 'DANGLING_STARTUP_ID' | 'DANGLING_CAPACITY_PROPERTY'
  | 'REFERENCE_CYCLE' | 'UNKNOWN_CONFIGURATION' | 'MULTIPLE_DEFAULT_CONFIGURATIONS' | 'UNKNOWN_DEPLOYMENT_OPTION'
  | 'UNSUPPORTED_SECTION' | 'UNSUPPORTED_ELEMENT' | 'UNEXPECTED_ELEMENT' | 'MISPLACED_SECTION' | 'LEGACY_ELEMENT_NAME'
  | 'MISSING_NORMAL_BOUND' | 'DUPLICATE_BOUND' | 'INVALID_BOUND'
  | 'PROPERTY_KEY_INVALID' | 'PROPERTY_TYPE' | 'PROPERTY_QUALIFIER' | 'PROPERTY_QUALIFIER_IGNORED' | 'PROPERTY_VALUE'
  | 'PROPERTY_NETWORK' | 'DISK_ORDER' | 'NO_VIRTUAL_HARDWARE' | 'NO_HARDWARE_FAMILY' | 'INTERNAL';

/** Where an issue was found. */
export interface At {
  line: number;
  column: number;
  path?: string;
}

interface Extras {
  value?: string;
  allowed?: string;
  fix?: string;
}

function make<F extends OvfFault>(code: OvfIssueCode, fault: F, localizedMessage: string, at: At | undefined, extras: Extras = {}): OvfIssue<F> {
  const issue: OvfIssue<F> = { fault, localizedMessage, code };
  if (at?.path !== undefined) issue.path = at.path;
  if (extras.value !== undefined) issue.value = extras.value;
  if (extras.allowed !== undefined) issue.allowed = extras.allowed;
  if (extras.fix !== undefined) issue.fix = extras.fix;
  if (at) {
    issue.line = at.line;
    issue.column = at.column;
  }
  return issue;
}

/** Quotes a value for a message, cut to a readable length and with its controls escaped (values can be hostile and huge). */
export function q(value: string): string {
  const v = value.length > 160 ? `${value.slice(0, 157)}...` : value;
  return `"${escapeControls(v)}"`;
}

/** A short "one of" list for `allowed`. */
export function oneOf(values: readonly string[], max = 12): string {
  if (values.length === 0) return '(none declared)';
  const shown = values.slice(0, max).map(q).join(', ');
  return values.length > max ? `${shown}, … (${values.length} in all)` : shown;
}

const MB = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MiB`;

export const issues = {
  /** A defect in ovfkit itself, reported instead of thrown (the vim25 internal fault). */
  internal(stage: string, e: unknown): OvfIssue<OvfInternalError> {
    return make('INTERNAL', { _typeName: 'OvfInternalError' },
      `ovfkit could not ${stage} the descriptor: ${String((e as Error)?.message ?? e)} (this is a bug in ovfkit; please report it with the descriptor)`, undefined);
  },
  xmlFormat(description: string, line: number, column: number): OvfIssue<OvfXmlFormat> {
    return make('XML_MALFORMED', { _typeName: 'OvfXmlFormat', lineNumber: line, description },
      `The descriptor is not well-formed XML (line ${line}, column ${column}): ${description}`,
      { line, column }, { fix: 'Repair the XML at that position; an OVF descriptor must be a well-formed XML document.' });
  },
  xmlDoctype(line: number, column: number): OvfIssue<OvfXmlFormat> {
    return make('XML_DOCTYPE', { _typeName: 'OvfXmlFormat', lineNumber: line, description: 'DOCTYPE declarations are not allowed' },
      `The descriptor contains a DOCTYPE declaration (line ${line}); OVF descriptors must not declare a DTD or entities, and ovfkit does not expand them`,
      { line, column }, { fix: 'Remove the <!DOCTYPE …> declaration and any entity references.' });
  },
  xmlTooLarge(size: number, max: number): OvfIssue<OvfXmlFormat> {
    return make('XML_TOO_LARGE', { _typeName: 'OvfXmlFormat', lineNumber: 0, description: `descriptor too large (${size} > ${max} characters)` },
      `The descriptor is ${MB(size)}, over the ${MB(max)} limit for a descriptor`, undefined,
      { value: String(size), allowed: `at most ${max} characters`, fix: 'Check that the file is really an OVF descriptor (not a disk image or an OVA).' });
  },
  xmlTooDeep(max: number, line: number, column: number): OvfIssue<OvfXmlFormat> {
    return make('XML_TOO_DEEP', { _typeName: 'OvfXmlFormat', lineNumber: line, description: `elements nested deeper than ${max} levels` },
      `Elements are nested deeper than ${max} levels at line ${line}; no real descriptor needs that`, { line, column },
      { allowed: `at most ${max} levels`, fix: 'Flatten the document; nested VirtualSystemCollections rarely go beyond a few levels.' });
  },
  xmlTooManyElements(max: number, line: number, column: number): OvfIssue<OvfXmlFormat> {
    return make('XML_TOO_MANY_ELEMENTS', { _typeName: 'OvfXmlFormat', lineNumber: line, description: `more than ${max} elements` },
      `The descriptor has more than ${max} elements (the one past the limit is at line ${line}, column ${column}); no real descriptor needs that many`, { line, column },
      { allowed: `at most ${max} elements`, fix: 'Check that the file is really an OVF descriptor; a virtual machine has at most a few hundred hardware Items.' });
  },
  /** Too many attributes on one element (`perElement`) or in the whole descriptor. */
  xmlTooManyAttributes(max: number, perElement: boolean, line: number, column: number): OvfIssue<OvfXmlFormat> {
    const bound = perElement ? `${max} attributes on one element` : `${max} attributes in the descriptor`;
    return make('XML_TOO_MANY_ATTRIBUTES', { _typeName: 'OvfXmlFormat', lineNumber: line, description: `more than ${bound}` },
      `The descriptor has more than ${bound} (at the element at line ${line}, column ${column}); no real descriptor needs that many`, { line, column },
      { allowed: `at most ${bound}`, fix: 'Check that the file is really an OVF descriptor; OVF elements carry a handful of attributes each.' });
  },
  invalidUtf8(offset: number, line: number, column: number): OvfIssue<OvfXmlFormat> {
    return make('XML_INVALID_UTF8', { _typeName: 'OvfXmlFormat', lineNumber: line, description: `invalid UTF-8 byte sequence at byte ${offset}` },
      `The descriptor is not valid UTF-8: the byte sequence at offset ${offset} (line ${line}, column ${column}) cannot be decoded`,
      { line, column }, { fix: 'Save the descriptor as UTF-8, or declare its real encoding in the XML declaration.' });
  },
  encodingMismatch(declared: string): OvfIssue<OvfXmlFormat> {
    return make('XML_ENCODING_MISMATCH', { _typeName: 'OvfXmlFormat', lineNumber: 1, description: `declares encoding ${declared} but has no byte order mark` },
      `The XML declaration says encoding="${declared}" but the bytes have no UTF-16 byte order mark and read as UTF-8; read as UTF-8`,
      { line: 1, column: 1 }, { value: declared, allowed: 'an encoding matching the bytes', fix: 'Change the declaration to encoding="UTF-8" (XenCenter writes this mismatch).' });
  },
  unsupportedEncoding(declared: string): OvfIssue<OvfXmlFormat> {
    return make('XML_UNSUPPORTED_ENCODING', { _typeName: 'OvfXmlFormat', lineNumber: 1, description: `unsupported encoding ${declared}` },
      `The descriptor declares encoding ${q(declared)}, which ovfkit does not read`, { line: 1, column: 1 },
      { value: declared, allowed: 'UTF-8, UTF-16 (with BOM), ISO-8859-1', fix: 'Convert the descriptor to UTF-8.' });
  },
  namespaceTolerated(raw: string, canonical: string, line: number, column: number): OvfIssue<OvfWrongNamespace> {
    return make('NAMESPACE_TOLERATED', { _typeName: 'OvfWrongNamespace', lineNumber: line, namespaceName: raw },
      `Namespace URI ${q(raw)} is not a DMTF URI; read as ${q(canonical)}`, { line, column },
      { value: raw, allowed: canonical, fix: `Declare the namespace as ${canonical}.` });
  },
  wrongNamespace(at: At, uri: string, local: string): OvfIssue<OvfWrongNamespace> {
    return make('WRONG_NAMESPACE', { _typeName: 'OvfWrongNamespace', lineNumber: at.line, namespaceName: uri },
      local === 'Envelope'
        ? `The root Envelope is in namespace ${q(uri)}, which is not an OVF envelope namespace`
        : `The root element is <${local}> in namespace ${q(uri)}; an OVF descriptor's root is Envelope`,
      at, { value: uri, allowed: 'http://schemas.dmtf.org/ovf/envelope/1 or http://schemas.dmtf.org/ovf/envelope/2', fix: 'Use an OVF 1.x or 2.x envelope namespace (and check this really is an OVF descriptor).' });
  },
  legacyNamespace(at: At, uri: string): OvfIssue<OvfWrongNamespace> {
    return make('LEGACY_NAMESPACE', { _typeName: 'OvfWrongNamespace', lineNumber: at.line, namespaceName: uri },
      `The descriptor uses the pre-standard OVF 0.9 namespace ${q(uri)}; it is read tolerantly`, at,
      { value: uri, allowed: 'http://schemas.dmtf.org/ovf/envelope/1', fix: 'Re-export the appliance as OVF 1.x (ovftool does this).' });
  },
  missingElement(at: At, parent: string, name: string, fix?: string): OvfIssue<OvfMissingElement> {
    return make('MISSING_ELEMENT', { _typeName: 'OvfMissingElement', lineNumber: at.line, name },
      `${parent} has no ${name} element`, at, { fix: fix ?? `Add a ${name} element to ${parent}.` });
  },
  missingAttribute(at: At, elementName: string, attributeName: string, fix?: string): OvfIssue<OvfMissingAttribute> {
    return make('MISSING_ATTRIBUTE', { _typeName: 'OvfMissingAttribute', lineNumber: at.line, elementName, attributeName },
      `${elementName} has no ${attributeName} attribute, which is required`, at, { fix: fix ?? `Add ${attributeName}="…" to ${elementName}.` });
  },
  emptyValue(at: At, elementName: string, attributeName: string): OvfIssue<OvfInvalidValueEmpty> {
    return make('EMPTY_VALUE', { _typeName: 'OvfInvalidValueEmpty', lineNumber: at.line, elementName, attributeName, value: '' },
      `${elementName} ${attributeName} is empty`, at, { value: '', allowed: 'a non-empty value', fix: `Give ${attributeName} a value.` });
  },
  malformedNumber(at: At, elementName: string, attributeName: string, value: string, allowed: string): OvfIssue<OvfInvalidValueFormatMalformed> {
    return make('MALFORMED_NUMBER', { _typeName: 'OvfInvalidValueFormatMalformed', lineNumber: at.line, elementName, attributeName, value },
      `${elementName} ${attributeName} is ${q(value)}, which is not ${allowed}`, at,
      { value, allowed, fix: `Write ${attributeName} as ${allowed}.` });
  },
  numberOutOfRange(at: At, elementName: string, attributeName: string, value: string, allowed: string): OvfIssue<OvfInvalidValue> {
    return make('NUMBER_OUT_OF_RANGE', { _typeName: 'OvfInvalidValue', lineNumber: at.line, elementName, attributeName, value },
      `${elementName} ${attributeName} is ${q(value)}, outside the allowed range (${allowed})`, at,
      { value, allowed, fix: `Give ${attributeName} a value in ${allowed}.` });
  },
  badUnits(at: At, elementName: string, attributeName: string, value: string): OvfIssue<OvfInvalidValue> {
    return make('BAD_UNITS', { _typeName: 'OvfInvalidValue', lineNumber: at.line, elementName, attributeName, value },
      `${elementName} ${attributeName} is ${q(value)}, which is not a byte unit ovfkit understands`, at,
      { value, allowed: 'byte, kilobyte, megabyte, gigabyte, "byte * 2^N", "byte * 1024"…', fix: 'Use a DSP0004 programmatic unit such as "byte * 2^30".' });
  },
  invalidValue(at: At, elementName: string, attributeName: string, value: string, allowed: string, why: string): OvfIssue<OvfInvalidValue> {
    return make('INVALID_VALUE', { _typeName: 'OvfInvalidValue', lineNumber: at.line, elementName, attributeName, value },
      `${elementName} ${attributeName} is ${q(value)}: ${why}`, at, { value, allowed, fix: `Use ${allowed}.` });
  },
  populatedExceedsCapacity(at: At, diskId: string, populated: number, capacityBytes: number): OvfIssue<OvfInvalidValue> {
    return make('POPULATED_SIZE_EXCEEDS_CAPACITY', { _typeName: 'OvfInvalidValue', lineNumber: at.line, elementName: 'Disk', attributeName: 'ovf:populatedSize', value: String(populated) },
      `Disk ${q(diskId)} has populatedSize ${populated} bytes, more than its capacity of ${capacityBytes} bytes`, at,
      { value: String(populated), allowed: `at most ${capacityBytes}`, fix: 'Correct ovf:populatedSize (the bytes actually used) or ovf:capacity.' });
  },
  duplicate(code: OvfIssueCode, at: At, name: string, what: string, value: string, firstLine: number): OvfIssue<OvfDuplicateElement> {
    return make(code, { _typeName: 'OvfDuplicateElement', lineNumber: at.line, name },
      `${name} ${what} ${q(value)} is already used at line ${firstLine}`, at,
      { value, allowed: `a ${what} not used elsewhere`, fix: `Give each ${name} a unique ${what}.` });
  },
  duplicateSection(at: At, name: string, parent: string, firstLine: number): OvfIssue<OvfDuplicateElement> {
    return make('DUPLICATE_SECTION', { _typeName: 'OvfDuplicateElement', lineNumber: at.line, name },
      `${parent} has a second ${name} (the first is at line ${firstLine}); at most one is allowed`, at,
      { fix: `Merge the two ${name}s into one.` });
  },
  duplicateProperty(at: At, fqid: string, firstLine: number): OvfIssue<OvfDuplicatedPropertyIdImport> {
    return make('DUPLICATE_PROPERTY', { _typeName: 'OvfDuplicatedPropertyIdImport', fqid },
      `Property ${q(fqid)} is already declared at line ${firstLine}; property ids must be unique`, at,
      { value: fqid, fix: 'Rename one of the properties, or give their ProductSections different ovf:class/ovf:instance.' });
  },
  danglingReference(code: OvfIssueCode, at: At, elementName: string, attributeName: string, value: string, targetKind: string, known: readonly string[]): OvfIssue<OvfInvalidValueReference> {
    return make(code, { _typeName: 'OvfInvalidValueReference', lineNumber: at.line, elementName, attributeName, value },
      `${elementName} ${attributeName} refers to ${targetKind} ${q(value)}, which is not declared`, at,
      { value, allowed: oneOf(known), fix: `Point ${attributeName} at an existing ${targetKind}, or declare ${q(value)}.` });
  },
  hostResource(at: At, value: string, known: readonly string[]): OvfIssue<OvfHostResourceConstraint> {
    return make('DANGLING_HOST_RESOURCE', { _typeName: 'OvfHostResourceConstraint', lineNumber: at.line, name: 'HostResource', value },
      `HostResource ${q(value)} names no Disk in DiskSection and no File in References`, at,
      { value, allowed: known.length ? oneOf(known) : 'ovf:/disk/<diskId> or ovf:/file/<fileId> of a declared Disk/File', fix: 'Declare the disk/file, or correct the HostResource.' });
  },
  referenceCycle(at: At, elementName: string, attributeName: string, chain: readonly string[]): OvfIssue<OvfInvalidValueReference> {
    return make('REFERENCE_CYCLE', { _typeName: 'OvfInvalidValueReference', lineNumber: at.line, elementName, attributeName, value: chain[0] ?? '' },
      `${elementName} ${attributeName} references form a cycle: ${chain.map(q).join(' → ')}`, at,
      { value: chain.join(' → '), allowed: 'a chain that ends', fix: `Break the cycle: one ${elementName} must not have ${attributeName}.` });
  },
  unknownConfiguration(at: At, elementName: string, value: string, known: readonly string[]): OvfIssue<OvfInvalidValueConfiguration> {
    return make('UNKNOWN_CONFIGURATION', { _typeName: 'OvfInvalidValueConfiguration', lineNumber: at.line, elementName, attributeName: 'ovf:configuration', value },
      `${elementName} ovf:configuration names ${q(value)}, which is not a Configuration in DeploymentOptionSection`, at,
      { value, allowed: oneOf(known), fix: 'Use the ovf:id of a declared Configuration, or add that Configuration.' });
  },
  multipleDefaults(at: At, ids: readonly string[]): OvfIssue<OvfInvalidValueConfiguration> {
    return make('MULTIPLE_DEFAULT_CONFIGURATIONS', { _typeName: 'OvfInvalidValueConfiguration', lineNumber: at.line, elementName: 'Configuration', attributeName: 'ovf:default', value: ids.join(' ') },
      `More than one Configuration has ovf:default="true": ${ids.map(q).join(', ')}; the first is used`, at,
      { value: ids.join(' '), allowed: 'one default', fix: 'Keep ovf:default="true" on one Configuration only.' });
  },
  unknownDeploymentOption(value: string, known: readonly string[]): OvfIssue<OvfInvalidValueConfiguration> {
    return make('UNKNOWN_DEPLOYMENT_OPTION', { _typeName: 'OvfInvalidValueConfiguration', lineNumber: 0, elementName: 'DeploymentOptionSection', attributeName: 'deploymentOption', value },
      known.length
        ? `Deployment option ${q(value)} is not offered by this descriptor`
        : `Deployment option ${q(value)} was requested but the descriptor has no DeploymentOptionSection`,
      undefined, { value, allowed: oneOf(known), fix: known.length ? `Choose one of ${oneOf(known)}.` : 'Leave the deployment option empty.' });
  },
  unsupportedSection(at: At, name: string, info: string): OvfIssue<OvfUnsupportedSection> {
    return make('UNSUPPORTED_SECTION', { _typeName: 'OvfUnsupportedSection', lineNumber: at.line, name, info },
      `Section ${name} is required (ovf:required is not "false") but is not understood by this consumer`, at,
      { value: name, fix: 'Remove the section, or mark it ovf:required="false" if the appliance works without it.' });
  },
  unsupportedElement(at: At, name: string): OvfIssue<OvfUnsupportedElement> {
    return make('UNSUPPORTED_ELEMENT', { _typeName: 'OvfUnsupportedElement', lineNumber: at.line, name },
      `Item element <${name}> is required (ovf:required is not "false") but is not a RASD element this consumer understands`, at,
      { value: name, fix: 'Remove the element, or mark it ovf:required="false" if the device works without it.' });
  },
  legacyElementName(at: At, written: string, standard: string): OvfIssue<OvfWrongElement> {
    return make('LEGACY_ELEMENT_NAME', { _typeName: 'OvfWrongElement', lineNumber: at.line, name: written },
      `<${written}> is the legacy spelling of <${standard}>; it is read as ${standard}`, at,
      { value: written, allowed: standard, fix: `Rename it to ${standard}.` });
  },
  unexpectedElement(at: At, name: string, parent: string): OvfIssue<OvfUnexpectedElement> {
    return make('UNEXPECTED_ELEMENT', { _typeName: 'OvfUnexpectedElement', lineNumber: at.line, name },
      `<${name}> is not an OVF element allowed in ${parent}; it is ignored`, at,
      { value: name, fix: 'Remove it, or move extensions to their own (non-OVF) namespace.' });
  },
  misplacedSection(at: At, name: string, parent: string, allowedIn: string): OvfIssue<OvfWrongElement> {
    return make('MISPLACED_SECTION', { _typeName: 'OvfWrongElement', lineNumber: at.line, name },
      `${name} appears in ${parent}, but DSP0243 allows it only in ${allowedIn}; it is ignored there`, at,
      { value: name, allowed: allowedIn, fix: `Move the ${name} to ${allowedIn}.` });
  },
  missingNormalBound(at: At, instanceId: string, bounds: readonly string[]): OvfIssue<OvfMissingElementNormalBoundary> {
    return make('MISSING_NORMAL_BOUND', { _typeName: 'OvfMissingElementNormalBoundary', lineNumber: at.line, name: 'Item', boundary: bounds.join(',') },
      `Item InstanceID ${q(instanceId)} gives a ${bounds.join('/')} bound but no ovf:bound="normal" value`, at,
      { value: bounds.join(','), allowed: 'min/max together with normal', fix: 'Add the Item with ovf:bound="normal" (the value to deploy).' });
  },
  duplicateBound(at: At, instanceId: string, bound: string, firstLine: number): OvfIssue<OvfDuplicatedElementBoundary> {
    return make('DUPLICATE_BOUND', { _typeName: 'OvfDuplicatedElementBoundary', lineNumber: at.line, name: 'Item', boundary: bound },
      `Item InstanceID ${q(instanceId)} has ovf:bound=${q(bound)} twice (first at line ${firstLine})`, at,
      { value: bound, fix: 'Keep one Item per bound.' });
  },
  invalidBound(at: At, value: string): OvfIssue<OvfInvalidValue> {
    return make('INVALID_BOUND', { _typeName: 'OvfInvalidValue', lineNumber: at.line, elementName: 'Item', attributeName: 'ovf:bound', value },
      `Item ovf:bound is ${q(value)}`, at, { value, allowed: '"min", "max" or "normal"', fix: 'Use min, max or normal.' });
  },
  /** One per ProductSection: vSphere accepts such keys (its own appliances use them), DSP0243 does not. */
  propertyKeyInvalid(at: At, key: string, count: number): OvfIssue<OvfInvalidValue> {
    return make('PROPERTY_KEY_INVALID', { _typeName: 'OvfInvalidValue', lineNumber: at.line, elementName: 'Property', attributeName: 'ovf:key', value: key },
      count === 1
        ? `Property key ${q(key)} contains a period or colon, which DSP0243 §9.5.1 forbids (the full id is [class.]key[.instance]); vSphere accepts it`
        : `${count} property keys of this ProductSection contain a period or colon, e.g. ${q(key)}, which DSP0243 §9.5.1 forbids; vSphere accepts them`, at,
      { value: key, allowed: 'a key without "." or ":"', fix: 'Rename the key (e.g. with "_"), or move the prefix to ProductSection ovf:class.' });
  },
  propertyType(at: At, key: string, type: string, value: string): OvfIssue<OvfPropertyType> {
    return make('PROPERTY_TYPE', { _typeName: 'OvfPropertyType', lineNumber: at.line, type, value },
      `Property ${q(key)} has ovf:type ${q(type)}, which is not a CIM type OVF allows`, at,
      { value: type, allowed: 'string, boolean, uint8…uint64, sint8…sint64, real32, real64', fix: 'Use one of the OVF property types.' });
  },
  propertyQualifier(at: At, key: string, type: string, value: string, qualifier: string, why: string): OvfIssue<OvfPropertyQualifier> {
    return make('PROPERTY_QUALIFIER', { _typeName: 'OvfPropertyQualifier', lineNumber: at.line, type, value, qualifier },
      `Property ${q(key)} qualifier ${q(qualifier)}: ${why}`, at,
      { value: qualifier, allowed: 'MinLen(n), MaxLen(n), MinValue(n), MaxValue(n), ValueMap{"a","b"}, Ip, Ip("net")…', fix: 'Correct the qualifier syntax.' });
  },
  propertyQualifierIgnored(at: At, key: string, type: string, value: string, qualifier: string): OvfIssue<OvfPropertyQualifierIgnored> {
    return make('PROPERTY_QUALIFIER_IGNORED', { _typeName: 'OvfPropertyQualifierIgnored', lineNumber: at.line, type, value, qualifier },
      `Property ${q(key)} qualifier ${q(qualifier)} is not known and is ignored`, at,
      { value: qualifier, fix: 'Remove the qualifier, or use one vSphere understands.' });
  },
  propertyValue(at: At, key: string, type: string, value: string, why: string): OvfIssue<OvfPropertyValue> {
    return make('PROPERTY_VALUE', { _typeName: 'OvfPropertyValue', lineNumber: at.line, type, value },
      `Property ${q(key)} default value ${q(value)} ${why}`, at,
      { value, allowed: type, fix: 'Make the default value match the property type and qualifiers.' });
  },
  propertyNetwork(at: At, key: string, type: string, network: string, known: readonly string[]): OvfIssue<OvfPropertyNetwork> {
    return make('PROPERTY_NETWORK', { _typeName: 'OvfPropertyNetwork', lineNumber: at.line, type, value: network },
      `Property ${q(key)} refers to network ${q(network)}, which NetworkSection does not declare`, at,
      { value: network, allowed: oneOf(known), fix: 'Name a network declared in NetworkSection.' });
  },
  diskOrder(at: At, diskId: string): OvfIssue<OvfDiskOrderConstraint> {
    return make('DISK_ORDER', { _typeName: 'OvfDiskOrderConstraint', lineNumber: at.line, name: diskId },
      `Disk ${q(diskId)} is not in the same order as its File in References; vSphere expects the orders to match`, at,
      { value: diskId, fix: 'List the Disks in the order of their Files.' });
  },
  noVirtualHardware(at: At, vsId: string): OvfIssue<OvfMissingElement> {
    return make('NO_VIRTUAL_HARDWARE', { _typeName: 'OvfMissingElement', lineNumber: at.line, name: 'VirtualHardwareSection' },
      `VirtualSystem ${q(vsId)} has no VirtualHardwareSection`, at,
      { fix: 'Add a VirtualHardwareSection describing the VM (System, CPU, memory, disks…).' });
  },
  noHardwareFamily(at: At, version: string): OvfIssue<OvfNoSupportedHardwareFamily> {
    return make('NO_HARDWARE_FAMILY', { _typeName: 'OvfNoSupportedHardwareFamily', lineNumber: at.line, version },
      `VirtualSystemType ${q(version)} names no vmx-NN hardware family`, at,
      { value: version, allowed: 'vmx-04 … vmx-21', fix: 'Add a vmx-NN family to vssd:VirtualSystemType.' });
  },
};
