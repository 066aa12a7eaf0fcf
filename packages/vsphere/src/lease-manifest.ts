import { OvfkitError, compareApiVersions } from '@ovfkit/core';
import type { ManagedObjectReference } from './soap/codec';
import { isVimFault } from './soap/fault';
import { type HttpNfcLeaseManifestEntry, HttpNfcLeaseGetManifest, HttpNfcLeaseSetManifestChecksumType } from './soap/methods';
import type { VimSession } from './session';

/** A manifest (.mf) digest algorithm. */
export type ManifestDigestAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** @see vim25 HttpNfcLeaseManifestEntryChecksumType */
export type HttpNfcLeaseManifestEntryChecksumType = 'sha1' | 'sha256';

/**
 * What the server's own manifest check did, for an import or export result: whether
 * HttpNfcLeaseGetManifest was compared, with which checksum, and for which files.
 * @see vsphere-ovf-api.md §8 HttpNfcLeaseManifestEntry, §9 "Optional verification"
 */
export interface ServerManifestCheck {
  /** True when the server's manifest was read and compared for at least one file. */
  ran: boolean;
  /** The checksum compared: `sha1` (every server since 4.1) or `sha256` (asked for, 6.7+). */
  checksumType?: HttpNfcLeaseManifestEntryChecksumType;
  /** Files whose server checksum matched (package paths). */
  verified: string[];
  /** Files not compared, each with why. */
  skipped: Array<{ path: string; reason: string }>;
  /** Why the check did not run at all, or what limited it. */
  note?: string;
}

/** One transferred file as the check sees it. */
export interface ServerManifestFile {
  /** The package path (import: the fileItem path; export: the file written). */
  path: string;
  /** `HttpNfcLeaseDeviceUrl.key` of the device URL it went through. */
  deviceKey: string;
  /** Hex digest, by the manifest algorithm, of exactly the bytes sent or received; absent when the client has none. */
  digest?: string;
  /** Why there is no digest to compare (e.g. the bytes were inflated on the way). */
  reason?: string;
}

/** The vSphere API release that added HttpNfcLeaseSetManifestChecksumType and `checksum`. */
const SHA256_SINCE = '6.7';

/**
 * The server's own hashes of what went through a lease (govc import `-m` does the same): after
 * the transfers and before HttpNfcLeaseComplete, each file's checksum from
 * HttpNfcLeaseGetManifest is compared with the digest the client already has (the package
 * manifest on import, the digest computed for the .mf on export), so the check costs the client
 * no extra hashing. SHA1 is what every server reports; for a SHA256 manifest the server is asked
 * for sha256 first (HttpNfcLeaseSetManifestChecksumType, API 6.7+). A SHA512 manifest, or a
 * SHA256 one on an older server, is not checked: the note says so. A server without the methods
 * (MethodNotFound, NotImplemented, NotSupported) is skipped, never failed. A mismatch is an
 * INTEGRITY error, thrown inside the lease so it is aborted and the transfer rolled back.
 * @example
 * const check = await ServerManifest.begin(session, lease.ref, 'SHA256', lease.info.deviceUrl.map((d) => d.key));
 * … transfers …
 * await check.verify([{ path: 'disk1.vmdk', deviceKey: '/vm-1/disk:0', digest }]);
 */
export class ServerManifest {
  private readonly verified: string[] = [];
  private readonly skipped: Array<{ path: string; reason: string }> = [];
  private ran = false;

  private constructor(
    private readonly session: VimSession,
    private readonly lease: ManagedObjectReference,
    private checksumType: HttpNfcLeaseManifestEntryChecksumType | undefined,
    private note: string | undefined,
    /** sha256 was asked for before the transfers (so `checksum` can be compared). */
    private readonly sha256Requested: boolean,
    private readonly direction: 'import' | 'export' = 'import',
  ) {}

  /**
   * Prepares the check before any byte moves. `algorithm` is the manifest's; `'unknown'` when
   * it will only be known after the transfers (an OVA whose .mf comes last): then sha256 is
   * asked for anyway on a 6.7+ server, and {@link useAlgorithm} picks the checksum later.
   */
  static async begin(
    session: VimSession,
    lease: ManagedObjectReference,
    algorithm: ManifestDigestAlgorithm | 'unknown' | undefined,
    deviceKeys: string[],
    options: { signal?: AbortSignal; log?: (line: string) => void; direction?: 'import' | 'export' } = {},
  ): Promise<ServerManifest> {
    const made = await ServerManifest.prepare(session, lease, algorithm, deviceKeys, options);
    return new ServerManifest(session, lease, made.checksumType, made.note, made.sha256Requested, options.direction ?? 'import');
  }

