/**
 * The `terraform-provider-ovfkit` process: serves the provider to the Terraform or OpenTofu that
 * started it, until the host asks it to shut down.
 */
import { createProvider } from './provider/provider';
import { HandshakeError, servePlugin } from './protocol/server';

/**
 * Runs the plugin; resolves with the exit code. Stdout carries only the handshake line: every
 * log goes to stderr, which the host reads as the plugin's log.
 */
export async function runPlugin(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  console.log = console.error;
  console.info = console.error;
  // The host forwards Ctrl-C to the whole process group, then stops us itself (StopProvider,
  // then Shutdown): an operation in flight is not cut short by the signal.
  process.on('SIGINT', () => undefined);
  try {
    const plugin = await servePlugin(createProvider({ env }), env);
    process.stdout.write(plugin.handshake);
    await plugin.stopped;
    return 0;
  } catch (e) {
    process.stderr.write(`terraform-provider-ovfkit: ${(e as Error).message}\n`);
    return e instanceof HandshakeError ? 1 : 2;
  }
}
