/**
 * A CDK for Terraform stack that imports an OVF appliance into vSphere with @ovfkit/cdktf.
 *
 * `cdktf synth` parses the package and checks every setting below against it (and against the
 * ESXi 8.0 host profile); a mistake fails synth with the construct path. `terraform apply` runs
 * `ovfkit import` (the CLI @ovfkit/cdktf depends on, by `node`), `terraform destroy` runs
 * `ovfkit destroy`; a changed property value, annotation or power state runs `ovfkit
 * reconfigure` on the same VM. vSphere credentials
 * (VSPHERE_SERVER, VSPHERE_USER, VSPHERE_PASSWORD, VSPHERE_THUMBPRINT) and the root password
 * (APPLIANCE_ROOT_PASSWORD) are read from the environment at apply time, never stored.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { OvfDescriptor, OvfImport, fromEnv } from '@ovfkit/cdktf';

class ApplianceStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const appliance = new OvfDescriptor(this, 'Package', {
      source: process.env['OVF_SOURCE'] ?? path.join(__dirname, '..', 'minimal', 'minimal.ova'),
      deploymentOption: 'large',
    });

    const vm = new OvfImport(this, 'Appliance', {
      descriptor: appliance,
      name: 'appliance-01',
      datacenter: 'DC0',
      resourcePool: '/DC0/host/DC0_C0/Resources',
      datastore: 'LocalDS_0',
      folder: '/DC0/vm',
      deploymentOption: 'large',
      networkMapping: { 'VM Network': 'DC0_DVPG0' },
      propertyMapping: {
        hostname: 'appliance-01',
        log_level: 'warn',
        root_password: fromEnv('APPLIANCE_ROOT_PASSWORD'),
      },
      diskProvisioning: 'thin',
      powerOn: true,
      hostProfile: 'esxi-8.0',
    });

    new TerraformOutput(this, 'cpus', { value: appliance.hardware[0]?.numCPUs });
    new TerraformOutput(this, 'memory_mb', { value: appliance.hardware[0]?.memoryMB });
    new TerraformOutput(this, 'vm_name', { value: vm.entityName });
  }
}

const app = new App();
new ApplianceStack(app, 'appliance');
// Every import's plan by construct path, for a pull-request comment (`ovfkit show
// cdktf.out/ovfkit-plans.json`, examples/ci-preview). Written before synth, so a stack that fails
// validation still shows why. The plans hold no password value.
const plans = Object.fromEntries(app.node.findAll().filter((c): c is OvfImport => c instanceof OvfImport).map((c) => [c.node.path, c.plan]));
fs.mkdirSync(app.outdir, { recursive: true });
fs.writeFileSync(path.join(app.outdir, 'ovfkit-plans.json'), JSON.stringify(plans, null, 2) + '\n');
app.synth();
