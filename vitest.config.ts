// Two projects: fast unit tests with no servers, and integration tests that talk to
// the real PostgreSQL, Redis, Kafka and S3 started by `make infra-up`.
import { defineConfig } from "vitest/config";

// Both projects: every file's clean-up registry runs at its end (vitest-cleanup.ts),
// and the run fails if it left anything behind (tests/leak-guard.ts).
const setupFiles = ["shared/src/testing/vitest-cleanup.ts"];

export default defineConfig({
  test: {
    globalSetup: ["tests/leak-guard.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["{shared,services/*}/{src,test}/**/*.test.ts", "tests/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
          setupFiles,
          // The hostile-input properties run thousands of cases; vitest's default 5 s
          // would measure how busy 2 shared cores are, not whether a case fails.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          include: [
            "{shared,services/*}/src/**/*.int.test.ts",
            "{shared,services/*}/test/**/*.int.test.ts",
            "tests/**/*.int.test.ts",
          ],
          exclude: ["**/node_modules/**"],
          setupFiles,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One worker: the tests share one broker, one bucket and one database.
          fileParallelism: false,
        },
      },
    ],
  },
});
