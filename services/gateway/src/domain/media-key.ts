// Media URLs are keyed by the content-addressed S3 object key that storage reports,
// i.e. the key the file worker wrote ("gifs/sha256/ab/cd/<64 hex>.gif", see
// services/file-worker/src/domain/object-key.ts). The key names the bytes, so a media
// URL can be cached forever and its ETag is the hash in the key, known without asking
// S3. Only keys of that exact shape (fan-out matching the hash) are accepted: the
// endpoint cannot read anything else in the bucket.

/** Path prefix of the media endpoint. */
export const MEDIA_PREFIX = "/media/";

const KEY_PATTERN = /^gifs\/sha256\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})\.[a-z0-9]{1,8}$/;

/** The gateway path serving an object key. */
export function mediaPathForKey(objectKey: string): string {
  return `${MEDIA_PREFIX}${objectKey}`;
}

/** Parses a requested key; returns its sha256, or undefined when the key is not ours. */
export function parseMediaKey(key: string): { readonly sha256: string } | undefined {
  const match = KEY_PATTERN.exec(key);
  const sha256 = match?.[3];
  if (!sha256 || match[1] !== sha256.slice(0, 2) || match[2] !== sha256.slice(2, 4))
    return undefined;
  return { sha256 };
}

const TYPES: Readonly<Record<string, string>> = {
  gif: "image/gif",
  webp: "image/webp",
  mp4: "video/mp4",
  png: "image/png",
  jpg: "image/jpeg",
};

/** A content type from the key's extension, for objects stored without one. */
export function contentTypeForKey(key: string): string {
  const ext = /\.([a-z0-9]+)$/.exec(key)?.[1] ?? "";
  return TYPES[ext] ?? "application/octet-stream";
}
