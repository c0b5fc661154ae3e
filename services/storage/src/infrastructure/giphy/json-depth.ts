// A linear scan of a JSON text's nesting depth, run before JSON.parse. V8's parser
// takes a 4-million-deep `[[[[…]]]]` (8 MB, under any sane byte cap) and spends over
// a second of synchronous time and hundreds of MB on it; a Giphy answer nests about
// six levels. Counting brackets outside strings costs a few ms for 2 MiB and lets
// such a body be refused before it is parsed. Malformed JSON is not judged here:
// JSON.parse still refuses it.

/** Giphy nests ~6 deep (data[].images.original.…); anything past this is not Giphy. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** True when some `[` or `{` outside a string opens deeper than `maxDepth`. */
export function jsonNestsDeeperThan(text: string, maxDepth: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) depth--;
  }
  return false;
}
