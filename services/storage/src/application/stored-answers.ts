// The shapes in which answers that are more than a page of GIFs are stored
// (`search_results.payload`), and back. Their GIFs (a category's `gif`, a
// channel's `featured_gif`) are stored in `gifs` like any other and referenced by
// id, so a served answer always carries each GIF's current archive state.
// Payloads are read back through a schema: a row that does not fit (written by a
// different version, edited by hand) is treated as no stored answer, never served.
import { z } from "zod";
import type {
  Category,
  CategoryPage,
  Channel,
  ChannelPage,
  GifMetadata,
  JsonObject,
  JsonValue,
  StoredGif,
  Term,
  TermPage,
} from "../domain/gif.ts";
import type { FetchedAnswer } from "./serve-page.ts";

/** A category as served: its GIF as stored now (archive state included). */
export interface ServedCategory {
  readonly name: string;
  readonly nameEncoded: string;
  readonly subcategories: readonly ServedCategory[];
  readonly gif: StoredGif | null;
  readonly giphyObject: JsonObject;
}

export interface ServedChannel {
  readonly id: number;
  readonly slug: string;
  readonly displayName: string;
  readonly featuredGif: StoredGif | null;
  readonly giphyObject: JsonObject;
}

const jsonObject = z.record(z.string(), z.json()) as unknown as z.ZodType<JsonObject>;

interface StoredCategory {
  name: string;
  nameEncoded: string;
  gifId: string | null;
  subcategories: StoredCategory[];
  giphyObject: JsonObject;
}
const storedCategory: z.ZodType<StoredCategory> = z.lazy(() =>
  z.object({
    name: z.string(),
    nameEncoded: z.string(),
    gifId: z.string().nullable(),
    subcategories: z.array(storedCategory),
    giphyObject: jsonObject,
  }),
);
const categoriesPayload = z.object({ categories: z.array(storedCategory) });
const channelsPayload = z.object({
  channels: z.array(
    z.object({
      id: z.number().int().nonnegative(),
      slug: z.string(),
      displayName: z.string(),
      featuredGifId: z.string().nullable(),
      giphyObject: jsonObject,
    }),
  ),
});
const termsPayload = z.object({
  terms: z.array(z.object({ name: z.string(), giphyObject: jsonObject })),
});
const searchesPayload = z.object({ searches: z.array(z.string()) });
const cursorPayload = z.object({ nextCursor: z.string() });

/** Thrown when a stored payload does not fit its shape: the caller asks Giphy instead. */
export class UnreadablePayload extends Error {
  override readonly name = "UnreadablePayload";
}

function read<T>(schema: z.ZodType<T>, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new UnreadablePayload(parsed.error.message);
  return parsed.data;
}

const json = (value: unknown): JsonValue => value as JsonValue;

// --- GIF pages with a cursor (emoji v2) ---

export function cursorAnswer(
  page: FetchedAnswer & { readonly nextCursor?: string },
): FetchedAnswer {
  const { nextCursor, ...rest } = page;
  return nextCursor === undefined ? rest : { ...rest, payload: json({ nextCursor }) };
}

export function readCursor(payload: unknown): string | undefined {
  if (payload === null || payload === undefined) return undefined;
  return read(cursorPayload, payload).nextCursor;
}

// --- Categories ---

function categoryGifs(categories: readonly Category[]): GifMetadata[] {
  return categories.flatMap((c) => [
    ...(c.gif === null ? [] : [c.gif]),
    ...categoryGifs(c.subcategories),
  ]);
}

function toStoredCategory(c: Category): StoredCategory {
  return {
    name: c.name,
    nameEncoded: c.nameEncoded,
    gifId: c.gif?.id ?? null,
    subcategories: c.subcategories.map(toStoredCategory),
    giphyObject: c.giphyObject,
  };
}

export function categoriesAnswer(page: CategoryPage): FetchedAnswer {
  return {
    gifs: categoryGifs(page.categories),
    totalCount: page.totalCount,
    offset: page.offset,
    payload: json({ categories: page.categories.map(toStoredCategory) }),
  };
}

export function readCategories(payload: unknown, gifs: readonly StoredGif[]): ServedCategory[] {
  const byId = new Map(gifs.map((gif) => [gif.id, gif]));
  const serve = (c: StoredCategory): ServedCategory => ({
    name: c.name,
    nameEncoded: c.nameEncoded,
    subcategories: c.subcategories.map(serve),
    gif: c.gifId === null ? null : (byId.get(c.gifId) ?? null),
    giphyObject: c.giphyObject,
  });
  return read(categoriesPayload, payload).categories.map(serve);
}

// --- Channels ---

export function channelsAnswer(page: ChannelPage): FetchedAnswer {
  return {
    gifs: page.channels.flatMap((c: Channel) => (c.featuredGif === null ? [] : [c.featuredGif])),
    totalCount: page.totalCount,
    offset: page.offset,
    payload: json({
      channels: page.channels.map((c) => ({
        id: c.id,
        slug: c.slug,
        displayName: c.displayName,
        featuredGifId: c.featuredGif?.id ?? null,
        giphyObject: c.giphyObject,
      })),
    }),
  };
}

export function readChannels(payload: unknown, gifs: readonly StoredGif[]): ServedChannel[] {
  const byId = new Map(gifs.map((gif) => [gif.id, gif]));
  return read(channelsPayload, payload).channels.map((c) => ({
    id: c.id,
    slug: c.slug,
    displayName: c.displayName,
    featuredGif: c.featuredGifId === null ? null : (byId.get(c.featuredGifId) ?? null),
    giphyObject: c.giphyObject,
  }));
}

// --- Terms and trending searches ---

export function termsAnswer(page: TermPage): FetchedAnswer {
  return {
    gifs: [],
    totalCount: page.totalCount,
    offset: page.offset,
    payload: json({
      terms: page.terms.map((t: Term) => ({ name: t.name, giphyObject: t.giphyObject })),
    }),
  };
}

export function readTerms(payload: unknown): Term[] {
  return read(termsPayload, payload).terms;
}

export function searchesAnswer(searches: readonly string[]): FetchedAnswer {
  return { gifs: [], totalCount: searches.length, offset: 0, payload: json({ searches }) };
}

export function readSearches(payload: unknown): string[] {
  return read(searchesPayload, payload).searches;
}
