// Two projects: fast unit tests with no servers, and integration tests that talk to
// the real PostgreSQL, Redis, Kafka and S3 started by `make infra-up`.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["{shared,services/*}/{src,test}/**/*.test.ts", "tests/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
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
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One worker: the tests share one broker, one bucket and one database.
          fileParallelism: false,
        },
      },
    ],
  },
});
