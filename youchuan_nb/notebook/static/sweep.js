// The comparison sheet of a sweep (youchuan_nb/notebook/_sweep.py owns the state):
//   `sheet`   {kind: "row"|"table"|"list", axes, rows, cols, grid}: where each cell sits,
//   `cells`   [{index, label, prompt, status, status_text, job_id}],
//   `thumbs`  {"<index>": JPEG bytes}: the job's grid, 2 x 2,
//   `opened`  the cell whose card is open under the sheet (-1: none), `strings`: fixed texts.
// Labels and every text from a user or the server go in with textContent, never as HTML.

const SYNCED = ["sheet", "cells", "thumbs", "opened", "strings"];

function asBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(0);
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The table's corner: which flag the rows (down) and the columns (across) vary, if known. */
function corner(axes) {
  return [axes[0] ? `${axes[0]} ↓` : "", axes[1] ? `${axes[1]} →` : ""].filter((a) => a).join("  ");
}

class SweepView {
  constructor(model, root) {
    this.model = model;
    this.root = root;
    this.urls = new Map(); // index -> {bytes length + first bytes, url}
    this.onChange = () => this.render();
    for (const name of SYNCED) model.on(`change:${name}`, this.onChange);
    this.render();
  }

  destroy() {
    for (const name of SYNCED) this.model.off(`change:${name}`, this.onChange);
    for (const u of this.urls.values()) URL.revokeObjectURL(u.url);
    this.urls.clear();
  }

  str(key, fallback) {
    const s = this.model.get("strings") || {};
    return typeof s[key] === "string" ? s[key] : fallback;
  }

  thumbUrl(index) {
    const thumbs = this.model.get("thumbs") || {};
    const bytes = asBytes(thumbs[String(index)]);
    if (!bytes.length) return null;
    let sig = bytes.length;
    for (let i = 0; i < bytes.length; i += 97) sig = (Math.imul(sig, 31) + bytes[i]) | 0;
    const old = this.urls.get(index);
    if (old && old.sig === sig) return old.url;
    if (old) URL.revokeObjectURL(old.url);
    const url = URL.createObjectURL(new Blob([bytes], { type: "image/jpeg" }));
    this.urls.set(index, { sig, url });
    return url;
  }

  cell(index) {
    const cells = this.model.get("cells") || [];
    const info = cells[index];
    const td = el("td", "yc-sweep-cell");
    if (!info) return td;
    const opened = this.model.get("opened") === index;
    const button = el("button", "yc-sweep-open" + (opened ? " yc-sweep-opened" : ""));
    button.type = "button";
    button.dataset.index = String(index);
    button.dataset.status = info.status || "";
    const tip = opened ? this.str("sweep.js.close", "Close its card") : this.str("sweep.js.open", "Open its card");
    button.title = `${info.label} — ${tip}`;
    button.setAttribute("aria-label", `${info.label}: ${info.status_text || ""}. ${tip}`);
    const url = this.thumbUrl(index);
    if (url) {
      const img = el("img", "yc-sweep-thumb");
      img.src = url;
      img.alt = info.label;
      button.appendChild(img);
    } else {
      button.appendChild(el("div", "yc-sweep-wait", info.status_text || ""));
    }
    button.addEventListener("click", () => this.model.send({ type: "open", index }));
    td.appendChild(button);
    if (info.job_id) {
      const id = el("div", "yc-sweep-id", String(info.job_id).slice(0, 8)); // as the card shows it
      id.title = info.job_id;
      td.appendChild(id);
    }
    return td;
  }

  render() {
    const sheet = this.model.get("sheet") || {};
    const rows = Array.isArray(sheet.rows) ? sheet.rows : [];
    const cols = Array.isArray(sheet.cols) ? sheet.cols : [];
    const grid = Array.isArray(sheet.grid) ? sheet.grid : [];
    const named = Array.isArray(sheet.axes) ? sheet.axes.map((a) => String(a || "")) : [];
    const axes = named.filter((a) => a);
    const wrap = el("div", "yc-sweep");
    const title = this.str("sweep.js.title", "Sweep") + (axes.length ? ` (${axes.join(" × ")})` : "");
    wrap.appendChild(el("div", "yc-sweep-title", title));
    const table = el("table", "yc-sweep-table");
    const rowLabels = sheet.kind !== "row";
    if (sheet.kind !== "list") {
      const tr = el("tr");
      if (rowLabels) tr.appendChild(el("th", "yc-sweep-corner", sheet.kind === "table" ? corner(named) : ""));
      for (const c of cols) tr.appendChild(el("th", "yc-sweep-col", String(c)));
      table.appendChild(tr);
    }
    grid.forEach((row, r) => {
      const tr = el("tr");
      if (rowLabels) tr.appendChild(el("th", "yc-sweep-row", String(rows[r] ?? "")));
      for (const index of Array.isArray(row) ? row : []) {
        tr.appendChild(typeof index === "number" ? this.cell(index) : el("td", "yc-sweep-cell"));
      }
      table.appendChild(tr);
    });
    wrap.appendChild(table);
    wrap.appendChild(el("div", "yc-sweep-hint", this.str("sweep.js.hint", "Click a cell to open its card.")));
    this.root.replaceChildren(wrap);
  }
}

export default {
  render({ model, el: root }) {
    const view = new SweepView(model, root);
    return () => view.destroy();
  },
};
