import * as https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { OvfkitError, UsageError, wordsOf, type Vocabulary } from '@ovfkit/core';
import { createTlsAgent, type ProxySettings } from '@ovfkit/package';

/**
 * How ovfkit trusts a vCenter/ESXi certificate. Exactly one of: the system CAs (default), extra
 * CAs (`ca`), a pinned SHA-256 `thumbprint`, or `insecure: true` asked for by name.
 */
export interface TlsTrust {
  /** PEM CA certificate(s) to trust in addition to… instead of the system store. */
  ca?: string | Buffer;
  /**
   * SHA-256 fingerprint of the server's certificate (hex, colons optional): the connection is
   * accepted only if the certificate matches, whoever signed it.
   * @example 'AB:CD:…:EF'
   */
  thumbprint?: string;
  /** Accept any certificate. Only when asked for by name (`--insecure`). @default false */
  insecure?: boolean;
}

/** Where the vim25 SOAP endpoint of a vCenter/ESXi is: `https://host[:port]` and its SDK path. */
export interface VsphereEndpoint {
  /** `https://host[:port]`. */
  origin: string;
  /** The SOAP URL: the path given, else `/sdk`. */
  sdkUrl: string;
}

/**
 * Reads a server as `https://host[:port][/path]` or a bare host (`https://` and `/sdk` implied).
 * `http://` is refused before anything is sent: the login would carry the password in clear
 * text, and `--thumbprint`/`--ca` would have nothing to check. Credentials in the URL are refused
 * too (they would reach logs and process lists).
 * @example
 * vsphereEndpoint('vc.example.com') // { origin: 'https://vc.example.com', sdkUrl: 'https://vc.example.com/sdk' }
 */
export function vsphereEndpoint(server: string, vocabulary: Vocabulary = 'api'): VsphereEndpoint {
  const w = wordsOf(vocabulary).connection;
  const text = server.trim();
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new UsageError(`the vSphere server (${w('server')}) must be https://host[:port][/sdk] or a host name, got ${JSON.stringify(text.slice(0, 200))}`);
  }
  if (u.protocol === 'http:') {
    throw new UsageError(`refusing to connect to ${u.protocol}//${u.host}: vSphere credentials travel only over TLS (https://), verified by the system CAs, ${w('ca')} or ${w('thumbprint')}, or unverified by ${w('insecure')}; nothing was sent`);
  }
  if (u.protocol !== 'https:') throw new UsageError(`the vSphere server URL must be https://, got ${u.protocol}//`);
  if (u.username || u.password) throw new UsageError(`put credentials in ${w('user')} and ${w('password')}, not in the server URL`);
  const origin = `${u.protocol}//${u.host}`;
  return { origin, sdkUrl: `${origin}${u.pathname && u.pathname !== '/' ? u.pathname : '/sdk'}` };
}

/**
 * Decides how one connection trusts its server, for every front end (CLI flags, Pulumi config,
 * the CDKTF provisioner's environment): at most one of CA, pin and insecure; a thumbprint that is
 * a SHA-256 fingerprint; a CA that holds at least one certificate. Nothing given is never read
 * as "anything goes": the system CAs verify.
 * @example
 * connectionTrust({ thumbprint: 'ab:cd:…' }) // { thumbprint: 'AB:CD:…' }
 */
export function connectionTrust(options: TlsTrust, vocabulary: Vocabulary = 'api'): TlsTrust {
  const w = wordsOf(vocabulary).connection;
  const given = [options.thumbprint !== undefined && w('thumbprint'), options.ca !== undefined && w('ca'), options.insecure === true && w('insecure')].filter((x): x is string => x !== false);
  if (given.length > 1) throw new UsageError(`choose one of ${w('thumbprint')}, ${w('ca')} and ${w('insecure')} (got ${given.join(' and ')})`);
  if (options.thumbprint !== undefined) return { thumbprint: normalizeThumbprint(options.thumbprint, 32, vocabulary) };
  if (options.ca !== undefined) {
    const pems = String(options.ca).match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    if (pems.length === 0) throw new UsageError(`the CA (${w('ca')}) holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    for (const pem of pems) {
      try {
        new X509Certificate(pem);
      } catch (e) {
        throw new UsageError(`the CA (${w('ca')}) holds a certificate that cannot be read: ${(e as Error).message}`);
      }
    }
    return { ca: options.ca };
  }
  return options.insecure === true ? { insecure: true } : {};
}

/** Normalizes a fingerprint to upper-case colon-separated hex; throws on anything else. */
export function normalizeThumbprint(tp: string, bytes = 32, vocabulary: Vocabulary = 'api'): string {
  const hex = tp.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex) || hex.length !== bytes * 2) {
    throw new UsageError(`the thumbprint (${wordsOf(vocabulary).connection('thumbprint')}) must be the ${bytes === 32 ? 'SHA-256' : 'SHA-1'} fingerprint of the certificate (${bytes} bytes in hex), got ${JSON.stringify(tp.slice(0, 120))}`);
  }
  return hex.match(/../g)!.join(':');
}

/**
 * An https.Agent enforcing `trust`, through a proxy when `options.proxy` names one for the server
 * (a CONNECT tunnel: the pin or CA check is the same inside it). With a thumbprint, the socket is
 * handed to HTTP only after the certificate has been checked, so not one byte of a request
 * (password, cookie) reaches a server that does not match the pin.
 */
export function createAgent(trust: TlsTrust, options: { sha1Thumbprint?: string; proxy?: ProxySettings } = {}): https.Agent {
  const pin256 = trust.thumbprint ? normalizeThumbprint(trust.thumbprint) : undefined;
  const pin1 = options.sha1Thumbprint ? normalizeThumbprint(options.sha1Thumbprint, 20) : undefined;
  const proxy = options.proxy ? { proxy: options.proxy } : {};
  if (!pin256 && !pin1) return createTlsAgent({ rejectUnauthorized: !trust.insecure, ...(trust.ca ? { ca: trust.ca } : {}), ...proxy });
  return createTlsAgent({
    rejectUnauthorized: true,
    ...proxy,
    checkPeer: (socket) => {
      const cert = socket.getPeerCertificate();
      const ok = (pin256 && cert.fingerprint256 === pin256) || (pin1 && cert.fingerprint === pin1);
      if (ok) return undefined;
      const seen = pin256 ? cert.fingerprint256 : cert.fingerprint;
      return new OvfkitError('TLS', `the server's certificate does not match the pinned thumbprint (server presented ${seen ?? 'no certificate'}); nothing was sent`);
    },
  });
}
