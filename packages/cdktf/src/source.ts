/**
 * Reading an OVF package at synth time. Construct constructors and `app.synth()` are synchronous
 * while `@ovfkit/package` reads asynchronously (OVA tar streams, URLs), so a package (an `.ovf`
 * with the files beside it, a folder, an `.ova`, a URL, a `library:` item in an inventory
 * snapshot) is read by a short child process running `@ovfkit/package`, as the AWS CDK bundles
 * assets with `spawnSync`: first the descriptor, manifest and certificate bytes; then, once core's
 * plan (in this process, the one parse of the descriptor) has listed the referenced files, the
 * facts of exactly those files, which the plan judges (core `judgePackage`). A plan that lists no
 * file needs no second read.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { descriptorDigest, escapeControls, isOvfkitErrorCode, OvfkitError, redactUrl, urlCarriesSecret, UsageError, type PackageFacts, type PlanPackageFile } from '@ovfkit/core';
import type { SignatureFiles } from './package-port';
import { isLibrarySource } from '@ovfkit/package';

/** A value read from an environment variable when `cdktf synth` and `terraform apply` run. */
export interface OvfPropertyFromEnv {
  /** Name of the environment variable holding the value, e.g. `APPLIANCE_ROOT_PASSWORD`. */
  readonly fromEnv: string;
}

/**
 * A value taken from the environment: it is never written to the synthesized configuration, the
 * Terraform plan or its state. For a `propertyMapping` value it is read at apply; for a `source`
 * URL with credentials or a signed-URL token, at synth (to plan the package) and at apply.
 * @example propertyMapping: { root_password: fromEnv('APPLIANCE_ROOT_PASSWORD') }
 * @example source: fromEnv('APPLIANCE_URL')
 */
export function fromEnv(name: string): OvfPropertyFromEnv {
  return { fromEnv: name };
}

/** Environment variable names as POSIX shells accept them. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where a construct's package is read from at synth, and how the provisioner finds it at apply. */
export interface OvfSourceLocation {
  /** What synth reads: a path, or the URL with its credentials or token. */
  readonly read: string;
  /** The environment variable that holds the URL at apply, when the source was given by {@link fromEnv}. */
  readonly fromEnv?: string;
}

/**
 * The location of a `source` prop. A URL with a user, password, query string or fragment must come
 * from the environment: written literally it would be in cdk.tf.json, the plan and the state.
 * Messages show the URL redacted (core's `redactUrl`).
 */
export function sourceLocation(where: string, given: unknown): OvfSourceLocation {
  if (typeof given === 'object' && given !== null && typeof (given as OvfPropertyFromEnv).fromEnv === 'string') {
    const name = (given as OvfPropertyFromEnv).fromEnv;
    if (!ENV_NAME.test(name)) throw new UsageError(`${where}: "source": ${JSON.stringify(name)} is not an environment variable name (letters, digits, _; not starting with a digit)`);
    const value = process.env[name];
    if (value === undefined || value.trim() === '') {
      throw new UsageError(`${where}: "source": the environment variable ${name} is not set; it must hold the package's URL when cdktf synth runs (to plan it) and when terraform apply runs (to import it)`);
    }
    if (!isUrlSource(value) && !path.isAbsolute(value)) {
      throw new UsageError(`${where}: "source": ${name} must hold an http(s) URL or an absolute path (the provisioner runs in another directory)`);
    }
    return { read: value, fromEnv: name };
  }
  if (typeof given !== 'string' || given.trim() === '') {
    throw new UsageError(`${where}: "source" must be the path or URL of an OVF package (.ovf, .ova or directory), or fromEnv("VAR") naming a variable that holds the URL`);
  }
  if (urlCarriesSecret(given)) {
    throw new UsageError(`${where}: "source" ${redactUrl(given)} carries a user, password, query string or fragment (credentials or a signed-URL token), which would be written to cdk.tf.json, the Terraform plan and its state: give source: fromEnv("OVF_SOURCE_URL") and set that variable for cdktf synth and terraform apply`);
  }
  return { read: given };
}

/** A descriptor read from an OVF package, with what identifies the package's content. */
export interface OvfSourceContent {
  /**
   * The source as stored and shown: a local path made absolute (provisioners run elsewhere), a URL
   * without its user, password, query string or fragment.
   */
  source: string;
  /** The OVF descriptor text. */
  ovfDescriptor: string;
  /** The descriptor bytes as stored: the plan is made from them, and `descriptorDigest` taken of them. */
  ovfDescriptorBytes: Buffer;
  /** `sha256:<hex>` of the descriptor (core's `descriptorDigest`, the plan's digest). */
  descriptorDigest: string;
  /** `sha256:<hex>` of the package's `.mf` manifest text, when there is one. */
  manifestDigest?: string;
  /**
   * What the package holds for the files core's plan lists (`plan.package.files`): @ovfkit/package
   * `packageFacts`, gathered by the reader for exactly those files (once per list), for core's
   * `judgePackage`. The descriptor is not parsed for them.
   */
  packageFacts(files: readonly PlanPackageFile[]): PackageFacts;
  /** The descriptor, `.mf` and `.cert`: an OvfImport judges the signature against its own trusted certificates. */
  signatureFiles: SignatureFiles;
}

/** The most a descriptor may weigh; a bigger one is refused rather than parsed. */
export const MAX_DESCRIPTOR_BYTES = 16 * 1024 * 1024;

