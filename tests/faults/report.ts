// The suite's verdict and its table: one row per fault with the user-visible answers
// (by status) and the ground truth after settling (accepted, archived, failed, lost,
// duplicated), then the failure reasons, the evidence notes and the expected errors.
import type { Fault } from "./faults.ts";
import type { PhaseCounts } from "./traffic.ts";
import type { Truth } from "./truth.ts";

export interface Row {
  readonly fault: Fault;
  readonly counts: PhaseCounts;
  readonly truth: Truth;
  readonly previous: Truth | undefined;
  /** Ids users received that PostgreSQL does not hold. */
  readonly unknownIds: number;
  /** Checks of the fault itself that failed (e.g. no recovery in time). */
  readonly problems: readonly string[];
  readonly faultMs: number;
  readonly settleMs: number;
}

const isError = (status: string) => !/^[23]\d\d$/.test(status);
const isServerSide = (status: string) => /^5\d\d$/.test(status) || !/^\d+$/.test(status);

/** Statuses users saw that the design rules out for this fault. */
function unexpected(row: Row): string[] {
  return [...row.counts.byStatus.keys()].filter(
    (s) => isServerSide(s) && !row.fault.allowed5xx.includes(s),
  );
}

/** A phase passes when nothing was lost or duplicated and users saw no ruled-out 5xx. */
export function rowPasses(row: Row): boolean {
  return (
    row.truth.pending + row.unknownIds === 0 &&
    row.truth.orphanObjects.length === 0 &&
    row.truth.missingObjects.length === 0 &&
    unexpected(row).length === 0 &&
    row.problems.length === 0
  );
}

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

export function printReport(input: {
  rows: readonly Row[];
  notes: readonly string[];
  final: Truth;
  badContent: readonly string[];
  fresh: number;
  out: (line: string) => void;
}): boolean {
  const { rows, out, final } = input;
  let ok = true;
  const body = rows.map((row) => {
    const errors = [...row.counts.byStatus.entries()]
      .filter(([s]) => isError(s))
      .map(([s, n]) => `${s}:${String(n)}`)
      .join(" ");
    const ok2xx = [...row.counts.byStatus.entries()]
      .filter(([s]) => !isError(s))
      .reduce((sum, [, n]) => sum + n, 0);
    const lost = row.truth.pending + row.unknownIds;
    const dup = row.truth.orphanObjects.length;
    const bad = unexpected(row);
    const pass = rowPasses(row);
    ok &&= pass;
    return [
      `(${row.fault.id}) ${row.fault.title}`,
      String(row.counts.sent),
      String(ok2xx),
      errors === "" ? "-" : errors,
      `${String(row.truth.accepted)} (+${String(row.truth.accepted - (row.previous?.accepted ?? 0))})`,
      String(row.truth.archived),
      String(row.truth.failed),
      String(lost),
      String(dup),
      String(row.truth.missingObjects.length),
      `${(row.faultMs / 1000).toFixed(0)}+${(row.settleMs / 1000).toFixed(0)}`,
      pass ? "ok" : `FAIL${bad.length > 0 ? ` (unexpected ${bad.join(",")})` : ""}`,
    ];
  });
  out("");
  out(
    table(
      [
        "fault",
        "requests",
        "2xx",
        "errors by status",
        "accepted (new)",
        "archived",
        "failed",
        "lost",
        "dup objects",
        "missing objects",
        "fault+settle s",
        "verdict",
      ],
      body,
    ),
  );
  out("");
  const total = rows.reduce((sum, r) => sum + r.counts.sent, 0);
  out(
    `totals: ${String(total)} searches; ${String(final.accepted)} GIFs accepted, ${String(final.archived)} archived, ` +
      `${String(final.failed)} failed, ${String(final.pending)} pending; ${String(final.objects)} objects in S3; ` +
      `${String(input.fresh)} fresh pages unused`,
  );
  out(
    `failed reasons: ${[...final.failedReasons].map(([c, n]) => `${c}=${String(n)}`).join(", ") || "none"}`,
  );
  for (const row of rows)
    if (row.counts.errorCodes.size > 0)
      out(
        `errors in (${row.fault.id}): ${[...row.counts.errorCodes].map(([c, n]) => `${c} x${String(n)}`).join(", ")}` +
          (row.counts.serverErrorWindow === undefined
            ? ""
            : ` (5xx from ${String(row.counts.serverErrorWindow[0])} s to ${String(row.counts.serverErrorWindow[1])} s after the fault began)`),
      );
  const t = final.topicMessages;
  out(
    `kafka: ${Object.entries(t)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(", ")}; worker group lag ${String(final.workerLag)}`,
  );
  out(
    `outbox: ${String(final.outboxRows)} rows, ${String(final.outboxUnsent)} unsent, ` +
      `${String(final.outboxRepeatedGifs)} GIFs with more than one request row; ` +
      "requested messages beyond outbox rows (re-publications, harmless once in effect): " +
      String((t["gifmesh.archive.requested.v1"] ?? 0) - final.outboxRows),
  );
  out(
    `result events beyond final states (redelivered after a crash; storage applies each ` +
      `event id once): ${String((t["gifmesh.archive.completed.v1"] ?? 0) + (t["gifmesh.archive.failed.v1"] ?? 0) - final.archived - final.failed)}`,
  );
  const dlq = t["gifmesh.archive.requested.v1.dlq"] ?? 0;
  if (dlq < final.failed) {
    ok = false;
    out(`FAIL: ${String(final.failed)} GIFs failed but only ${String(dlq)} dead-lettered messages`);
  }
  if (input.badContent.length > 0) {
    ok = false;
    out(`FAIL: objects whose bytes do not match their key: ${input.badContent.join(", ")}`);
  }
  if (final.orphanObjects.length > 0)
    out(`duplicate/orphan objects: ${final.orphanObjects.slice(0, 10).join(", ")}`);
  for (const row of rows)
    for (const problem of row.problems) out(`FAIL (${row.fault.id}): ${problem}`);
  for (const note of input.notes) out(`note ${note}`);
  for (const row of rows)
    if (row.fault.why !== undefined) out(`expected in (${row.fault.id}): ${row.fault.why}`);
  if (rows.some((row) => row.fault.id === "d"))
    out(
      "PostgreSQL in (d) is a private cluster stopped for real with pg_ctl stop -m fast, not a network cut.",
    );
  return ok;
}
