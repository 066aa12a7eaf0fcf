package main

import (
	"net/http"
	"strings"
	"sync"

	"github.com/vmware/govmomi/simulator"
)

// extensions is the HTTP front of the simulator: it serves the /ovfkit/ side channel and
// our own NFC leases, applies injected faults to /sdk calls, and hands everything else to
// vcsim's own mux.
type extensions struct {
	model  *simulator.Model
	server *simulator.Server
	next   http.Handler

	// sslThumbprint is the SHA-1 thumbprint put in lease device URLs, as vSphere does.
	sslThumbprint string
	username      string
	password      string
	// library is the Content Library of the REST API (library.go).
	library *contentLibrary

	mu         sync.Mutex
	injections []*injection
	calls      map[string]int
	leases     []*lease
	// leaseTimeoutSeconds, when > 0, replaces the lease timeout of leases created from now on.
	leaseTimeoutSeconds int
	// leaseInitDelayMs, when > 0, keeps new leases in "initializing" that long before "ready".
	leaseInitDelayMs int
	// nfcRateLimit, when > 0, caps every NFC transfer from now on at this many bytes per second,
	// each connection on its own (real NFC is bounded per stream, not per host).
	nfcRateLimit int64
	// nfc counts NFC transfers in flight and the most at once since the injections were last cleared.
	nfc nfcCounters
	// pcs are the private PropertyCollectors clients created (collectors.go).
	pcs collectorTracker
	// received records the descriptors and library files received (received.go).
	received *receivedLog
}

func newExtensions(model *simulator.Model, server *simulator.Server, username, password string) *extensions {
	rec := &receivedLog{}
	lib := newContentLibrary(username, password)
	lib.received = rec
	return &extensions{
		model:    model,
		server:   server,
		next:     server.Config.Handler,
		username: username,
		password: password,
		calls:    map[string]int{},
		library:  lib,
		received: rec,
	}
}

func (x *extensions) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasPrefix(r.URL.Path, "/ovfkit/"):
		x.serveControl(w, r)
	case r.URL.Path == simulator.Map.Path:
		x.serveSDKTracked(w, r)
	case strings.HasPrefix(r.URL.Path, nfcPath):
		x.serveNFC(w, r)
	case x.isVPX() && isLibraryPath(r.URL.Path):
		x.library.ServeHTTP(w, r, x)
	default:
		x.next.ServeHTTP(w, r)
	}
}

// isVPX: the Content Library is a vCenter service; a bare ESXi has none (404).
func (x *extensions) isVPX() bool { return x.model.ServiceContent.About.ApiType == "VirtualCenter" }
