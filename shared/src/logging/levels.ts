// The log levels every gifmesh service accepts (winston's npm levels), shared by
// the logger and by the LOG_LEVEL config field so the two cannot drift.

/** Most to least severe. */
export const LOG_LEVELS = ["error", "warn", "info", "http", "verbose", "debug", "silly"] as const;

/** A level name accepted by `createLogger` and `LOG_LEVEL`. */
export type LogLevel = (typeof LOG_LEVELS)[number];
