package main

// vcenter.ovf.library_item create (createOvf): an OVF package of a VM made into a library item,
// the way vCenter does it, through this simulator's vim25 API (ExportVm, the lease's NFC
// downloads of each disk, CreateDescriptor with those files, HttpNfcLeaseComplete): the item
// holds the descriptor and the disks (vcsim 0.24.2's own createOvf makes an empty item). Nothing
// is half made: the files are staged and only a complete export becomes (or replaces the content
// of) the item.

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/ovf"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// createOvfSpec is the body of vcenter.ovf.library_item.create, the same in both forms.
type createOvfSpec struct {
	Source struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	} `json:"source"`
	Target struct {
		LibraryID     string `json:"library_id"`
		LibraryItemID string `json:"library_item_id"`
	} `json:"target"`
	CreateSpec struct {
		Name        string   `json:"name"`
		Description string   `json:"description"`
		Flags       []string `json:"flags"`
	} `json:"create_spec"`
}

// createOvf answers {succeeded, ovf_library_item_id, error: {errors, warnings, information}}.
func (cl *contentLibrary) createOvf(c *vapiCall, x *extensions) (interface{}, *vapiError) {
	var spec createOvfSpec
	if err := json.Unmarshal(c.body, &spec); err != nil {
		return nil, invalidArg("the body does not match the operation's input: %v", err)
	}
	if spec.Source.Type == "" {
		spec.Source.Type = "VirtualMachine"
	}
	if spec.Source.Type != "VirtualMachine" {
		return nil, invalidArg("source.type %s: this simulator exports a VirtualMachine only", spec.Source.Type)
	}
	cl.mu.Lock()
	cl.calls[opName(c)]++
	var lib *clLibrary
	var existing *clItem
	if spec.Target.LibraryItemID != "" {
		existing = cl.items[spec.Target.LibraryItemID]
		if existing == nil {
			cl.mu.Unlock()
			return nil, notFoundErr("library item", spec.Target.LibraryItemID)
		}
		lib = cl.libraries[existing.LibraryID]
	} else {
		lib = cl.libraries[spec.Target.LibraryID]
		if lib == nil {
			cl.mu.Unlock()
			return nil, notFoundErr("library", spec.Target.LibraryID)
		}
		if spec.CreateSpec.Name == "" {
			cl.mu.Unlock()
			return nil, invalidArg("create_spec.name is required for a new item")
		}
		for _, it := range cl.items {
			if it.LibraryID == lib.ID && it.Name == spec.CreateSpec.Name {
				cl.mu.Unlock()
				return nil, &vapiError{http.StatusBadRequest, "ALREADY_EXISTS", fmt.Sprintf("library %s already has an item named %q", lib.Name, spec.CreateSpec.Name)}
			}
		}
	}
	stage := filepath.Join(cl.root, "createovf-"+newUUID())
	cl.mu.Unlock()
	defer func() { _ = os.RemoveAll(stage) }()
	vmRef := types.ManagedObjectReference{Type: "VirtualMachine", Value: spec.Source.ID}
	if simulator.Map.Get(vmRef) == nil {
		return nil, notFoundErr("virtual machine", spec.Source.ID)
	}
	name := spec.CreateSpec.Name
	if name == "" {
		name = existing.Name
	}
	var errs []interface{}
	var warnings []interface{}
	var staged []string
	err := withVim(x, func(ctx context.Context, c *vim25.Client) error {
		if err := os.MkdirAll(stage, 0o750); err != nil {
			return err
		}
		lease, err := object.NewVirtualMachine(c, vmRef).Export(ctx)
		if err != nil {
			return err
		}
		info, err := lease.Wait(ctx, nil)
		if err != nil {
			return err
		}
		updater := lease.StartUpdater(ctx, info)
		defer updater.Done()
		var files []types.OvfFile
		for _, item := range info.Items {
			// Each disk is named after the item, as vCenter names them (<name>-<n>.vmdk).
			item.Path = fmt.Sprintf("%s-%d%s", name, len(files)+1, filepath.Ext(item.Path))
			dst := filepath.Join(stage, item.Path)
			if err := lease.DownloadFile(ctx, dst, item, soap.DefaultDownload); err != nil {
				_ = lease.Abort(ctx, nil)
				return fmt.Errorf("downloading %s: %v", item.Path, err)
			}
			st, err := os.Stat(dst)
			if err != nil {
				_ = lease.Abort(ctx, nil)
				return err
			}
			f := item.File()
			f.Size = st.Size()
			files = append(files, f)
			staged = append(staged, item.Path)
		}
		cdp := types.OvfCreateDescriptorParams{Name: name, Description: spec.CreateSpec.Description, OvfFiles: files}
		desc, err := ovf.NewManager(c).CreateDescriptor(ctx, object.NewVirtualMachine(c, vmRef), cdp)
		if err != nil {
			_ = lease.Abort(ctx, nil)
			return err
		}
		for _, w := range desc.Warning {
			warnings = append(warnings, ovfMessage("VALIDATION", w.LocalizedMessage))
		}
		if len(desc.Error) > 0 {
			for _, e := range desc.Error {
				errs = append(errs, ovfMessage("VALIDATION", e.LocalizedMessage))
			}
			_ = lease.Abort(ctx, nil)
			return nil
		}
		if in := x.take("libraryCreateOvfFail", nil); in != nil {
			_ = lease.Abort(ctx, nil)
			return fmt.Errorf("injected createOvf failure")
		}
		ovfName := name + ".ovf"
		if err := os.WriteFile(filepath.Join(stage, ovfName), []byte(desc.OvfDescriptor), 0o640); err != nil {
			_ = lease.Abort(ctx, nil)
			return err
		}
		staged = append([]string{ovfName}, staged...)
		return lease.Complete(ctx)
	})
	if err != nil {
		errs = append(errs, ovfMessage("SERVER", err.Error()))
	}
	result := func(id string) map[string]interface{} {
		out := map[string]interface{}{"succeeded": id != "", "error": map[string]interface{}{"errors": nonNil(errs), "warnings": nonNil(warnings), "information": []interface{}{}}}
		if id != "" {
			out["ovf_library_item_id"] = id
		}
		return out
	}
	if len(errs) > 0 {
		return result(""), nil
	}
	cl.mu.Lock()
	defer cl.mu.Unlock()
	it := existing
	if it == nil {
		var verr *vapiError
		if it, verr = cl.createItem(lib.ID, name, "ovf", spec.CreateSpec.Description); verr != nil {
			return nil, verr
		}
	} else {
		// The original content is overwritten (vCenter's createOvf into an existing item).
		for n, f := range it.Files {
			_ = os.Remove(f.path)
			delete(it.Files, n)
		}
	}
	for _, n := range staged {
		dst := filepath.Join(it.dir, n)
		if err := os.Rename(filepath.Join(stage, n), dst); err != nil {
			return nil, &vapiError{http.StatusInternalServerError, "ERROR", err.Error()}
		}
		size, sum, err := sha1File(dst)
		if err != nil {
			return nil, &vapiError{http.StatusInternalServerError, "ERROR", err.Error()}
		}
		it.Files[n] = &clFile{Name: n, Size: size, Algorithm: "SHA1", Checksum: sum, Version: 1, path: dst}
	}
	it.ContentVersion++
	it.Modified = time.Now()
	return result(it.ID), nil
}

func sha1File(p string) (int64, string, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha1.New()
	n, err := io.Copy(h, f)
	return n, strings.ToLower(hex.EncodeToString(h.Sum(nil))), err
}
