/**
 * Descriptors read once per process: the model of a descriptor, read and validated (readEnvelope +
 * validateEnvelope), kept by the SHA-256 digest of its bytes. A long-lived front end that plans the
 * same package again (a Pulumi preview of 100 resources over one appliance, create() after check()
 * in the same provider process) resolves each choice over the kept model instead of reading the XML
 * again. Keyed by content, never by path: a changed file has another digest and is read anew.
 * @see ARCHITECTURE.md "Resolve once"
 */
import { readEnvelope, type ReadEnvelopeResult } from './envelope';
import type { OvfIssue } from './faults';
import { descriptorDigest, type ResolvedDescriptor } from './resolve';
import { validateEnvelope } from './validate';
import type { XmlReadLimits } from './xml';

/** A descriptor read and validated, with the digest of the bytes it was read from. */
export interface ValidatedRead extends ReadEnvelopeResult {
  /** `sha256:<hex>` of the input ({@link descriptorDigest}). */
  digest: string;
}

/** Bounds of a {@link DescriptorCache}. */
export interface DescriptorCacheOptions {
  /** Most descriptor bytes kept in all (the models take several times their input). @default 64 MiB */
  maxBytes?: number;
  /** Most descriptors kept. @default 64 */
  maxEntries?: number;
  /** Most resolutions kept per descriptor (one per deployment option, locale and msgBundle asked). @default 8 */
  maxResolutions?: number;
  /**
   * Freeze what is kept (each model and resolution, deeply), so that a write downstream throws in
   * strict code instead of leaking into the next plan: for tests. @default false
   */
  freeze?: boolean;
}

interface Entry {
  envelope?: ReadEnvelopeResult['envelope'];
  error: readonly OvfIssue[];
  warning: readonly OvfIssue[];
  bytes: number;
  /** Resolutions of this model by configuration and texts, least recently used first. */
  resolutions: Map<string, ResolvedDescriptor>;
}

/** Freezes `v` and everything it reaches (Maps and Sets included). */
function deepFreeze(v: unknown, seen = new Set<unknown>()): void {
  if (v === null || typeof v !== 'object' || seen.has(v)) return;
  seen.add(v);
  if (v instanceof Map) for (const [k, x] of v) { deepFreeze(k, seen); deepFreeze(x, seen); }
  if (v instanceof Set) for (const x of v) deepFreeze(x, seen);
  for (const k of Reflect.ownKeys(v)) {
    const d = Object.getOwnPropertyDescriptor(v, k);
    if (d && 'value' in d) deepFreeze(d.value, seen);
  }
  Object.freeze(v);
}

/** readEnvelope + validateEnvelope of one input, uncached: the issues of both, in that order. */
export function readValidated(input: string | Uint8Array, limits?: XmlReadLimits): ReadEnvelopeResult {
  const read = readEnvelope(input, limits);
  if (read.envelope) validateEnvelope(read.envelope, read.error, read.warning);
  return read;
}

/** The order-independent key of a set of read limits (absent limits are the defaults). */
function limitsKey(limits: XmlReadLimits | undefined): string {
  if (!limits) return '';
  return Object.entries(limits).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${String(v)}`).join(',');
}

/**
 * Read and validated descriptors by digest, least recently used dropped first. A kept model is
 * shared by every resolution of it: nothing downstream of readEnvelope writes to the model (the
 * cache test runs the corpus through createPlan over frozen models). The issue lists are copied
 * for each caller, who may add to them.
 * @example
 * const cache = new DescriptorCache();
 * createPlan(bytes, { descriptorCache: cache }); createPlan(bytes, { descriptorCache: cache, entityName: 'b' }); // one read
 */
export class DescriptorCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly maxEntries: number;
  private readonly maxResolutions: number;
  private readonly freeze: boolean;

  constructor(options: DescriptorCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.maxEntries = options.maxEntries ?? 64;
    this.maxResolutions = options.maxResolutions ?? 8;
    this.freeze = options.freeze === true;
  }

  /** Descriptors kept now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The validated read of `input`: the kept one when the same bytes were read under the same
   * limits, else a new read, kept. `digest`, when given, is {@link descriptorDigest} of exactly
   * `input`, which the caller already took (the key; not hashed again).
   */
  read(input: string | Uint8Array, limits?: XmlReadLimits, digest = descriptorDigest(input)): ValidatedRead {
    const key = `${digest} ${limitsKey(limits)}`;
    let entry = this.entries.get(key);
    if (entry) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      const read = readValidated(input, limits);
      entry = { error: read.error, warning: read.warning, bytes: input.length, resolutions: new Map() };
      if (read.envelope) entry.envelope = read.envelope;
      if (this.freeze) deepFreeze([entry.envelope, entry.error, entry.warning]);
      this.keep(key, entry);
    }
    const copy = (list: readonly OvfIssue[]): OvfIssue[] => list.map((i) => ({ ...i }));
    const out: ValidatedRead = { error: copy(entry.error), warning: copy(entry.warning), digest };
    if (entry.envelope) out.envelope = entry.envelope;
    return out;
  }

  /**
   * The kept resolution of a descriptor read here (by its digest and limits) for a choice's
   * configuration and texts (`key`), made by `make` when not kept; undefined when the descriptor
   * is not kept (too large), and the caller resolves it itself. Callers copy what they change
   * (resolveDescriptor's fromBase): the kept object is shared.
   */
  resolution(digest: string, limits: XmlReadLimits | undefined, key: string, make: () => ResolvedDescriptor): ResolvedDescriptor | undefined {
    const entry = this.entries.get(`${digest} ${limitsKey(limits)}`);
    if (!entry) return undefined;
    const kept = entry.resolutions;
    let r = kept.get(key);
    if (r) {
      kept.delete(key);
      kept.set(key, r);
      return r;
    }
    r = make();
    if (this.freeze) deepFreeze(r);
    kept.set(key, r);
    for (const k of kept.keys()) {
      if (kept.size <= this.maxResolutions) break;
      kept.delete(k);
    }
    return r;
  }

  /** Forgets every descriptor. */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private keep(key: string, entry: Entry): void {
    if (entry.bytes > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes && this.entries.size <= this.maxEntries) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }
}
