// The traffic generator: paced searches through the gateway over a varied query set
// built from the fixture catalogue's title words. "Fresh" pages (a query and offset
// never asked before) make storage accept GIFs it has not seen, so archive work keeps
// arriving during every fault; the rest repeat earlier pages (cache and database
// hits), as real users do. Every answer is counted under the phase it was sent in.
import { setTimeout as sleep } from "node:timers/promises";
import { createCatalogue } from "@gifmesh/giphy-fixture";

const PAGE = 25;

export interface Page {
  readonly q: string;
  readonly offset: number;
}

/** One failed request, kept so a failing run can name it and find it in the logs. */
export interface FailedRequest {
  readonly phase: string;
  /** When the answer (or the failure) came, epoch ms. */
  readonly at: number;
  readonly url: string;
  /** HTTP status, or "timeout" / "network". */
  readonly status: string;
  /** The gateway's stable error code, when it answered. */
  readonly code: string | undefined;
  /** meta.response_id = X-Request-Id = request_id in the gateway's logs. */
  readonly requestId: string | undefined;
  readonly traceId: string | undefined;
  /** The client-side error, for timeouts and broken connections. */
  readonly error: string | undefined;
}

/** Failed requests kept per phase (the first ones; counts stay exact). */
const FAILURES_KEPT = 25;

export interface PhaseCounts {
  sent: number;
  /** HTTP status (or "timeout" / "network") → count. */
  readonly byStatus: Map<string, number>;
  /** "503 STORAGE.UNAVAILABLE" → count, for non-2xx answers. */
  readonly errorCodes: Map<string, number>;
  /** Seconds since the phase began at which 5xx/timeouts were seen (first, last). */
  serverErrorWindow: [number, number] | undefined;
  readonly startedAt: number;
  /** The first FAILURES_KEPT server-side failures (5xx, timeouts, network errors). */
  readonly failures: FailedRequest[];
}

export interface Traffic {
  /** Counts go to this phase from now on. */
  setPhase(name: string): void;
  /**
   * How many new pages may be asked from now on (0 while waiting for the system to
   * settle); spreading them over the phases keeps new GIFs arriving during each fault.
   */
  setFreshBudget(pages: number): void;
  /**
   * Sends `n` fresh pages at once (storage then has a batch of outbox rows to publish):
   * those with the most GIFs no answer carried yet, when the catalogue size was given.
   */
  burst(n: number): Promise<void>;
  /** Asks one fresh page now and returns its status ("200", "503", "timeout"...). */
  probeFresh(): Promise<string>;
  counts(phase: string): PhaseCounts;
  /** GIF ids users received in answers: each must end up in PostgreSQL. */
  readonly seenIds: ReadonlySet<string>;
  readonly freshLeft: number;
  stop(): Promise<void>;
}

/** Every (query, offset) page over single words and mood+subject pairs, in a fixed shuffled order. */
export function buildPages(catalogueSize: number): Page[] {
  const titles = createCatalogue(catalogueSize).all.map((g) => g.title.toLowerCase().split(" "));
  const matches = (words: readonly string[]) =>
    titles.filter((t) => words.some((w) => t.includes(w))).length;
  const vocabulary = [...new Set(titles.flat())].filter((w) => w !== "gif");
  const queries = [...vocabulary.map((w) => [w])];
  for (let i = 0; i < vocabulary.length; i += 3)
    queries.push([vocabulary[i] ?? "", vocabulary[(i * 7 + 5) % vocabulary.length] ?? ""]);
  const pages: Page[] = [];
  for (const words of queries) {
    const total = Math.min(matches(words), 200);
    for (let offset = 0; offset < total; offset += PAGE) pages.push({ q: words.join(" "), offset });
  }
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let i = pages.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [pages[i], pages[j]] = [pages[j] as Page, pages[i] as Page];
  }
  return pages;
}

