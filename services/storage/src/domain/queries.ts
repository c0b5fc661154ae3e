// Validation and normalisation of what callers ask for, with Giphy's limits.
// Every rule names the request field it checks, so an invalid request gets
// `invalid_argument` saying which field and why.
import { GIF_ID_RULE, isGifId } from "@gifmesh/shared/contracts";
import { invalidArgument } from "./errors.ts";
import { RATING_ORDER, type MediaType, type Rating } from "./gif.ts";

export interface SearchQuery {
  /** The phrase exactly as the user typed it: Giphy matches on the exact terms. */
  readonly query: string;
  readonly limit: number;
  readonly offset: number;
  /** Highest rating allowed; undefined means any. */
  readonly rating: Rating | undefined;
  readonly lang: string;
  readonly type: MediaType;
  readonly sort?: "relevant" | "recent";
  readonly countryCode?: string;
  readonly region?: string;
  readonly removeLowContrast?: boolean;
  readonly excludeDynamicResults?: boolean;
}

export interface TrendingQuery {
  readonly limit: number;
  readonly offset: number;
  readonly rating: Rating | undefined;
  readonly type: MediaType;
  readonly countryCode?: string;
  readonly region?: string;
}

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 50;
export const MAX_SEARCH_OFFSET = 4999;
export const MAX_TRENDING_OFFSET = 499;
export const MAX_BATCH_IDS = 100;

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

/** Input shape shared by the RPC layer: raw numbers and strings ("" and 0 mean unset). */
export interface RawSearch {
  readonly query: string;
  readonly limit: number;
  readonly offset: number;
  readonly rating: Rating | undefined;
  readonly lang: string;
  readonly type?: MediaType | undefined;
  readonly sort?: string;
  readonly countryCode?: string;
  readonly region?: string;
  readonly removeLowContrast?: boolean;
  readonly excludeDynamicResults?: boolean;
}

/** A user's phrase: kept exactly as typed, but not blank, not a control character, at most `max`. */
export function parsePhrase(raw: string, field: string, max = 50): string {
  if (raw.trim() === "") throw invalidArgument(field, "must not be empty");
  if (CONTROL_CHARACTERS.test(raw))
    throw invalidArgument(field, "must not contain control characters");
  // UTF-16 units, as Giphy counts them: a phrase we accept is one Giphy accepts.
  if (raw.length > max) throw invalidArgument(field, `must be at most ${max} characters`);
  return raw;
}

/** Giphy's language codes: two letters, or two letters and a region (zh-CN, zh-TW). */
export function parseLang(raw: string, fallback?: string): string | undefined {
  const trimmed = raw.trim();
  if (trimmed === "") return fallback;
  const match = /^([A-Za-z]{2})(?:-([A-Za-z]{2}))?$/.exec(trimmed);
  if (match === null)
    throw invalidArgument(
      "lang",
      "must be a two-letter language code, optionally with a region (zh-CN)",
    );
  const [, language = "", region] = match;
  return region === undefined
    ? language.toLowerCase()
    : `${language.toLowerCase()}-${region.toUpperCase()}`;
}

/** ISO 3166-1 alpha-2 (Giphy's country_code), upper-cased; undefined when unset. */
function countryOf(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  if (!/^[A-Za-z]{2}$/.test(raw.trim()))
    throw invalidArgument("country_code", "must be a two-letter country code");
  return raw.trim().toUpperCase();
}

/** Giphy's region (an ISO 3166-2 subdivision such as US-CA); undefined when unset. */
function regionOf(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  if (!/^[A-Za-z0-9-]{1,10}$/.test(raw.trim()))
    throw invalidArgument("region", "must be a region code such as US-CA");
  return raw.trim().toUpperCase();
}

function sortOf(raw: string | undefined): "relevant" | "recent" | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (raw !== "relevant" && raw !== "recent")
    throw invalidArgument("sort", 'must be "relevant" or "recent"');
  return raw;
}

/** The media type an endpoint allows; unset means gifs. */
export function parseType(
  raw: MediaType | undefined,
  allowed: readonly MediaType[] = ["gifs", "stickers", "text", "videos"],
): MediaType {
  const type = raw ?? "gifs";
  if (!allowed.includes(type))
    throw invalidArgument("type", `must be one of ${allowed.join(", ")}`);
  return type;
}

/** Giphy's optional filters, each present only when set (exactOptionalPropertyTypes). */
function filtersOf(raw: {
  sort?: string | undefined;
  countryCode?: string | undefined;
  region?: string | undefined;
  removeLowContrast?: boolean | undefined;
  excludeDynamicResults?: boolean | undefined;
}) {
  const sort = sortOf(raw.sort);
  const countryCode = countryOf(raw.countryCode);
  const region = regionOf(raw.region);
  return {
    ...(sort === undefined ? {} : { sort }),
    ...(countryCode === undefined ? {} : { countryCode }),
    ...(region === undefined ? {} : { region }),
    ...(raw.removeLowContrast === true ? { removeLowContrast: true } : {}),
    ...(raw.excludeDynamicResults === true ? { excludeDynamicResults: true } : {}),
  };
}

