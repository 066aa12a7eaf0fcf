// Command vcsim-ovfkit is ovfkit's vSphere simulator: govmomi's vcsim (Debian's
// golang-github-vmware-govmomi-dev 0.24.2) with the OVF pieces that release lacks
// (ParseDescriptor, ValidateHost, CreateDescriptor, ExportVm, ExportVApp, vApp import),
// fixes for our import flow, and a fault-injection side channel under /ovfkit/.
//
// It listens on 127.0.0.1 (random port by default) and prints exactly one JSON line on
// stdout when ready:
//
//	{"ovfkitSimulator":"ready","url":"https://127.0.0.1:PORT/sdk",...}
//
// It exits, removing its temporary datastores, on SIGINT/SIGTERM or when stdin closes
// (so a test runner that dies never leaves a simulator behind).
package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"io/ioutil"
	"log"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
)

// readyLine is the machine-readable line printed on stdout once the server accepts requests.
type readyLine struct {
	OvfkitSimulator string `json:"ovfkitSimulator"`
	URL             string `json:"url"`
	Username        string `json:"username"`
	Password        string `json:"password"`
	// Thumbprint is the SHA-256 fingerprint of the served certificate, colon-separated upper hex.
	Thumbprint string `json:"thumbprint"`
	// ThumbprintSHA1 is what vSphere puts in HttpNfcLeaseDeviceUrl.sslThumbprint.
	ThumbprintSHA1 string `json:"thumbprintSha1"`
	// CaPem is the served (self-signed) certificate, usable as a trust anchor.
	CaPem   string `json:"caPem"`
	Pid     int    `json:"pid"`
	APIType string `json:"apiType"`
}

func fingerprint(sum []byte) string {
	h := strings.ToUpper(hex.EncodeToString(sum))
	parts := make([]string, 0, len(h)/2)
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

// selfSigned makes a fresh certificate for 127.0.0.1/localhost, so every run has its own
// thumbprint and tests of pinning cannot pass by accident against a well-known test cert.
func selfSigned() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "vcsim-ovfkit", Organization: []string{"ovfkit test simulator"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, der, nil
}

func randomPassword() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "Sim-" + hex.EncodeToString(b)
}

func main() {
	listen := flag.String("l", "127.0.0.1:0", "listen address (host:port; port 0 picks a free port)")
	esx := flag.Bool("esx", false, "simulate a standalone ESXi host instead of vCenter")
	username := flag.String("username", "administrator@vsphere.local", "login user name")
	password := flag.String("password", "", "login password (default: random, printed in the ready line)")
	vms := flag.Int("vm", 0, "VirtualMachines to create per resource pool at start (vcsim's default is 2)")
	trace := flag.Bool("trace", false, "write SOAP traffic to stderr (contains secrets: debugging only)")
	quiet := flag.Bool("quiet", true, "discard the simulator's log output")
	apiVersion := flag.String("api-version", "", "AboutInfo.apiVersion to report (default: vcsim's 6.5), e.g. 7.0.3.0 for 6.7+ clients' features")
	stdinWatch := flag.Bool("exit-on-stdin-eof", false, "exit when stdin closes (set by the test harness)")
	envBrowserMode := flag.String("env-browser", "full", "EnvironmentBrowser answers: full (synthetic per-version config options, envbrowser.go) or sparse (vcsim's own)")
	flag.Parse()

	if *password == "" {
		*password = randomPassword()
	}
	if *quiet {
		log.SetOutput(ioutil.Discard)
	} else {
		log.SetOutput(&redactor{w: os.Stderr, secret: []byte(*password)})
	}
	simulator.Trace = *trace

	var model *simulator.Model
	if *esx {
		model = simulator.ESX()
	} else {
		model = simulator.VPX()
	}
	model.Machine = *vms
	if *apiVersion != "" {
		model.ServiceContent.About.ApiVersion = *apiVersion
	}
	if err := model.Create(); err != nil {
		fatal("create model: %v", err)
	}

	cert, der, err := selfSigned()
	if err != nil {
		fatal("certificate: %v", err)
	}
	model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*username, *password)}
	model.Service.RegisterEndpoints = true

	server := model.Service.NewServer()
	ext := newExtensions(model, server, *username, *password)
	// Wrap vcsim's OvfManager under the same MoRef (nothing type-asserts *OvfManager).
	om := simulator.Map.Get(model.ServiceContent.OvfManager.Reference()).(*simulator.OvfManager)
	simulator.Map.Put(&ovfManager{OvfManager: *om, x: ext})
	switch *envBrowserMode {
	case "full":
		wrapEnvironmentBrowsers()
	case "sparse":
	default:
		fatal("-env-browser must be full or sparse, not %q", *envBrowserMode)
	}
	// The mux is only read per request; nobody knows the port yet, so swapping it is safe.
	server.Config.Handler = ext

	sha1sum := sha1.Sum(der)
	sha256sum := sha256.Sum256(der)
	u := *server.URL
	u.User = nil
	u.Host = server.Listener.Addr().String()
	ready := readyLine{
		OvfkitSimulator: "ready",
		URL:             u.String(),
		Username:        *username,
		Password:        *password,
		Thumbprint:      fingerprint(sha256sum[:]),
		ThumbprintSHA1:  fingerprint(sha1sum[:]),
		CaPem:           string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		Pid:             os.Getpid(),
		APIType:         model.ServiceContent.About.ApiType,
	}
	ext.sslThumbprint = ready.ThumbprintSHA1

	// When the test runner died, writing to its pipes must not kill us before cleanup.
	signal.Ignore(syscall.SIGPIPE)
	done := make(chan string, 2)
	sig := make(chan os.Signal, 1)
	// Before the ready line: a harness may stop us as soon as it reads it, and a SIGTERM that
	// arrives before Notify takes Go's default action, leaving the temporary datastores behind.
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() { done <- (<-sig).String() }()
	line, _ := json.Marshal(ready)
	fmt.Println(string(line))
	if *stdinWatch {
		go func() {
			_, _ = io.Copy(ioutil.Discard, os.Stdin)
			done <- "stdin closed"
		}()
	}
	reason := <-done
	ext.close()
	// The temporary datastores go first: server.Close waits for requests still in flight (a
	// WaitForUpdatesEx can take its maxWaitSeconds), and a harness that stops waiting sends SIGKILL.
	model.Remove()
	server.Close()
	fmt.Fprintf(os.Stderr, "vcsim-ovfkit: stopped (%s)\n", reason)
}

// redactor replaces the login password in vcsim's log lines (-quiet=false). -trace output
// goes to vcsim's own file handle and is not redacted: it is for debugging only.
type redactor struct {
	w      io.Writer
	secret []byte
}

func (r *redactor) Write(p []byte) (int, error) {
	if len(r.secret) > 0 {
		_, err := r.w.Write(bytes.ReplaceAll(p, r.secret, []byte("***")))
		return len(p), err
	}
	return r.w.Write(p)
}

func fatal(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "vcsim-ovfkit: "+format+"\n", args...)
	os.Exit(1)
}
