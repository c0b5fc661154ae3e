// Validation and normalisation of what callers ask for, with Giphy's limits.
// Every rule names the request field it checks, so an invalid request gets
// `invalid_argument` saying which field and why.
import { invalidArgument } from "./errors.ts";
import { RATING_ORDER, type Rating } from "./gif.ts";

export interface SearchQuery {
  /** Trimmed, lower-cased, inner whitespace collapsed: the cache key's core. */
  readonly query: string;
  readonly limit: number;
  readonly offset: number;
  /** Highest rating allowed; undefined means any. */
  readonly rating: Rating | undefined;
  readonly lang: string;
}

export interface TrendingQuery {
  readonly limit: number;
  readonly offset: number;
  readonly rating: Rating | undefined;
}

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 50;
export const MAX_SEARCH_OFFSET = 4999;
export const MAX_TRENDING_OFFSET = 499;
export const MAX_BATCH_IDS = 100;
const GIF_ID = /^[A-Za-z0-9_-]{1,64}$/;

function limitOf(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT)
    throw invalidArgument("limit", `must be between 1 and ${MAX_LIMIT} (0 means ${DEFAULT_LIMIT})`);
  return limit === 0 ? DEFAULT_LIMIT : limit;
}

function offsetOf(offset: number, max: number): number {
  if (!Number.isInteger(offset) || offset < 0 || offset > max)
    throw invalidArgument("offset", `must be between 0 and ${max}`);
  return offset;
}

/** C0/C1 controls other than tab, CR and LF (parseSearch folds those into spaces). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Input shape shared by the RPC layer: raw numbers and strings. */
export interface RawSearch {
  readonly query: string;
  readonly limit: number;
  readonly offset: number;
  readonly rating: Rating | undefined;
  readonly lang: string;
}

export function parseSearch(raw: RawSearch): SearchQuery {
  const query = raw.query.trim().replace(/\s+/g, " ").toLowerCase();
  if (query === "") throw invalidArgument("query", "must not be empty");
  if (CONTROL_CHARACTERS.test(query))
    throw invalidArgument("query", "must not contain control characters");
  // UTF-16 units, as Giphy counts them: a query we accept is one Giphy accepts.
  if (query.length > 50) throw invalidArgument("query", "must be at most 50 characters");
  const lang = raw.lang.trim().toLowerCase() || "en";
  if (!/^[a-z]{2}$/.test(lang)) throw invalidArgument("lang", "must be a two-letter language code");
  return {
    query,
    limit: limitOf(raw.limit),
    offset: offsetOf(raw.offset, MAX_SEARCH_OFFSET),
    rating: raw.rating,
    lang,
  };
}

export function parseTrending(raw: {
  limit: number;
  offset: number;
  rating: Rating | undefined;
}): TrendingQuery {
  return {
    limit: limitOf(raw.limit),
    offset: offsetOf(raw.offset, MAX_TRENDING_OFFSET),
    rating: raw.rating,
  };
}

export function parseGifId(id: string, field = "id"): string {
  if (!GIF_ID.test(id)) throw invalidArgument(field, "must be 1 to 64 letters, digits, '-' or '_'");
  return id;
}

/** Validates and de-duplicates ids, keeping the first occurrence's order. */
export function parseGifIds(ids: readonly string[]): string[] {
  if (ids.length === 0) throw invalidArgument("ids", "must list at least one id");
  if (ids.length > MAX_BATCH_IDS)
    throw invalidArgument("ids", `must list at most ${MAX_BATCH_IDS} ids`);
  ids.forEach((id, i) => parseGifId(id, `ids[${i}]`));
  return [...new Set(ids)];
}

/** The stored-result key of a search page. */
export function searchKey(q: SearchQuery): string {
  return `search:${q.lang}:${q.rating ?? "any"}:${q.offset}:${q.limit}:${q.query}`;
}

export function trendingKey(q: TrendingQuery): string {
  return `trending:${q.rating ?? "any"}:${q.offset}:${q.limit}`;
}

/** Whether a GIF's rating is allowed under a maximum rating. */
export function ratingAllowed(rating: Rating, max: Rating | undefined): boolean {
  if (max === undefined) return true;
  const index = RATING_ORDER.indexOf(rating);
  return index >= 0 && index <= RATING_ORDER.indexOf(max);
}
