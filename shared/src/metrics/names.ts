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
  /** Outbox rows parked because they can never be published (counter, and gauge of those now parked). */
  outboxParked: "gifmesh_outbox_parked_total",
  outboxParkedRows: "gifmesh_outbox_parked",
  /** Failed GIFs storage asked for again (domain/archive-rerequest.ts). */
  archiveRerequested: "gifmesh_archive_rerequested_total",
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
  /**
   * Results handled by storage. Labels: event (completed, failed), outcome (applied,
   * duplicate, ignored; dead-lettered: malformed, unbound, rejected).
   */
  archiveResults: "gifmesh_archive_results_total",
  /** Results storage will retry after a transient failure (backoff). Label: event. */
  archiveResultRetries: "gifmesh_archive_result_retries_total",
  // Retention (storage). Label: table (search_results, outbox, processed_events).
  retentionPruned: "gifmesh_retention_pruned_rows_total",
  retentionErrors: "gifmesh_retention_errors_total",
  // Kafka consumers. Labels: topic, partition (as of the last fetched batch).
  kafkaConsumerLag: "gifmesh_kafka_consumer_lag",
} as const;
