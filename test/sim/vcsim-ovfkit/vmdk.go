package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// streamOptimizedEmpty builds a valid streamOptimized VMDK of the given capacity with no
// grains (an all-zero disk): header, embedded descriptor, an all-zero grain directory, footer
// and end-of-stream marker. It is what an export serves for a disk nobody uploaded.
//
// @see VMware Virtual Disk Format 1.1, "Stream-Optimized Compressed Sparse Extents"
func streamOptimizedEmpty(capacityBytes int64, name string) []byte {
	const sector = 512
	const grainSectors = 128
	const gtes = 512
	capSectors := uint64((capacityBytes + sector - 1) / sector)
	desc := fmt.Sprintf("# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType=\"streamOptimized\"\n\n"+
		"# Extent description\nRW %d SPARSE \"%s\"\n\n# The Disk Data Base\n#DDB\n\n"+
		"ddb.adapterType = \"lsilogic\"\nddb.geometry.cylinders = \"%d\"\nddb.geometry.heads = \"255\"\nddb.geometry.sectors = \"63\"\nddb.virtualHWVersion = \"4\"\n",
		capSectors, name, capSectors/(255*63))
	descSectors := uint64((len(desc) + sector - 1) / sector)
	grains := (capSectors + grainSectors - 1) / grainSectors
	numGTs := (grains + gtes - 1) / gtes
	gdSectors := (numGTs*4 + sector - 1) / sector

	header := func(gdOffset uint64) []byte {
		var b bytes.Buffer
		le := binary.LittleEndian
		_ = binary.Write(&b, le, uint32(0x564d444b)) // "KDMV"
		_ = binary.Write(&b, le, uint32(3))          // version
		_ = binary.Write(&b, le, uint32(1|1<<16|1<<17))
		_ = binary.Write(&b, le, capSectors)
		_ = binary.Write(&b, le, uint64(grainSectors))
		_ = binary.Write(&b, le, uint64(1)) // descriptorOffset
		_ = binary.Write(&b, le, descSectors)
		_ = binary.Write(&b, le, uint32(gtes))
		_ = binary.Write(&b, le, uint64(0)) // rgdOffset
		_ = binary.Write(&b, le, gdOffset)
		_ = binary.Write(&b, le, 1+descSectors) // overHead
		b.WriteByte(0)                          // uncleanShutdown
		b.Write([]byte{'\n', ' ', '\r', '\n'})
		_ = binary.Write(&b, le, uint16(1)) // deflate
		b.Write(make([]byte, sector-b.Len()))
		return b.Bytes()
	}
	marker := func(val uint64, typ uint32) []byte {
		m := make([]byte, sector)
		binary.LittleEndian.PutUint64(m[0:8], val)
		binary.LittleEndian.PutUint32(m[12:16], typ)
		return m
	}
	var out bytes.Buffer
	out.Write(header(0xffffffffffffffff)) // GD_AT_END: the footer has the real offset
	d := make([]byte, descSectors*sector)
	copy(d, desc)
	out.Write(d)
	out.Write(marker(gdSectors, 2)) // grain directory marker
	gdOffset := uint64(out.Len() / sector)
	out.Write(make([]byte, gdSectors*sector))
	out.Write(marker(1, 3)) // footer marker
	out.Write(header(gdOffset))
	out.Write(make([]byte, sector)) // end-of-stream marker
	return out.Bytes()
}
