import type { IConstruct } from 'constructs';

/** One message of a construct, with its path in the tree. */
export interface OvfConstructMessage {
  /** Construct path, e.g. `appliance/Appliance/Descriptor`. */
  path: string;
  message: string;
}

/**
 * Helpers for users' unit tests, next to cdktf's `Testing`: the synth problems of a stack as
 * data instead of one thrown string, so a test can assert on each.
 * @example
 * const stack = new TerraformStack(Testing.app(), 'test');
 * new OvfImport(stack, 'App', { source: 'app.ova', datacenter: 'DC0' });
 * expect(OvfTesting.errors(stack)).toEqual([]);
 */
export class OvfTesting {
  /** Every validation error under `scope` (what `Testing.synth(stack, true)` would throw), in tree order. */
  static errors(scope: IConstruct): OvfConstructMessage[] {
    return scope.node.findAll().flatMap((c) => c.node.validate().map((message) => ({ path: c.node.path, message })));
  }

  /** Every warning annotation under `scope`, in tree order. */
  static warnings(scope: IConstruct): OvfConstructMessage[] {
    return OvfTesting.metadata(scope, '@cdktf/warn');
  }

  /** Every info annotation under `scope` (e.g. which host profile an import was checked against). */
  static infos(scope: IConstruct): OvfConstructMessage[] {
    return OvfTesting.metadata(scope, '@cdktf/info');
  }

  private static metadata(scope: IConstruct, type: string): OvfConstructMessage[] {
    return scope.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === type).map((m) => ({ path: c.node.path, message: String(m.data) })));
  }
}
