// What a failed fault run prints so that its cause can be read without running it
// again: where every private server's and service's whole log is kept, and, for the
// first failed requests of each failing phase, the request (path, status, stable
// code, request id, trace id), the gateway's log lines for that request id, and the
// warnings and errors every other process logged in the seconds before it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FailedRequest } from "./traffic.ts";

/** Failed requests explained per phase (the rest are counted in the table). */
const EXPLAINED_PER_PHASE = 3;
/** Log lines looked at before a failure, and after it (ms). */
const WINDOW_BEFORE_MS = 5_000;
const WINDOW_AFTER_MS = 1_000;
/** Lines quoted per process and failure. */
const LINES_PER_PROCESS = 6;

interface LogLine {
  readonly file: string;
  readonly text: string;
  /** From the JSON `timestamp` (our services) or a leading ISO/log4j time. */
  readonly at: number | undefined;
  readonly level: string | undefined;
}

function timeOf(text: string): number | undefined {
  const iso = /(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?Z?)/.exec(text)?.[1];
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso.replace(" ", "T").replace(",", "."));
  return Number.isNaN(ms) ? undefined : ms;
}

function parse(file: string, text: string): LogLine {
  if (text.startsWith("{")) {
    try {
      const json = JSON.parse(text) as { timestamp?: unknown; level?: unknown };
      const at = typeof json.timestamp === "string" ? Date.parse(json.timestamp) : undefined;
      return {
        file,
        text,
        at: Number.isNaN(at) ? undefined : at,
        level: typeof json.level === "string" ? json.level : undefined,
      };
    } catch {
      // not JSON after all
    }
  }
  const level = /\b(ERROR|WARN|FATAL|PANIC)\b/.exec(text)?.[1]?.toLowerCase();
  return { file, text, at: timeOf(text), level };
}

function readLogs(dir: string): LogLine[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".log"));
  } catch {
    return [];
  }
  return files.flatMap((file) =>
    readFileSync(join(dir, file), "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => parse(file, line)),
  );
}

const clip = (text: string, max = 600) => (text.length > max ? `${text.slice(0, max)}…` : text);

function describe(f: FailedRequest): string {
  const parts = [
    `${new Date(f.at).toISOString()} GET ${f.url} -> ${f.status}`,
    f.code === undefined ? undefined : `code ${f.code}`,
    f.requestId === undefined ? undefined : `request_id ${f.requestId}`,
    f.traceId === undefined ? undefined : `trace ${f.traceId}`,
    f.error,
  ];
  return parts.filter((p) => p !== undefined).join(", ");
}

/** Prints where the logs are and what explains each failing phase's first failed requests. */
export function printDiagnosis(input: {
  logDir: string;
  failures: readonly { phase: string; title: string; requests: readonly FailedRequest[] }[];
  out: (line: string) => void;
}): void {
  const { out, logDir } = input;
  out("");
  out(`logs of every private server and service are kept in ${logDir}`);
  const lines = readLogs(logDir);
  for (const phase of input.failures) {
    if (phase.requests.length === 0) continue;
    out(`--- (${phase.phase}) ${phase.title}: the first failed requests and what the logs say`);
    for (const failure of phase.requests.slice(0, EXPLAINED_PER_PHASE)) {
      out(`* ${describe(failure)}`);
      const own =
        failure.requestId === undefined
          ? []
          : lines.filter((l) => l.text.includes(failure.requestId ?? "\u0000"));
      for (const l of own.slice(0, LINES_PER_PROCESS)) out(`  ${l.file}: ${clip(l.text)}`);
      const near = lines.filter(
        (l) =>
          l.at !== undefined &&
          (l.level === "error" || l.level === "warn" || l.level === "fatal") &&
          l.at >= failure.at - WINDOW_BEFORE_MS &&
          l.at <= failure.at + WINDOW_AFTER_MS &&
          !own.includes(l),
      );
      const byFile = new Map<string, LogLine[]>();
      for (const l of near) byFile.set(l.file, [...(byFile.get(l.file) ?? []), l]);
      if (own.length === 0 && byFile.size === 0)
        out("  (no log line names this request, and no process logged a warning near it)");
      for (const [file, found] of byFile) {
        out(`  ${file}: ${String(found.length)} warnings/errors in the 5 s before; the last:`);
        for (const l of found.slice(-LINES_PER_PROCESS)) out(`    ${clip(l.text)}`);
      }
    }
  }
}
