/* global document, history, location, CSS */
// gifmesh page: search through the gateway's own Giphy-compatible API, show a
// grid with each GIF's archive state per rendition, and page through results.
// Archived GIFs load from gifmesh's media endpoint; others from Giphy's fixed-width
// rendition. While some GIFs of the page wait for the archive, the page asks the
// gateway again (GET /v1/gifs?ids=...) and updates them in place. Each search links
// to its trace: the gateway answers with X-Trace-Id, and the trace UI's address
// comes from the page's <meta name="gifmesh-trace-url"> (the gateway's
// WEB_TRACE_URL), so no inline script or extra request is needed under the CSP.
const PAGE_SIZE = 24;
/** How often, and for how long at most, pending GIFs are asked about again. */
const POLL_EVERY_MS = 2000;
const POLL_MAX = 90;
const form = document.getElementById("search");
const input = document.getElementById("q");
const results = document.getElementById("results");
const status = document.getElementById("status");
const traceLink = document.getElementById("trace");
const prev = document.getElementById("prev");
const next = document.getElementById("next");
const pageLabel = document.getElementById("page");
const traceTemplate =
  (document.querySelector('meta[name="gifmesh-trace-url"]') || { content: "" }).content || "";
let state = { q: "", offset: 0, total: 0 };
/** Bumped by every search: a poll of an older page stops instead of touching this one. */
let generation = 0;
let pollTimer;
/** id → the GIF object last shown, for the status line's count. */
let shown = new Map();

const archiveOf = (gif) => (gif.gifmesh && gif.gifmesh.archive) || { status: "unknown" };

function mediaUrl(gif) {
  const archive = archiveOf(gif);
  if (archive.status === "archived" && archive.url) return archive.url;
  const images = gif.images || {};
  const pick = images.fixed_width || images.fixed_height || images.downsized || images.original;
  return pick ? pick.url : "";
}

/**
 * Each rendition's archive state. The worker archives one rendition per GIF (the
 * archive's `rendition`, "original" until it is archived), so that one carries the
 * GIF's state and every other rendition is served from Giphy ("giphy").
 */
function renditionStates(gif) {
  const archive = archiveOf(gif);
  const archivedName = archive.rendition || "original";
  const names = Object.keys(gif.images || {});
  if (!names.includes(archivedName)) names.unshift(archivedName);
  return names
    .map((name) => ({ name, state: name === archivedName ? archive.status : "giphy" }))
    .sort((a, b) => (a.state === "giphy") - (b.state === "giphy"));
}

function renditionList(gif) {
  const details = document.createElement("details");
  details.className = "renditions";
  const states = renditionStates(gif);
  const own = states.filter((r) => r.state !== "giphy");
  const summary = document.createElement("summary");
  const others = states.length - own.length;
  summary.textContent =
    own.map((r) => `${r.name}: ${r.state}`).join(", ") + (others > 0 ? ` · +${others}` : "");
  summary.title = others > 0 ? `${others} more renditions, served from Giphy` : "";
  const list = document.createElement("ul");
  for (const r of states) {
    const item = document.createElement("li");
    item.dataset.rendition = r.name;
    item.dataset.state = r.state;
    const name = document.createElement("span");
    name.textContent = r.name;
    const value = document.createElement("span");
    value.className = `state ${r.state}`;
    value.textContent = r.state === "giphy" ? "from Giphy" : r.state;
    item.append(name, value);
    list.append(item);
  }
  details.append(summary, list);
  return details;
}

function card(gif) {
  const li = document.createElement("li");
  li.className = "card";
  li.dataset.id = gif.id;
  fillCard(li, gif);
  return li;
}

/** (Re)draws a card's content from `gif`; keeps the <img> when its source is unchanged. */
function fillCard(li, gif) {
  const archiveStatus = archiveOf(gif).status;
  li.dataset.archive = archiveStatus;
  let img = li.querySelector("img");
  if (!img) {
    img = document.createElement("img");
    img.loading = "lazy";
  }
  const src = mediaUrl(gif);
  if (img.getAttribute("src") !== src) img.src = src;
  img.alt = gif.alt_text || gif.title || "GIF";
  const badge = document.createElement("span");
  badge.className = `badge ${archiveStatus}`;
  badge.textContent = archiveStatus;
  const title = document.createElement("p");
  title.className = "title";
  title.textContent = gif.title || gif.id;
  const open = li.querySelector("details.renditions[open]") !== null;
  const renditions = renditionList(gif);
  renditions.open = open;
  li.replaceChildren(img, badge, title, renditions);
  shown.set(gif.id, gif);
}

