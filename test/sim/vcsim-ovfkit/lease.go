package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

const nfcPath = "/nfc/"

// defaultLeaseTimeoutSeconds is HttpNfcLeaseInfo.leaseTimeout when no injection shortens it
// (vCenter's value; vcsim 0.24.2 says 30000 but never enforces it).
const defaultLeaseTimeoutSeconds = 300

// leaseFile is one device URL of a lease: where its bytes live and what went through it.
type leaseFile struct {
	name       string // URL basename and targetId, e.g. disk-0.vmdk
	path       string // local file backing the datastore path
	key        string
	importKey  string
	disk       bool
	capacityKB int64
	vm         types.ManagedObjectReference

	mu       sync.Mutex
	received int64
	sha1     string
	sha256   string
	size     int64
}

// lease is our HttpNfcLease (import and export), replacing vcsim 0.24.2's, which never times
// out, never fails, discards uploaded bytes, cannot export, and leaves the imported VM behind on
// abort. Real vSphere removes what an import created when its lease is aborted, times out or fails.
//
// @see vim.HttpNfcLease
type lease struct {
	mo.HttpNfcLease

	x       *extensions
	kind    string // "import" or "export"
	method  string // ImportVApp, ExportVm, ExportVApp
	ticket  string
	files   map[string]*leaseFile
	order   []*leaseFile
	created []types.ManagedObjectReference // import: entities to destroy if the lease fails (children first)
	session *simulator.Session
	timeout time.Duration

	bytes     int64 // atomic: bytes transferred on all device URLs
	isReady   int32 // atomic: 1 once the lease reached ready (device URLs usable)
	failAfter int64 // leaseError injection: fail once this many bytes went through (-1: never)
	failFault types.BaseMethodFault
	failMsg   string

	mu           sync.Mutex // guards the fields below and State/Error changes made outside SOAP calls
	timer        *time.Timer
	ended        chan struct{} // closed when the lease leaves ready (done/error): cuts transfers
	checksumType map[string]string
	// manifestMismatch, when set, is the device file whose checksum HttpNfcLeaseGetManifest
	// reports wrong ("*": the first one); see leasemanifest.go.
	manifestMismatch string
}

func (x *extensions) newLease(ctx *simulator.Context, kind, method string, entity types.ManagedObjectReference) *lease {
	l := &lease{
		x:            x,
		kind:         kind,
		method:       method,
		ticket:       randomHex(16),
		files:        map[string]*leaseFile{},
		session:      ctx.Session,
		failAfter:    -1,
		ended:        make(chan struct{}),
		checksumType: map[string]string{},
	}
	seconds := defaultLeaseTimeoutSeconds
	x.mu.Lock()
	if x.leaseTimeoutSeconds > 0 {
		seconds = x.leaseTimeoutSeconds
	}
	x.mu.Unlock()
	l.timeout = time.Duration(seconds) * time.Second
	// Lease values look like vCenter's session-scoped ones, without exposing the session key.
	l.Self = types.ManagedObjectReference{Type: "HttpNfcLease", Value: fmt.Sprintf("session[%s]%s", newUUID(), newUUID())}
	l.State = types.HttpNfcLeaseStateInitializing
	l.Mode = string(types.HttpNfcLeaseModePushOrGet)
	l.Info = &types.HttpNfcLeaseInfo{Lease: l.Self, Entity: entity, LeaseTimeout: int32(seconds)}
	return l
}

// addFile registers a device URL served at /nfc/<ticket>/<name>.
func (l *lease) addFile(f *leaseFile) {
	l.files[f.name] = f
	l.order = append(l.order, f)
	var size int64
	if !f.disk {
		size = f.size
	}
	l.Info.DeviceUrl = append(l.Info.DeviceUrl, types.HttpNfcLeaseDeviceUrl{
		Key:           f.key,
		ImportKey:     f.importKey,
		Url:           "https://*" + nfcPath + l.ticket + "/" + f.name,
		SslThumbprint: l.x.sslThumbprint,
		Disk:          types.NewBool(f.disk),
		TargetId:      f.name,
		FileSize:      size,
	})
	l.Info.TotalDiskCapacityInKB += f.capacityKB
}

