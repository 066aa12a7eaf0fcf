package main

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vmware/govmomi/simulator"
)

const nfcChunk = 1 << 20

// serveNFC serves our leases' device URLs: PUT/POST uploads into the VM's datastore file,
// GET downloads it (or a generated streamOptimized VMDK of the disk's capacity when nothing was
// uploaded), with the dropConnection, slowNfc and leaseError(afterBytes) injections applied.
func (x *extensions) serveNFC(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, nfcPath), "/")
	if len(parts) != 2 {
		http.NotFound(w, r)
		return
	}
	l := x.leaseByTicket(parts[0])
	if l == nil {
		http.Error(w, "no such lease", http.StatusNotFound)
		return
	}
	f := l.files[parts[1]]
	if f == nil {
		http.Error(w, "no such device URL in this lease", http.StatusNotFound)
		return
	}
	if !l.isOpen() || atomic.LoadInt32(&l.isReady) == 0 {
		http.Error(w, "the lease is not ready", http.StatusForbidden)
		return
	}
	// Ended before the client can see the transfer end (the status of an upload, the last piece
	// of a download), so a client's next transfer never overlaps this one in the counts.
	end := x.nfc.begin(f.name)
	defer end()
	switch r.Method {
	case http.MethodPut, http.MethodPost:
		if l.kind != "import" {
			http.Error(w, "export leases are download only", http.StatusMethodNotAllowed)
			return
		}
		x.upload(w, r, l, f, end)
	case http.MethodGet:
		x.download(w, r, l, f, end)
	default:
		http.Error(w, "use PUT, POST or GET", http.StatusMethodNotAllowed)
	}
}

// transfer carries the per-request injections.
type transfer struct {
	dropAfter int64 // -1: never
	rate      int64 // bytes per second; 0: unthrottled
	start     time.Time
	done      int64
}

// nfcCounters are the NFC transfers in flight and the peak since the last clear (GET /ovfkit/state
// `nfc`), so a test can tell how many connections a client held at once.
type nfcCounters struct {
	mu       sync.Mutex
	active   int
	peak     int
	started  int
	finished []string // device file names in the order their transfers ended
}

// nfcState is the `nfc` member of GET /ovfkit/state.
type nfcState struct {
	Active   int      `json:"active"`
	Peak     int      `json:"peak"`
	Started  int      `json:"started"`
	Finished []string `json:"finished"`
}

// begin counts a transfer of `file` in flight; the function it returns ends it (once).
func (c *nfcCounters) begin(file string) func() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active++
	c.started++
	if c.active > c.peak {
		c.peak = c.active
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.active--
			c.finished = append(c.finished, file)
		})
	}
}

func (c *nfcCounters) state() nfcState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return nfcState{Active: c.active, Peak: c.peak, Started: c.started, Finished: append([]string{}, c.finished...)}
}

// reset forgets the peak and the history (transfers still in flight stay counted).
func (c *nfcCounters) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.peak, c.started, c.finished = c.active, 0, nil
}

// newTransfer applies the injections to one NFC request (one connection's transfer of one file):
// dropConnection and slowNfc armed for its direction and file (any file when none is named), and
// the standing nfcRateLimit (NFC only, not the content library's upload endpoint); the slower of
// the two rates wins.
func (x *extensions) newTransfer(direction, file string) *transfer {
	t := &transfer{dropAfter: -1, start: time.Now()}
	forFile := func(in *injection) bool { return in.File == "" || in.File == file }
	if in := x.take("dropConnection", func(in *injection) bool { return in.Direction == direction && forFile(in) }); in != nil {
		t.dropAfter = in.AfterBytes
	}
	if in := x.take("slowNfc", forFile); in != nil {
		t.rate = in.BytesPerSecond
	}
	x.mu.Lock()
	if limit := x.nfcRateLimit; direction != "libraryUpload" && limit > 0 && (t.rate == 0 || limit < t.rate) {
		t.rate = limit
	}
	x.mu.Unlock()
	return t
}

// limit is how many bytes may move next (honouring dropAfter), after sleeping for the rate.
func (t *transfer) limit(want int) int {
	if t.dropAfter >= 0 && t.done+int64(want) > t.dropAfter {
		want = int(t.dropAfter - t.done)
	}
	if t.rate > 0 {
		if max := int(t.rate / 10); want > max && max > 0 {
			want = max
		}
		due := t.start.Add(time.Duration(float64(t.done) / float64(t.rate) * float64(time.Second)))
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
	}
	return want
}

func (t *transfer) shouldDrop() bool { return t.dropAfter >= 0 && t.done >= t.dropAfter }

