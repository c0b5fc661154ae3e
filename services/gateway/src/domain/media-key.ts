// Media URLs are keyed by the content-addressed S3 object key that storage reports,
// i.e. the key the file worker wrote ("gifs/sha256/ab/cd/<64 hex>.gif", the one rule
// in shared/src/contracts/object-key.ts). The key names the bytes, so a media URL can
// be cached forever and its ETag is the hash in the key, known without asking S3.
// Only keys of that exact shape (fan-out matching the hash, an archived type) are
// accepted: the endpoint cannot read anything else in the bucket.
import { parseContentAddressedKey } from "@gifmesh/shared/contracts";

/** Path prefix of the media endpoint. */
export const MEDIA_PREFIX = "/media/";

/** The gateway path serving an object key. */
export function mediaPathForKey(objectKey: string): string {
  return `${MEDIA_PREFIX}${objectKey}`;
}

/** Parses a requested key; returns its sha256, or undefined when the key is not ours. */
export function parseMediaKey(key: string): { readonly sha256: string } | undefined {
  const parsed = parseContentAddressedKey(key);
  return parsed === undefined ? undefined : { sha256: parsed.sha256 };
}

/** The content type a key names (its extension), for objects stored without one. */
export function contentTypeForKey(key: string): string {
  return parseContentAddressedKey(key)?.contentType ?? "application/octet-stream";
}
