// Use cases of Giphy's endpoints that answer with GIFs beyond search and trending:
// random, translate, related, a subcategory's GIFs, emoji (v1 offset pages, v2
// cursor pages), an emoji's variations and animated text. Each follows the
// freshness policy of serve-page.ts, except random: a random pick is never served
// from the database while Giphy answers (it would not be random), and while Giphy
// is down it is a random stored GIF of that type, tag and rating.
import { StorageError, isGiphyOutage, orNotFound } from "../domain/errors.ts";
import type { MediaType, Rating, StoredGif } from "../domain/gif.ts";
import {
  answerKey,
  parseApiVersion,
  parseCategoryName,
  parseGifId,
  parseLang,
  parsePage,
  parsePhrase,
  phraseKey,
  parseTag,
  parseType,
  parseWeirdness,
} from "../domain/queries.ts";
import type { PageSource, ServedPage } from "./serve-page.ts";
import { servePage } from "./serve-page.ts";
import { cursorAnswer, readCursor } from "./stored-answers.ts";
import type { CallContext, UseCaseDeps } from "./use-cases.ts";

export interface ServedGif {
  readonly gif: StoredGif;
  readonly source: PageSource;
}

const notFound = (what: string) => new StorageError("GIF.NOT_FOUND", `${what}: Giphy has no match`);

export function createGetRandomGif(deps: UseCaseDeps) {
  return async (
    raw: { type: MediaType | undefined; tag: string; rating: Rating | undefined },
    ctx: CallContext,
  ): Promise<ServedGif> => {
    const pick = {
      type: parseType(raw.type, ["gifs", "stickers"]),
      ...(parseTag(raw.tag) === undefined ? {} : { tag: raw.tag }),
      rating: raw.rating,
    };
    let found;
    try {
      found = await deps.giphy.random(pick, ctx);
    } catch (error) {
      if (!isGiphyOutage(error)) throw error;
      const stored = await deps.store.findRandomGif(pick, ctx);
      if (stored === undefined) throw error;
      deps.onStale?.("random", error);
      return { gif: stored, source: "database_stale" };
    }
    if (found === undefined) throw notFound(`random ${pick.type} for "${pick.tag ?? ""}"`);
    const [saved] = await deps.store.saveFromGiphy({
      gifs: [found],
      totalCount: 1,
      traceHeaders: ctx.traceHeaders,
      call: ctx,
    });
    if (saved === undefined) throw notFound("random");
    return { gif: saved, source: "giphy" };
  };
}

export function createTranslateGif(deps: UseCaseDeps) {
  return async (
    raw: {
      type: MediaType | undefined;
      phrase: string;
      weirdness: number;
      rating: Rating | undefined;
      lang: string;
    },
    ctx: CallContext,
  ): Promise<ServedGif> => {
    const type = parseType(raw.type, ["gifs", "stickers"]);
    const phrase = parsePhrase(raw.phrase, "phrase");
    const weirdness = parseWeirdness(raw.weirdness);
    const lang = parseLang(raw.lang);
    const page = await servePage(deps, {
      key: answerKey("translate", [type, raw.rating ?? "any", weirdness, lang, phraseKey(phrase)]),
      offset: 0,
      ttlSeconds: deps.searchTtlSeconds,
      traceHeaders: ctx.traceHeaders,
      call: ctx,
      fetch: async () => {
        const gif = await deps.giphy.translate(
          {
            type,
            phrase,
            rating: raw.rating,
            ...(weirdness === undefined ? {} : { weirdness }),
            ...(lang === undefined ? {} : { lang }),
          },
          ctx,
        );
        return {
          gifs: gif === undefined ? [] : [gif],
          totalCount: gif === undefined ? 0 : 1,
          offset: 0,
        };
      },
      onStale: (error) => deps.onStale?.("translate", error),
    });
    const [gif] = page.gifs;
    if (gif === undefined) throw notFound(`translate "${phrase}"`);
    return { gif, source: page.source };
  };
}

