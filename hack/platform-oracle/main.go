// Command platform-oracle prints how github.com/containerd/platforms (what containerd's CRI uses to
// pick an index child: platforms.Only(<node's default spec>), then FilterPlatforms + LimitManifests)
// treats each case on stdin, as JSON lines. kube-fresh's core/platform.ts is tested against this
// output (test/fixtures/platform-oracle.json); regenerate with hack/regenerate-platform-oracle.sh.
package main

import (
	"bufio"
	"encoding/json"
	"os"
	"sort"

	"github.com/containerd/platforms"
	specs "github.com/opencontainers/image-spec/specs-go/v1"
)

type child struct {
	// Platform is a containerd platform specifier (`os[(osversion)]/arch[/variant]`); empty means
	// a child with no platform at all.
	Platform string `json:"platform"`
}

type input struct {
	Node     string  `json:"node"`
	Children []child `json:"children"`
}

type output struct {
	Node     string  `json:"node"`
	Children []child `json:"children"`
	// Matches[i] says whether Only(node) matches Children[i] (children without a platform are
	// always kept, as FilterPlatforms keeps them).
	Matches []bool `json:"matches"`
	// Order is the kept children's indexes after LimitManifests' stable sort; Order[0] wins.
	Order []int `json:"order"`
}

func parse(s string) *specs.Platform {
	if s == "" {
		return nil
	}
	p, err := platforms.Parse(s)
	if err != nil {
		panic(err)
	}
	return &p
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var c input
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			panic(err)
		}
		m := platforms.Only(*parse(c.Node))
		r := output{Node: c.Node, Children: c.Children, Matches: []bool{}, Order: []int{}}
		for i, ch := range c.Children {
			p := parse(ch.Platform)
			ok := p == nil || m.Match(*p)
			r.Matches = append(r.Matches, ok)
			if ok {
				r.Order = append(r.Order, i)
			}
		}
		sort.SliceStable(r.Order, func(i, j int) bool {
			a, b := parse(c.Children[r.Order[i]].Platform), parse(c.Children[r.Order[j]].Platform)
			if a == nil {
				return false
			}
			if b == nil {
				return true
			}
			return m.Less(*a, *b)
		})
		if err := out.Encode(r); err != nil {
			panic(err)
		}
	}
}