  private static async prepare(
    session: VimSession,
    lease: ManagedObjectReference,
    algorithm: ManifestDigestAlgorithm | 'unknown' | undefined,
    deviceKeys: string[],
    options: { signal?: AbortSignal; log?: (line: string) => void },
  ): Promise<Prepared> {
    const make = (checksumType: HttpNfcLeaseManifestEntryChecksumType | undefined, note: string | undefined, sha256Requested: boolean): Prepared => ({ checksumType, note, sha256Requested });
    if (algorithm === undefined) return make(undefined, 'no manifest digests to compare with', false);
    if (algorithm === 'SHA512') return make(undefined, 'the manifest uses SHA512; vSphere reports only SHA-1 or SHA-256 of what it received, so the server check was skipped (the client still verified every file against the manifest)', false);
    if (algorithm === 'SHA1') return make('sha1', undefined, false);
    const apiVersion = session.serviceContent.about.apiVersion ?? '';
    if (!apiVersion || compareApiVersions(apiVersion, SHA256_SINCE) < 0) {
      return make(algorithm === 'unknown' ? 'sha1' : undefined, `the server's API ${apiVersion || '(unknown)'} is older than ${SHA256_SINCE} and reports only SHA-1; ${algorithm === 'unknown' ? 'only a SHA1 manifest can be compared' : 'the manifest uses SHA256, so the server check was skipped rather than hash every byte a second time'}`, false);
    }
    try {
      if (deviceKeys.length) {
        await session.client.send(new HttpNfcLeaseSetManifestChecksumType({ _this: lease, deviceUrlsToChecksumTypes: deviceKeys.map((key) => ({ key, value: 'sha256' })) }), options.signal);
      }
    } catch (e) {
      if (!isUnsupported(e)) throw e;
      options.log?.(`HttpNfcLeaseSetManifestChecksumType: ${e._typeName}; the server's SHA-256 check is skipped`);
      return make(algorithm === 'unknown' ? 'sha1' : undefined, `the server has no HttpNfcLeaseSetManifestChecksumType (${e._typeName}); ${algorithm === 'unknown' ? 'only a SHA1 manifest can be compared' : 'the SHA256 manifest could not be compared'}`, false);
    }
    return make('sha256', undefined, true);
  }

  /** Whether {@link verify} will compare digests (a client hashing only for this check can skip it otherwise). */
  get comparesDigests(): boolean {
    return this.checksumType !== undefined;
  }

  /** Sets the algorithm once a trailing manifest is read (see {@link begin} with `'unknown'`). */
  useAlgorithm(algorithm: ManifestDigestAlgorithm): void {
    if (algorithm === 'SHA1') {
      this.checksumType = 'sha1';
      return;
    }
    if (algorithm === 'SHA256' && this.sha256Requested) {
      this.checksumType = 'sha256';
      return;
    }
    this.checksumType = undefined;
    this.note ??= `the manifest uses ${algorithm}, which the server was not asked to report, so the server check was skipped`;
    if (algorithm === 'SHA512') this.note = 'the manifest uses SHA512; vSphere reports only SHA-1 or SHA-256 of what it received, so the server check was skipped';
  }

