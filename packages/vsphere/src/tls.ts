import * as https from 'node:https';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { OvfkitError, UsageError } from '@ovfkit/core';

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

/** Normalizes a fingerprint to upper-case colon-separated hex; throws on anything else. */
export function normalizeThumbprint(tp: string, bytes = 32): string {
  const hex = tp.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex) || hex.length !== bytes * 2) {
    throw new UsageError(`the thumbprint must be the ${bytes === 32 ? 'SHA-256' : 'SHA-1'} fingerprint of the certificate (${bytes} bytes in hex), got ${JSON.stringify(tp.slice(0, 120))}`);
  }
  return hex.match(/../g)!.join(':');
}

/**
 * An https.Agent enforcing `trust`. With a thumbprint, the socket is handed to HTTP only after the
 * certificate has been checked, so not one byte of a request (password, cookie) reaches a server
 * that does not match the pin.
 */
export function createAgent(trust: TlsTrust, options: { sha1Thumbprint?: string } = {}): https.Agent {
  const pin256 = trust.thumbprint ? normalizeThumbprint(trust.thumbprint) : undefined;
  const pin1 = options.sha1Thumbprint ? normalizeThumbprint(options.sha1Thumbprint, 20) : undefined;
  if (!pin256 && !pin1) {
    return new https.Agent({ keepAlive: true, rejectUnauthorized: !trust.insecure, ...(trust.ca ? { ca: trust.ca } : {}) });
  }
  return new PinnedAgent(pin256, pin1);
}

class PinnedAgent extends https.Agent {
  constructor(
    private readonly pin256: string | undefined,
    private readonly pin1: string | undefined,
  ) {
    super({ keepAlive: true });
  }

  // http.Agent accepts an asynchronous createConnection: return nothing and call back later.
  override createConnection(options: object, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const socket = tls.connect({ ...(options as tls.ConnectionOptions), rejectUnauthorized: false });
    const onError = (err: Error): void => callback?.(err, socket);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.removeListener('error', onError);
      const cert = socket.getPeerCertificate();
      const ok = (this.pin256 && cert.fingerprint256 === this.pin256) || (this.pin1 && cert.fingerprint === this.pin1);
      if (!ok) {
        const seen = this.pin256 ? cert.fingerprint256 : cert.fingerprint;
        socket.destroy();
        callback?.(new OvfkitError('TLS', `the server's certificate does not match the pinned thumbprint (server presented ${seen ?? 'no certificate'}); nothing was sent`), socket);
        return;
      }
      callback?.(null, socket);
    });
    return undefined;
  }
}
