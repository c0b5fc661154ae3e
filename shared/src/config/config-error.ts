// The one error type of the config module. It lists every problem at once, so an
// operator fixes a broken deployment in one pass instead of one restart per variable.
// It never carries the offending values: env vars hold secrets.

/** One invalid or missing environment variable. */
export interface ConfigProblem {
  /** Name of the environment variable (or dotted path for nested schemas). */
  readonly variable: string;
  /** What was wrong, without the value. */
  readonly problem: string;
}

/** Thrown by `loadConfig` when the environment does not satisfy the schema. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** Stable code for logs and exit paths. */
  readonly code = "CONFIG.INVALID";
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const noun = problems.length === 1 ? "problem" : "problems";
    const lines = problems.map((p) => `  ${p.variable}: ${p.problem}`);
    super([`invalid configuration (${problems.length} ${noun}):`, ...lines].join("\n"));
    this.problems = problems;
  }
}
