/**
 * RASD integer values (`rasd:VirtualQuantity`, `rasd:Reservation`, …). Byte units
 * (`rasd:AllocationUnits`, `ovf:capacityAllocationUnits`) are read by envelope.ts `unitBytes`.
 */

/** True when a RASD text is a whole number (ParseDescriptor refuses any other VirtualQuantity). */
export function isIntegerText(s: string): boolean {
  return /^\s*[+-]?\d+\s*$/.test(s);
}

/** A decimal integer RASD value, or undefined. */
export function intValue(s: string | undefined): number | undefined {
  if (s === undefined || !isIntegerText(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}
