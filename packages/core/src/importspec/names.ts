/**
 * Inventory names as vSphere stores them.
 * @see vim25 ManagedEntity.name
 */

/**
 * An entity name as vSphere stores it in the inventory: `%` becomes `%25`, `/` `%2f` and `\`
 * `%5c`; a `%` that already starts one of those three escapes is kept, so escaping twice
 * changes nothing (ManagedEntity.name: "unless it is used to start an escape sequence").
 * @example escapeEntityName('web/db 50%') // 'web%2fdb 50%25'
 */
export function escapeEntityName(name: string): string {
  return name.replace(/%(?!25|2f|5c)|[/\\]/gi, (c) => (c === '%' ? '%25' : c === '/' ? '%2f' : '%5c'));
}
