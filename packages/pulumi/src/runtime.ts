/**
 * The provider as it runs inside Pulumi's dynamic-provider host. The serialized providers
 * (see providers.ts) `require()` this module when the engine calls them, so the implementation
 * and its dependencies are loaded from the installed @ovfkit packages, not copied into state.
 *
 * Internal: the shape of this module may change in any release; use the exports of
 * `@ovfkit/pulumi` instead.
 * @internal
 */
import { errorText, escapeControls } from '@ovfkit/core';
import { defaultBackend } from './bind';
import { setProviderConfig, type ConfigReader } from './connection';
import { createOvfExportProvider } from './export-provider';
import { createOvfImportProvider, type ProviderImpl } from './import-provider';
import { createOvfLibraryItemProvider } from './library-provider';

/** Keeps the engine's configuration (`ovfkit:*` keys) for this provider process. */
export function configure(config: ConfigReader | undefined): void {
  setProviderConfig(config);
}

/** `e` with its message (and the message line of its stack) as {@link errorText} shows it. */
function escapedError(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const text = errorText(e);
  if (text === e.message) return e;
  if (e.stack?.includes(e.message)) e.stack = e.stack.replace(e.message, text);
  e.message = text;
  return e;
}

/**
 * The provider as the engine sees it: every message it hands over (check failures, errors of
 * each operation) escaped, so no control character from a package reaches the terminal or the
 * engine's log (issue 12 item 7). Inputs and outputs are data and stay exact.
 */
export function engineFacing<I, O>(p: ProviderImpl<I, O>): ProviderImpl<I, O> {
  const guard = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    try {
      return await f(...a);
    } catch (e) {
      throw escapedError(e);
    }
  };
  return {
    check: guard(async (olds, news) => {
      const r = await p.check(olds, news);
      return { ...r, failures: r.failures.map((x) => ({ property: escapeControls(x.property, 'line'), reason: escapeControls(x.reason, 'line') })) };
    }),
    diff: guard(p.diff.bind(p)),
    create: guard(p.create.bind(p)),
    read: guard(p.read.bind(p)),
    update: guard(p.update.bind(p)),
    delete: guard(p.delete.bind(p)),
  };
}

export const ovfImport = engineFacing(createOvfImportProvider(defaultBackend));
export const ovfExport = engineFacing(createOvfExportProvider(defaultBackend));
export const ovfLibraryItem = engineFacing(createOvfLibraryItemProvider(defaultBackend));