  /**
   * Reads the server's manifest and compares the given files; throws INTEGRITY naming every
   * mismatch. Files without a digest, or without a usable server entry, are recorded as skipped.
   */
  async verify(files: ServerManifestFile[], signal?: AbortSignal): Promise<void> {
    const type = this.checksumType;
    if (!type) return;
    let entries: HttpNfcLeaseManifestEntry[];
    try {
      entries = await this.session.client.send(new HttpNfcLeaseGetManifest({ _this: this.lease }), signal);
    } catch (e) {
      if (!isUnsupported(e)) throw e;
      this.checksumType = undefined;
      this.note = `the server has no HttpNfcLeaseGetManifest (${e._typeName}), so its checksums were not compared`;
      return;
    }
    this.ran = true;
    const byKey = new Map(entries.map((e) => [e.key, e]));
    const mismatches: string[] = [];
    for (const f of files) {
      if (f.digest === undefined) {
        this.skipped.push({ path: f.path, reason: f.reason ?? 'no digest to compare with' });
        continue;
      }
      const entry = byKey.get(f.deviceKey);
      const seen = entry ? serverChecksum(entry, type) : undefined;
      if (!seen) {
        this.skipped.push({ path: f.path, reason: entry ? `the server reported no ${type} for it` : `the server's manifest has no entry for device ${f.deviceKey}` });
        continue;
      }
      if (seen.toLowerCase() !== f.digest.toLowerCase()) mismatches.push(`${f.path} (server ${type} ${seen}, expected ${f.digest})`);
      else this.verified.push(f.path);
    }
    if (mismatches.length) {
      const what = mismatches.length === 1 ? 'a file' : `${mismatches.length} files`;
      throw new OvfkitError(
        'INTEGRITY',
        this.direction === 'import'
          ? `the server's own checksum of ${what} differs from the package manifest: ${mismatches.join('; ')}; vSphere did not store the package's bytes, so the import was rolled back`
          : `the server's own checksum of ${what} differs from what ovfkit downloaded: ${mismatches.join('; ')}; the download is not what vSphere sent, so the export was removed`,
      );
    }
  }

  /** What the check did, for the result. */
  result(): ServerManifestCheck {
    return {
      ran: this.ran,
      ...(this.ran && this.checksumType ? { checksumType: this.checksumType } : {}),
      verified: [...this.verified],
      skipped: [...this.skipped],
      ...(this.note ? { note: this.note } : {}),
    };
  }
}

/** What {@link ServerManifest.begin} settled before the transfers. */
interface Prepared {
  checksumType: HttpNfcLeaseManifestEntryChecksumType | undefined;
  note: string | undefined;
  /** sha256 was asked for (so `checksum` can be compared). */
  sha256Requested: boolean;
}

/** The entry's checksum of that type: `checksum` when it is of that type, else `sha1` for sha1. */
function serverChecksum(entry: HttpNfcLeaseManifestEntry, type: HttpNfcLeaseManifestEntryChecksumType): string | undefined {
  if (entry.checksum && entry.checksumType === type) return entry.checksum;
  if (type === 'sha1' && entry.sha1) return entry.sha1;
  return undefined;
}

/**
 * The faults of a server that lacks a lease manifest method: MethodNotFound (before 4.1 / 6.7, or
 * an endpoint that does not know it), NotImplemented and NotSupported (declared but not offered).
 */
function isUnsupported(e: unknown): e is Error & { _typeName: string } {
  return isVimFault(e, 'MethodNotFound') || isVimFault(e, 'NotImplemented') || isVimFault(e, 'NotSupported');
}

/** The algorithm of a parsed manifest (its first entry's; a manifest uses one). */
export function manifestAlgorithmOf(manifest: ReadonlyMap<string, { algorithm: string }>): ManifestDigestAlgorithm | undefined {
  const first = manifest.values().next();
  const a = first.done ? undefined : first.value.algorithm.toUpperCase();
  return a === 'SHA1' || a === 'SHA256' || a === 'SHA512' ? a : undefined;
}

/**
 * The import's uploads as the server check sees them: a file stored as it is sent has the
 * manifest's digest; a gzip-compressed or chunked one does not (the server hashes the inflated,
 * joined stream, the manifest lists the package files), so it is skipped with that reason.
 */
export function importedFiles(
  items: ReadonlyArray<{ fileItem: { path: string; deviceId: string; compressionMethod?: string }; parts: string[] }>,
  deviceUrls: ReadonlyArray<{ key: string; importKey: string }>,
  manifest: ReadonlyMap<string, { digest: string }> | undefined,
): ServerManifestFile[] {
  const keyOf = new Map(deviceUrls.map((d) => [d.importKey, d.key]));
  return items.map((item) => {
    const deviceKey = keyOf.get(item.fileItem.deviceId) ?? item.fileItem.deviceId;
    const path = item.fileItem.path;
    if (item.fileItem.compressionMethod) return { path, deviceKey, reason: `stored ${item.fileItem.compressionMethod}-compressed: the server hashes the inflated bytes, the manifest the compressed file` };
    if (item.parts.length !== 1 || item.parts[0] !== path) return { path, deviceKey, reason: 'stored in chunks: the server hashes the joined bytes, the manifest each chunk' };
    const digest = manifest?.get(path)?.digest;
    return digest ? { path, deviceKey, digest } : { path, deviceKey, reason: 'not listed in the manifest' };
  });
}
