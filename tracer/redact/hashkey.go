package redact

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// HashKeyEnv names the environment variable that holds a team's hash key.
const HashKeyEnv = "KRATOS_TRACE_HASH_KEY"

// minKeyLen is the shortest secret HashKeyEnv accepts: a short one could be
// guessed, and with it every masked value by trying candidates.
const minKeyLen = 16

// HashKey keys the hashes of masked values (tracer.Node.Hash), so that two
// recordings can tell whether a secret changed without holding it.
//
// The hash is HMAC-SHA256 over the leaf's path and its clear value, under a
// secret that is never written to a recording. Without the secret a hash
// is no dictionary-attack oracle: trying "password123" needs the key. With
// it, two recordings compare: every recording made by one user on one
// machine (the key kratos-trace makes once, in the user's config dir), or
// by a team that shares a key through KRATOS_TRACE_HASH_KEY, e.g. a CI
// secret. A recording names its key by ID (a fingerprint that reveals
// nothing of the key), and a diff compares hashes only under one ID. The
// path is part of the hash, so that two fields holding the same secret do
// not show it.
type HashKey struct {
	secret []byte
}

// NewHashKey returns the key for secret.
func NewHashKey(secret []byte) *HashKey {
	return &HashKey{secret: append([]byte(nil), secret...)}
}

// ID names the key in a recording's header: the first 8 bytes of an HMAC
// under the key of a fixed text, in hex.
func (k *HashKey) ID() string {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte("kratos-trace hash key id"))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// Hash returns the keyed hash of the clear value at path: the first 16
// bytes of HMAC-SHA256, in hex.
func (k *HashKey) Hash(path, value string) string {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte(path))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// LoadHashKey returns the key recordings are hashed with here: the secret
// in KRATOS_TRACE_HASH_KEY when it is set, else the user's own key, kept
// in the user's config dir (kratos-trace/hash-key) and made there, at
// random, the first time.
func LoadHashKey() (*HashKey, error) {
	if v, ok := os.LookupEnv(HashKeyEnv); ok {
		if len(strings.TrimSpace(v)) < minKeyLen {
			return nil, fmt.Errorf("%s is shorter than %d characters: a short key can be guessed, and with it the masked values; make one with `openssl rand -hex 32`", HashKeyEnv, minKeyLen)
		}
		return NewHashKey([]byte(strings.TrimSpace(v))), nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return nil, fmt.Errorf("find the hash key: %w", err)
	}
	return LoadHashKeyFile(filepath.Join(dir, "kratos-trace", "hash-key"))
}

// LoadHashKeyFile reads the key kept at path, or makes a random one there
// (readable by the user alone) when there is none.
func LoadHashKeyFile(path string) (*HashKey, error) {
	if k, err := readKeyFile(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("make a hash key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("make a hash key: %w", err)
	}
	// The key is written aside, then linked into place: when two runs make
	// it at once, one link wins and the other run reads the whole key it
	// wrote.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".hash-key-*")
	if err != nil {
		return nil, fmt.Errorf("make a hash key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(hex.EncodeToString(secret) + "\n")
	if err := tmp.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return nil, fmt.Errorf("write the hash key %s: %w", path, werr)
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return readKeyFile(path)
	} else if err != nil {
		return nil, fmt.Errorf("make a hash key: %w", err)
	}
	return NewHashKey(secret), nil
}

func readKeyFile(path string) (*HashKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	secret, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(secret) < minKeyLen {
		return nil, fmt.Errorf("the hash key %s is not a key kratos-trace made: remove it and a new one is made", path)
	}
	return NewHashKey(secret), nil
}

// EventHashed is Event, with the hash of every masked Bootstrap leaf under
// key kept beside it (tracer.Node.Hash). With a nil key it is Event.
func EventHashed(ev tracer.Event, key *HashKey) tracer.Event {
	orig := ev.Bootstrap
	ev = Event(ev)
	if key != nil {
		HashMasked(orig, ev.Bootstrap, key)
	}
	return ev
}

// HashMasked sets Hash on every leaf of masked (the result of Node on orig)
// whose value masking changed, to the keyed hash of orig's clear value.
func HashMasked(orig, masked *tracer.Node, key *HashKey) {
	var walk func(path string, o, m *tracer.Node)
	walk = func(path string, o, m *tracer.Node) {
		if o == nil || m == nil {
			return
		}
		if len(o.Children) == 0 {
			switch {
			case m.Value != o.Value:
				m.Hash = key.Hash(path, o.Value)
			case o.Hash != "":
				// orig was masked already (read from a recording).
				m.Hash = o.Hash
			}
			return
		}
		for i := range min(len(o.Children), len(m.Children)) {
			p := o.Children[i].Name
			if path != "" {
				p = path + "." + p
			}
			walk(p, o.Children[i], m.Children[i])
		}
	}
	walk("", orig, masked)
}
