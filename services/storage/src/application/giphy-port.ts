// The port to Giphy's API: one method per Giphy endpoint storage serves
// (docs/giphy-api.md). The adapter (infrastructure/giphy) forwards the parameters
// as given, validates each answer against the endpoint's shape, and keeps every
// object as Giphy sent it (`giphyObject`).
import type {
  CategoryPage,
  ChannelPage,
  GifMetadata,
  GifPage,
  MediaType,
  Rating,
  TermPage,
} from "../domain/gif.ts";
import type { CallBounds } from "./ports.ts";

export interface GiphySearchParams {
  /** The user's phrase exactly as typed (Giphy asks for the exact terms). */
  readonly query: string;
  readonly limit: number;
  readonly offset: number;
  readonly rating: Rating | undefined;
  readonly lang: string;
  readonly type?: MediaType;
  /** "relevant" or "recent"; undefined leaves Giphy's default. */
  readonly sort?: string;
  readonly countryCode?: string;
  readonly region?: string;
  readonly removeLowContrast?: boolean;
  readonly excludeDynamicResults?: boolean;
}

export interface GiphyTrendingParams {
  readonly limit: number;
  readonly offset: number;
  readonly rating: Rating | undefined;
  readonly type?: MediaType;
  readonly countryCode?: string;
  readonly region?: string;
}

export interface GiphyRandomParams {
  readonly type: MediaType;
  /** Undefined: any tag. */
  readonly tag?: string;
  readonly rating: Rating | undefined;
}

export interface GiphyTranslateParams {
  readonly type: MediaType;
  readonly phrase: string;
  /** 0 to 10; undefined leaves Giphy's default. */
  readonly weirdness?: number;
  readonly rating: Rating | undefined;
  readonly lang?: string;
}

export interface GiphyRelatedParams {
  readonly gifId: string;
  readonly type: MediaType;
  readonly limit: number;
  readonly offset: number;
  readonly rating: Rating | undefined;
}

export interface GiphyPageParams {
  /** Undefined leaves Giphy's default. */
  readonly limit?: number;
  readonly offset?: number;
}

export interface GiphyCategoryGifsParams {
  readonly category: string;
  readonly subcategory: string;
  readonly limit: number;
  readonly offset: number;
  readonly rating: Rating | undefined;
}

export interface GiphyEmojiParams {
  /** 1: /v1/emoji (offset pages); 2: /v2/emoji (next_cursor pages). */
  readonly apiVersion: 1 | 2;
  readonly limit: number;
  readonly offset: number;
}

export interface GiphyQueryPageParams {
  readonly query: string;
  readonly limit: number;
  readonly offset: number;
  readonly rating?: Rating | undefined;
}

/**
 * Giphy's API. Throws StorageError with a GIPHY.* code. With a deadline in
 * `call`, attempts and retries stay within it, leaving time to store and answer;
 * running out of time is GIPHY.UNAVAILABLE (so stale data may be served).
 * Methods answering one object return undefined when Giphy has none (an unknown
 * id, a random or translate call that found nothing).
 */
export interface GiphyPort {
  search(params: GiphySearchParams, call?: CallBounds): Promise<GifPage>;
  trending(params: GiphyTrendingParams, call?: CallBounds): Promise<GifPage>;
  getById(id: string, call?: CallBounds): Promise<GifMetadata | undefined>;
  getByIds(ids: readonly string[], call?: CallBounds): Promise<readonly GifMetadata[]>;
  random(params: GiphyRandomParams, call?: CallBounds): Promise<GifMetadata | undefined>;
  translate(params: GiphyTranslateParams, call?: CallBounds): Promise<GifMetadata | undefined>;
  related(params: GiphyRelatedParams, call?: CallBounds): Promise<GifPage>;
  categories(params: GiphyPageParams, call?: CallBounds): Promise<CategoryPage>;
  subcategories(
    params: GiphyPageParams & { readonly category: string },
    call?: CallBounds,
  ): Promise<CategoryPage>;
  categoryGifs(params: GiphyCategoryGifsParams, call?: CallBounds): Promise<GifPage>;
  emoji(params: GiphyEmojiParams, call?: CallBounds): Promise<GifPage>;
  emojiVariations(id: string, call?: CallBounds): Promise<GifPage>;
  animateText(
    params: { readonly text: string; readonly limit: number; readonly offset: number },
    call?: CallBounds,
  ): Promise<GifPage>;
  searchChannels(params: GiphyQueryPageParams, call?: CallBounds): Promise<ChannelPage>;
  autocompleteTags(params: GiphyQueryPageParams, call?: CallBounds): Promise<TermPage>;
  relatedTags(term: string, call?: CallBounds): Promise<TermPage>;
  trendingSearches(call?: CallBounds): Promise<readonly string[]>;
  randomId(call?: CallBounds): Promise<string>;
}
