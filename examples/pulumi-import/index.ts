/**
 * A Pulumi program that imports an OVF appliance into vSphere with @ovfkit/pulumi and exports
 * it back to an OVA.
 *
 * `pulumi preview` reads the package and checks every setting below against it (ParseDescriptor,
 * then ValidateHost + CreateImportSpec on vCenter when `ovfkit:server` is set, else against the
 * ESXi 8.0 host profile); a mistake fails the preview naming the input and what is allowed.
 * `pulumi up` imports (nothing is left behind if it fails), `pulumi refresh` reads the VM's real
 * state, `pulumi destroy` powers it off and deletes it.
 *
 * Credentials: `pulumi config set ovfkit:server vc.example.com`, `ovfkit:user`,
 * `pulumi config set --secret ovfkit:password …`, `ovfkit:thumbprint` (or VSPHERE_SERVER,
 * VSPHERE_USER, VSPHERE_PASSWORD, VSPHERE_THUMBPRINT in the environment). They are read by the
 * provider when it runs and never stored in the state.
 */
import * as path from 'node:path';

import * as pulumi from '@pulumi/pulumi';
import { getOvfDescriptorOutput, OvfExport, OvfImport } from '@ovfkit/pulumi';

const config = new pulumi.Config();
/** The package: a path or URL to an .ova/.ovf (`pulumi config set source ./appliance.ova`). */
const source = config.get('source') ?? path.join(__dirname, '..', 'minimal', 'minimal.ova');
/** The appliance's root password: `pulumi config set --secret rootPassword …`. */
const rootPassword = config.requireSecret('rootPassword');

// The ParseDescriptor result as data: what the package offers.
const descriptor = getOvfDescriptorOutput(source);
export const deploymentOptions = descriptor.apply((d) => (d.deploymentOption ?? []).map((o) => o.key));
export const ovfNetworks = descriptor.apply((d) => (d.network ?? []).map((n) => n.name));

const appliance = new OvfImport('appliance', {
  source,
  name: 'appliance-01',
  datacenter: 'DC0',
  resourcePool: '/DC0/host/DC0_C0/Resources',
  datastore: 'LocalDS_0',
  networkMapping: { 'VM Network': 'VM Network' },
  deploymentOption: 'small',
  propertyMapping: {
    hostname: 'appliance-01',
    log_level: 'warn',
    root_password: rootPassword,
  },
  diskProvisioning: 'thin',
  acceptAllEulas: true,
  // ExportVm needs the VM powered off; set this to true once no export is wanted.
  powerOn: false,
  annotation: 'managed by Pulumi (examples/pulumi-import)',
  hostProfile: 'esxi-8.0',
});

const backup = new OvfExport('appliance-backup', {
  entity: appliance.id,
  destination: path.join(__dirname, 'appliance-01-backup.ova'),
  manifestAlgorithm: 'SHA256',
});

export const vmId = appliance.id;
export const descriptorDigest = appliance.descriptorDigest;
export const vms = appliance.vms;
export const backupFiles = backup.files;