export function startTraffic(options: {
  gatewayUrl: string;
  pages: Page[];
  rate: number;
  concurrency: number;
  /** Share of requests that ask a fresh page while fresh is on. */
  freshShare?: number;
  /** The fixture's catalogue size: bursts then pick the pages with the most unseen GIFs. */
  catalogueSize?: number;
}): Traffic {
  const fresh = [...options.pages];
  const asked: Page[] = [];
  const phases = new Map<string, PhaseCounts>();
  const seenIds = new Set<string>();
  const inFlight = new Set<Promise<string>>();
  let phase = "startup";
  const serverError = (c: PhaseCounts) => {
    const at = Math.round((Date.now() - c.startedAt) / 1000);
    c.serverErrorWindow = [c.serverErrorWindow?.[0] ?? at, at];
  };
  let freshBudget = Number.POSITIVE_INFINITY;
  let running = true;
  const isRunning = () => running;

  const counts = (name: string): PhaseCounts => {
    let c = phases.get(name);
    if (c === undefined) {
      c = {
        sent: 0,
        byStatus: new Map(),
        errorCodes: new Map(),
        serverErrorWindow: undefined,
        startedAt: Date.now(),
        failures: [],
      };
      phases.set(name, c);
    }
    return c;
  };
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  const keep = (c: PhaseCounts, failure: Omit<FailedRequest, "phase" | "at">): void => {
    if (c.failures.length < FAILURES_KEPT) c.failures.push({ phase, at: Date.now(), ...failure });
  };

  async function request(page: Page): Promise<string> {
    const c = counts(phase);
    c.sent += 1;
    const path = `/v1/gifs/search?q=${encodeURIComponent(page.q)}&limit=${String(PAGE)}&offset=${String(page.offset)}`;
    try {
      const res = await fetch(options.gatewayUrl + path, { signal: AbortSignal.timeout(15_000) });
      const body = await res.text();
      const status = String(res.status);
      bump(c.byStatus, status);
      if (res.ok) {
        const parsed = JSON.parse(body) as { data?: { id?: unknown }[] };
        for (const gif of parsed.data ?? []) if (typeof gif.id === "string") seenIds.add(gif.id);
      } else {
        const code = /"(?:error_code|code)"\s*:\s*"([A-Z_.]+)"/.exec(body)?.[1] ?? "?";
        bump(c.errorCodes, `${String(res.status)} ${code}`);
        if (res.status >= 500) {
          serverError(c);
          keep(c, {
            url: path,
            status: String(res.status),
            code,
            requestId: res.headers.get("x-request-id") ?? undefined,
            traceId: res.headers.get("x-trace-id") ?? undefined,
            error: undefined,
          });
        }
      }
      return status;
    } catch (error) {
      const timeout = error instanceof Error && error.name === "TimeoutError";
      const status = timeout ? "timeout" : "network";
      bump(c.byStatus, status);
      serverError(c);
      keep(c, {
        url: path,
        status,
        code: undefined,
        requestId: undefined,
        traceId: undefined,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return status;
    }
  }

  function launch(page: Page): Promise<string> {
    const p = request(page).finally(() => inFlight.delete(p));
    inFlight.add(p);
    return p;
  }

  function nextPage(): Page {
    const share = options.freshShare ?? 0.15;
    if (freshBudget > 0 && fresh.length > 0 && (asked.length === 0 || Math.random() < share)) {
      const page = fresh.shift() as Page;
      freshBudget -= 1;
      asked.push(page);
      return page;
    }
    return asked[Math.floor(Math.random() * asked.length)] ?? { q: "cat", offset: 0 };
  }

  const loop = (async () => {
    const interval = 1_000 / options.rate;
    let next = Date.now();
    while (isRunning()) {
      if (inFlight.size < options.concurrency) void launch(nextPage());
      next += interval;
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
      else next = Date.now();
    }
  })();

  // Late in a run most of the catalogue has been seen, and the next fresh pages may hold
  // no new GIF at all: a burst meant to put archive work in flight during a fault would
  // then bring none. With the fixture's catalogue the pages' GIFs are known in advance.
  const catalogue =
    options.catalogueSize === undefined ? undefined : createCatalogue(options.catalogueSize);
  const hits = new Map<string, readonly string[]>();
  const unseenGifs = (page: Page): number => {
    if (catalogue === undefined) return 0;
    let ids = hits.get(page.q);
    if (ids === undefined) {
      ids = catalogue.search(page.q).map((spec) => spec.id);
      hits.set(page.q, ids);
    }
    return ids.slice(page.offset, page.offset + PAGE).filter((id) => !seenIds.has(id)).length;
  };
  /** Takes the `n` fresh pages with the most unseen GIFs (in order when nothing is known). */
  const takeForBurst = (n: number): Page[] => {
    const chosen = fresh
      .map((page, index) => ({ index, unseen: unseenGifs(page) }))
      .sort((a, b) => b.unseen - a.unseen || a.index - b.index)
      .slice(0, n)
      .map((c) => c.index)
      .sort((a, b) => b - a);
    return chosen.map((index) => fresh.splice(index, 1)[0] as Page).reverse();
  };

  return {
    setPhase: (name) => (phase = name),
    setFreshBudget: (pages) => (freshBudget = pages),
    async burst(n) {
      const pages = takeForBurst(n);
      asked.push(...pages);
      await Promise.all(pages.map((p) => launch(p)));
    },
    async probeFresh() {
      const page = fresh.shift();
      if (page === undefined) throw new Error("no fresh page left for a probe");
      asked.push(page);
      return launch(page);
    },
    counts,
    seenIds,
    get freshLeft() {
      return fresh.length;
    },
    async stop() {
      running = false;
      await loop;
      await Promise.all([...inFlight]);
    },
  };
}
