// Field builders for environment variables. Every service parses ports, URLs,
// flags and durations; these give each one clear error messages and defaults,
// so a service's schema reads as a list of its variables and nothing else.
import { z } from "zod";

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** A required non-empty string, or one with a default. */
export function str(defaultValue?: string) {
  const field = z.string().min(1, "must not be empty");
  return defaultValue === undefined ? field : field.default(defaultValue);
}

/** A TCP port, 0–65535 (0 lets the OS choose, useful in tests). */
export function port(defaultValue?: number) {
  const field = z.coerce
    .number({ error: "must be a port number" })
    .int("must be a whole number")
    .min(0, "must be a port number between 0 and 65535")
    .max(65535, "must be a port number between 0 and 65535");
  return defaultValue === undefined ? field : field.default(defaultValue);
}

/** A whole number within optional bounds. */
export function int(options: { default?: number; min?: number; max?: number } = {}) {
  let field = z.coerce.number({ error: "must be a number" }).int("must be a whole number");
  if (options.min !== undefined) field = field.min(options.min, `must be at least ${options.min}`);
  if (options.max !== undefined) field = field.max(options.max, `must be at most ${options.max}`);
  return options.default === undefined ? field : field.default(options.default);
}

/** An absolute URL; a trailing slash is removed so callers can append paths. */
export function url(defaultValue?: string) {
  const field = z
    .url({ error: "must be an absolute URL such as http://127.0.0.1:4318" })
    .transform((value) => value.replace(/\/+$/, ""));
  return defaultValue === undefined ? field : field.default(defaultValue.replace(/\/+$/, ""));
}

/** A comma-separated list; items are trimmed and empty items dropped. */
export function csv(defaultValue?: readonly string[]) {
  const field = z.string().transform((value) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );
  return defaultValue === undefined ? field : field.default([...defaultValue]);
}

/** A flag: true/false, 1/0, yes/no, on/off (case-insensitive). */
export function bool(defaultValue?: boolean) {
  const field = z.stringbool({ error: "must be true or false" });
  return defaultValue === undefined ? field : field.default(defaultValue);
}

/**
 * A duration in milliseconds: a bare integer means milliseconds, or use a unit
 * suffix `ms`, `s`, `m`, `h` (e.g. `1500`, `10s`, `5m`).
 */
export function durationMs(defaultValue?: number) {
  const field = z
    .string()
    .regex(/^\d+(ms|s|m|h)?$/i, "must be a duration such as 1500, 1500ms, 10s, 5m or 1h")
    .transform((value) => {
      const [, amount = "0", unit = "ms"] = /^(\d+)([a-z]*)$/i.exec(value) ?? [];
      return Number(amount) * (UNIT_MS[unit.toLowerCase() || "ms"] ?? 1);
    });
  return defaultValue === undefined ? field : field.default(defaultValue);
}

/** One of a fixed set of values. */
export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  defaultValue?: T[number],
) {
  const field = z.enum(values, { error: `must be one of: ${values.join(", ")}` });
  return defaultValue === undefined ? field : field.default(defaultValue);
}
