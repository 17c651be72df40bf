package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/c360/c360/intel"
	"github.com/c360/c360/server"
)

func init() {
	register(&command{
		name:    "token",
		summary: "create, list and revoke the credentials of c360 serve (tokens with scopes, kept hashed)",
		run:     runToken,
	})
}

const tokenUsage = `create|list|revoke --tokens tokens.json [flags]

  c360 token create --tokens tokens.json --scope read,write [--name NAME]
                    [--principal ID] [--teams sales,service] [--roles analyst]
      makes a token, adds its hash to the file (made if missing, mode 0600)
      and prints the token once on standard output: it cannot be shown again.
      --principal, --teams and --roles say who the token reads and writes
      intelligence as (the console's linked intelligence, /v1/intel/…): the
      person it acts for (default: the token itself) and their teams and
      roles; an item is shown only to those it is visible to.
  c360 token list --tokens tokens.json
      prints each token's id, name, scopes and creation time (not the secret).
  c360 token revoke --tokens tokens.json --id ID
      removes the token with that id.

Scopes: track (the tracking API only: a "write key" that may be shipped in a
web page or an app), read (profiles, reviews, change feed, the console),
write (upsert, confirm, reject, unmerge), privacy (erase, export, restrict),
admin (everything, and /metrics). A token is "c360_" and 43 characters
(256 random bits); the file keeps its SHA-256 only. A running
c360 serve --tokens on the same file sees a created or revoked token within a
second.`

func runToken(ctx context.Context, e *env) error {
	if len(e.args) == 0 || strings.HasPrefix(e.args[0], "-") {
		fs := newFlagSet(e, "token", tokenUsage)
		if err := parseFlags(fs, e.args); err != nil {
			return err
		}
		return usageError("give a subcommand: create, list or revoke")
	}
	sub := e.args[0]
	fs := newFlagSet(e, "token "+sub, tokenUsage)
	path := fs.String("tokens", "", "the token file (JSON of hashed tokens)")
	var scope, name, id, principal, teams, roles *string
	switch sub {
	case "create":
		scope = fs.String("scope", "", "comma-separated scopes: track, read, write, privacy, admin")
		name = fs.String("name", "", "a name to recognise the token by (who or what holds it)")
		principal = fs.String("principal", "", "the person or service account the token reads intelligence as (default: the token)")
		teams = fs.String("teams", "", "comma-separated teams of the principal (intelligence visible to a team)")
		roles = fs.String("roles", "", "comma-separated roles of the principal (intelligence granted to a role)")
	case "list":
	case "revoke":
		id = fs.String("id", "", "the id of the token to revoke (see c360 token list)")
	default:
		return usageError("unknown subcommand %q: want create, list or revoke", sub)
	}
	if err := parseFlags(fs, e.args[1:]); err != nil {
		return err
	}
	if *path == "" {
		return usageError("--tokens is required")
	}
	set, err := server.ReadTokenFile(*path)
	if err != nil {
		return err
	}
	switch sub {
	case "create":
		if *scope == "" {
			return usageError("--scope is required (e.g. --scope read,write)")
		}
		scopes, err := server.ParseScopes(*scope)
		if err != nil {
			return usageError("--scope: %v", err)
		}
		secret, tok, err := server.NewToken(*name, scopes, time.Now())
		if err != nil {
			return err
		}
		tok.Principal = intel.PrincipalID(strings.TrimSpace(*principal))
		for _, t := range splitList(*teams) {
			tok.Teams = append(tok.Teams, intel.TeamID(t))
		}
		for _, r := range splitList(*roles) {
			tok.Roles = append(tok.Roles, intel.Role(r))
		}
		if err := set.Add(tok); err != nil {
			return err
		}
		if err := set.WriteFile(*path); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, secret)
		fmt.Fprintf(e.stderr, "c360 token: created %s (%s) in %s; the token above is shown once\n", tok.ID, strings.Join(scopeStrings(tok.Scopes), ","), *path)
	case "list":
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "id\tname\tscopes\tprincipal\tteams\troles\tcreated_at")
		orDash := func(s string) string {
			if s == "" {
				return "-"
			}
			return s
		}
		for _, t := range set.Tokens() {
			teams := make([]string, len(t.Teams))
			for i, x := range t.Teams {
				teams[i] = string(x)
			}
			roles := make([]string, len(t.Roles))
			for i, x := range t.Roles {
				roles[i] = string(x)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, orDash(t.Name), strings.Join(scopeStrings(t.Scopes), ","),
				orDash(string(t.Principal)), orDash(strings.Join(teams, ",")), orDash(strings.Join(roles, ",")), t.CreatedAt.Format(time.RFC3339))
		}
		return tw.Flush()
	case "revoke":
		if *id == "" {
			return usageError("--id is required")
		}
		if !set.Revoke(*id) {
			return fmt.Errorf("no token with id %q in %s", *id, *path)
		}
		if err := set.WriteFile(*path); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "c360 token: revoked %s (a running c360 serve --tokens on this file drops it within a second)\n", *id)
	}
	return nil
}

func scopeStrings(sc []server.Scope) []string {
	out := make([]string, len(sc))
	for i, s := range sc {
		out[i] = string(s)
	}
	return out
}
