// TLS to PostgreSQL, set in one of two ways (docs/security.md, "PostgreSQL TLS"):
// - in DATABASE_URL, as libpq has it: `?sslmode=verify-full&sslrootcert=/path/ca.pem`,
//   which pg parses itself;
// - or with DATABASE_SSL_CA_FILE, for a deployment whose URL is a Secret written by
//   someone else: the chart mounts the CA and sets the variable, and the URL stays
//   credentials and host only.
// The variable is turned into the URL form here, once, so the service's pools, the
// migrations and `npm run migrate` all connect the same way, and pg reads the CA on
// every new connection (a rotated file is picked up without a restart). Both ways at
// once is a ConfigError rather than a silent winner.
import { accessSync, constants } from "node:fs";
import type { ConfigProblem } from "@gifmesh/shared/config";
import type { z } from "zod";

/** URL parameters through which pg (pg-connection-string) configures TLS. */
const URL_TLS_PARAMETERS = ["ssl", "sslmode", "sslrootcert", "uselibpqcompat"] as const;

export interface DatabaseTlsConfig {
  readonly DATABASE_URL: string;
  readonly DATABASE_SSL_CA_FILE?: string | undefined;
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Why DATABASE_SSL_CA_FILE cannot be applied to DATABASE_URL; empty when it can (or is unset). */
export function databaseTlsProblems(config: DatabaseTlsConfig): ConfigProblem[] {
  const caFile = config.DATABASE_SSL_CA_FILE;
  if (caFile === undefined) return [];
  const problems: ConfigProblem[] = [];
  try {
    accessSync(caFile, constants.R_OK);
  } catch {
    problems.push({
      variable: "DATABASE_SSL_CA_FILE",
      problem: "names a file that cannot be read",
    });
  }
  const url = parse(config.DATABASE_URL);
  if (url === undefined)
    problems.push({
      variable: "DATABASE_URL",
      problem: "must be a postgres:// URL when DATABASE_SSL_CA_FILE is set",
    });
  else if (URL_TLS_PARAMETERS.some((name) => url.searchParams.has(name)))
    problems.push({
      variable: "DATABASE_SSL_CA_FILE",
      problem: `set TLS either here or in DATABASE_URL (${URL_TLS_PARAMETERS.join(", ")}), not both`,
    });
  return problems;
}

/** A zod `superRefine` step reporting {@link databaseTlsProblems}. */
export function refineDatabaseTls(config: DatabaseTlsConfig, ctx: z.RefinementCtx): void {
  for (const { variable, problem } of databaseTlsProblems(config))
    ctx.addIssue({ code: "custom", path: [variable], message: problem });
}

/**
 * `config` with DATABASE_SSL_CA_FILE folded into DATABASE_URL as
 * `sslmode=verify-full&sslrootcert=<file>`: TLS required, the server's certificate
 * checked against that CA and its name against the host. Unchanged when unset.
 */
export function withDatabaseTls<T extends DatabaseTlsConfig>(config: T): T {
  const caFile = config.DATABASE_SSL_CA_FILE;
  const url = parse(config.DATABASE_URL);
  if (caFile === undefined || url === undefined) return config;
  url.searchParams.set("sslmode", "verify-full");
  url.searchParams.set("sslrootcert", caFile);
  return { ...config, DATABASE_URL: url.toString() };
}
