// The content-addressed object-key layout, one rule for the three services that
// meet at it: the file worker writes `contentAddressedKey(sha256, type)`, storage
// accepts an archive result only when its key is exactly that key, and the gateway
// serves only keys `parseContentAddressedKey` accepts (so /media can read nothing
// else in the bucket). Identical bytes map to one key: re-archiving the same GIF
// (redelivery, duplicates, two GIF ids sharing a file) stores it once, and a URL
// naming the key can be cached forever.

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * File extension of each content type the worker archives (and storage accepts):
 * GIFs, JPEG stills (Giphy's 480w_still), MP4 and WebP renditions. One extension per
 * type and one type per extension, so a key names its type without ambiguity.
 */
export const ARCHIVE_CONTENT_TYPES: Readonly<Record<string, string>> = {
  "image/gif": "gif",
  "image/jpeg": "jpg",
  "video/mp4": "mp4",
  "image/webp": "webp",
};

/** Whether storage accepts this content type in an archive result. */
export function isArchiveContentType(contentType: string): boolean {
  return Object.hasOwn(ARCHIVE_CONTENT_TYPES, contentType);
}

/**
 * `gifs/sha256/<aa>/<bb>/<sha256>.<ext>`: two levels of fan-out keep listings and
 * filesystem-backed servers (versitygw posix) fast with millions of objects.
 * Throws TypeError for anything but 64 lower-case hex digits or an unknown type.
 */
export function contentAddressedKey(sha256Hex: string, contentType: string): string {
  if (!SHA256_HEX.test(sha256Hex)) throw new TypeError("sha256 must be 64 lowercase hex digits");
  const ext = isArchiveContentType(contentType) ? ARCHIVE_CONTENT_TYPES[contentType] : undefined;
  if (ext === undefined) throw new TypeError(`no extension known for content type ${contentType}`);
  return `gifs/sha256/${sha256Hex.slice(0, 2)}/${sha256Hex.slice(2, 4)}/${sha256Hex}.${ext}`;
}

const KEY_PATTERN = /^gifs\/sha256\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})\.([a-z0-9]{1,8})$/;

/**
 * The sha256 and content type of a key of exactly the layout above (fan-out
 * matching the hash, a known extension); undefined for anything else.
 */
export function parseContentAddressedKey(
  key: string,
): { readonly sha256: string; readonly contentType: string } | undefined {
  const match = KEY_PATTERN.exec(key);
  const sha256 = match?.[3];
  const ext = match?.[4];
  if (!sha256 || match[1] !== sha256.slice(0, 2) || match[2] !== sha256.slice(2, 4))
    return undefined;
  const contentType = Object.entries(ARCHIVE_CONTENT_TYPES).find(([, e]) => e === ext)?.[0];
  return contentType === undefined ? undefined : { sha256, contentType };
}
