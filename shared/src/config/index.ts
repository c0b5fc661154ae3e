// Public face of @gifmesh/shared/config: typed, validated environment variables.
export { ConfigError, type ConfigProblem } from "./config-error.ts";
export { loadConfig, loadConfigOrExit, type Env } from "./load-config.ts";
export { bool, csv, durationMs, int, oneOf, port, str, url } from "./fields.ts";
export { baseConfigSchema, type BaseConfig, type BaseConfigOptions } from "./base-schema.ts";
