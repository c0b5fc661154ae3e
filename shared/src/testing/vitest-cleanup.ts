// vitest setupFiles entry (vitest.config.ts): runs the clean-up registry of
// cleanup.ts at the end of every test file. Registered before the file's own hooks,
// so it runs after them (hooks run as a stack): the file first stops what uses a
// resource, then the registry removes the resource.
import { afterAll } from "vitest";
import { runCleanups } from "./cleanup.ts";

afterAll(runCleanups, 120_000);
