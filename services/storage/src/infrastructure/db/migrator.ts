// Runs the versioned migrations with Kysely's Migrator. Migrations are imported
// statically (no folder glob), so the list is explicit and works without a build.
// Kysely's PostgreSQL adapter serialises concurrent runs with an advisory lock, so
// two instances starting together apply each migration once.
import type { Kysely } from "kysely";
import { Migrator, type Migration, type MigrationResult } from "kysely/migration";
import * as initial from "./migrations/0001-initial.ts";
import * as hardening from "./migrations/0002-parking-retention-rerequests.ts";
import * as giphyObjects from "./migrations/0003-giphy-objects.ts";

const MIGRATIONS: Readonly<Record<string, Migration>> = {
  "0001-initial": initial,
  "0002-parking-retention-rerequests": hardening,
  "0003-giphy-objects": giphyObjects,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<readonly MigrationResult[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined)
    throw error instanceof Error ? error : new Error("migration failed", { cause: error });
  return results ?? [];
}
