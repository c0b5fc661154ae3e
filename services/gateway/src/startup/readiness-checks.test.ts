// The readiness checks against in-memory clients: storage counts as up when it
// answers, a NOT_FOUND or INVALID_ARGUMENT about the probe id included, and down
// on any other failure; Redis is optional and must be connected and answer PING.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { redisReadinessCheck, storageReadinessCheck } from "./readiness-checks.ts";

const signal = AbortSignal.timeout(1_000);

/** A storage client whose getArchiveStatus fails with `code`, or answers when none. */
function storageAnswering(code?: Code) {
  const asked: string[] = [];
  return {
    asked,
    client: {
      getArchiveStatus(request: { gifId: string }) {
        asked.push(request.gifId);
        return code === undefined
          ? Promise.resolve({ gifId: request.gifId })
          : Promise.reject(new ConnectError("storage says no", code));
      },
    },
  };
}

describe("storageReadinessCheck", () => {
  it.each([
    ["answers", undefined],
    ["answers NOT_FOUND for the probe id", Code.NotFound],
    ["answers INVALID_ARGUMENT for the probe id", Code.InvalidArgument],
  ])("passes when storage %s", async (_, code) => {
    const storage = storageAnswering(code);
    const check = storageReadinessCheck(storage.client);
    await expect(check.check(signal)).resolves.toBeUndefined();
    expect(storage.asked).toEqual(["readiness-probe"]);
    expect(check.optional).toBeFalsy();
  });

  it.each([Code.Unavailable, Code.DeadlineExceeded, Code.Unauthenticated, Code.Internal])(
    "fails when storage fails with code %s",
    async (code) => {
      const check = storageReadinessCheck(storageAnswering(code).client);
      await expect(check.check(signal)).rejects.toBeInstanceOf(ConnectError);
    },
  );
});

describe("redisReadinessCheck", () => {
  it("is optional: the gateway serves without Redis, only slower", () => {
    expect(
      redisReadinessCheck({ status: "ready", ping: () => Promise.resolve("PONG") }).optional,
    ).toBe(true);
  });

  it("passes when Redis is connected and answers PING", async () => {
    let pinged = 0;
    const check = redisReadinessCheck({
      status: "ready",
      ping: () => {
        pinged++;
        return Promise.resolve("PONG");
      },
    });
    await check.check(signal);
    expect(pinged).toBe(1);
  });

  it("fails without asking when Redis is not connected, and when PING fails", async () => {
    let pinged = 0;
    const ping = () => {
      pinged++;
      return Promise.reject(new Error("timeout"));
    };
    await expect(
      redisReadinessCheck({ status: "reconnecting", ping }).check(signal),
    ).rejects.toThrow("redis reconnecting");
    expect(pinged).toBe(0);
    await expect(redisReadinessCheck({ status: "ready", ping }).check(signal)).rejects.toThrow(
      "timeout",
    );
  });
});
