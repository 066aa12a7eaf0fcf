import { UsageError } from '../errors';
import { BUILTIN_HOST_PROFILE_NAMES, DEFAULT_HOST_PROFILE_NAME, HOST_PROFILE_ALIASES, builtinHostProfile } from './builtin';
import type { HostProfile, HostProfileLimits } from './types';

export * from './types';
export * from './issues';
export { checkHostProfile, type HostProfileCheck } from './validate';
export {
  BUILTIN_HOST_PROFILE_NAMES,
  DEFAULT_HOST_PROFILE_NAME,
  HOST_PROFILE_ALIASES,
  HOST_PROFILE_SOURCES,
  builtinHostProfile,
  closestBuiltinHostProfileName,
  compareApiVersions,
} from './builtin';
export { GUEST_OS_IDENTIFIERS, GUEST_MIN_HARDWARE_VERSION } from './guestids';

/**
 * A built-in profile by name (`esxi-8.0u2`, alias `esxi-8.0`, or undefined for the default,
 * the newest release). Throws a UsageError listing the names for an unknown one.
 */
export function resolveHostProfile(name?: string): HostProfile {
  const p = builtinHostProfile(name ?? DEFAULT_HOST_PROFILE_NAME);
  if (p) return p;
  const names = [...BUILTIN_HOST_PROFILE_NAMES, ...Object.keys(HOST_PROFILE_ALIASES)].sort();
  throw new UsageError(`unknown host profile "${name}"; built-in profiles: ${names.join(', ')} (or give a profile JSON file)`);
}

/** The vCPU/memory maxima that apply to a hardware version, or undefined below the first entry. */
export function limitsFor(profile: HostProfile, hardwareVersion: number): HostProfileLimits | undefined {
  let found: HostProfileLimits | undefined;
  for (const l of profile.limits) if (l.hardwareVersion <= hardwareVersion) found = l;
  return found;
}
