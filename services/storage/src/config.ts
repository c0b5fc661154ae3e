// Storage's environment variables. When GIPHY_API_KEY is unset, storage talks to the
// offline Giphy fixture (http://127.0.0.1:8089/v1/ with the fixture's public key);
// setting the key switches to the real API without a code change.
import { baseConfigSchema, bool, csv, durationMs, int, port, str } from "@gifmesh/shared/config";
import { ARCHIVE_TOPICS, GIPHY_FIXTURE_API_KEY } from "@gifmesh/shared/contracts";
import {
  kafkaConnectionShape,
  kafkaTopicLayoutShape,
  refineKafkaConnection,
  refineTopicLayout,
} from "@gifmesh/shared/kafka";
import { z } from "zod";
import { refineDatabaseTls, withDatabaseTls } from "./infrastructure/db/database-tls.ts";

/** The two default base URLs: the offline fixture's and Giphy's. */
const FIXTURE_BASE_URL = "http://127.0.0.1:8089/v1/";
const GIPHY_BASE_URL = "https://api.giphy.com/v1/";

/** `*`, or an origin exactly as browsers send it: no path, no trailing slash. */
const corsOrigin = z
  .string()
  .regex(/^(\*|https?:\/\/[^/\s]+)$/i, "entries must be * or scheme://host[:port]");

