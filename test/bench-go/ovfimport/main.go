// Command ovfimport is the peer baseline of `pnpm bench import`: govc's `import.ova` flow
// (govc/importx in govmomi, not shipped by Debian) written over Debian's govmomi 0.24.2 library:
// login → OvfManager.CreateImportSpec → ResourcePool.ImportVApp → nfc.Lease.Wait → the lease
// updater (HttpNfcLeaseProgress) → each file item uploaded in turn with Lease.Upload (POST
// streamOptimized for a disk, PUT otherwise), read from the .ova's tar member → Lease.Complete
// → logout. Sequential, as govc is. Prints one JSON line: {"seconds": upload seconds, "bytes": n}.
// Build (from the repository root):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o .bench/bin/ovfimport ./test/bench-go/ovfimport
//
// Usage: ovfimport <file.ova> <vm name> <pool path> <datastore path> <network path>
// with VSPHERE_SERVER, VSPHERE_USER, VSPHERE_PASSWORD and VSPHERE_THUMBPRINT_SHA1 (the server's
// certificate is pinned by that thumbprint, as govc's --thumbprint).
package main

import (
	"archive/tar"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/ioutil"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/nfc"
	"github.com/vmware/govmomi/ovf"
	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ovfimport:", err)
	os.Exit(1)
}

// member opens the tar member `name` of the archive, read from its start (govc's TapeArchive.Open).
func member(file, name string) (io.Reader, int64, func(), error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, 0, nil, err
	}
	r := tar.NewReader(f)
	for {
		h, err := r.Next()
		if err != nil {
			f.Close()
			return nil, 0, nil, fmt.Errorf("%s: no member %s: %v", file, name, err)
		}
		if path.Clean(h.Name) == name {
			return r, h.Size, func() { f.Close() }, nil
		}
	}
}

func main() {
	if len(os.Args) != 6 {
		fail(fmt.Errorf("usage: ovfimport <file.ova> <vm name> <pool path> <datastore path> <network path>"))
	}
	ova, name, poolPath, dsPath, netPath := os.Args[1], os.Args[2], os.Args[3], os.Args[4], os.Args[5]
	ctx := context.Background()
	u, err := url.Parse(os.Getenv("VSPHERE_SERVER"))
	if err != nil {
		fail(err)
	}
	sc := soap.NewClient(u, false)
	sc.SetThumbprint(u.Host, os.Getenv("VSPHERE_THUMBPRINT_SHA1"))
	c, err := vim25.NewClient(ctx, sc)
	if err != nil {
		fail(err)
	}
	sm := session.NewManager(c)
	if err := sm.Login(ctx, url.UserPassword(os.Getenv("VSPHERE_USER"), os.Getenv("VSPHERE_PASSWORD"))); err != nil {
		fail(err)
	}
	defer sm.Logout(ctx)

	finder := find.NewFinder(c, true)
	dc, err := finder.DefaultDatacenter(ctx)
	if err != nil {
		fail(err)
	}
	finder.SetDatacenter(dc)
	pool, err := finder.ResourcePool(ctx, poolPath)
	if err != nil {
		fail(err)
	}
	ds, err := finder.Datastore(ctx, dsPath)
	if err != nil {
		fail(err)
	}
	network, err := finder.Network(ctx, netPath)
	if err != nil {
		fail(err)
	}
	folders, err := dc.Folders(ctx)
	if err != nil {
		fail(err)
	}

	// The descriptor: the archive's first .ovf member.
	f, err := os.Open(ova)
	if err != nil {
		fail(err)
	}
	tr := tar.NewReader(f)
	var descriptor []byte
	for descriptor == nil {
		h, err := tr.Next()
		if err != nil {
			fail(fmt.Errorf("%s has no .ovf: %v", ova, err))
		}
		if strings.HasSuffix(strings.ToLower(h.Name), ".ovf") {
			if descriptor, err = ioutil.ReadAll(tr); err != nil {
				fail(err)
			}
		}
	}
	f.Close()

	env, err := ovf.Unmarshal(strings.NewReader(string(descriptor)))
	if err != nil {
		fail(err)
	}
	cisp := types.OvfCreateImportSpecParams{EntityName: name}
	if env.Network != nil {
		for _, n := range env.Network.Networks {
			cisp.NetworkMapping = append(cisp.NetworkMapping, types.OvfNetworkMapping{Name: n.Name, Network: network.Reference()})
		}
	}
	m := ovf.NewManager(c)
	spec, err := m.CreateImportSpec(ctx, string(descriptor), pool, ds, cisp)
	if err != nil {
		fail(err)
	}
	if spec.Error != nil {
		fail(fmt.Errorf("CreateImportSpec: %s", spec.Error[0].LocalizedMessage))
	}
	lease, err := pool.ImportVApp(ctx, spec.ImportSpec, folders.VmFolder, nil)
	if err != nil {
		fail(err)
	}
	info, err := lease.Wait(ctx, spec.FileItem)
	if err != nil {
		fail(err)
	}
	updater := lease.StartUpdater(ctx, info)
	start := time.Now()
	var total int64
	upload := func(item nfc.FileItem) error {
		r, size, done, err := member(ova, path.Clean(item.Path))
		if err != nil {
			return err
		}
		defer done()
		total += size
		return lease.Upload(ctx, item, r, soap.Upload{ContentLength: size})
	}
	for _, item := range info.Items {
		if err := upload(item); err != nil {
			updater.Done()
			_ = lease.Abort(ctx, nil)
			fail(err)
		}
	}
	seconds := time.Since(start).Seconds()
	updater.Done()
	if err := lease.Complete(ctx); err != nil {
		fail(err)
	}
	out, _ := json.Marshal(map[string]interface{}{"seconds": seconds, "bytes": total})
	fmt.Println(string(out))
}