// open registers the lease and makes it ready, or puts it in error at once when a leaseError
// injection with afterBytes 0 is armed for this method.
func (l *lease) open() {
	simulator.Map.Put(l)
	l.x.mu.Lock()
	l.x.leases = append(l.x.leases, l)
	l.x.mu.Unlock()

	if in := l.x.take("leaseError", func(in *injection) bool { return in.Method == "" || in.Method == l.method }); in != nil {
		msg := in.Message
		if msg == "" {
			msg = fmt.Sprintf("injected lease error (%s)", in.Fault)
		}
		if in.AfterBytes <= 0 {
			l.fail(newFault(in.Fault), msg)
			return
		}
		l.failAfter, l.failFault, l.failMsg = in.AfterBytes, newFault(in.Fault), msg
	}
	l.armManifestMismatch()
	l.x.mu.Lock()
	delay := time.Duration(l.x.leaseInitDelayMs) * time.Millisecond
	l.x.mu.Unlock()
	if delay <= 0 {
		l.ready()
		return
	}
	// vCenter answers ImportVApp/ExportVm while the lease is still initializing; clients must wait.
	go func() {
		time.Sleep(delay)
		simulator.Map.WithLock(l, func() {
			if l.isOpen() {
				l.ready()
			}
		})
	}()
}

func (l *lease) ready() {
	simulator.Map.Update(l, []types.PropertyChange{
		{Name: "initializeProgress", Val: int32(100)},
		{Name: "state", Val: types.HttpNfcLeaseStateReady},
	})
	atomic.StoreInt32(&l.isReady, 1)
	l.mu.Lock()
	l.timer = time.AfterFunc(l.timeout, l.expire)
	l.mu.Unlock()
}

func (l *lease) isOpen() bool {
	select {
	case <-l.ended:
		return false
	default:
		return true
	}
}

// finish moves the lease to done or error exactly once; false if it had already ended.
func (l *lease) finish(state types.HttpNfcLeaseState, fault types.BaseMethodFault, msg string) bool {
	l.mu.Lock()
	if !l.isOpen() {
		l.mu.Unlock()
		return false
	}
	close(l.ended)
	if l.timer != nil {
		l.timer.Stop()
	}
	l.mu.Unlock()
	changes := []types.PropertyChange{{Name: "state", Val: state}}
	if fault != nil {
		changes = append(changes, types.PropertyChange{Name: "error", Val: &types.LocalizedMethodFault{Fault: fault, LocalizedMessage: msg}})
	}
	simulator.Map.Update(l, changes)
	return true
}

// fail puts the lease in error and, for an import, removes everything the import created.
func (l *lease) fail(fault types.BaseMethodFault, msg string) {
	if l.finish(types.HttpNfcLeaseStateError, fault, msg) && l.kind == "import" {
		l.removeCreated()
	}
}

// expire is the lease timer: no HttpNfcLeaseProgress/Complete within leaseTimeout seconds.
func (l *lease) expire() {
	simulator.Map.WithLock(l, func() {
		l.fail(new(types.Timedout), fmt.Sprintf("The lease timed out: no progress was reported for %d seconds.", int(l.timeout/time.Second)))
	})
}

// renew restarts the timeout, as any HttpNfcLeaseProgress call does on vSphere.
func (l *lease) renew() {
	l.mu.Lock()
	if l.timer != nil && l.isOpen() {
		l.timer.Reset(l.timeout)
	}
	l.mu.Unlock()
}

// transferred counts bytes moved on a device URL and trips an armed leaseError(afterBytes).
func (l *lease) transferred(n int64) {
	total := atomic.AddInt64(&l.bytes, int64(n))
	if l.failAfter >= 0 && total >= l.failAfter {
		go simulator.Map.WithLock(l, func() { l.fail(l.failFault, l.failMsg) })
	}
}

func (l *lease) context() *simulator.Context {
	return &simulator.Context{Context: context.Background(), Map: simulator.Map, Session: l.session}
}

// removeCreated destroys the VMs and vApps an import created (children first), as vCenter does
// when an import lease is aborted, fails or times out.
func (l *lease) removeCreated() {
	ctx := l.context()
	for _, ref := range l.created {
		destroyEntity(ctx, ref)
	}
	l.created = nil
}

func (l *lease) HttpNfcLeaseProgress(ctx *simulator.Context, req *types.HttpNfcLeaseProgress) soap.HasFault {
	body := new(methods.HttpNfcLeaseProgressBody)
	if f := l.stateFault(); f != nil {
		body.Fault_ = f
		return body
	}
	if req.Percent < 0 || req.Percent > 100 {
		body.Fault_ = simulator.Fault("percent must be between 0 and 100", &types.InvalidArgument{InvalidProperty: "percent"})
		return body
	}
	l.renew()
	simulator.Map.Update(l, []types.PropertyChange{{Name: "transferProgress", Val: req.Percent}})
	body.Res = new(types.HttpNfcLeaseProgressResponse)
	return body
}

