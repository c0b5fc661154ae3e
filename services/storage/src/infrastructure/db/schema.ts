// Typed view of storage's tables for Kysely. Must match the migrations; the
// integration tests run every query against a migrated database.
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";
import type { JsonObject } from "../../domain/gif.ts";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** pg returns bigint as string; we store byte counts as bigint and read them as strings. */
type BigIntCol = ColumnType<string, number | string | bigint, number | string | bigint>;
type NullableBigInt = ColumnType<
  string | null,
  number | string | bigint | null,
  number | string | bigint | null
>;

export interface GifsTable {
  id: string;
  slug: string;
  title: string;
  url: string;
  rating: string;
  username: string;
  alt_text: string;
  embed_url: string;
  bitly_url: string;
  source_url: string;
  source_tld: string;
  source_post_url: string;
  is_sticker: boolean;
  imported_at: NullableTimestamp;
  trending_at: NullableTimestamp;
  user_json: ColumnType<unknown, string | null, string | null>;
  archive_state: "pending" | "archived" | "failed";
  archive_requested_at: Timestamp;
  archive_object_key: string | null;
  archive_sha256: string | null;
  archive_size_bytes: NullableBigInt;
  archive_content_type: string | null;
  archive_rendition: string | null;
  archive_width: number | null;
  archive_height: number | null;
  archive_frame_count: number | null;
  archive_duration_ms: number | null;
  archived_at: NullableTimestamp;
  archive_failure_code: string | null;
  archive_failure_reason: string | null;
  archive_attempts: number | null;
  archive_failed_at: NullableTimestamp;
  /** How often storage asked again after a failure (migration 0002). */
  archive_rerequests: Generated<number>;
  /** Giphy's object as received (migration 0003); null for GIFs stored before. */
  giphy_object: ColumnType<JsonObject | null, string | null, string | null>;
  first_seen_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface RenditionsTable {
  gif_id: string;
  name: string;
  url: string;
  width: number;
  height: number;
  size_bytes: BigIntCol;
  frames: number;
  mp4_url: string;
  mp4_size_bytes: BigIntCol;
  webp_url: string;
  webp_size_bytes: BigIntCol;
}

export interface SearchResultsTable {
  result_key: string;
  gif_ids: string[];
  total_count: number;
  fetched_at: Timestamp;
  /** The answer's own shape when it is not a plain GIF page (migration 0003). */
  payload: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface OutboxTable {
  id: Generated<string>;
  event_id: string;
  aggregate_id: string;
  topic: string;
  message_key: string;
  payload: Buffer;
  headers: ColumnType<Record<string, string>, string, string>;
  created_at: GeneratedTimestamp;
  sent_at: NullableTimestamp;
  attempts: Generated<number>;
  last_error: string | null;
  /** Set when the row can never be published (migration 0002); it keeps sent_at null. */
  parked_at: NullableTimestamp;
  /** Publishes refused for good (message too large, invalid topic...); parked at a bound. */
  rejections: Generated<number>;
}

export interface ProcessedEventsTable {
  event_id: string;
  topic: string;
  processed_at: GeneratedTimestamp;
}

export interface DB {
  gifs: GifsTable;
  renditions: RenditionsTable;
  search_results: SearchResultsTable;
  outbox: OutboxTable;
  processed_events: ProcessedEventsTable;
}

export type GifRow = Selectable<GifsTable>;
export type NewGifRow = Insertable<GifsTable>;
export type RenditionRow = Selectable<RenditionsTable>;
export type OutboxRow = Selectable<OutboxTable>;
