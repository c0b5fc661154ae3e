// Public face of @gifmesh/shared/lifecycle: graceful shutdown and start-up retries.
export { createShutdown, type Closer, type Shutdown, type ShutdownOptions } from "./shutdown.ts";
export { retryUntil, type RetryOptions } from "./retry.ts";
export { backoffDelay, type BackoffOptions } from "./backoff.ts";