function showStatus() {
  const gifs = [...shown.values()];
  const archived = gifs.filter((g) => archiveOf(g).status === "archived").length;
  status.textContent =
    gifs.length === 0
      ? `No GIFs for “${state.q}”.`
      : `${state.total} GIFs for “${state.q}” (${archived} of these archived).`;
}

function showTrace(res) {
  const traceId = res.headers.get("x-trace-id");
  if (!traceTemplate || !traceId || !/^[0-9a-f]{32}$/.test(traceId)) {
    traceLink.hidden = true;
    return;
  }
  traceLink.href = traceTemplate.replaceAll("{trace_id}", traceId);
  traceLink.dataset.traceId = traceId;
  // A cached answer's trace holds the gateway's spans only (no storage, no archive).
  const cached = (res.headers.get("x-cache") || "").startsWith("HIT");
  traceLink.textContent = cached ? "Trace of this search (cached answer)" : "Trace of this search";
  traceLink.hidden = false;
}

async function search(q, offset) {
  const mine = ++generation;
  clearTimeout(pollTimer);
  status.textContent = "Searching…";
  const params = new URLSearchParams({ q, limit: String(PAGE_SIZE), offset: String(offset) });
  const res = await fetch(`/v1/gifs/search?${params}`);
  const body = await res.json();
  if (mine !== generation) return;
  showTrace(res);
  if (!res.ok) {
    status.textContent = `Error ${body.meta.status}: ${body.meta.msg}`;
    return;
  }
  state = { q, offset: body.pagination.offset, total: body.pagination.total_count };
  shown = new Map();
  results.replaceChildren(...body.data.map(card));
  showStatus();
  const page = Math.floor(state.offset / PAGE_SIZE) + 1;
  const pages = Math.max(1, Math.ceil(Math.min(state.total, 5000) / PAGE_SIZE));
  pageLabel.textContent = `Page ${page} of ${pages}`;
  prev.disabled = state.offset === 0;
  next.disabled = state.offset + body.pagination.count >= Math.min(state.total, 5000);
  history.replaceState(null, "", `?${new URLSearchParams({ q, offset: String(state.offset) })}`);
  schedulePoll(mine, 0);
}

/** Asks again about the page's pending GIFs until none is pending (bounded). */
function schedulePoll(mine, round) {
  const pending = [...shown.values()].filter((g) => archiveOf(g).status === "pending");
  if (pending.length === 0 || round >= POLL_MAX || mine !== generation) return;
  pollTimer = setTimeout(() => {
    poll(
      mine,
      pending.map((g) => g.id),
    )
      .catch(() => undefined) // a failed poll is retried next round
      .then(() => schedulePoll(mine, round + 1));
  }, POLL_EVERY_MS);
}

async function poll(mine, ids) {
  const res = await fetch(`/v1/gifs?${new URLSearchParams({ ids: ids.join(",") })}`);
  if (!res.ok || mine !== generation) return;
  const body = await res.json();
  if (mine !== generation) return;
  for (const gif of body.data) {
    const before = shown.get(gif.id);
    if (!before || archiveOf(before).status === archiveOf(gif).status) continue;
    const li = results.querySelector(`li.card[data-id="${CSS.escape(gif.id)}"]`);
    if (li) fillCard(li, gif);
  }
  showStatus();
}

function run(q, offset) {
  search(q, offset).catch((error) => {
    status.textContent = `Could not search: ${error.message}`;
  });
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const q = input.value.trim();
  if (q) run(q, 0);
});
prev.addEventListener("click", () => run(state.q, Math.max(0, state.offset - PAGE_SIZE)));
next.addEventListener("click", () => run(state.q, state.offset + PAGE_SIZE));

const initial = new URLSearchParams(location.search);
if (initial.get("q")) {
  input.value = initial.get("q");
  run(input.value, Number(initial.get("offset")) || 0);
}
