// Public face of @gifmesh/shared/logging: JSON logs with trace ids and redaction.
export { createLogger, type Logger, type LoggerOptions, type LogMeta } from "./logger.ts";
export { LOG_LEVELS, type LogLevel } from "./levels.ts";
export { REDACTED, SECRET_KEY, redactString, redactValue, serializeError } from "./redact.ts";
