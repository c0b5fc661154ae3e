// `npm run migrate -w @gifmesh/storage`: applies pending migrations and exits.
// The service also migrates at start-up; this is for deploy pipelines and operators.
import { loadConfig } from "@gifmesh/shared/config";
import { createLogger } from "@gifmesh/shared/logging";
import { storageConfigSchema } from "./config.ts";
import { createDatabase } from "./infrastructure/db/database.ts";
import { migrateToLatest } from "./infrastructure/db/migrator.ts";

const config = loadConfig(storageConfigSchema);
const logger = createLogger({ service: "storage-migrate", level: config.LOG_LEVEL });
const database = createDatabase({ url: config.DATABASE_URL, max: 1, logger });
try {
  const results = await migrateToLatest(database.db);
  logger.info("migrations done", { applied: results.map((r) => `${r.migrationName}:${r.status}`) });
} catch (error) {
  logger.error("migration failed", { err: error });
  process.exitCode = 1;
} finally {
  await database.close();
}
