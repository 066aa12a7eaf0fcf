package main

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"unicode/utf8"

	"github.com/vmware/govmomi/simulator"
)

// receivedTextMax is the longest descriptor whose text GET /ovfkit/state repeats (in UTF-8 bytes).
const receivedTextMax = 64 << 10

// received is one thing the simulator was given to read, as a real vCenter would see it:
//   - kind "soap": the ovfDescriptor string of a ParseDescriptor, ValidateHost or CreateImportSpec
//     call, after the SOAP body was decoded (character references resolved, line ends normalised
//     as any XML reader does). length and sha256 are of that string's UTF-8 encoding, which is
//     how a Go string holds it: byte-identical strings, equal digests.
//   - kind "libraryUpload": the bytes of one file of a content library update session (PUSH to
//     the upload endpoint, or fetched for a PULL), exactly as they arrived.
//
// GET /ovfkit/state lists them in the order they were received (a library file when its last
// byte arrived); DELETE /ovfkit/inject clears them with the injections.
type received struct {
	Kind      string `json:"kind"`
	Method    string `json:"method,omitempty"`
	UserAgent string `json:"userAgent,omitempty"`
	Session   string `json:"session,omitempty"`
	Item      string `json:"item,omitempty"`
	File      string `json:"file,omitempty"`
	Length    int64  `json:"length"`
	Sha256    string `json:"sha256"`
	// Text is the descriptor itself, for a SOAP string up to receivedTextMax bytes.
	Text string `json:"text,omitempty"`
	// ValidUTF8 is false when the Go string holds bytes that are not UTF-8 (the SOAP decoder
	// would have refused them; kept so a test can tell).
	ValidUTF8 *bool `json:"validUtf8,omitempty"`
}

// receivedLog is the simulator's record of descriptors and library files received.
type receivedLog struct {
	mu   sync.Mutex
	list []received
}

func (l *receivedLog) add(r received) {
	l.mu.Lock()
	l.list = append(l.list, r)
	l.mu.Unlock()
}

func (l *receivedLog) all() []received {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]received{}, l.list...)
}

func (l *receivedLog) reset() {
	l.mu.Lock()
	l.list = nil
	l.mu.Unlock()
}

// descriptorReceived records the ovfDescriptor string of an OvfManager call.
func (x *extensions) descriptorReceived(ctx *simulator.Context, method, text string) {
	sum := sha256.Sum256([]byte(text))
	r := received{Kind: "soap", Method: method, Length: int64(len(text)), Sha256: "sha256:" + hex.EncodeToString(sum[:])}
	if ctx != nil && ctx.Session != nil {
		r.UserAgent = ctx.Session.UserAgent
	}
	if len(text) <= receivedTextMax {
		r.Text = text
	}
	if !utf8.ValidString(text) {
		no := false
		r.ValidUTF8 = &no
	}
	x.received.add(r)
}
