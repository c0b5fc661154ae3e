// compose-check validates a Compose file the way `docker compose config` does,
// without a Docker engine: it loads the file with compose-go (the library the
// Compose CLI is built on), which validates it against the Compose
// specification's JSON schema, interpolates variables, applies the selected
// profiles and checks that every depends_on, volume and network a service
// uses is defined. It prints the resolved services and exits non-zero on the
// first problem.
//
//	compose-check [--profile NAME]... [--env-file FILE] docker-compose.yml
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func main() {
	var profiles, envFiles repeated
	flag.Var(&profiles, "profile", "profile to enable (repeatable)")
	flag.Var(&envFiles, "env-file", "env file to read variables from (repeatable)")
	quiet := flag.Bool("quiet", false, "print nothing on success")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: compose-check [--profile NAME]... [--env-file FILE] FILE...")
		os.Exit(2)
	}
	opts, err := cli.NewProjectOptions(flag.Args(),
		cli.WithOsEnv,
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithProfiles(profiles),
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		fail(err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	if *quiet {
		return
	}
	names := project.ServiceNames()
	sort.Strings(names)
	fmt.Printf("project %s, profiles [%s]: %d services: %s\n",
		project.Name, strings.Join(profiles, ","), len(names), strings.Join(names, " "))
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "compose-check: %v\n", err)
	os.Exit(1)
}
