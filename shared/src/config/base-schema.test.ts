// The admin defaults that a deployment relies on: loopback unless told otherwise,
// and a metrics token that is either unset or long enough to be a secret.
import { describe, expect, it } from "vitest";
import { baseConfigSchema } from "./base-schema.ts";
import { ConfigError } from "./config-error.ts";
import { loadConfig } from "./load-config.ts";

const schema = baseConfigSchema({ adminPort: 9464 });

describe("baseConfigSchema", () => {
  it("binds the admin server to loopback, with no token, by default", () => {
    const config = loadConfig(schema, {});
    expect(config.ADMIN_HOST).toBe("127.0.0.1");
    expect(config.ADMIN_TOKEN).toBeUndefined();
  });

  it("takes 0.0.0.0 and a token when set (as Helm and compose do)", () => {
    const token = "0123456789abcdef0123";
    const config = loadConfig(schema, { ADMIN_HOST: "0.0.0.0", ADMIN_TOKEN: token });
    expect(config).toMatchObject({ ADMIN_HOST: "0.0.0.0", ADMIN_TOKEN: token });
    expect(loadConfig(schema, { ADMIN_TOKEN: "" }).ADMIN_TOKEN).toBeUndefined();
  });

  it("refuses a short token without echoing it", () => {
    expect(() => loadConfig(schema, { ADMIN_TOKEN: "short-secret" })).toThrow(ConfigError);
    expect(() => loadConfig(schema, { ADMIN_TOKEN: "short-secret" })).toThrow(
      /ADMIN_TOKEN.*at least 16/,
    );
    expect(() => loadConfig(schema, { ADMIN_TOKEN: "short-secret" })).not.toThrow(/short-secret/);
  });
});
