// What a GIF id looks like, one rule for every service that takes one from outside:
// the gateway checks ids in URLs, storage checks them in RPCs and in archive
// results, and the tests generate them. Giphy's ids are short base62-like strings;
// we accept a little more ('-', '_', up to 64) so that ids of other sources and of
// our own tests fit, and nothing that could break a path, a key or a log line.

/** 1 to 64 ASCII letters, digits, '-' or '_'. */
export const GIF_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The message every service gives when an id does not match {@link GIF_ID_PATTERN}. */
export const GIF_ID_RULE = "must be 1 to 64 letters, digits, '-' or '_'";

/** Whether `value` is a well-formed GIF id. */
export function isGifId(value: string): boolean {
  return GIF_ID_PATTERN.test(value);
}
