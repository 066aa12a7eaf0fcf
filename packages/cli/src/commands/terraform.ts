import * as os from 'node:os';
import { UsageError } from '@ovfkit/core';
import { type Command, ExitCode, writeJson } from '../command';

/**
 * `ovfkit terraform install`: puts terraform-provider-ovfkit in Terraform's implied local mirror
 * (`$HOME/.terraform.d/plugins/registry.terraform.io/ovfkit/ovfkit/<version>/<os>_<arch>/`), so
 * `terraform init` finds `source = "ovfkit/ovfkit"` without a registry.
 */
export const terraformInstallCommand: Command = {
  name: 'terraform install',
  summary: 'install the Terraform / OpenTofu provider (ovfkit/ovfkit) in the local plugin mirror',
  usage: 'terraform install [--opentofu]',
  help: [
    '  --opentofu              also install under registry.opentofu.org (OpenTofu\'s default host)',
    'The directory is $HOME/.terraform.d/plugins. With a provider_installation block in your CLI',
    'configuration, add the block this command prints (Terraform then ignores the implied mirror).',
  ].join('\n'),
  options: { opentofu: { type: 'boolean' } },
  async run(positionals, values, ctx) {
    if (positionals.length > 0) throw new UsageError('terraform install takes no arguments');
    const home = ctx.env['HOME'] ?? os.homedir();
    // Loaded here only: the rest of the CLI does not need gRPC.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { installProvider, PROVIDER_VERSION } = require('@ovfkit/terraform') as typeof import('@ovfkit/terraform');
    const r = installProvider({ home, hosts: values['opentofu'] ? ['registry.terraform.io', 'registry.opentofu.org'] : ['registry.terraform.io'] });
    if (values['json'] === true) {
      writeJson(ctx.stdout, { version: PROVIDER_VERSION, files: r.files, providerInstallation: r.providerInstallation });
      return ExitCode.Ok;
    }
    for (const f of r.files) ctx.stdout.write(`installed ovfkit/ovfkit ${PROVIDER_VERSION}: ${f}\n`);
    ctx.stdout.write('\nterraform init finds it with no CLI configuration (the implied local mirror). If your CLI configuration\nhas a provider_installation block, add:\n\n');
    ctx.stdout.write(r.providerInstallation);
    return ExitCode.Ok;
  },
};
