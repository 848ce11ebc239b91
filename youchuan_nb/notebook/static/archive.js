// @ts-check
// Youchuan archive: the front end of youchuan_nb.notebook._archive_view.ArchiveView (an anywidget).
//
// Plain ES module, no build step, no imports. Python owns the state (`page`, `total`, `facets`,
// `strings`, `status`); this file sets only `query`, `limit` and `selected`, and asks for the
// thumbnails of the rows it can see (IntersectionObserver): each arrives as a binary message and
// is kept as a Blob URL here, never in the widget state. So a store of 10,000 jobs costs one page
// of text and a screenful of JPEGs.
//
// Safety rule: every string from the user or the server (prompt, chips, job ids, folders,
// errors) reaches the DOM through textContent, never innerHTML.

/**
 * One job of the page (mirrors item_state() in _archive_state.py).
 * @typedef {object} ItemState
 * @property {string} job_id
 * @property {string} local_id
 * @property {string} op
 * @property {string} kind
 * @property {string} kind_text
 * @property {string} state
 * @property {string} state_text
 * @property {string} prompt
 * @property {string[]} chips
 * @property {string} model
 * @property {string} aspect
 * @property {string} created_text
 * @property {string} parent_id
 * @property {string} lineage
 * @property {number} children
 * @property {number} outputs
 * @property {boolean[]} saved
 * @property {boolean} video
 * @property {boolean} liked
 * @property {boolean} hidden
 * @property {string[]} folders
 * @property {string} error
 * @property {number} rev
 */

const PAGE = 60;

/** @param {string} tag @param {string} [cls] @param {string} [text] */
function h(tag, cls, text) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** @param {string} aspect "16:9" -> 16/9 */
function ratio(aspect) {
  const [w, hgt] = String(aspect || "1:1").split(":").map(Number);
  return w > 0 && hgt > 0 ? w / hgt : 1;
}

