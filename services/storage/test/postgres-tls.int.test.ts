// PostgreSQL over TLS with verify-full, on a real server: a private cluster with
// ssl=on and a certificate for 127.0.0.1/localhost signed by a test CA, listening on
// 127.0.0.1 and 127.0.0.2 (a loopback address the certificate does not name). Each
// case goes the way storage does: environment -> storageConfigSchema -> createDatabase
// -> migrations and queries. The right CA connects over TLS; another CA, Node's
// built-in CAs, or a host name the certificate does not carry are refused, clearly.
import { sql } from "kysely";
import { ConfigError, loadConfig, type Env } from "@gifmesh/shared/config";
import {
  createTestPki,
  startPrivatePostgres,
  type PrivatePostgres,
  type TestPki,
} from "@gifmesh/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storageConfigSchema } from "../src/config.ts";
import { createDatabase, type Database } from "../src/infrastructure/db/database.ts";
import { migrateToLatest } from "../src/infrastructure/db/migrator.ts";
import { quietLogger } from "./helpers.ts";

let pki: TestPki;
let server: PrivatePostgres | undefined;
const open: Database[] = [];

beforeAll(async () => {
  pki = createTestPki("gifmesh postgres test CA");
  const certificate = pki.issue("postgres-server", { hosts: ["127.0.0.1", "localhost"] });
  server = await startPrivatePostgres({
    tls: certificate,
    listenAddresses: ["127.0.0.1", "127.0.0.2"],
  });
});

afterAll(async () => {
  for (const database of open) await database.close();
  await server?.close();
});

/** postgres://postgres@<host>:<port>/gifmesh with `query` appended. */
function url(query = "", host = "127.0.0.1"): string {
  if (server === undefined) throw new Error("the private PostgreSQL did not start");
  return `postgres://postgres@${host}:${String(server.port)}/gifmesh${query}`;
}

/** Storage's path from environment variables to a pool. */
function databaseFrom(env: Env): Database {
  const config = loadConfig(storageConfigSchema, env);
  const database = createDatabase({ url: config.DATABASE_URL, max: 1, logger: quietLogger() });
  open.push(database);
  return database;
}

/** Whether this session runs over TLS, as the server sees it. */
async function sessionUsesTls(database: Database): Promise<boolean> {
  const { rows } = await sql<{ ssl: boolean }>`
    select ssl from pg_stat_ssl where pid = pg_backend_pid()`.execute(database.db);
  return rows[0]?.ssl ?? false;
}

describe("PostgreSQL TLS with verify-full", () => {
  it("connects and migrates over TLS with sslmode=verify-full and sslrootcert in DATABASE_URL", async () => {
    const database = databaseFrom({
      DATABASE_URL: url(`?sslmode=verify-full&sslrootcert=${encodeURIComponent(pki.ca.certFile)}`),
    });
    await migrateToLatest(database.db);
    expect(await sessionUsesTls(database)).toBe(true);
  });

  it("connects in plain text when nothing asks for TLS (the control for the checks below)", async () => {
    const database = databaseFrom({ DATABASE_URL: url() });
    expect(await sessionUsesTls(database)).toBe(false);
  });

  it("connects over TLS with DATABASE_SSL_CA_FILE and a URL without TLS parameters", async () => {
    const database = databaseFrom({ DATABASE_URL: url(), DATABASE_SSL_CA_FILE: pki.ca.certFile });
    await database.ping();
    expect(await sessionUsesTls(database)).toBe(true);
  });

  it("refuses a server whose certificate the configured CA did not sign", async () => {
    const otherCa = createTestPki("some other CA");
    const database = databaseFrom({
      DATABASE_URL: url(),
      DATABASE_SSL_CA_FILE: otherCa.ca.certFile,
    });
    await expect(database.ping()).rejects.toThrow("unable to verify the first certificate");
  });

  it("refuses the same server under a host name its certificate does not carry", async () => {
    const database = databaseFrom({
      DATABASE_URL: url("", "127.0.0.2"),
      DATABASE_SSL_CA_FILE: pki.ca.certFile,
    });
    await expect(database.ping()).rejects.toThrow(
      "Hostname/IP does not match certificate's altnames: IP: 127.0.0.2 is not in the cert's list",
    );
  });

  it("checks verify-full against Node's built-in CAs when no CA is given, so a private CA is refused", async () => {
    const database = databaseFrom({ DATABASE_URL: url("?sslmode=verify-full") });
    await expect(database.ping()).rejects.toThrow("unable to verify the first certificate");
  });

  it("refuses TLS set both in DATABASE_URL and with DATABASE_SSL_CA_FILE", () => {
    expect(() =>
      loadConfig(storageConfigSchema, {
        DATABASE_URL: url("?sslmode=disable"),
        DATABASE_SSL_CA_FILE: pki.ca.certFile,
      }),
    ).toThrow(ConfigError);
  });
});
