// The file worker's Prometheus instruments, registered on the service registry.
// Labels are closed sets (result, ARCHIVE.* code, partition) so cardinality stays bounded.
import { Counter, Gauge, Histogram, METRIC, type Registry } from "@gifmesh/shared/metrics";
import type { ArchiveObserver } from "../application/archive-media.ts";

export interface WorkerMetrics {
  readonly consumed: Counter;
  readonly processed: Counter<"result">;
  readonly failed: Counter<"code">;
  readonly retries: Counter<"code">;
  readonly bytesStored: Counter;
  readonly downloadSeconds: Histogram;
  readonly uploadSeconds: Histogram;
  readonly inFlight: Gauge;
  readonly consumerLag: Gauge<"topic" | "partition">;
  readonly observer: ArchiveObserver;
}

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  const registers = [registry];
  const bytesStored = new Counter({
    name: "gifmesh_archive_bytes_stored_total",
    help: "Bytes written to object storage (deduplicated uploads excluded)",
    registers,
  });
  const downloadSeconds = new Histogram({
    name: "gifmesh_archive_download_duration_seconds",
    help: "Download, inspection and spooling time of one rendition",
    buckets: SECONDS,
    registers,
  });
  const uploadSeconds = new Histogram({
    name: "gifmesh_archive_upload_duration_seconds",
    help: "S3 HeadObject plus upload time of one object",
    buckets: SECONDS,
    registers,
  });
  return {
    consumed: new Counter({
      name: METRIC.archiveConsumed,
      help: "Archive request messages taken from Kafka (redeliveries and retries included)",
      registers,
    }),
    processed: new Counter({
      name: "gifmesh_archive_processed_total",
      help: "Archive requests finished, by result (completed, deduplicated, failed, dead_lettered)",
      labelNames: ["result"],
      registers,
    }),
    failed: new Counter({
      name: "gifmesh_archive_failed_total",
      help: "Archive requests that failed for good, by ARCHIVE.* code",
      labelNames: ["code"],
      registers,
    }),
    retries: new Counter({
      name: "gifmesh_archive_retries_total",
      help: "Attempts scheduled for a retry, by ARCHIVE.* code",
      labelNames: ["code"],
      registers,
    }),
    bytesStored,
    downloadSeconds,
    uploadSeconds,
    inFlight: new Gauge({
      name: "gifmesh_archive_in_flight",
      help: "Archive requests being processed right now",
      registers,
    }),
    consumerLag: new Gauge({
      name: METRIC.kafkaConsumerLag,
      help: "Messages behind the high watermark, per partition, as of the last batch",
      labelNames: ["topic", "partition"],
      registers,
    }),
    observer: {
      downloaded: (seconds) => {
        downloadSeconds.observe(seconds);
      },
      uploaded: (seconds, bytes, alreadyStored) => {
        uploadSeconds.observe(seconds);
        if (!alreadyStored) bytesStored.inc(bytes);
      },
    },
  };
}