func (l *lease) HttpNfcLeaseComplete(ctx *simulator.Context, req *types.HttpNfcLeaseComplete) soap.HasFault {
	body := new(methods.HttpNfcLeaseCompleteBody)
	if f := l.stateFault(); f != nil {
		body.Fault_ = f
		return body
	}
	l.finish(types.HttpNfcLeaseStateDone, nil, "")
	simulator.Map.Remove(l.Self)
	body.Res = new(types.HttpNfcLeaseCompleteResponse)
	return body
}

func (l *lease) HttpNfcLeaseAbort(ctx *simulator.Context, req *types.HttpNfcLeaseAbort) soap.HasFault {
	body := new(methods.HttpNfcLeaseAbortBody)
	if l.State == types.HttpNfcLeaseStateDone {
		body.Fault_ = simulator.Fault("The lease is already complete.", &types.InvalidState{})
		return body
	}
	var fault types.BaseMethodFault = new(types.RequestCanceled)
	msg := "The operation was canceled by the client."
	if req.Fault != nil && req.Fault.Fault != nil {
		fault, msg = req.Fault.Fault, req.Fault.LocalizedMessage
	}
	// Aborting an errored lease is allowed (and what a careful client does); cleanup already ran.
	l.fail(fault, msg)
	simulator.Map.Remove(l.Self)
	body.Res = new(types.HttpNfcLeaseAbortResponse)
	return body
}

// stateFault is the fault vSphere answers on a lease that is no longer ready: its own error
// (Timedout after a timeout), or InvalidState.
func (l *lease) stateFault() *soap.Fault {
	switch l.State {
	case types.HttpNfcLeaseStateReady:
		return nil
	case types.HttpNfcLeaseStateError:
		if l.Error != nil {
			return simulator.Fault(l.Error.LocalizedMessage, l.Error.Fault)
		}
	}
	return simulator.Fault(fmt.Sprintf("The lease is in state %s.", l.State), &types.InvalidState{})
}

func (x *extensions) leaseStates() []leaseState {
	x.mu.Lock()
	list := append([]*lease{}, x.leases...)
	x.mu.Unlock()
	out := []leaseState{}
	for _, l := range list {
		var st leaseState
		simulator.Map.WithLock(l, func() {
			st = leaseState{
				Ref:              l.Self.Value,
				Kind:             l.kind,
				Method:           l.method,
				State:            string(l.State),
				Entity:           l.Info.Entity.Value,
				Progress:         l.TransferProgress,
				BytesTransferred: atomic.LoadInt64(&l.bytes),
			}
			if l.Error != nil {
				st.Error = fmt.Sprintf("%T: %s", l.Error.Fault, l.Error.LocalizedMessage)
				if n, ok := typeName(l.Error.Fault); ok {
					st.Error = n + ": " + l.Error.LocalizedMessage
				}
			}
		})
		out = append(out, st)
	}
	return out
}

func (x *extensions) leaseByTicket(ticket string) *lease {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, l := range x.leases {
		if l.ticket == ticket {
			return l
		}
	}
	return nil
}

// close ends open leases (so their timers stop) when the simulator shuts down.
func (x *extensions) close() {
	x.mu.Lock()
	list := append([]*lease{}, x.leases...)
	x.mu.Unlock()
	for _, l := range list {
		l.finish(types.HttpNfcLeaseStateError, new(types.RequestCanceled), "simulator stopped")
	}
	x.library.close()
}

// openLeaseCovering finds an initializing or ready lease whose entity, created objects or
// device files involve ref.
func (x *extensions) openLeaseCovering(ref types.ManagedObjectReference) *lease {
	x.mu.Lock()
	list := append([]*lease{}, x.leases...)
	x.mu.Unlock()
	for _, l := range list {
		if !l.isOpen() {
			continue
		}
		if l.Info.Entity == ref {
			return l
		}
		for _, c := range l.created {
			if c == ref {
				return l
			}
		}
		for _, f := range l.order {
			if f.vm == ref {
				return l
			}
		}
	}
	return nil
}
