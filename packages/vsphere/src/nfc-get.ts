import * as net from 'node:net';
import type * as https from 'node:https';
import type { Readable } from 'node:stream';
import * as tls from 'node:tls';
import { OvfkitError, type Vocabulary } from '@ovfkit/core';
import { watchPace } from './pace';

/**
 * Bytes delivered piece by piece to one consumer. A piece is only valid during the call (the
 * source may reuse its memory): hash it, copy it, never keep it. Returning false pauses the source
 * until {@link PieceSource.resume}.
 */
export interface PieceSource {
  /** Delivers every piece in order; resolves with the byte count once the last one was delivered. */
  pipe(onPiece: (piece: Buffer) => boolean): Promise<number>;
  resume(): void;
  /** Stops delivery; a pending {@link pipe} rejects with `error`. */
  destroy(error: Error): void;
}

/** A Readable as a {@link PieceSource}. */
export function fromReadable(input: Readable): PieceSource {
  return {
    pipe: (onPiece) =>
      new Promise<number>((resolve, reject) => {
        let n = 0;
        input.on('data', (c: Buffer) => {
          n += c.length;
          if (!onPiece(c)) input.pause();
        });
        input.once('error', reject);
        input.once('end', () => resolve(n));
      }),
    resume: () => input.resume(),
    destroy: (error) => input.destroy(error),
  };
}

/** Longest response head (status line + headers) accepted from a lease URL. */
const MAX_HEAD = 64 * 1024;
/** The reused buffer TLS decrypts into: one TLS record is at most 16 KiB. */
const READ_BUFFER = 64 * 1024;

/** What the response head said. */
export interface ResponseHead {
  statusCode: number;
  /** Lower-cased names; a repeated header's values joined with `, `. */
  headers: Record<string, string>;
}

/**
 * Parses an HTTP/1.1 response head (without the final empty line). Refuses what a lease URL never
 * sends and a hostile server could use to confuse the body's length: obs-fold, a missing or
 * malformed status line, conflicting Content-Length values, a transfer coding other than chunked.
 */