/** True when the source is an http(s) URL rather than a local path. */
export function isUrlSource(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Resolves a local source against `cwd`; URLs are kept as given. */
export function resolveSource(source: string, cwd = process.cwd()): string {
  return isUrlSource(source) ? source : path.resolve(cwd, source);
}

export function sha256(text: string | Buffer): string {
  return 'sha256:' + createHash('sha256').update(text).digest('hex');
}

/**
 * Reads the descriptor of an `.ovf` file, a directory holding one, an `.ova` or an http(s) URL.
 * Throws a `UsageError` that names the source when it cannot be read.
 */
export function readOvfSourceSync(source: string, cwd = process.cwd(), inventory?: string): OvfSourceContent {
  // A library item is read from the inventory snapshot that captured it (ovfkit inventory capture).
  if (isLibrarySource(source)) {
    if (inventory === undefined) throw new UsageError(`"${source}" is a content library item: give "inventory", a snapshot that captured it (ovfkit inventory capture records the libraries), or deploy an OvfLibraryItem of this stack with "libraryItem"`);
    return readWithPackage(source, source, path.resolve(cwd, inventory));
  }
  const resolved = resolveSource(source, cwd);
  // One child process per package and synth: ten VMs from one OVA read it once.
  const key = cacheKey(resolved);
  const hit = key !== undefined ? readCache.get(key) : undefined;
  if (hit) return hit;
  const read = readWithPackage(source, resolved);
  if (key !== undefined) readCache.set(key, read);
  return read;
}

const readCache = new Map<string, OvfSourceContent>();

/**
 * An `.ova` is the same while its path, size and mtime are; a URL for the whole synth. A folder or
 * a lone `.ovf` is read again: the files beside the descriptor are part of the package.
 */
function cacheKey(resolved: string): string | undefined {
  if (isUrlSource(resolved)) return resolved;
  try {
    const st = fs.statSync(resolved);
    return st.isFile() && !resolved.toLowerCase().endsWith('.ovf') ? `${resolved}\0${st.size}\0${st.mtimeMs}` : undefined;
  } catch {
    return undefined;
  }
}

function content(source: string, ovfDescriptorBytes: Buffer, manifest: Buffer | string | undefined, packageFacts: (files: readonly PlanPackageFile[]) => PackageFacts, signatureFiles: SignatureFiles): OvfSourceContent {
  const c: OvfSourceContent = {
    signatureFiles,
    source: urlCarriesSecret(source) ? redactUrl(source) : source,
    // As @ovfkit/package gives a descriptor's text.
    ovfDescriptor: ovfDescriptorBytes.toString('utf8'),
    ovfDescriptorBytes,
    descriptorDigest: descriptorDigest(ovfDescriptorBytes),
    packageFacts,
  };
  if (manifest !== undefined) c.manifestDigest = sha256(manifest);
  return c;
}

/** What the reader child is asked, on stdin: the source; a `library:` item's snapshot file; the files whose facts it gathers (else it reads the bytes). */
export interface ReaderRequest { source: string; inventory?: string; files?: readonly PlanPackageFile[] }

interface WorkerAnswer {
  ok: boolean;
  ovfDescriptorBase64?: string;
  manifest?: string;
  package?: PackageFacts;
  signatureFiles?: SignatureFiles;
  error?: { code: string; message: string };
}

/** Runs the reader child once; throws naming the source (redacted) when it fails. */
function runReader(given: string, request: ReaderRequest): WorkerAnswer {
  const worker = path.join(__dirname, 'read-source-worker.js');
  // The source goes on stdin: a URL's credentials or token would be visible in the process list.
  const r = spawnSync(process.execPath, [worker], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    // base64 descriptor (4/3) and the manifest text.
    maxBuffer: MAX_DESCRIPTOR_BYTES * 3 + 1024 * 1024,
    timeout: 120_000,
    env: process.env,
  });
  if (r.error) throw new OvfkitError('IO', escapeControls(`cannot read OVF source "${given}": ${r.error.message}`, 'line'), { cause: r.error });
  let answer: WorkerAnswer;
  try {
    answer = JSON.parse(r.stdout) as WorkerAnswer;
  } catch {
    throw new OvfkitError('INTERNAL', escapeControls(`cannot read OVF source "${given}": the reader exited with ${r.status}: ${r.stderr.trim().slice(0, 500)}`, 'line'));
  }
  if (!answer.ok || answer.package === undefined) {
    const code = isOvfkitErrorCode(answer.error?.code) ? answer.error.code : 'IO';
    throw new OvfkitError(code, escapeControls(`cannot read OVF source "${given}": ${answer.error?.message ?? 'no descriptor'}`, 'line'));
  }
  return answer;
}

function readWithPackage(source: string, resolved: string, inventory?: string): OvfSourceContent {
  const given = redactUrl(source);
  const request: ReaderRequest = inventory !== undefined ? { source: resolved, inventory } : { source: resolved };
  const answer = runReader(given, request);
  if (answer.ovfDescriptorBase64 === undefined || answer.signatureFiles === undefined) {
    throw new OvfkitError('IO', escapeControls(`cannot read OVF source "${given}": no descriptor`, 'line'));
  }
  // The facts of the package with no file (form, location, descriptor name): a plan listing no file needs no more.
  const bare = answer.package!;
  const known = new Map<string, PackageFacts>();
  const packageFacts = (files: readonly PlanPackageFile[]): PackageFacts => {
    if (files.length === 0) return { ...bare, files: [] };
    const key = JSON.stringify(files);
    let facts = known.get(key);
    if (!facts) {
      facts = runReader(given, { ...request, files }).package!;
      known.set(key, facts);
    }
    return facts;
  };
  return content(resolved, Buffer.from(answer.ovfDescriptorBase64, 'base64'), answer.manifest, packageFacts, answer.signatureFiles);
}
