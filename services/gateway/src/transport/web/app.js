/* global document, history, location */
// gifmesh page: search through the gateway's own Giphy-compatible API, show a
// grid with each GIF's archive state, and page through results. Archived GIFs
// load from gifmesh's media endpoint; others from Giphy's fixed-width rendition.
const PAGE_SIZE = 24;
const form = document.getElementById("search");
const input = document.getElementById("q");
const results = document.getElementById("results");
const status = document.getElementById("status");
const prev = document.getElementById("prev");
const next = document.getElementById("next");
const pageLabel = document.getElementById("page");
let state = { q: "", offset: 0, total: 0 };

function mediaUrl(gif) {
  const archive = gif.gifmesh && gif.gifmesh.archive;
  if (archive && archive.status === "archived" && archive.url) return archive.url;
  const images = gif.images || {};
  const pick = images.fixed_width || images.fixed_height || images.downsized || images.original;
  return pick ? pick.url : "";
}

function card(gif) {
  const li = document.createElement("li");
  li.className = "card";
  const status = (gif.gifmesh && gif.gifmesh.archive && gif.gifmesh.archive.status) || "unknown";
  li.dataset.archive = status;
  const img = document.createElement("img");
  img.src = mediaUrl(gif);
  img.alt = gif.alt_text || gif.title || "GIF";
  img.loading = "lazy";
  const badge = document.createElement("span");
  badge.className = `badge ${status}`;
  badge.textContent = status;
  const title = document.createElement("p");
  title.className = "title";
  title.textContent = gif.title || gif.id;
  li.append(img, badge, title);
  return li;
}

async function search(q, offset) {
  status.textContent = "Searching…";
  const params = new URLSearchParams({ q, limit: String(PAGE_SIZE), offset: String(offset) });
  const res = await fetch(`/v1/gifs/search?${params}`);
  const body = await res.json();
  if (!res.ok) {
    status.textContent = `Error ${body.meta.status}: ${body.meta.msg}`;
    return;
  }
  state = { q, offset: body.pagination.offset, total: body.pagination.total_count };
  results.replaceChildren(...body.data.map(card));
  const archived = body.data.filter((g) => g.gifmesh.archive.status === "archived").length;
  status.textContent =
    body.data.length === 0
      ? `No GIFs for “${q}”.`
      : `${state.total} GIFs for “${q}” (${archived} of these archived).`;
  const page = Math.floor(state.offset / PAGE_SIZE) + 1;
  const pages = Math.max(1, Math.ceil(Math.min(state.total, 5000) / PAGE_SIZE));
  pageLabel.textContent = `Page ${page} of ${pages}`;
  prev.disabled = state.offset === 0;
  next.disabled = state.offset + body.pagination.count >= Math.min(state.total, 5000);
  history.replaceState(null, "", `?${new URLSearchParams({ q, offset: String(state.offset) })}`);
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