// cut closes the client connection abruptly, as a failing ESXi NFC server or network would.
func cut(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func (x *extensions) upload(w http.ResponseWriter, r *http.Request, l *lease, f *leaseFile, end func()) {
	t := x.newTransfer("upload", f.name)
	if f.path == "" {
		http.Error(w, "device has no datastore file", http.StatusInternalServerError)
		return
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	out, err := os.Create(f.path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer out.Close()
	sums := newFileHashes(l, f)
	sink := io.MultiWriter(out, sums)

	buf := make([]byte, nfcChunk)
	var header []byte
	for {
		if !l.isOpen() {
			cut(w)
			return
		}
		if t.shouldDrop() {
			cut(w)
			return
		}
		n, rerr := r.Body.Read(buf[:t.limit(len(buf))])
		if n > 0 {
			if len(header) < 512 {
				header = append(header, buf[:min(n, 512-len(header))]...)
			}
			if _, err := sink.Write(buf[:n]); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			t.done += int64(n)
			l.transferred(int64(n))
			f.mu.Lock()
			f.received += int64(n)
			f.mu.Unlock()
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return // client went away
		}
	}
	if f.disk && r.Method == http.MethodPost {
		if err := checkStreamVmdk(header); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	sums.record(f, t.done)
	end()
	w.WriteHeader(http.StatusOK)
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// checkStreamVmdk refuses a disk POST that is not a streamOptimized VMDK (ESXi's NFC server
// only takes that format on the streamVmdk endpoint).
func checkStreamVmdk(h []byte) error {
	if len(h) < 512 || string(h[0:4]) != "KDMV" {
		return fmt.Errorf("not a VMDK sparse extent: the disk stream must be a streamOptimized VMDK")
	}
	version := binary.LittleEndian.Uint32(h[4:8])
	flags := binary.LittleEndian.Uint32(h[8:12])
	if version != 3 || flags&(1<<16) == 0 || flags&(1<<17) == 0 {
		return fmt.Errorf("VMDK is not streamOptimized (version %d, flags %#x)", version, flags)
	}
	return nil
}

func (x *extensions) download(w http.ResponseWriter, r *http.Request, l *lease, f *leaseFile, end func()) {
	t := x.newTransfer("download", f.name)
	var src io.ReadSeeker
	var size int64
	if in, err := os.Open(f.path); err == nil {
		defer in.Close()
		head := make([]byte, 512)
		if n, _ := io.ReadFull(in, head); n == 512 && checkStreamVmdk(head) == nil {
			size, _ = in.Seek(0, io.SeekEnd)
			_, _ = in.Seek(0, io.SeekStart)
			src = in
		}
	}
	if src == nil {
		gen := streamOptimizedEmpty(f.capacityKB*1024, f.name)
		src, size = bytes.NewReader(gen), int64(len(gen))
	}
	sums := newFileHashes(l, f)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(http.StatusOK)
	buf := make([]byte, nfcChunk)
	for {
		if !l.isOpen() || t.shouldDrop() {
			cut(w)
			return
		}
		n, rerr := src.Read(buf[:t.limit(len(buf))])
		if n > 0 {
			if t.done+int64(n) == size {
				end()
			}
			if _, err := w.Write(buf[:n]); err != nil {
				return
			}
			_, _ = sums.Write(buf[:n])
			t.done += int64(n)
			l.transferred(int64(n))
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			cut(w)
			return
		}
	}
	sums.record(f, t.done)
}

// fileHashes are the server's checksums of one transfer, reported by HttpNfcLeaseGetManifest:
// SHA-1 always (what ESXi reports); SHA-256 only when asked for with
// HttpNfcLeaseSetManifestChecksumType before the transfer, as on vSphere: hashing costs
// throughput, and benchmarks compare clients against curl on this same server.
type fileHashes struct {
	sha1, sha256 hash.Hash
}

func newFileHashes(l *lease, f *leaseFile) *fileHashes {
	h := &fileHashes{sha1: sha1.New()}
	simulator.Map.WithLock(l, func() {
		if l.checksumType[f.key] == "sha256" {
			h.sha256 = sha256.New()
		}
	})
	return h
}

func (h *fileHashes) Write(p []byte) (int, error) {
	h.sha1.Write(p)
	if h.sha256 != nil {
		h.sha256.Write(p)
	}
	return len(p), nil
}

// record stores the transfer's size and checksums on the lease file.
func (h *fileHashes) record(f *leaseFile, size int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.size = size
	f.sha1 = hex.EncodeToString(h.sha1.Sum(nil))
	if h.sha256 != nil {
		f.sha256 = hex.EncodeToString(h.sha256.Sum(nil))
	}
}
