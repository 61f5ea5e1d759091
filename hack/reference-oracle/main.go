// Command reference-oracle prints how github.com/distribution/reference (the parser Kubernetes and
// containerd use) reads each line of stdin, as JSON lines. kube-fresh's TypeScript parser is tested
// against this output (test/fixtures/reference-oracle.json); regenerate with
// hack/regenerate-reference-oracle.sh.
package main

import (
	"bufio"
	// go-digest treats an algorithm as available only when its hash is linked in, as it is in
	// every Kubernetes component and container runtime.
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/json"
	"os"

	"github.com/distribution/reference"
)

type result struct {
	Input    string `json:"input"`
	Valid    bool   `json:"valid"`
	Name     string `json:"name,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Path     string `json:"path,omitempty"`
	Tag      string `json:"tag,omitempty"`
	Digest   string `json:"digest,omitempty"`
	Familiar string `json:"familiar,omitempty"`
	Error    string `json:"error,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var line string
		if err := json.Unmarshal(in.Bytes(), &line); err != nil {
			panic(err)
		}
		r := result{Input: line}
		named, err := reference.ParseNormalizedNamed(line)
		if err != nil {
			r.Error = err.Error()
		} else {
			r.Valid = true
			r.Name = named.Name()
			r.Domain = reference.Domain(named)
			r.Path = reference.Path(named)
			if t, ok := named.(reference.Tagged); ok {
				r.Tag = t.Tag()
			}
			if d, ok := named.(reference.Digested); ok {
				r.Digest = d.Digest().String()
			}
			r.Familiar = reference.FamiliarString(named)
		}
		if err := out.Encode(r); err != nil {
			panic(err)
		}
	}
}
