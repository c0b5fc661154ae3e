// Lossless rendering: a GIF whose storage record carries Giphy's object as received
// (Gif.giphy_json) is answered with that object member for member, members gifmesh
// does not know included. Exactly two things change (docs/giphy-api.md): the URL
// members of archived media files point at the gateway's /media/ copy, and a
// `gifmesh` member describes the archive. GIFs stored before giphy_json existed
// fall back to the typed mapper (gif-mapper.ts).
import { MediaField, type Gif, type MediaFile } from "@gifmesh/shared/contracts";
import { archiveInfo, toGiphyGif, type GifMapperOptions } from "./gif-mapper.ts";
import type { ArchiveInfo } from "./giphy-shape.ts";
import { mediaPathForKey } from "./media-key.ts";

/** A JSON object as parsed; values keep the types Giphy sent. */
export type JsonObject = { [member: string]: unknown };

/** A GIF object as answered: Giphy's members (its id always a string) plus `gifmesh`. */
export type RenderedGif = JsonObject & { readonly id: string };

const FIELD_MEMBER: Readonly<Record<MediaField, string | undefined>> = {
  [MediaField.UNSPECIFIED]: undefined,
  [MediaField.URL]: "url",
  [MediaField.MP4]: "mp4",
  [MediaField.WEBP]: "webp",
};

/** The archive state of one media file, as listed in `gifmesh.archive.files`. */
export interface FileInfo extends Omit<ArchiveInfo, "rendition"> {
  readonly rendition: string;
  readonly field: string;
  readonly members: string[];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses a giphy_json member; undefined when empty or not a JSON object. */
export function parseGiphyObject(json: string): JsonObject | undefined {
  if (json === "") return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    // Storage validates what it stores; a broken record is served by the typed mapper.
    return undefined;
  }
}

function fileInfo(file: MediaFile, publicBaseUrl: string): FileInfo {
  const primary = file.primary;
  return {
    ...archiveInfo(file.archive, publicBaseUrl),
    // The file's rendition is its primary member's, whatever the archive record says.
    rendition: primary?.rendition ?? "",
    field: (primary && FIELD_MEMBER[primary.field]) ?? "",
    members: file.members.flatMap((m) => {
      const field = FIELD_MEMBER[m.field];
      return field ? [`${m.rendition}.${field}`] : [];
    }),
  };
}

/** `images` with every member of an archived file pointed at its /media/ copy. */
function rewriteImages(
  images: unknown,
  files: readonly MediaFile[],
  publicBaseUrl: string,
): unknown {
  if (!isObject(images)) return images;
  const out: JsonObject = { ...images };
  for (const file of files) {
    if (file.archive?.state.case !== "archived") continue;
    const url = `${publicBaseUrl}${mediaPathForKey(file.archive.state.value.objectKey)}`;
    for (const member of file.members) {
      const field = FIELD_MEMBER[member.field];
      const rendition = out[member.rendition];
      if (!field || !isObject(rendition) || !(field in rendition)) continue;
      out[member.rendition] = { ...rendition, [field]: url };
    }
  }
  return out;
}

/** Giphy's object for `gif` with gifmesh's two changes, or the typed mapping. */
export function renderGif(gif: Gif, options: GifMapperOptions): RenderedGif {
  const original = parseGiphyObject(gif.giphyJson);
  if (!original || typeof original.id !== "string") return toGiphyGif(gif, options);
  const rewrite = options.rewriteArchivedUrls !== false;
  const archive = {
    ...archiveInfo(gif.archive, options.publicBaseUrl),
    files: gif.mediaFiles.map((f) => fileInfo(f, options.publicBaseUrl)),
  };
  return {
    ...original,
    id: original.id,
    ...("images" in original && rewrite
      ? { images: rewriteImages(original.images, gif.mediaFiles, options.publicBaseUrl) }
      : {}),
    gifmesh: { archive },
  };
}

/** A Giphy object kept whole (category, channel) with one member replaced by a rendered GIF. */
export function withRenderedGif(
  giphyJson: string,
  member: string,
  gif: Gif | undefined,
  options: GifMapperOptions,
  fallback: () => JsonObject,
): JsonObject {
  const original = parseGiphyObject(giphyJson) ?? fallback();
  return gif ? { ...original, [member]: renderGif(gif, options) } : original;
}
