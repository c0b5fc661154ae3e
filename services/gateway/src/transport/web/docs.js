/* global document */
// A small docs page rendered from /openapi.json (no CDN, works offline): one
// section per operation with its parameters and response codes.
const main = document.getElementById("docs");
const el = (tag, text) => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  return e;
};

const doc = await (await fetch("/openapi.json")).json();
main.replaceChildren(el("p", doc.info.description || ""));
for (const [path, item] of Object.entries(doc.paths)) {
  for (const [method, op] of Object.entries(item)) {
    const section = el("section");
    section.append(el("h2", `${method.toUpperCase()} ${path}`), el("p", op.summary || ""));
    const table = el("table");
    for (const p of op.parameters || []) {
      const row = el("tr");
      const schema = p.schema || {};
      row.append(
        el("td", `${p.name}${p.required ? " *" : ""}`),
        el("td", p.in),
        el("td", schema.type || ""),
        el("td", schema.description || p.description || ""),
      );
      table.append(row);
    }
    section.append(table, el("p", `Responses: ${Object.keys(op.responses).join(", ")}`));
    main.append(section);
  }
}