export function createListRelatedGifs(deps: UseCaseDeps) {
  return async (
    raw: {
      gifId: string;
      type: MediaType | undefined;
      limit: number;
      offset: number;
      rating: Rating | undefined;
    },
    ctx: CallContext,
  ): Promise<ServedPage> => {
    const gifId = parseGifId(raw.gifId, "gif_id");
    const type = parseType(raw.type, ["gifs", "stickers", "videos"]);
    const { limit, offset } = parsePage(raw);
    return servePage(deps, {
      key: answerKey("related", [type, raw.rating ?? "any", offset, limit, gifId]),
      offset,
      ttlSeconds: deps.searchTtlSeconds,
      traceHeaders: ctx.traceHeaders,
      call: ctx,
      fetch: () =>
        orNotFound(`gif ${gifId}`, () =>
          deps.giphy.related({ gifId, type, limit, offset, rating: raw.rating }, ctx),
        ),
      onStale: (error) => deps.onStale?.("related", error),
    });
  };
}

export function createListCategoryGifs(deps: UseCaseDeps) {
  return async (
    raw: {
      category: string;
      subcategory: string;
      limit: number;
      offset: number;
      rating: Rating | undefined;
    },
    ctx: CallContext,
  ): Promise<ServedPage> => {
    const category = parseCategoryName(raw.category, "category");
    const subcategory = parseCategoryName(raw.subcategory, "subcategory");
    const { limit, offset } = parsePage(raw);
    return servePage(deps, {
      key: answerKey("category_gifs", [raw.rating ?? "any", offset, limit, category, subcategory]),
      offset,
      ttlSeconds: deps.searchTtlSeconds,
      traceHeaders: ctx.traceHeaders,
      call: ctx,
      fetch: () =>
        orNotFound(`category ${category}/${subcategory}`, () =>
          deps.giphy.categoryGifs(
            { category, subcategory, limit, offset, rating: raw.rating },
            ctx,
          ),
        ),
      onStale: (error) => deps.onStale?.("category_gifs", error),
    });
  };
}

export function createListEmoji(deps: UseCaseDeps) {
  return async (
    raw: { apiVersion: number; limit: number; offset: number },
    ctx: CallContext,
  ): Promise<ServedPage<string | undefined>> => {
    const apiVersion = parseApiVersion(raw.apiVersion);
    const { limit, offset } = parsePage(raw);
    return servePage(deps, {
      key: answerKey("emoji", [apiVersion, offset, limit]),
      offset,
      ttlSeconds: deps.catalogTtlSeconds,
      traceHeaders: ctx.traceHeaders,
      call: ctx,
      fetch: async () => cursorAnswer(await deps.giphy.emoji({ apiVersion, limit, offset }, ctx)),
      read: readCursor,
      onStale: (error) => deps.onStale?.("emoji", error),
    });
  };
}

export function createListEmojiVariations(deps: UseCaseDeps) {
  return async (rawId: string, ctx: CallContext): Promise<ServedPage> => {
    const id = parseGifId(rawId);
    return servePage(deps, {
      key: answerKey("emoji_variations", [id]),
      offset: 0,
      ttlSeconds: deps.catalogTtlSeconds,
      traceHeaders: ctx.traceHeaders,
      call: ctx,
      fetch: () => orNotFound(`emoji ${id}`, () => deps.giphy.emojiVariations(id, ctx)),
      onStale: (error) => deps.onStale?.("emoji_variations", error),
    });
  };
}

export function createAnimateText(deps: UseCaseDeps) {
  return async (
    raw: { text: string; limit: number; offset: number },
    ctx: CallContext,
  ): Promise<ServedPage> => {
    const text = parsePhrase(raw.text, "text");
    const { limit, offset } = parsePage(raw);
    return servePage(deps, {
      key: answerKey("animate", [offset, limit, text]),
      offset,
      ttlSeconds: deps.catalogTtlSeconds,
      traceHeaders: ctx.traceHeaders,
      call: ctx,
      fetch: () => deps.giphy.animateText({ text, limit, offset }, ctx),
      onStale: (error) => deps.onStale?.("animate", error),
    });
  };
}