export function parseResponseHead(head: string): ResponseHead {
  const lines = head.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
  if (!status) throw new OvfkitError('VIM_PROTOCOL', `not an HTTP/1.1 response: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!m) throw new OvfkitError('VIM_PROTOCOL', `malformed HTTP header line: ${JSON.stringify(line.slice(0, 80))}`);
    const name = m[1]!.toLowerCase();
    headers[name] = name in headers ? `${headers[name]}, ${m[2]!}` : m[2]!;
  }
  return { statusCode: Number(status[1]), headers };
}

/** How the body's end is known (RFC 9112 §6.3): chunked, a length, or the connection closing. */
export type BodyFraming = { kind: 'chunked' } | { kind: 'length'; length: number } | { kind: 'close' };

export function bodyFraming(head: ResponseHead): BodyFraming {
  const te = head.headers['transfer-encoding'];
  if (te !== undefined) {
    if (te.toLowerCase() !== 'chunked') throw new OvfkitError('VIM_PROTOCOL', `unsupported Transfer-Encoding ${JSON.stringify(te.slice(0, 80))}`);
    return { kind: 'chunked' };
  }
  const cl = head.headers['content-length'];
  if (cl === undefined) return { kind: 'close' };
  const values = new Set(cl.split(',').map((v) => v.trim()));
  const only = [...values][0]!;
  if (values.size !== 1 || !/^\d{1,15}$/.test(only)) throw new OvfkitError('VIM_PROTOCOL', `invalid Content-Length ${JSON.stringify(cl.slice(0, 80))}`);
  return { kind: 'length', length: Number(only) };
}

/**
 * Cuts the body out of the bytes that follow the head, by its framing: calls `data` with each
 * body piece (a view of the input, no copy) and returns true once the body is complete. Chunk
 * sizes and trailers are bounded; anything malformed throws.
 */
export class BodyDecoder {
  private remaining: number;
  private state: 'size' | 'data' | 'data-crlf' | 'trailer' | 'done';
  private line = '';
  /** Body bytes delivered so far. */
  received = 0;

  constructor(private readonly framing: BodyFraming) {
    this.remaining = framing.kind === 'length' ? framing.length : 0;
    this.state = framing.kind === 'chunked' ? 'size' : framing.kind === 'length' && framing.length === 0 ? 'done' : 'data';
  }

  get done(): boolean {
    return this.state === 'done';
  }

  /** Feeds bytes; returns false when `data` asked to pause (the rest of `input` was still handled). */
  push(input: Buffer, data: (piece: Buffer) => boolean): boolean {
    let more = true;
    const emit = (piece: Buffer): void => {
      if (!piece.length) return;
      this.received += piece.length;
      if (!data(piece)) more = false;
    };
    if (this.framing.kind === 'close') {
      emit(input);
      return more;
    }
    if (this.framing.kind === 'length') {
      // Bytes after the announced length are not the body's: ignored (the connection is closed).
      if (this.state === 'data') emit(input.subarray(0, Math.min(input.length, this.remaining)));
      this.remaining -= Math.min(input.length, this.remaining);
      if (this.remaining === 0) this.state = 'done';
      return more;
    }
    let i = 0;
    while (i < input.length && this.state !== 'done') {
      if (this.state === 'data') {
        const n = Math.min(this.remaining, input.length - i);
        emit(input.subarray(i, i + n));
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = 'data-crlf';
        continue;
      }
      // size, data-crlf and trailer lines: read up to LF, bounded.
      const lf = input.indexOf(0x0a, i);
      const end = lf < 0 ? input.length : lf;
      this.line += input.toString('latin1', i, end);
      i = lf < 0 ? input.length : lf + 1;
      if (this.line.length > 1024) throw new OvfkitError('VIM_PROTOCOL', 'a chunk-size or trailer line of the response is longer than 1 KiB');
      if (lf < 0) break;
      const line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
      this.line = '';
      if (this.state === 'data-crlf') {
        if (line !== '') throw new OvfkitError('VIM_PROTOCOL', 'a chunk of the response is not followed by CRLF');
        this.state = 'size';
      } else if (this.state === 'size') {
        const m = /^([0-9A-Fa-f]{1,12})(?:[ \t]*;.*)?$/.exec(line);
        if (!m) throw new OvfkitError('VIM_PROTOCOL', `malformed chunk size ${JSON.stringify(line.slice(0, 40))}`);
        this.remaining = parseInt(m[1]!, 16);
        this.state = this.remaining === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        this.state = 'done';
      }
    }
    return more;
  }
}

/**
 * One GET of a lease URL over a connection of its own, the export's hot path. Node's https client
 * passes every 16 KiB TLS record through two stream layers and the HTTP parser, each piece a new
 * Buffer; here TLS decrypts into one reused buffer (`onread`) and the body goes straight to the
 * consumer, which copies what it keeps. The head is parsed here (bounded, strict: see
 * {@link parseResponseHead}); trust is the agent's (CA, pinned thumbprints, never weaker).
 */
export class NfcGet implements PieceSource {
  private onPiece: ((piece: Buffer) => boolean) | undefined;
  private held: Buffer[] = [];
  private failure: Error | undefined;
  private settle: { resolve: (n: number) => void; reject: (e: Error) => void } | undefined;
  private readonly framing: BodyFraming;
  private readonly decoder: BodyDecoder;
  /** The consumer asked to pause. */
  private paused = false;
  /** Reading from the socket is stopped (onread returned false). */
  private socketPaused = false;
  private socketClosed = false;
  /** A read-until-close body ended by the close. */
  private closeEnded = false;

  private constructor(
    private readonly socket: net.Socket,
    readonly head: ResponseHead,
    private readonly describe: string,
    /** Called once, when the download settles (removes the abort listener). */
    private readonly cleanup: () => void,
  ) {
    this.framing = bodyFraming(head);
    this.decoder = new BodyDecoder(this.framing);
  }

  /** Body bytes received so far. */
  get received(): number {
    return this.decoder.received;
  }

  /** Length announced by the server, if any. */
  get contentLength(): number | undefined {
    return this.framing.kind === 'length' ? this.framing.length : undefined;
  }

  /**
   * Connects, sends the GET and reads the head. A status other than 200 is an error (`NETWORK`);
   * so is a connection that goes `idleTimeoutMs` without a byte, or a window of that length below
   * the minimum pace, head included (pace.ts). `describe` names the download in
   * errors (a file name or a redacted URL: a lease URL carries a ticket).
   */
  static open(u: URL, agent: https.Agent | undefined, signal: AbortSignal, idleTimeoutMs: number, describe: string, vocabulary: Vocabulary = 'api'): Promise<NfcGet> {
    return new Promise<NfcGet>((resolve, reject) => {
      let headBytes: Buffer[] = [];
      let headLength = 0;
      let get: NfcGet | undefined;
      let socket: net.Socket | undefined;
      const fail = (e: Error): void => {
        if (get) get.fail(e);
        else {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        }
        socket?.destroy();
      };
      const onAbort = (): void => fail(signal.reason instanceof Error ? signal.reason : new OvfkitError('ABORTED', 'interrupted'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      const onread = (nread: number, buf: Buffer): boolean => {
        const piece = buf.subarray(0, nread);
        if (get) return get.deliver(piece);
        headBytes.push(Buffer.from(piece));
        headLength += nread;
        const all = Buffer.concat(headBytes, headLength);
        const end = all.indexOf('\r\n\r\n');
        if (end < 0) {
          headBytes = [all];
          if (headLength > MAX_HEAD) fail(new OvfkitError('VIM_PROTOCOL', `the response head from ${describe} is longer than ${MAX_HEAD} bytes`));
          return true;
        }
        try {
          const head = parseResponseHead(all.toString('latin1', 0, end));
          if (head.statusCode !== 200) throw new OvfkitError('NETWORK', `the download of ${describe} failed: HTTP ${head.statusCode}`);
          get = new NfcGet(socket!, head, describe, () => signal.removeEventListener('abort', onAbort));
          const rest = all.subarray(end + 4);
          resolve(get);
          return rest.length ? get.deliver(Buffer.from(rest)) : true;
        } catch (e) {
          fail(e as Error);
          return false;
        }
      };
      const options: tls.ConnectionOptions & net.TcpNetConnectOpts = {
        ...((agent as { options?: tls.ConnectionOptions } | undefined)?.options ?? {}),
        host: u.hostname.replace(/^\[|\]$/g, ''),
        port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
        onread: { buffer: Buffer.allocUnsafe(READ_BUFFER), callback: onread },
      };
      if (u.protocol === 'https:' && !net.isIP(options.host!)) options.servername = options.host!;
      const request = `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUser-Agent: ovfkit\r\nAccept: */*\r\nConnection: close\r\n\r\n`;
      const connected = (s: net.Socket): void => {
        socket = s;
        s.setNoDelay(true);
        const stop = watchPace(`downloading ${describe}`, { windowMs: idleTimeoutMs, vocabulary }, () => get?.received ?? headLength, fail);
        s.once('close', stop);
        s.setTimeout(idleTimeoutMs, () => fail(new OvfkitError('TIMEOUT', `no progress downloading ${describe} for ${idleTimeoutMs / 1000} s`)));
        s.on('error', (e) => fail(e instanceof OvfkitError ? e : new OvfkitError('NETWORK', `the download of ${describe} failed: ${(e as { code?: string }).code ?? e.message}`, { cause: e })));
        s.on('close', () => {
          if (!get) return fail(new OvfkitError('NETWORK', `the server closed the connection before answering the download of ${describe}`));
          get.closed();
        });
        s.write(request);
      };
      if (u.protocol !== 'https:') {
        const s = net.connect(options);
        s.once('connect', () => connected(s));
        s.on('error', (e) => fail(new OvfkitError('NETWORK', `the download of ${describe} failed: ${(e as { code?: string }).code ?? e.message}`, { cause: e })));
        return;
      }
      // The agent's createConnection applies its trust: CA verification, or the pinned
      // thumbprints checked before anything is sent (tls.ts PinnedAgent calls back once checked).
      const create = (agent as unknown as { createConnection?: (o: object, cb: (err: Error | null, s: net.Socket) => void) => net.Socket | undefined } | undefined)?.createConnection;
      let called = false;
      const callback = (err: Error | null, s: net.Socket): void => {
        if (called) return;
        called = true;
        if (err) return fail(err instanceof OvfkitError ? err : new OvfkitError('TLS', `TLS for the download of ${describe} failed: ${err.message}`, { cause: err }));
        connected(s);
      };
      const s = create ? create.call(agent, options, callback) : tls.connect(options);
      if (s) {
        s.once('secureConnect', () => callback(null, s));
        s.once('error', (e) => callback(e, s));
      }
    });
  }

  pipe(onPiece: (piece: Buffer) => boolean): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.settle = { resolve, reject };
      this.onPiece = onPiece;
      this.pump();
    });
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.pump();
  }

  destroy(error: Error): void {
    this.fail(error);
    this.socket.destroy();
  }

  /** Delivers held pieces while the consumer accepts them, then reads on, or settles. */
  private pump(): void {
    if (this.failure) return this.finish();
    if (!this.onPiece) return;
    while (this.held.length && !this.paused) this.paused = !this.feed(this.held.shift()!);
    if (this.failure || this.decoder.done) return this.finish();
    if (this.held.length || this.paused) return;
    if (this.socketClosed) return this.closed();
    if (this.socketPaused) {
      this.socketPaused = false;
      this.socket.resume();
    }
  }

  /** From the socket (the piece is a view of the reused read buffer): returns false to pause reading. */
  private deliver(piece: Buffer): boolean {
    if (!this.onPiece || this.paused || this.held.length) {
      // No consumer yet, or it asked to pause: keep a copy; TLS may still hand over a few
      // already-decrypted records after reading stops.
      this.held.push(Buffer.from(piece));
      this.socketPaused = true;
      return false;
    }
    this.paused = !this.feed(piece);
    if (this.failure || this.decoder.done) {
      this.finish();
      return false;
    }
    if (this.paused) this.socketPaused = true;
    return !this.paused;
  }

  private feed(piece: Buffer): boolean {
    try {
      return this.decoder.push(piece, this.onPiece!);
    } catch (e) {
      this.fail(e as Error);
      this.socket.destroy();
      return false;
    }
  }

  /** The connection closed: the end of a read-until-close body, or a cut-off one. */
  private closed(): void {
    this.socketClosed = true;
    if (this.failure || this.decoder.done) return this.finish();
    if (this.held.length || !this.onPiece) return; // the rest is delivered first (pump comes back here)
    if (this.framing.kind === 'close') {
      this.closeEnded = true;
      return this.finish();
    }
    this.fail(new OvfkitError('NETWORK', `the download of ${this.describe} was cut off after ${this.decoder.received} bytes`));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.finish();
  }

  private finish(): void {
    if (!this.settle) return;
    const { resolve, reject } = this.settle;
    this.settle = undefined;
    this.cleanup();
    if (this.failure) reject(this.failure);
    else {
      resolve(this.decoder.received);
      this.socket.destroy();
    }
  }
}
