// Reads the process environment through a zod schema, once, at start-up. Services
// get a typed, frozen config object or a ConfigError naming every bad variable.
import type { z } from "zod";
import { ConfigError, type ConfigProblem } from "./config-error.ts";

/** An environment: a bag of optional strings, like `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Validates `env` against `schema` and returns the parsed, frozen config.
 *
 * Empty strings count as unset (so `FOO=` in a compose file falls back to the
 * default). On failure throws a {@link ConfigError} listing every problem, one per
 * line, naming the variable and what was wrong but never echoing its value.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Env = process.env,
): Readonly<z.output<S>> {
  const input: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== "") input[name] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return Object.freeze(result.data);
  throw new ConfigError(result.error.issues.map((issue) => describe(issue, input)));
}

function describe(issue: z.core.$ZodIssue, input: Record<string, string>): ConfigProblem {
  const variable = issue.path.map(String).join(".") || "(environment)";
  const [first] = issue.path;
  // A refinement's (custom) message says why an unset variable is needed: keep it.
  const unset =
    issue.code !== "custom" &&
    issue.path.length === 1 &&
    typeof first === "string" &&
    !(first in input);
  return { variable, problem: unset ? "is required but not set" : withoutInput(issue.message) };
}

/** zod's default messages name types, not values; strip anything after "received" to be sure. */
function withoutInput(message: string): string {
  return message.replace(/,?\s*received\s.*$/i, "").trim();
}

/**
 * {@link loadConfig} for a service's `main.ts`: on a bad environment it prints the
 * one message listing every problem to stderr and exits with status 1, instead of
 * crashing with a stack trace that hides the list.
 */
export function loadConfigOrExit<S extends z.ZodType>(
  schema: S,
  env: Env = process.env,
  exit: (code: number) => never = (code) => process.exit(code),
): Readonly<z.output<S>> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return exit(1);
  }
}