export function parseSearch(raw: RawSearch): SearchQuery {
  return {
    query: parsePhrase(raw.query, "query"),
    limit: limitOf(raw.limit),
    offset: offsetOf(raw.offset, MAX_SEARCH_OFFSET),
    rating: raw.rating,
    lang: parseLang(raw.lang, "en") ?? "en",
    type: parseType(raw.type),
    ...filtersOf(raw),
  };
}

export function parseTrending(raw: {
  limit: number;
  offset: number;
  rating: Rating | undefined;
  type?: MediaType | undefined;
  countryCode?: string;
  region?: string;
}): TrendingQuery {
  return {
    limit: limitOf(raw.limit),
    offset: offsetOf(raw.offset, MAX_TRENDING_OFFSET),
    rating: raw.rating,
    type: parseType(raw.type),
    ...filtersOf({ countryCode: raw.countryCode, region: raw.region }),
  };
}

/** A page of a list endpoint as the RPC layer gives it: limit 0 leaves Giphy's default. */
export interface RawPage {
  readonly limit: number;
  readonly offset: number;
}

/** A page of a list endpoint: limit (0 = default) and offset up to `maxOffset`. */
export function parsePage(raw: RawPage, maxOffset = MAX_SEARCH_OFFSET): RawPage {
  return { limit: limitOf(raw.limit), offset: offsetOf(raw.offset, maxOffset) };
}

/** Giphy's encoded category names (`name_encoded`: "actions", "tv-shows"). */
export function parseCategoryName(raw: string, field: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._~%-]{0,99}$/.test(raw))
    throw invalidArgument(
      field,
      "must be a category's name_encoded (letters, digits, '-', '.', '_', '~', '%')",
    );
  return raw;
}

/** Giphy's translate weirdness: 0 to 10; 0 leaves Giphy's default. */
export function parseWeirdness(raw: number): number | undefined {
  if (!Number.isInteger(raw) || raw < 0 || raw > 10)
    throw invalidArgument("weirdness", "must be between 0 and 10");
  return raw === 0 ? undefined : raw;
}

/** Emoji endpoints: /v1/emoji (1) and /v2/emoji (2, cursor pages); 0 means 2. */
export function parseApiVersion(raw: number): 1 | 2 {
  if (raw === 0 || raw === 2) return 2;
  if (raw === 1) return 1;
  throw invalidArgument("api_version", "must be 1 or 2");
}

/** A tag for random: optional, else a phrase. */
export function parseTag(raw: string): string | undefined {
  return raw === "" ? undefined : parsePhrase(raw, "tag");
}

export function parseGifId(id: string, field = "id"): string {
  if (!isGifId(id)) throw invalidArgument(field, GIF_ID_RULE);
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

/**
 * The stored-answer key of a request: the endpoint and every parameter that
 * changes Giphy's answer, in a fixed order. JSON keeps parameters apart whatever
 * they hold (a phrase may contain ':').
 */
export function answerKey(
  endpoint: string,
  params: readonly (string | number | boolean | undefined)[],
): string {
  return `${endpoint}:${JSON.stringify(params.map((p) => p ?? null))}`;
}

/**
 * A phrase as a key: trimmed, inner whitespace collapsed, lower-cased. Giphy
 * answers these spellings alike, so they share one stored page; Giphy itself is
 * always asked with the phrase as typed.
 */
export function phraseKey(phrase: string): string {
  return phrase.trim().replace(/\s+/g, " ").toLowerCase();
}

/** The stored-result key of a search page. */
export function searchKey(q: SearchQuery): string {
  return answerKey("search", [
    q.type,
    q.lang,
    q.rating ?? "any",
    q.offset,
    q.limit,
    q.sort,
    q.countryCode,
    q.region,
    q.removeLowContrast,
    q.excludeDynamicResults,
    phraseKey(q.query),
  ]);
}

export function trendingKey(q: TrendingQuery): string {
  return answerKey("trending", [
    q.type,
    q.rating ?? "any",
    q.offset,
    q.limit,
    q.countryCode,
    q.region,
  ]);
}

/** Whether a GIF's rating is allowed under a maximum rating. */
export function ratingAllowed(rating: Rating, max: Rating | undefined): boolean {
  if (max === undefined) return true;
  const index = RATING_ORDER.indexOf(rating);
  return index >= 0 && index <= RATING_ORDER.indexOf(max);
}
