/**
 * Preloaded (`node --require`) into the provider process by the terraform e2e: appends every
 * address the process listens on and every peer it connects to, one JSON line each, to
 * $OVFKIT_SOCKET_LOG. The test reads them to see where the provider's traffic went.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';

const log = process.env['OVFKIT_SOCKET_LOG'];
if (log) {
  const record = (entry: { kind: 'listen' | 'connect'; address: string; family: string }): void => fs.appendFileSync(log, `${JSON.stringify({ pid: process.pid, ...entry })}\n`);
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    this.once('listening', () => {
      const a = this.address();
      if (a && typeof a === 'object') record({ kind: 'listen', address: a.address, family: a.family });
      else record({ kind: 'listen', address: String(a), family: 'pipe' });
    });
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof listen;
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    this.once('connect', () => record({ kind: 'connect', address: this.remoteAddress ?? '', family: this.remoteFamily ?? '' }));
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;
}
