/**
 * RASD integer values (`rasd:VirtualQuantity`, `rasd:Reservation`, …). Byte units
 * (`rasd:AllocationUnits`, `ovf:capacityAllocationUnits`) are read by envelope.ts `unitBytes`.
 */
import { quantityBytes } from '../envelope';

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

/**
 * The memory of a memory Item (ResourceType 4) in whole MiB, as the ImportSpec's `memoryMB`
 * carries it: VirtualQuantity × AllocationUnits (MiB when absent), rounded up, at least 1;
 * undefined when the quantity is not a positive whole number or the units are unreadable.
 * The one rule for CreateImportSpec and the per-VM summary.
 * @see vim25 VirtualMachineConfigSpec.memoryMB
 */
export function memoryMB(item: { virtualQuantity?: string | undefined; allocationUnits?: string | undefined }): number | undefined {
  const n = intValue(item.virtualQuantity);
  const bytes = n !== undefined && n >= 1 ? quantityBytes(n, item.allocationUnits, 2 ** 20) : undefined;
  return bytes === undefined ? undefined : Math.max(1, Math.ceil(bytes / 2 ** 20));
}
