import { OvfkitError } from '@ovfkit/core';
import { isSubtype } from './schema';
import type { DataObject } from './codec';

/**
 * Parents of the vim25 runtime faults ovfkit meets, so callers can ask "is this an InvalidState?"
 * about a subclass. Faults not listed here fall back to the schema table, then to MethodFault.
 * @see vim25-soap-wire.md §7
 */
const PARENT: Record<string, string> = {
  VimFault: 'MethodFault',
  RuntimeFault: 'MethodFault',
  NotAuthenticated: 'NoPermission',
  NoPermission: 'SecurityError',
  SecurityError: 'RuntimeFault',
  InvalidLogin: 'VimFault',
  InvalidLocale: 'VimFault',
  ManagedObjectNotFound: 'RuntimeFault',
  InvalidArgument: 'RuntimeFault',
  InvalidRequest: 'RuntimeFault',
  InvalidType: 'InvalidRequest',
  MethodNotFound: 'InvalidRequest',
  NotImplemented: 'RuntimeFault',
  NotSupported: 'RuntimeFault',
  SystemError: 'RuntimeFault',
  RequestCanceled: 'RuntimeFault',
  InvalidState: 'VimFault',
  InvalidPowerState: 'InvalidState',
  TaskInProgress: 'VimFault',
  DuplicateName: 'VimFault',
  FileFault: 'VimFault',
  InvalidDatastore: 'VimFault',
  Timedout: 'VimFault',
  VmConfigFault: 'VimFault',
  OvfFault: 'VimFault',
  OvfImport: 'OvfFault',
  OvfExport: 'OvfFault',
  OvfInvalidPackage: 'OvfFault',
  OvfUnsupportedPackage: 'OvfFault',
  OvfSystemFault: 'OvfFault',
  OvfImportFailed: 'OvfImport',
  OvfExportFailed: 'OvfExport',
  HttpFault: 'VimFault',
  SSLVerifyFault: 'HostConnectFault',
  HostConnectFault: 'VimFault',
};

/** The chain of type names from `typeName` up to MethodFault. */
export function faultAncestry(typeName: string): string[] {
  const chain: string[] = [];
  for (let t: string | undefined = typeName; t && !chain.includes(t); t = PARENT[t] ?? (t === 'MethodFault' ? undefined : 'MethodFault')) chain.push(t);
  return chain;
}

/**
 * A vim25 fault raised by the server (a SOAP fault, a failed task, a lease in error), as a typed
 * ovfkit error. `_typeName` is the vim25 fault type (`InvalidLogin`, `ManagedObjectNotFound`, …);
 * `fault` holds its decoded fields.
 * @example
 * catch (e) { if (e instanceof VimFault && e.is('InvalidState')) … }
 */
export class VimFault extends OvfkitError {
  /** The vim25 fault type, e.g. `NotAuthenticated`. */
  readonly _typeName: string;
  /** The decoded fault object (fields of the vim25 fault type). */
  readonly fault: DataObject;
  /** The SOAP method whose call failed. */
  readonly method: string | undefined;

  constructor(typeName: string, message: string, fault: DataObject, method?: string) {
    super(typeName === 'InvalidLogin' || typeName === 'NotAuthenticated' ? 'AUTH' : 'VIM_FAULT', message);
    this._typeName = typeName;
    this.fault = fault;
    this.method = method;
  }

  /** True when this fault is `typeName` or one of its subclasses. */
  is(typeName: string): boolean {
    return faultAncestry(this._typeName).includes(typeName) || isSubtype(this._typeName, typeName);
  }
}

/** True for a VimFault from any loaded copy of this package. */
export function isVimFault(e: unknown, typeName?: string): e is VimFault {
  if (!(e instanceof OvfkitError) && !(typeof e === 'object' && e !== null && '_typeName' in e && 'fault' in e)) return false;
  const f = e as VimFault;
  if (typeof f._typeName !== 'string') return false;
  return typeName === undefined || faultAncestry(f._typeName).includes(typeName) || isSubtype(f._typeName, typeName);
}

/** Builds a VimFault from a LocalizedMethodFault (task error, lease error). */
export function faultFromLocalized(lmf: { fault?: DataObject; localizedMessage?: string } | undefined, method?: string, redact: (s: string) => string = (s) => s): VimFault {
  const fault = lmf?.fault ?? {};
  const type = fault._typeName ?? 'MethodFault';
  const text = lmf?.localizedMessage || firstMessage(fault) || type;
  return new VimFault(type, redact(`${method ? `${method}: ` : ''}${text}`), fault, method);
}

function firstMessage(fault: DataObject): string | undefined {
  const msgs = fault['faultMessage'] as Array<{ message?: string }> | undefined;
  return msgs?.find((m) => m.message)?.message;
}
