/**
 * The curl baseline of `pnpm bench import` as a whole command, so that it is measured the same way
 * as `ovfkit import` / `ovfkit export` (a child process timed from spawn to exit: Node start-up,
 * login, lease, transfer, lease completion, logout), with curl doing the transfer:
 *
 *   node curl-lease.js import <ova> <vmdk> <vm name>   (curl -T: POST of the VMDK to the lease URL)
 *   node curl-lease.js export <vm path> <out file>     (curl -o: download of the export lease URL to a file)
 *
 * Connection from VSPHERE_SERVER / VSPHERE_USER / VSPHERE_PASSWORD / VSPHERE_THUMBPRINT. Prints
 * `{"curlSeconds": …}` (curl alone) on stdout.
 */
import { spawnSync } from 'node:child_process';
import { Inventory, ServerManifest, VimSession, methods, openPackage, resolvePlacement, withLease } from '@ovfkit/vsphere';

function curl(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('curl', ['-sS', '-f', '-k', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`curl exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function main(): Promise<void> {
  const [mode, a, b, c] = process.argv.slice(2);
  const server = process.env['VSPHERE_SERVER']!;
  const host = new URL(server).host;
  const session = await VimSession.connect({ server, userName: process.env['VSPHERE_USER']!, password: process.env['VSPHERE_PASSWORD']!, thumbprint: process.env['VSPHERE_THUMBPRINT']! });
  let curlSeconds = 0;
  try {
    if (mode === 'import') {
      const source = await openPackage(a!);
      const placement = await resolvePlacement(new Inventory(session), { pool: 'DC0_C0/Resources' });
      const spec = await session.client.send(
        new methods.CreateImportSpec({ _this: session.serviceContent.ovfManager!, ovfDescriptor: (await source.descriptor()).text, resourcePool: placement.resourcePool, datastore: placement.datastore, cisp: { _typeName: 'OvfCreateImportSpecParams', locale: '', deploymentOption: '', entityName: c! } as never }),
      );
      await source.close();
      const lease = await session.client.send(new methods.ImportVApp({ _this: placement.resourcePool, spec: spec.importSpec!, folder: placement.folder! }));
      await withLease(session, lease, async (l) => {
        const url = l.info.deviceUrl[0]!.url.replace('://*', `://${host}`);
        curlSeconds = curl(['-X', 'POST', '-H', 'Content-Type: application/x-vnd.vmware-streamVmdk', '-H', 'Expect:', '-T', b!, url]);
      });
    } else if (mode === 'export') {
      const vm = await new Inventory(session).get(a!, 'VM');
      const lease = await session.client.send(new methods.ExportVm({ _this: vm }));
      await withLease(session, lease, async (l) => {
        // The server does for this download what it does for `ovfkit export`'s SHA256 manifest:
        // asked the same way (a SHA-256 of what it sends on a 6.7+ server), read back the same way.
        const check = await ServerManifest.begin(session, lease, 'SHA256', l.info.deviceUrl.map((d) => d.key), { direction: 'export' });
        const url = l.info.deviceUrl[0]!.url.replace('://*', `://${host}`);
        curlSeconds = curl(['-o', b!, url]);
        if (check.result().checksumType) await session.client.send(new methods.HttpNfcLeaseGetManifest({ _this: lease }));
      });
    } else {
      throw new Error(`usage: curl-lease.js import <ova> <vmdk> <name> | export <vm path> <out file>`);
    }
  } finally {
    await session.logout();
  }
  process.stdout.write(JSON.stringify({ curlSeconds }) + '\n');
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 1;
});
