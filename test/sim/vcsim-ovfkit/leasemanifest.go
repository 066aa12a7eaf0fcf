package main

import (
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// HttpNfcLeaseGetManifest answers the server's own record of each device URL's transfer: the
// SHA-1 of the bytes received (upload) or sent (download), their count, and, for device URLs
// set to sha256 by HttpNfcLeaseSetManifestChecksumType before their transfer, `checksum` and
// `checksumType`. A file not transferred yet has empty hashes and size 0.
//
// @see vim.HttpNfcLease.getManifest (4.1), vsphere-ovf-api.md §8
func (l *lease) HttpNfcLeaseGetManifest(ctx *simulator.Context, req *types.HttpNfcLeaseGetManifest) soap.HasFault {
	body := new(methods.HttpNfcLeaseGetManifestBody)
	if f := l.stateFault(); f != nil {
		body.Fault_ = f
		return body
	}
	res := &types.HttpNfcLeaseGetManifestResponse{}
	for i, f := range l.order {
		f.mu.Lock()
		e := types.HttpNfcLeaseManifestEntry{Key: f.key, Sha1: f.sha1, Size: f.size, Disk: f.disk, Capacity: f.capacityKB * 1024}
		if t := l.checksumType[f.key]; t == "sha256" {
			e.Checksum, e.ChecksumType = f.sha256, t
		} else if t == "sha1" {
			e.Checksum, e.ChecksumType = f.sha1, t
		}
		f.mu.Unlock()
		if l.manifestMismatch == f.name || (l.manifestMismatch == "*" && i == 0) {
			e.Sha1, e.Checksum = wrongDigest(e.Sha1), wrongDigest(e.Checksum)
		}
		res.Returnval = append(res.Returnval, e)
	}
	body.Res = res
	return body
}

// HttpNfcLeaseSetManifestChecksumType chooses sha1 or sha256 for the `checksum` of the given
// device URLs (by deviceUrl.key); transfers started afterwards are hashed so.
//
// @see vim.HttpNfcLease.setManifestChecksumType (6.7)
func (l *lease) HttpNfcLeaseSetManifestChecksumType(ctx *simulator.Context, req *types.HttpNfcLeaseSetManifestChecksumType) soap.HasFault {
	body := new(methods.HttpNfcLeaseSetManifestChecksumTypeBody)
	if f := l.stateFault(); f != nil {
		body.Fault_ = f
		return body
	}
	for _, kv := range req.DeviceUrlsToChecksumTypes {
		if kv.Value != "sha1" && kv.Value != "sha256" {
			body.Fault_ = simulator.Fault("checksum type must be sha1 or sha256", &types.InvalidArgument{InvalidProperty: "deviceUrlsToChecksumTypes"})
			return body
		}
	}
	for _, kv := range req.DeviceUrlsToChecksumTypes {
		l.checksumType[kv.Key] = kv.Value
	}
	body.Res = new(types.HttpNfcLeaseSetManifestChecksumTypeResponse)
	return body
}

// armManifestMismatch takes a manifestMismatch injection for this lease's method, if one is
// armed: HttpNfcLeaseGetManifest will then report a wrong checksum for that file (a server that
// stored other bytes than the client sent, or sent other bytes than the client received).
func (l *lease) armManifestMismatch() {
	in := l.x.take("manifestMismatch", func(in *injection) bool { return in.Method == "" || in.Method == l.method })
	if in == nil {
		return
	}
	l.manifestMismatch = "*"
	if in.File != "" {
		l.manifestMismatch = in.File
	}
}

// wrongDigest changes the first hex digit of a digest; an empty one stays empty.
func wrongDigest(hex string) string {
	if hex == "" {
		return hex
	}
	first := byte('0')
	if hex[0] == '0' {
		first = '1'
	}
	return string(first) + hex[1:]
}
