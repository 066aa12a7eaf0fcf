/**
 * Builds a small but valid streamOptimized VMDK (no grains: an all-zero disk of the given
 * capacity) for simulator tests. A `label` goes into the embedded descriptor so two disks of
 * the same size still have different bytes and hashes.
 *
 * @see VMware Virtual Disk Format 1.1, "Stream-Optimized Compressed Sparse Extents"
 */
export function emptyStreamOptimizedVmdk(capacityBytes: number, label = 'disk.vmdk'): Buffer {
  const sector = 512;
  const grainSectors = 128n;
  const capSectors = BigInt(Math.ceil(capacityBytes / sector));
  const desc =
    '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="streamOptimized"\n\n' +
    `# Extent description\nRW ${capSectors} SPARSE "${label}"\n\n# The Disk Data Base\n#DDB\n\nddb.adapterType = "lsilogic"\nddb.virtualHWVersion = "4"\n`;
  const descSectors = BigInt(Math.ceil(Buffer.byteLength(desc) / sector));
  const grains = (capSectors + grainSectors - 1n) / grainSectors;
  const numGTs = (grains + 511n) / 512n;
  const gdSectors = (numGTs * 4n + 511n) / 512n;
  const header = (gdOffset: bigint): Buffer => {
    const b = Buffer.alloc(sector);
    b.write('KDMV', 0, 'latin1');
    b.writeUInt32LE(3, 4);
    b.writeUInt32LE(1 | (1 << 16) | (1 << 17), 8);
    b.writeBigUInt64LE(capSectors, 12);
    b.writeBigUInt64LE(grainSectors, 20);
    b.writeBigUInt64LE(1n, 28);
    b.writeBigUInt64LE(descSectors, 36);
    b.writeUInt32LE(512, 44);
    b.writeBigUInt64LE(0n, 48);
    b.writeBigUInt64LE(gdOffset, 56);
    b.writeBigUInt64LE(1n + descSectors, 64);
    b[72] = 0;
    b.write('\n \r\n', 73, 'latin1');
    b.writeUInt16LE(1, 77);
    return b;
  };
  const marker = (val: bigint, type: number): Buffer => {
    const m = Buffer.alloc(sector);
    m.writeBigUInt64LE(val, 0);
    m.writeUInt32LE(type, 12);
    return m;
  };
  const d = Buffer.alloc(Number(descSectors) * sector);
  d.write(desc, 0, 'latin1');
  const head = [header(0xffffffffffffffffn), d, marker(gdSectors, 2)];
  const gdOffset = BigInt(head.reduce((n, b) => n + b.length, 0) / sector);
  return Buffer.concat([...head, Buffer.alloc(Number(gdSectors) * sector), marker(1n, 3), header(gdOffset), Buffer.alloc(sector)]);
}
