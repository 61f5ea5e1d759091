// kubectl for the tests (shell completion of `kubectl fresh`, krew, the install tests), built from
// the k8s.io/kubectl module at the control plane's version: the same entry the release binary uses.
package main

import (
	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

func main() {
	if err := cli.RunNoErrOutput(cmd.NewDefaultKubectlCommand()); err != nil {
		// Prints the error as kubectl does and exits with its code.
		util.CheckErr(err)
	}
}