/** @param {number} epoch seconds -> "YYYY-MM-DD" (local) */
function isoDay(epoch) {
  const d = new Date(epoch * 1000);
  const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

class ArchiveView {
  /** @param {any} model @param {HTMLElement} el */
  constructor(model, el) {
    this.model = model;
    this.el = el;
    /** @type {Map<string, string>} thumbnail key -> Blob URL */
    this.thumbs = new Map();
    /** @type {Map<string, number>} key -> rev of the row when it failed (asked again on change) */
    this.failed = new Map();
    this.pending = new Set();
    /** @type {string[]} */
    this.queue = [];
    /** @type {Map<string, {sig: string, node: HTMLElement, item: ItemState}>} */
    this.rows = new Map();
    this.loaded = 0;  // thumbnails shown
    this.requested = 0;  // thumbnails asked for (rows that came on screen)
    this.answered = 0;  // answers, loaded or not (all answered: the view has settled)
    this.textTimer = 0;
    this.optionsSig = "";
    el.classList.add("yc-archive");
    this.build();
    this.seen = new IntersectionObserver((entries) => this.onSeen(entries), {
      root: this.list,
      rootMargin: "200px 0px",
    });
    this.moreSeen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) this.more();
    }, { root: this.list, rootMargin: "300px 0px" });
    this.moreSeen.observe(this.sentinel);
    this.onCustom = (/** @type {any} */ msg, /** @type {DataView[]} */ buffers) =>
      this.custom(msg, buffers);
    model.on("msg:custom", this.onCustom);
    this.onChange = () => this.render();
    for (const name of ["page", "total", "facets", "strings", "status", "selected", "took_ms"]) {
      model.on(`change:${name}`, this.onChange);
    }
    this.render();
  }

  /** @param {string} key @param {Record<string, any>} [values] */
  s(key, values) {
    const all = this.model.get("strings") || {};
    let text = String(all[`archive.js.${key}`] ?? key);
    for (const [k, v] of Object.entries(values || {})) text = text.split(`{${k}}`).join(String(v));
    return text;
  }

  // -- the toolbar -------------------------------------------------------------------------------
  build() {
    const bar = h("div", "yc-ar-bar");
    this.search = /** @type {HTMLInputElement} */ (h("input", "yc-ar-search"));
    this.search.type = "search";
    this.search.addEventListener("input", () => {
      clearTimeout(this.textTimer);
      this.textTimer = window.setTimeout(() => this.setQuery({ text: this.search.value }), 250);
    });
    bar.append(this.search);
    /** @type {Record<string, HTMLSelectElement>} */
    this.selects = {};
    for (const name of ["model", "aspect", "kind", "state", "folder"]) {
      const sel = /** @type {HTMLSelectElement} */ (h("select", `yc-ar-filter yc-ar-${name}`));
      sel.addEventListener("change", () => this.setQuery({ [name]: sel.value }));
      this.selects[name] = sel;
      bar.append(sel);
    }
    /** @type {Record<string, HTMLInputElement>} */
    this.dates = {};
    for (const name of ["since", "until"]) {
      const label = h("label", "yc-ar-date");
      const input = /** @type {HTMLInputElement} */ (h("input"));
      input.type = "date";
      input.addEventListener("change", () => this.setQuery({ [name]: input.value }));
      this.dates[name] = input;
      label.append(h("span"), input);
      bar.append(label);
    }
    /** @type {Record<string, HTMLInputElement>} */
    this.toggles = {};
    for (const name of ["liked", "show_hidden"]) {
      const label = h("label", "yc-ar-toggle");
      const box = /** @type {HTMLInputElement} */ (h("input"));
      box.type = "checkbox";
      box.addEventListener("change", () => this.setQuery({ [name]: box.checked }));
      this.toggles[name] = box;
      label.append(box, h("span"));
      bar.append(label);
    }
    this.clear = h("button", "yc-ar-clear");
    this.clear.addEventListener("click", () => {
      this.search.value = "";
      this.model.set("query", {});
      this.model.set("limit", PAGE);
      this.model.save_changes();
    });
    this.parentChip = h("a", "yc-ar-parentchip");  // on while the follow-ups of a job show
    this.parentChip.addEventListener("click", () => this.setQuery({ parent: "" }));
    this.count = h("span", "yc-ar-count");
    bar.append(this.clear, this.parentChip, this.count);

    const sel = h("div", "yc-ar-selbar");
    this.nSelected = h("span", "yc-ar-nsel");
    /** @type {Record<string, HTMLElement>} */
    this.buttons = {};
    const button = (/** @type {string} */ key, /** @type {() => void} */ fn) => {
      const b = h("button", `yc-ar-${key}`);
      b.addEventListener("click", fn);
      this.buttons[key] = b;
      return b;
    };
    this.folderName = /** @type {HTMLInputElement} */ (h("input", "yc-ar-foldername"));
    this.downloadTo = /** @type {HTMLInputElement} */ (h("input", "yc-ar-downloadto"));
    this.downloadTo.value = "youchuan_downloads";
    const ids = () => /** @type {string[]} */ (this.model.get("selected") || []);
    sel.append(
      this.nSelected,
      button("select_page", () => this.select(this.pageItems().map((i) => i.job_id).filter(Boolean))),
      button("select_none", () => this.select([])),
      button("like", () => this.tag({ ids: ids(), liked: true })),
      button("unlike", () => this.tag({ ids: ids(), liked: false })),
      button("hide", () => this.tag({ ids: ids(), hidden: true })),
      button("unhide", () => this.tag({ ids: ids(), hidden: false })),
      this.folderName,
      button("to_folder", () => this.tag({ ids: ids(), folder: this.folderName.value })),
      button("from_folder", () => this.tag({ ids: ids(), remove_from: this.folderName.value })),
      this.downloadTo,
      button("download", () =>
        this.model.send({ type: "download", ids: ids(), folder: this.downloadTo.value })),
    );
    this.status = h("div", "yc-ar-status");
    this.list = h("div", "yc-ar-list");
    this.empty = h("div", "yc-ar-empty");
    this.sentinel = h("div", "yc-ar-more");
    this.list.append(this.empty, this.sentinel);
    this.el.append(bar, sel, this.status, this.list);
  }

  /** @param {Record<string, any>} change */
  setQuery(change) {
    const q = { ...(this.model.get("query") || {}), ...change };
    for (const [k, v] of Object.entries(q)) if (v === "" || v === false || v == null) delete q[k];
    this.model.set("query", q);
    this.model.set("limit", PAGE);
    this.model.save_changes();
  }

  /** @param {string[]} ids */
  select(ids) {
    this.model.set("selected", [...new Set(ids)]);
    this.model.save_changes();
  }

  /** @param {Record<string, any>} msg */
  tag(msg) {
    this.model.send({ type: "tag", ...msg });
  }

  more() {
    const page = this.pageItems();
    const limit = this.model.get("limit") || PAGE;
    if (page.length >= limit && page.length < (this.model.get("total") || 0)) {
      this.model.set("limit", limit + PAGE);
      this.model.save_changes();
    }
  }

  /** @returns {ItemState[]} */
  pageItems() {
    return this.model.get("page") || [];
  }

  // -- rendering ---------------------------------------------------------------------------------
  render() {
    const q = this.model.get("query") || {};
    const facets = this.model.get("facets") || {};
    if (document.activeElement !== this.search) this.search.value = q.text || "";
    this.search.placeholder = this.s("search");
    const anyText = { model: "any_model", aspect: "any_aspect", kind: "any_kind",
      state: "any_state", folder: "any_folder" };
    // live updates re-render every second or so: an open dropdown or a date being typed must
    // not be rebuilt under the user's hand, so options change only when the values do
    const optionsSig = JSON.stringify([facets, this.model.get("strings")]);
    const rebuild = optionsSig !== this.optionsSig;
    this.optionsSig = optionsSig;
    for (const [name, sel] of Object.entries(this.selects)) {
      if (rebuild) {
        const values = /** @type {[string, number, string?][]} */ (facets[`${name}s`] || []);
        sel.replaceChildren();
        const first = h("option", "", this.s(anyText[/** @type {keyof anyText} */ (name)]));
        first.setAttribute("value", "");
        sel.append(first);
        for (const [value, n, label] of values) {
          const opt = h("option", "", `${label || value} (${n})`);
          opt.setAttribute("value", value);
          sel.append(opt);
        }
      }
      if (rebuild || document.activeElement !== sel) sel.value = q[name] || "";
    }
    for (const [name, input] of Object.entries(this.dates)) {
      const v = q[name];
      if (document.activeElement === input) continue;
      input.value = typeof v === "number" ? isoDay(name === "until" ? v - 1 : v) : v || "";
      /** @type {HTMLElement} */ (input.previousSibling).textContent = this.s(name);
    }
    const toggleText = { liked: "liked_only", show_hidden: "show_hidden" };
    for (const [name, box] of Object.entries(this.toggles)) {
      box.checked = Boolean(q[name]);
      /** @type {HTMLElement} */ (box.nextSibling).textContent =
        this.s(toggleText[/** @type {keyof toggleText} */ (name)]);
    }
    this.clear.textContent = this.s("clear");
    this.parentChip.textContent = q.parent ? this.s("children_of", { id: q.parent }) : "";
    this.parentChip.hidden = !q.parent;
    for (const [key, b] of Object.entries(this.buttons)) b.textContent = this.s(key);
    this.folderName.placeholder = this.s("folder_name");
    this.downloadTo.title = this.s("download_to");
    const selected = new Set(/** @type {string[]} */ (this.model.get("selected") || []));
    this.nSelected.textContent = this.s("selected", { n: selected.size });
    const page = this.pageItems();
    this.count.textContent = `${page.length} / ${this.model.get("total") || 0} · ` +
      this.s("searched", { ms: this.model.get("took_ms") || 0 });
    this.status.textContent = this.model.get("status") || "";
    this.empty.textContent = page.length ? "" : this.s("no_jobs");
    this.renderRows(page, selected);
    this.el.dataset.thumbsLoaded = String(this.loaded);
    this.el.dataset.thumbsRequested = String(this.requested);
  }

  /** @param {ItemState[]} page @param {Set<string>} selected */
  renderRows(page, selected) {
    const keep = new Set(page.map((i) => i.local_id));
    for (const [id, row] of this.rows) {
      if (!keep.has(id)) {
        this.seen.unobserve(row.node);
        row.node.remove();
        this.rows.delete(id);
      }
    }
    let before = /** @type {ChildNode} */ (this.sentinel);
    for (let i = page.length - 1; i >= 0; i--) {
      const item = page[i];
      const sig = JSON.stringify([item, selected.has(item.job_id), this.model.get("strings")]);
      let row = this.rows.get(item.local_id);
      if (!row || row.sig !== sig) {
        const node = this.renderRow(item, selected.has(item.job_id));
        if (row) {
          this.seen.unobserve(row.node);
          row.node.replaceWith(node);
        }
        row = { sig, node, item };
        this.rows.set(item.local_id, row);
        this.seen.observe(node);
      }
      if (row.node.nextSibling !== before) this.list.insertBefore(row.node, before);
      before = row.node;
    }
  }

  /** @param {ItemState} item @param {boolean} isSelected */
  renderRow(item, isSelected) {
    const row = h("div", `yc-ar-row yc-ar-${item.state}`);
    row.dataset.job = item.job_id;
    row.dataset.local = item.local_id;
    const box = /** @type {HTMLInputElement} */ (h("input", "yc-ar-check"));
    box.type = "checkbox";
    box.checked = isSelected;
    box.disabled = !item.job_id;
    box.addEventListener("change", () => {
      const now = new Set(/** @type {string[]} */ (this.model.get("selected") || []));
      if (box.checked) now.add(item.job_id); else now.delete(item.job_id);
      this.select([...now]);
    });
    const tiles = h("div", "yc-ar-tiles");
    const n = Math.max(item.outputs, item.kind === "upscale" ? 1 : 0);
    for (let i = 0; i < Math.min(n, 4); i++) {
      const tile = h("div", "yc-ar-tile");
      tile.style.aspectRatio = String(ratio(item.aspect));
      tile.dataset.key = `${item.job_id}/${i}`;
      const url = this.thumbs.get(`${item.job_id}/${i}`);
      if (url) {
        const img = /** @type {HTMLImageElement} */ (h("img"));
        img.src = url;
        img.alt = "";
        tile.append(img);
      } else if (this.failed.has(`${item.job_id}/${i}`)) {
        tile.append(h("span", "yc-ar-tilenote", this.s("no_preview")));
      }
      if (item.video) tile.append(h("span", "yc-ar-play", "▶"));
      tile.addEventListener("click", () => this.model.send({ type: "open", job_id: item.job_id }));
      tiles.append(tile);
    }
    if (!n) tiles.append(h("div", `yc-ar-tile yc-ar-none yc-ar-${item.state}`, item.state_text));

    const info = h("div", "yc-ar-info");
    const head = h("div", "yc-ar-head");
    head.append(h("b", "yc-ar-op", item.op), h("span", `yc-ar-state yc-ar-s-${item.state}`,
      item.state_text));
    for (const bit of [item.model, item.aspect, item.created_text]) {
      if (bit) head.append(h("span", "yc-ar-meta", bit));
    }
    if (item.liked) head.append(h("span", "yc-ar-liked", `♥ ${this.s("liked")}`));
    if (item.hidden) head.append(h("span", "yc-ar-hiddenmark", this.s("hidden")));
    const prompt = h("div", "yc-ar-prompt", item.prompt);
    prompt.title = item.prompt;
    const chips = h("div", "yc-ar-chips");
    for (const c of item.chips) chips.append(h("span", "yc-ar-chip", c));
    for (const f of item.folders) chips.append(h("span", "yc-ar-folder", `▸ ${f}`));
    const links = h("div", "yc-ar-links");
    if (item.parent_id) {
      const a = h("a", "yc-ar-parent", item.lineage);
      a.addEventListener("click", () => this.setQuery({ text: item.parent_id, parent: "" }));
      links.append(a);
    }
    if (item.children) {
      const a = h("a", "yc-ar-children", this.s("children", { n: item.children }));
      a.addEventListener("click", () => this.setQuery({ parent: item.job_id, text: "" }));
      links.append(a);
    }
    if (item.error) links.append(h("span", "yc-ar-error", item.error));
    info.append(head, prompt, chips, links);

    const acts = h("div", "yc-ar-actions");
    const act = (/** @type {string} */ cls, /** @type {string} */ text,
      /** @type {string} */ title, /** @type {() => void} */ fn) => {
      const b = /** @type {HTMLButtonElement} */ (h("button", cls, text));
      b.title = title;
      b.disabled = !item.job_id;
      b.addEventListener("click", fn);
      acts.append(b);
    };
    act("yc-ar-like", item.liked ? "♥" : "♡", this.s(item.liked ? "unlike" : "like"),
      () => this.tag({ ids: [item.job_id], liked: !item.liked }));
    act("yc-ar-open", this.s("open"), this.s("open"),
      () => this.model.send({ type: "open", job_id: item.job_id }));
    act("yc-ar-tree", this.s("open_tree"), this.s("open_tree"),
      () => this.model.send({ type: "tree", job_id: item.job_id }));
    act("yc-ar-copy", "ID", this.s("copy_id"), () => {
      navigator.clipboard?.writeText(item.job_id).catch(() => {});
    });
    row.append(box, tiles, info, acts);
    return row;
  }

  // -- thumbnails: only for rows on screen -------------------------------------------------------
  /** @param {IntersectionObserverEntry[]} entries */
  onSeen(entries) {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      const local = /** @type {HTMLElement} */ (e.target).dataset.local || "";
      const row = this.rows.get(local);
      if (row) this.want(row.item);
    }
    this.flush();
  }

  /** @param {ItemState} item */
  want(item) {
    if (!item.job_id || item.state !== "finished") return;
    for (let i = 0; i < Math.min(item.outputs, 4); i++) {
      const key = `${item.job_id}/${i}`;
      const failedAt = this.failed.get(key);
      if (failedAt !== undefined && failedAt === item.rev) continue;
      if (this.thumbs.has(key) || this.pending.has(key)) continue;
      this.pending.add(key);
      this.queue.push(key);
    }
  }

  flush() {
    if (!this.queue.length) return;
    const keys = this.queue.splice(0, this.queue.length);
    this.requested += keys.length;
    this.el.dataset.thumbsRequested = String(this.requested);
    for (let i = 0; i < keys.length; i += 32) {
      this.model.send({ type: "thumbs", keys: keys.slice(i, i + 32) });
    }
  }

  /** @param {any} msg @param {DataView[]} buffers */
  custom(msg, buffers) {
    if (!msg || msg.type !== "thumb") return;
    const key = String(msg.key);
    this.pending.delete(key);
    this.answered += 1;
    const row = [...this.rows.values()].find((r) => key.startsWith(`${r.item.job_id}/`));
    if (msg.error || !buffers || !buffers.length) {
      this.failed.set(key, row ? row.item.rev : 0);
    } else {
      this.failed.delete(key);
      const old = this.thumbs.get(key);
      if (old) URL.revokeObjectURL(old);
      this.thumbs.set(key, URL.createObjectURL(new Blob([buffers[0]], { type: "image/jpeg" })));
      this.loaded += 1;
    }
    const tile = row && row.node.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (tile && this.thumbs.has(key)) {
      const img = /** @type {HTMLImageElement} */ (h("img"));
      img.src = /** @type {string} */ (this.thumbs.get(key));
      img.alt = "";
      tile.querySelector("img")?.remove();
      tile.querySelector(".yc-ar-tilenote")?.remove();
      tile.prepend(img);
    } else if (tile && !tile.querySelector(".yc-ar-tilenote")) {
      const note = h("span", "yc-ar-tilenote", this.s("no_preview"));
      note.title = String(msg.error || "");
      tile.append(note);
    }
    this.el.dataset.thumbsLoaded = String(this.loaded);
    this.el.dataset.thumbsAnswered = String(this.answered);
  }

  destroy() {
    this.seen.disconnect();
    this.moreSeen.disconnect();
    this.model.off("msg:custom", this.onCustom);
    this.model.off(null, this.onChange);
    for (const url of this.thumbs.values()) URL.revokeObjectURL(url);
  }
}

export default {
  /** @param {{model: any, el: HTMLElement}} ctx */
  render({ model, el }) {
    const view = new ArchiveView(model, el);
    return () => view.destroy();
  },
};
