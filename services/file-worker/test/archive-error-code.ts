// What the tests of the archive path assert on: the stable code of the ArchiveError a
// call failed with. Anything but an ArchiveError fails the test here, in one place.
import { expect } from "vitest";
import { ArchiveError } from "../src/domain/archive-error.ts";

/** The code of `error`, failing the test (labelled `what`) unless it is an ArchiveError. */
export function archiveErrorCode(error: unknown, what?: string): string {
  expect(error, what).toBeInstanceOf(ArchiveError);
  return (error as ArchiveError).code;
}

/** The code of the ArchiveError `promise` rejects with, or "resolved" when it does not reject. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return archiveErrorCode(error);
  }
  return "resolved";
}
