// The id of one test run, carried in the name of everything the run creates on the
// shared servers (topics, databases, buckets, Redis keys), so the leak guard of
// vitest.config.ts can tell this run's leftovers from those of a concurrent run on
// the same machine by name alone. The guard sets GIFMESH_TEST_RUN before the
// workers start; outside vitest each process makes up its own.
import { randomBytes } from "node:crypto";

/** The environment variable the leak guard passes the run id in. */
export const TEST_RUN_ENV = "GIFMESH_TEST_RUN";

/** A run id: "t" and 10 hex digits; valid in topic, database and bucket names. */
export const TEST_RUN_PATTERN = /^t[0-9a-f]{10}$/;

let fallback: string | undefined;

/** A fresh run id (for the guard). */
export function newTestRunId(): string {
  return `t${randomBytes(5).toString("hex")}`;
}

/** This run's id: GIFMESH_TEST_RUN when the guard set it, else one per process. */
export function testRunId(): string {
  const fromEnv = process.env[TEST_RUN_ENV];
  if (fromEnv !== undefined && TEST_RUN_PATTERN.test(fromEnv)) return fromEnv;
  fallback ??= newTestRunId();
  return fallback;
}

/**
 * A unique, lowercase id for one set of test resources: the run id and 6 random hex
 * digits (e.g. "t3f9a0c1b2d7e45a1"), usable in any topic, database or bucket name.
 */
export function testId(): string {
  return `${testRunId()}${randomBytes(3).toString("hex")}`;
}
