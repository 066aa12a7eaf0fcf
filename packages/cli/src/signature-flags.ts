/**
 * The flags that carry the signature policy (`--signature`, `--trust`) for every command that
 * reads a package to plan or import it, and the one line that shows a package's signer.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { escapeControls as esc, MANIFEST_POLICIES, OvfkitError, UsageError, type ManifestPolicy, type PlanSignature } from '@ovfkit/core';
import { parseSignaturePolicy, pemCertificates, trustedCertificates, type SignatureOptions } from '@ovfkit/package';
import { type CommandContext, type OptionsSpec, type OptionValues, stringList, stringOption } from './command';

/** `--signature` and `--trust`. */
export const signatureOptions: OptionsSpec = {
  signature: { type: 'string' },
  trust: { type: 'string', multiple: true },
  'trust-env': { type: 'string', multiple: true },
};

/** Help lines for {@link signatureOptions}. */
export const signatureHelp = [
  '  --signature <policy>    verify (default): a .cert that is present must be valid (the signature over the\n                          manifest, the descriptor as signed, the signer valid now, its chain with --trust),\n                          else the plan refuses the package | require: a valid one must be present |\n                          ignore: the .cert is not read',
  '  --trust <ca.pem>        trusted CA certificate(s) the signer must chain to (repeatable); without it the\n                          chain is not judged',
  '  --trust-env <VAR>       trusted CA certificate(s) as PEM text in environment variable VAR (repeatable)',
].join('\n');

/** `--manifest`: the manifest policy of an import, which its plan judges the package under. */
export const manifestOptions: OptionsSpec = { manifest: { type: 'string' } };

/** Help line for {@link manifestOptions}. */
export const manifestHelp = '  --manifest <policy>     verify-if-present (default): the descriptor must be listed in a .mf that is present,\n                          with its digest (the other files are checked as they are uploaded) | require: a\n                          .mf must be present | skip: the .mf is not read';

/** The manifest policy of `--manifest` (undefined: the default, verify-if-present); a UsageError names the choices. */
export function manifestPolicyFrom(values: OptionValues): ManifestPolicy {
  const value = stringOption(values, 'manifest');
  if (value === undefined) return 'verify-if-present';
  if ((MANIFEST_POLICIES as readonly string[]).includes(value)) return value as ManifestPolicy;
  throw new UsageError(`--manifest must be one of ${MANIFEST_POLICIES.join(', ')}, got ${JSON.stringify(value.slice(0, 40))}`);
}

/** The PEM certificates of the `--trust` files, read relative to the working directory. */
export async function trustStoreFrom(values: OptionValues, ctx: CommandContext): Promise<string[]> {
  const store: string[] = [];
  for (const f of stringList(values, 'trust')) {
    const text = await fs.readFile(path.resolve(ctx.cwd, f), 'utf8').catch((e: Error) => {
      throw new OvfkitError('IO', `cannot read the trust store ${f}: ${e.message}`);
    });
    const certs = pemCertificates(text);
    if (!certs.length) throw new OvfkitError('USAGE', `the trust store ${f} holds no PEM certificate`);
    store.push(...certs);
  }
  for (const variable of stringList(values, 'trust-env')) {
    const text = ctx.env[variable];
    if (text === undefined) throw new OvfkitError('USAGE', `--trust-env ${esc(variable)}: environment variable ${esc(variable)} is not set`);
    store.push(...trustedCertificates([text], `--trust-env ${esc(variable)}`));
  }
  return store;
}

/** The signature options of `--signature` and `--trust`. */
export async function signatureOptionsFrom(values: OptionValues, ctx: CommandContext): Promise<SignatureOptions> {
  const store = await trustStoreFrom(values, ctx);
  return { policy: parseSignaturePolicy(stringOption(values, 'signature')), ...(store.length ? { trustStore: store } : {}) };
}

/** A package's signature in one line: status, signer, issuer, validity, trust. */
export function signatureLine(s: PlanSignature): string {
  if (s.status === 'unchecked') return s.policy === 'ignore' ? 'not checked (--signature ignore)' : 'not checked (only the descriptor was read)';
  if (s.status === 'absent') return 'none (the package is not signed)';
  const signer = s.signer ? `, signer "${esc(s.signer.subject)}" issued by "${esc(s.signer.issuer)}", valid ${s.signer.validFrom} – ${s.signer.validTo}` : '';
  const trust = s.trusted === undefined ? 'chain not judged (no --trust)' : s.trusted ? 'trusted' : 'NOT trusted';
  return `${esc(s.certificate ?? '.cert')}: signature ${s.status === 'valid' ? 'valid' : 'INVALID'}${signer}, ${trust}`;
}
