// Turns zod issues into the gateway's one error type: 414 for a too-long `q`
// (as Giphy answers), REQUEST.UNKNOWN_PARAMETER for parameters we do not know,
// REQUEST.INVALID with one entry per bad field for everything else.
import type { z } from "@hono/zod-openapi";
import { GatewayError, type FieldProblem } from "../domain/gateway-error.ts";

export function validationError(issues: readonly z.core.$ZodIssue[], target: string): GatewayError {
  const fields: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) fields.push({ field: key, message: "unknown parameter" });
      continue;
    }
    fields.push({ field: issue.path.map(String).join(".") || target, message: issue.message });
  }
  const tooLong = issues.some((i) => i.path[0] === "q" && i.code === "too_big");
  if (tooLong)
    return new GatewayError("REQUEST.QUERY_TOO_LONG", "q must be at most 50 characters", {
      fields,
    });
  const unknown = issues.every((i) => i.code === "unrecognized_keys");
  if (unknown)
    return new GatewayError(
      "REQUEST.UNKNOWN_PARAMETER",
      `unknown parameter: ${fields.map((f) => f.field).join(", ")}`,
      { fields },
    );
  return new GatewayError(
    "REQUEST.INVALID",
    fields.map((f) => `${f.field}: ${f.message}`).join("; "),
    { fields },
  );
}
