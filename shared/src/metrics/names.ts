// The metric names of gifmesh, in one place, so services, alert rules and
// dashboards (deploy/observability) agree. Convention: `gifmesh_<area>_<what>`,
// a base unit suffix (`_seconds`, `_bytes`), `_total` on counters only, and
// label values from closed sets (route patterns, RPC methods, status codes,
// error codes, cache levels), never ids or raw paths. Every series also carries
// `service` (set by createMetrics); runtime metrics are prom-client's defaults
// (`process_*`, `nodejs_*`).
export const METRIC = {
  /** 1 when the service's readiness checks pass (the admin server's /readyz), else 0. */
  ready: "gifmesh_ready",
  // RED of the gateway's HTTP API. Labels: method, route (pattern), status.
  httpRequests: "gifmesh_http_server_requests_total",
  httpDuration: "gifmesh_http_server_request_duration_seconds",
  // RED of Connect calls. Labels: rpc_service, rpc_method, code (gRPC code name).
  rpcServerRequests: "gifmesh_rpc_server_requests_total",
  rpcServerDuration: "gifmesh_rpc_server_request_duration_seconds",
  rpcClientRequests: "gifmesh_rpc_client_requests_total",
  rpcClientDuration: "gifmesh_rpc_client_request_duration_seconds",
  // Gateway cache. Labels: level (l1, l2), outcome (hit, miss, stale).
  cacheLookups: "gifmesh_cache_lookups_total",
  // Giphy client (storage). Labels: endpoint, outcome (ok or a GIPHY.* code).
  giphyRequests: "gifmesh_giphy_requests_total",
  giphyDuration: "gifmesh_giphy_request_duration_seconds",
  /** 1 for the breaker's current state. Label: state (closed, open, half_open). */
  giphyBreakerState: "gifmesh_giphy_circuit_breaker_state",
  giphyStaleServed: "gifmesh_giphy_stale_served_total",
  // Archive pipeline, in order. requested (storage) → published (storage relay)
  // → consumed (worker) → stored (worker) → completed/failed (storage applies results).
  archiveRequested: "gifmesh_archive_requested_total",
  outboxPublished: "gifmesh_outbox_published_total",
  outboxPublishErrors: "gifmesh_outbox_publish_errors_total",
  outboxBacklog: "gifmesh_outbox_backlog",
  outboxOldestAge: "gifmesh_outbox_oldest_age_seconds",
  archiveConsumed: "gifmesh_archive_consumed_total",
  /** Worker outcomes. Label: result (completed, deduplicated, failed, dead_lettered). */
  archiveProcessed: "gifmesh_archive_processed_total",
  /** Label: code (ARCHIVE.*). */
  archiveFailed: "gifmesh_archive_failed_total",
  archiveRetries: "gifmesh_archive_retries_total",
  archiveBytesStored: "gifmesh_archive_bytes_stored_total",
  archiveDownloadDuration: "gifmesh_archive_download_duration_seconds",
  archiveUploadDuration: "gifmesh_archive_upload_duration_seconds",
  archiveInFlight: "gifmesh_archive_in_flight",
  /** Results applied by storage. Labels: event (completed, failed), outcome (applied, duplicate, ignored, malformed). */
  archiveResults: "gifmesh_archive_results_total",
  // Kafka consumers. Labels: topic, partition (as of the last fetched batch).
  kafkaConsumerLag: "gifmesh_kafka_consumer_lag",
} as const;
