// The ArchiveResultStore port over PostgreSQL: one Kysely transaction per result,
// the writes of archive-repository.ts inside it. A statement PostgreSQL refuses as
// data (pg-error-class.ts) becomes DatabaseRejectedError, so the caller can tell a
// result that can never apply from a database that is down for now.
import { fromBinary } from "@bufbuild/protobuf";
import { ArchiveRequestedSchema } from "@gifmesh/shared/contracts";
import type { Kysely } from "kysely";
import {
  DatabaseRejectedError,
  type ArchiveResultStore,
  type ArchiveResultWrites,
} from "../../application/ports.ts";
import {
  findArchiveRequest,
  markArchived,
  markEventProcessed,
  markFailed,
} from "./archive-repository.ts";
import { classifyDatabaseError, sqlState } from "./pg-error-class.ts";
import type { DB } from "./schema.ts";

function writesOf(db: Kysely<DB>): ArchiveResultWrites {
  return {
    markEventProcessed: (eventId, topic) => markEventProcessed(db, eventId, topic),
    async findArchiveRequest(requestEventId) {
      const row = await findArchiveRequest(db, requestEventId);
      if (row === undefined) return undefined;
      const asked = fromBinary(ArchiveRequestedSchema, row.payload);
      return {
        topic: row.topic,
        gifId: row.gifId,
        requested: { gifId: asked.gifId, rendition: asked.rendition },
      };
    },
    markArchived: (facts) => markArchived(db, facts),
    markFailed: (failure) => markFailed(db, failure),
  };
}

export function createArchiveResultStore(db: Kysely<DB>): ArchiveResultStore {
  return {
    async transaction(work) {
      try {
        return await db.transaction().execute((trx) => work(writesOf(trx)));
      } catch (error) {
        if (classifyDatabaseError(error) !== "data") throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new DatabaseRejectedError(`PostgreSQL ${sqlState(error) ?? "?"}: ${message}`, {
          cause: error,
        });
      }
    },
  };
}
