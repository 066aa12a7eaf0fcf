/**
 * DSP0004 programmatic units as RASD `AllocationUnits` / Disk `capacityAllocationUnits` write
 * them (`byte * 2^20`, `MegaBytes`, `KiloBytes`, `byte * 1024`), resolved to a byte multiplier.
 * @see DSP0243 §9.1 (capacityAllocationUnits), DSP0004 Annex C
 */

const NAMED: Record<string, number> = {
  byte: 1,
  bytes: 1,
  kilobyte: 1024,
  kilobytes: 1024,
  kibibyte: 1024,
  kibibytes: 1024,
  kb: 1024,
  megabyte: 2 ** 20,
  megabytes: 2 ** 20,
  mebibyte: 2 ** 20,
  mebibytes: 2 ** 20,
  mb: 2 ** 20,
  gigabyte: 2 ** 30,
  gigabytes: 2 ** 30,
  gibibyte: 2 ** 30,
  gibibytes: 2 ** 30,
  gb: 2 ** 30,
  terabyte: 2 ** 40,
  terabytes: 2 ** 40,
  tebibyte: 2 ** 40,
  tb: 2 ** 40,
};

/**
 * Bytes per unit, or undefined when the unit is not a byte unit we can read.
 * @example unitBytes('byte * 2^20') // 1048576
 */
export function unitBytes(units: string | undefined): number | undefined {
  if (units === undefined || units.trim() === '') return undefined;
  let total = 1;
  let sawByte = false;
  for (const raw of units.split('*')) {
    const t = raw.trim().toLowerCase();
    if (t === '') return undefined;
    const named = NAMED[t];
    if (named !== undefined) {
      total *= named;
      sawByte = true;
      continue;
    }
    const pow = /^(\d+)\s*\^\s*(\d+)$/.exec(t);
    if (pow) {
      total *= Number(pow[1]) ** Number(pow[2]);
      continue;
    }
    if (/^\d+$/.test(t)) {
      total *= Number(t);
      continue;
    }
    return undefined;
  }
  return sawByte && Number.isSafeInteger(total) ? total : undefined;
}

/** A decimal integer RASD value, or undefined. */
/** True when a RASD text is a whole number (ParseDescriptor refuses any other VirtualQuantity). */
export function isIntegerText(s: string): boolean {
  return /^\s*[+-]?\d+\s*$/.test(s);
}

export function intValue(s: string | undefined): number | undefined {
  if (s === undefined || !isIntegerText(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}