export const storageConfigSchema = baseConfigSchema({ adminPort: 9465 })
  .extend({
    /** Loopback unless told otherwise: Helm and compose set 0.0.0.0 (and a token). */
    STORAGE_RPC_HOST: str("127.0.0.1"),
    STORAGE_RPC_PORT: port(50051),
    /**
     * Shared secret callers send as `authorization: Bearer <token>`; unset = no
     * authentication (local/dev mode, warned about at start). Health/Check is exempt.
     */
    STORAGE_RPC_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    /** Most RPC connections open at once (beyond: refused at accept); the gateway needs a few. */
    STORAGE_RPC_MAX_CONNECTIONS: int({ default: 1024, min: 1, max: 65_535 }),
    /** An RPC connection with no traffic for this long is closed (GOAWAY); clients reconnect. */
    STORAGE_RPC_IDLE_TIMEOUT_MS: durationMs(300_000),
    /** gRPC server reflection (buf curl --reflect, grpcurl); off unless asked for. */
    STORAGE_RPC_REFLECTION: bool(false),
    /** Largest request message accepted (after decompression); requests are a few hundred bytes. */
    STORAGE_RPC_MAX_REQUEST_BYTES: int({ default: 1024 * 1024, min: 1024, max: 64 * 1024 * 1024 }),
    DATABASE_URL: str("postgres://gifmesh:gifmesh@127.0.0.1:5432/gifmesh"),
    /** CA of the server's certificate: TLS with verify-full (docs/security.md, "PostgreSQL TLS"). */
    DATABASE_SSL_CA_FILE: str().optional(),
    /** Connections for RPC calls (searches, gets). */
    DATABASE_POOL_MAX: int({ default: 10, min: 1, max: 200 }),
    /** Separate connections for background work: outbox relay, results consumer, gauges. */
    DATABASE_BACKGROUND_POOL_MAX: int({ default: 2, min: 1, max: 50 }),
    /** Server-side cap on every statement; an RPC deadline lowers it for that call. */
    DATABASE_STATEMENT_TIMEOUT_MS: durationMs(10_000),
    /** How often gRPC health re-checks PostgreSQL. */
    HEALTH_PROBE_INTERVAL_MS: durationMs(2_000),
    /** KAFKA_BROKERS and TLS/SASL (docs/security.md, "Kafka TLS/SASL"). */
    ...kafkaConnectionShape,
    KAFKA_CLIENT_ID: str("gifmesh-storage"),
    /** Consumer group of the archive-results consumer. */
    KAFKA_RESULTS_GROUP: str("gifmesh-storage"),
    /** Topic names (same variables as the file worker's); tests use private ones. */
    TOPIC_ARCHIVE_REQUESTED: str(ARCHIVE_TOPICS.requested),
    TOPIC_ARCHIVE_COMPLETED: str(ARCHIVE_TOPICS.completed),
    TOPIC_ARCHIVE_FAILED: str(ARCHIVE_TOPICS.failed),
    TOPIC_ARCHIVE_RESULTS_DLQ: str(ARCHIVE_TOPICS.resultsDeadLetter),
    /** Partitions, replication factor and min ISR of a topic it creates (as the worker's). */
    ...kafkaTopicLayoutShape,
    GIPHY_API_KEY: z.string().min(1).optional(),
    GIPHY_BASE_URL: z.url({ error: "must be an absolute URL ending in /v1/" }).optional(),
    GIPHY_TIMEOUT_MS: durationMs(3_000),
    GIPHY_RETRIES: int({ default: 2, min: 0, max: 10 }),
    /**
     * Largest Giphy answer read (decoded bytes). A real page of 50 GIFs with all
     * renditions is 300-500 KiB (100 by id about twice that): 2 MiB is headroom, and
     * keeps small what a hostile answer can make storage parse.
     */
    GIPHY_MAX_RESPONSE_BYTES: int({ default: 2 * 1024 * 1024, min: 1024 }),
    /**
     * The Giphy circuit breaker (infrastructure/giphy/circuit-breaker.ts): it opens when
     * at least FAILURE_RATE_PERCENT of the calls in the last WINDOW failed and the window
     * holds MIN_CALLS calls; after OPEN_MS it lets HALF_OPEN_CALLS trial calls through.
     */
    GIPHY_BREAKER_FAILURE_RATE_PERCENT: int({ default: 50, min: 1, max: 100 }),
    GIPHY_BREAKER_MIN_CALLS: int({ default: 20, min: 1 }),
    GIPHY_BREAKER_WINDOW_MS: durationMs(30_000),
    GIPHY_BREAKER_OPEN_MS: durationMs(10_000),
    GIPHY_BREAKER_HALF_OPEN_CALLS: int({ default: 3, min: 1, max: 100 }),
    SEARCH_TTL_SECONDS: int({ default: 300, min: 0 }),
    TRENDING_TTL_SECONDS: int({ default: 60, min: 0 }),
    /** Categories, emoji and their variations, animated text: they change rarely. */
    CATALOG_TTL_SECONDS: int({ default: 86_400, min: 0 }),
    /** Tag autocomplete and related tags. */
    TERMS_TTL_SECONDS: int({ default: 3_600, min: 0 }),
    OUTBOX_BATCH_SIZE: int({ default: 100, min: 1, max: 5_000 }),
    OUTBOX_POLL_INTERVAL_MS: durationMs(500),
    OUTBOX_SEND_TIMEOUT_MS: durationMs(10_000),
    OUTBOX_RETRY_MAX_MS: durationMs(5_000),
    /** Refusals for good (too large, invalid topic) after which an outbox row is parked. */
    OUTBOX_PARK_AFTER_REJECTIONS: int({ default: 3, min: 1, max: 100 }),
    /** Cap of the results consumer's backoff on a transient failure (PostgreSQL down...). */
    RESULTS_RETRY_MAX_MS: durationMs(30_000),
    /**
     * A GIF failed with a transient code is requested again on a later search, after
     * BACKOFF × 2^n (n = re-requests so far), at most MAX times; 0 turns it off.
     */
    ARCHIVE_REREQUEST_BACKOFF_MS: durationMs(3_600_000),
    ARCHIVE_REREQUEST_MAX: int({ default: 5, min: 0, max: 30 }),
    /** The retention job (docs/operations.md, "Retention"); interval 0 turns it off. */
    RETENTION_INTERVAL_MS: durationMs(3_600_000),
    RETENTION_SEARCH_RESULTS_DAYS: int({ default: 30, min: 1 }),
    RETENTION_OUTBOX_SENT_DAYS: int({ default: 30, min: 1 }),
    RETENTION_PROCESSED_EVENTS_DAYS: int({ default: 30, min: 1 }),
    RETENTION_BATCH_SIZE: int({ default: 1_000, min: 1, max: 100_000 }),
    TLS_CERT_FILE: z.string().min(1).optional(),
    TLS_KEY_FILE: z.string().min(1).optional(),
    /** Origins (scheme://host[:port]) browsers may call from; `*` = any, without credentials. */
    CORS_ORIGINS: csv([]).pipe(z.array(corsOrigin)),
  })
  .transform((config) => ({
    ...config,
    GIPHY_API_KEY: config.GIPHY_API_KEY ?? GIPHY_FIXTURE_API_KEY,
    GIPHY_BASE_URL: withTrailingSlash(
      config.GIPHY_BASE_URL ?? (config.GIPHY_API_KEY ? GIPHY_BASE_URL : FIXTURE_BASE_URL),
    ),
    GIPHY_USES_FIXTURE: config.GIPHY_API_KEY === undefined,
  }))
  .refine(
    (config) => (config.TLS_CERT_FILE === undefined) === (config.TLS_KEY_FILE === undefined),
    {
      message: "TLS_CERT_FILE and TLS_KEY_FILE must be set together",
      path: ["TLS_CERT_FILE"],
    },
  )
  .superRefine(refineKafkaConnection)
  .superRefine(refineTopicLayout)
  .superRefine(refineDatabaseTls)
  .transform(withDatabaseTls);

function withTrailingSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

export type StorageConfig = z.output<typeof storageConfigSchema>;
