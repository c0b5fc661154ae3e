// Turns a catalogue spec into the JSON Giphy's v1 API returns for one GIF, with the
// quirks clients must cope with: every number inside `images` is a string, `is_sticker`
// is 0/1, dates are "YYYY-MM-DD HH:MM:SS", "never trended" is all zeros. Nothing here
// renders a file: sizes and hashes come from the spec (media/render-gif.ts).
import { createHash } from "node:crypto";
import type { GifSpec } from "../catalogue/catalogue.ts";
import {
  RENDITIONS,
  renditionHash,
  renditionShape,
  renditionSize,
  type RenditionName,
} from "../media/render-gif.ts";

function cid(spec: GifSpec): string {
  return createHash("sha1").update(spec.id).digest("hex").slice(0, 16);
}

function rendition(spec: GifSpec, name: RenditionName, mediaBase: string): Record<string, string> {
  const shape = renditionShape(spec, name);
  const image: Record<string, string> = {
    height: String(shape.height),
    width: String(shape.width),
    size: String(renditionSize(spec, name)),
    url: `${mediaBase}/media/${spec.id}/${RENDITIONS[name]}?cid=${cid(spec)}&rid=${RENDITIONS[name]}&ct=g`,
  };
  if (name !== "fixed_height_still") image.frames = String(shape.frames);
  if (name === "original") image.hash = renditionHash(spec, name);
  return image;
}

/** One GIF object as Giphy serialises it. `mediaBase` is the fixture's own origin. */
export function toGiphyGif(spec: GifSpec, mediaBase: string): Record<string, unknown> {
  const images: Record<string, Record<string, string>> = {};
  for (const name of Object.keys(RENDITIONS) as RenditionName[])
    images[name] = rendition(spec, name, mediaBase);
  const gif: Record<string, unknown> = {
    type: "gif",
    id: spec.id,
    url: `${mediaBase}/gifs/${spec.slug}`,
    slug: spec.slug,
    bitly_gif_url: `https://gph.is/g/${spec.id.slice(0, 7)}`,
    bitly_url: `https://gph.is/g/${spec.id.slice(0, 7)}`,
    embed_url: `${mediaBase}/embed/${spec.id}`,
    username: spec.username,
    source: spec.index % 3 === 0 ? `https://example.com/post/${spec.index}` : "",
    title: spec.title,
    rating: spec.rating,
    content_url: "",
    source_tld: spec.index % 3 === 0 ? "example.com" : "",
    source_post_url: spec.index % 3 === 0 ? `https://example.com/post/${spec.index}` : "",
    is_sticker: 0,
    import_datetime: spec.importDatetime,
    trending_datetime: spec.trending ? "2026-11-20 12:00:00" : "0000-00-00 00:00:00",
    images,
    alt_text: spec.index % 2 === 0 ? spec.title.replace(/ GIF$/, "") : "",
    analytics_response_payload: "",
  };
  if (spec.username !== "") {
    gif.user = {
      avatar_url: `${mediaBase}/avatars/${spec.username}.png`,
      banner_image: "",
      profile_url: `${mediaBase}/${spec.username}/`,
      username: spec.username,
      display_name: spec.username.toUpperCase(),
      description: "",
      is_verified: spec.index % 4 === 0,
    };
  }
  return gif;
}

/** The `meta` block; an empty response_id is Giphy's "synthetic response". */
export function meta(status: number, msg: string, responseId: string): Record<string, unknown> {
  return { status, msg, response_id: responseId };
}
