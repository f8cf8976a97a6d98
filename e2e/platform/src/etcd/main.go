// Command etcd is the upstream etcd server, built from a pinned module version
// for Rollguard's local test platform.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
