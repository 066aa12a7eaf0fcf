/**
 * The certificate of go-plugin's automatic mTLS: the host (Terraform) passes its own
 * certificate in `PLUGIN_CLIENT_CERT`; the plugin makes a fresh self-signed one, serves with it,
 * trusts only the host's, and prints its own in the handshake line. Made as go-plugin makes it:
 * ECDSA P-256, subject CN=localhost with DNS name localhost (the host dials with that server
 * name), a CA so the host can use it as its root, valid for server and client auth.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A certificate with its private key, in the forms gRPC and the handshake need. */
export interface PluginCertificate {
  /** PEM certificate, for the TLS server. */
  certPem: string;
  /** PEM PKCS#8 private key, for the TLS server. */
  keyPem: string;
  /** DER certificate, which the handshake line carries in base64. */
  der: Buffer;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/**
 * A fresh self-signed certificate for 127.0.0.1 plugin traffic, valid for 30 days (a plugin
 * process lives for one Terraform command).
 * @example const { certPem, keyPem, der } = await generatePluginCertificate();
 */
export async function generatePluginCertificate(now = new Date()): Promise<PluginCertificate> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
    name: 'O=ovfkit, CN=localhost',
    notBefore: new Date(now.getTime() - 30_000),
    notAfter: new Date(now.getTime() + 30 * 24 * 3600_000),
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]["keys"],
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    certPem: cert.toString('pem'),
    keyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`,
    der: Buffer.from(cert.rawData),
  };
}

/**
 * The host's certificate from `PLUGIN_CLIENT_CERT`, checked to be one parseable PEM certificate
 * (a garbled value would otherwise surface as an opaque TLS failure on the first call).
 */
export function parseClientCertificate(pem: string): { pem: string } | { error: string } {
  try {
    const c = new x509.X509Certificate(pem);
    if (c.notAfter.getTime() < Date.now()) return { error: 'PLUGIN_CLIENT_CERT has expired' };
    return { pem: pem.endsWith('\n') ? pem : `${pem}\n` };
  } catch (e) {
    return { error: `PLUGIN_CLIENT_CERT is not a PEM certificate: ${(e as Error).message}` };
  }
}
