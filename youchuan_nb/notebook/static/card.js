// @ts-check
// Youchuan job card: the front end of youchuan_nb.notebook._card.JobCard (an anywidget).
//
// Plain ES module, no build step, no imports (anywidget imports it from a Blob URL, where
// relative imports would not resolve). `js/check.sh` type-checks it with tsc (JSDoc types).
//
// Two kinds of state (as lonboard documents its own):
//
// * Python-synced, owned by the kernel and only read here: the traits `cards` (CardState[],
//   built by youchuan_nb/notebook/_card_state.py), `thumbs` ("<key>/<index>" -> JPEG bytes),
//   `simulator` and `strings` (every fixed text of this file, in the card's language, from the
//   message catalogue youchuan_nb/i18n: this file holds no user-facing words of its own). Python decides every business rule: which buttons exist and why one is
//   disabled (`actions`), whether a node has ended (`ended`), which message shows (`message`),
//   the placeholders' aspect ratio (`aspect`). A re-render, a second view or a saved widget
//   state therefore shows the same thing.
// * View-local, in CardView (lost on reload, never sent): DOM nodes per card, thumbnail Blob
//   URLs, full-size media fetched on demand (message buffers), <video> elements kept across
//   re-renders, open inline editors, clicks waiting for the kernel's ack (`pending`,
//   `localBusy`), dismissible errors and notes, the open overlay (lightbox / vary region), the
//   open "pay again?" question (`confirm`), folded follow-up lists (`folded`), the tapped tile.
//
// Safety rule: every string from the user or the server (prompt, label, message, audit, chips,
// job ids, errors) reaches the DOM through textContent / text nodes, never innerHTML.
//
// Sections: types · constants and the button table · DOM and format helpers · CardView (state,
// rendering, bodies, video cards, inline editors, messages, overlays) · RegionEditor · small
// helpers · the anywidget entry point.

// ---------------------------------------------------------------------------------------------
// Types: the Python-synced state. Keep in step with _card_state.py (CardState, OutputState);
// tests/notebook/test_card_js.py renders states made by that Python code.

/**
 * @typedef {"submitting" | "waiting" | "queued" | "running" | "finishing" | "finished"
 *   | "failed" | "refused" | "unknown"} Status
 */

/**
 * One image or video of a finished job (its thumbnail is `thumbs["<key>/<index>"]`).
 * @typedef {object} OutputState
 * @property {number} index
 * @property {boolean} rejected  moderation rejected it; `audit` says why
 * @property {string} audit
 * @property {number} width  pixels of the full image; 0 for videos and when unknown
 * @property {number} height
 */

/**
 * One node of a card (mirrors the Python TypedDict `CardState`).
 * @typedef {object} CardState
 * @property {string} key  stable id of the node within the card
 * @property {string} job_id  "" until the service has accepted the job
 * @property {string | null} parent_key  the node this follow-up was made from
 * @property {string} label
 * @property {string} prompt  image prompts and text, without the --flags
 * @property {string[]} chips  the --flags, one per chip
 * @property {string} model
 * @property {Status} status
 * @property {string} status_text  the status in words, in the card's language
 * @property {boolean} ended  the status is final
 * @property {string} message  shown under the header when not ""
 * @property {string} detail  the technical side of the message (HTTP status, reason); "" if none
 * @property {number} started  epoch seconds
 * @property {number | null} ended_at  epoch seconds, once ended
 * @property {number | null} expected  usual duration in seconds (null: unknown)
 * @property {"grid" | "single" | "video"} kind
 * @property {number} aspect  width / height of placeholders
 * @property {OutputState[]} outputs  empty until the results are loaded
 * @property {Record<string, string>} actions  button key -> why disabled ("" enabled); absent: no button
 * @property {Record<string, string>} grid_actions  header buttons (reroll, retry, rerun), likewise
 * @property {UsedAction[]} used  follow-ups already made from it (their buttons ask first)
 * @property {number} extensions  video lineage: extend steps so far
 * @property {number} max_extensions
 * @property {InputPicture[]} inputs  the local pictures the prompt names (thumbnails; top nodes)
 */

/**
 * A local input picture of a card (mirrors the Python TypedDict `InputPicture`).
 * @typedef {object} InputPicture
 * @property {string} name  the path as the user wrote it
 * @property {string} src  a data: URL of a small JPEG made by the kernel (nothing is fetched)
 */

/**
 * A follow-up already made from a node (mirrors the Python TypedDict `UsedAction`).
 * @typedef {object} UsedAction
 * @property {string} action  the card action ("upscale", "vary", ...)
 * @property {number | null} index  the output it was made from (null: the whole grid)
 * @property {Record<string, any>} params  the click's params that tell buttons apart
 */

/**
 * The `strings` trait: catalogue id ("card.js.<name>") -> text template with {placeholders}.
 * @typedef {Record<string, string>} Strings
 */

/**
 * The part of the anywidget model this module uses.
 * @typedef {object} Model
 * @property {(name: string) => any} get
 * @property {(event: string, cb: Function) => void} on
 * @property {(event: string, cb?: Function) => void} off
 * @property {(content: object, callbacks?: any, buffers?: ArrayBuffer[]) => void} send
 */

/**
 * A card button. `key` is the entry of `CardState.actions` (or `grid_actions`) that decides
 * it; `action` is the message's action (null: handled here, e.g. the download link); `open`
 * buttons open an editor instead of sending at once. Its short label and tooltip are the
 * strings "btn.<name>" and "tip.<name>".
 * @typedef {object} ButtonSpec
 * @property {string} key
 * @property {string | null} action
 * @property {Record<string, any>} [params]
 * @property {boolean} [open]
 */

/**
 * An open inline editor (remix, extend), view-local.
 * @typedef {{type: string, el: HTMLElement, submit: HTMLButtonElement, focus: () => void}} Editor
 */

/**
 * @typedef {object} SendOptions
 * @property {() => void} [onOk]
 * @property {(error: string) => void} [onError]
 */

/** @typedef {{el: HTMLElement, close: () => void}} Overlay */

// ---------------------------------------------------------------------------------------------
// Constants and the button table

const ACK_TIMEOUT_MS = 60000; // re-enable a button if the kernel never answers
/** The synced traits (see the header). */
const SYNCED = ["cards", "thumbs", "simulator", "strings"];
/** Follow-up lists fold (only the newest stays in view) past this depth or this many. */
const FOLD_DEPTH = 2;
const FOLD_COUNT = 6;

/**
 * Button name (data-action) -> its spec. The keys it reads are the keys Python's
 * _card_actions.ACTIONS emits, and its actions are the ones Python accepts (a test checks both).
 * @type {Record<string, ButtonSpec>}
 */
export const BUTTONS = {
  upscale_standard: { key: "upscale_standard", action: "upscale", params: { type: "standard" } },
  upscale_creative: { key: "upscale_creative", action: "upscale", params: { type: "creative" } },
  vary_subtle: { key: "vary_subtle", action: "vary", params: { strong: false } },
  vary_strong: { key: "vary_strong", action: "vary", params: { strong: true } },
  pan_left: { key: "pan", action: "pan", params: { direction: "left" } },
  pan_up: { key: "pan", action: "pan", params: { direction: "up" } },
  pan_right: { key: "pan", action: "pan", params: { direction: "right" } },
  pan_down: { key: "pan", action: "pan", params: { direction: "down" } },
  "zoom_1.5": { key: "zoom", action: "zoom", params: { scale: 1.5 } },
  zoom_2: { key: "zoom", action: "zoom", params: { scale: 2 } },
  remix: { key: "remix", action: "remix", open: true },
  inpaint: { key: "inpaint", action: "inpaint", open: true },
  animate_low: { key: "animate", action: "animate", params: { motion: "low", prompt: null } },
  animate_high: { key: "animate", action: "animate", params: { motion: "high", prompt: null } },
  enhance: { key: "enhance", action: "enhance", params: {} },
  use: { key: "use", action: "use", params: {} },
  reroll: { key: "reroll", action: "reroll", params: {} },
  retry: { key: "retry", action: "retry", params: {} },
  rerun: { key: "rerun", action: "rerun", params: {} },
  extend: { key: "extend", action: "extend", open: true },
  upscale_video: { key: "upscale_video", action: "upscale_video", params: {} },
  download: { key: "download", action: null },
};
// The per-image actions, grouped as Midjourney groups them, in two bands over the image (top:
// upscale, vary, edit; bottom: pan/zoom, animate, use) so its middle stays visible and
// clickable; shown on hover, keyboard focus or tap. A group is [name ("group.<name>"), buttons].
/** @type {[string, string[]][][]} */
const IMAGE_BAR = [
  [
    ["upscale", ["upscale_standard", "upscale_creative"]],
    ["vary", ["vary_subtle", "vary_strong"]],
    ["edit", ["remix", "inpaint", "enhance"]],
  ],
  [
    ["panzoom", ["pan_left", "pan_up", "pan_right", "pan_down", "zoom_1.5", "zoom_2"]],
    ["animate", ["animate_low", "animate_high"]],
    ["use", ["use"]],
  ],
];

// ---------------------------------------------------------------------------------------------
// DOM and format helpers

/** Create an element. String/number children become text nodes (never parsed as HTML). */
function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "data") {
      for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) node.dataset[k] = String(v);
    }
    else if (name === "style") Object.assign(node.style, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name in node && typeof value !== "string") node[name] = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** The card's input pictures, small, above the grid. Only data: JPEGs made by the kernel are
 * shown (nothing is fetched); names are text (title/alt attributes, never HTML).
 * @param {InputPicture[]} inputs */
function renderInputs(inputs) {
  const shown = inputs.filter((p) => typeof p.src === "string" && p.src.startsWith("data:image/jpeg;base64,"));
  if (!shown.length) return h("div", { class: "yc-inputs", hidden: true });
  return h("div", { class: "yc-inputs", style: { display: "flex", gap: "4px", margin: "4px 0", flexWrap: "wrap" } },
    shown.map((p) => h("img", { class: "yc-input-pic", src: p.src, alt: p.name, title: p.name,
      style: { height: "48px", borderRadius: "4px", objectFit: "cover" } })));
}

/** Two overlapping rounded squares, drawn with SVG (no icon font needed). */
function copyIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("width", "12");
  svg.setAttribute("height", "12");
  svg.setAttribute("aria-hidden", "true");
  for (const [x, y] of [[5, 5], [2, 2]]) {
    const r = document.createElementNS(ns, "rect");
    for (const [k, v] of Object.entries({ x, y, width: 9, height: 9, rx: 2, fill: "none", stroke: "currentColor", "stroke-width": 1.5 })) r.setAttribute(k, String(v));
    svg.append(r);
  }
  return svg;
}

function spinner() {
  return h("span", { class: "yc-spinner", "aria-hidden": "true" });
}

/** Bytes of a DataView / ArrayBuffer / typed array as a Uint8Array (no copy). */
function asBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(0);
}

/** FNV-1a of the bytes: lets unchanged thumbnails keep their Blob URL (no flicker). */
function fingerprint(bytes) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193);
  }
  return `${bytes.length}:${hash >>> 0}`;
}

/** A template with its {placeholders} filled (missing values stay as written). */
function fill(template, values = {}) {
  return String(template).replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
}

/** Whether a made follow-up is the click of `spec` on output `index`. */
function sameClick(used, spec, index) {
  if (!used || used.action !== spec.action) return false;
  if ((used.index ?? null) !== (index ?? null)) return false;
  const params = used.params || {};
  return Object.entries(params).every(([k, v]) => !spec.params || !(k in spec.params) || String(spec.params[k]) === String(v));
}

function formatElapsed(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

/** Width / height for a card's placeholders (Python reads it from the prompt's --ar). */
function cardAspect(card) {
  const aspect = Number(card.aspect);
  return aspect > 0 && Number.isFinite(aspect) ? aspect : 1;
}

/** The id of a click waiting for its ack: "<key>/<button>/<index>" ("" for no index). */
function busyId(key, button, index) {
  return `${key}/${button}/${index === null || index === undefined ? "" : index}`;
}

let ridCounter = 0;
function newRid() {
  ridCounter += 1;
  return `${Date.now().toString(36)}-${ridCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

// ---------------------------------------------------------------------------------------------
// CardView: renders the synced state into `el`; holds the view-local state listed at the top.

class CardView {
  /** @param {Model} model @param {HTMLElement} el */
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.nodes = new Map();      // card key -> {el, head, body, errors, children, headSig, bodySig}
    this.thumbs = new Map();     // "key/index" -> {sig, url}
    this.media = new Map();      // "key/index" -> {state: "pending"|"ok"|"error", url, mime, error, waiters}
    this.videos = new Map();     // "key/index" -> <video> kept across re-renders so playback goes on
    this.videoAspects = new Map(); // "key/index" -> width/height of the clip, once its metadata loaded
    this.editors = new Map();    // "key/index" -> {type, el, focus()} inline remix / extend editors
    this.pending = new Map();    // rid -> {busyKey, key, timer, done(ok, error)} | {media id}
    this.localBusy = new Set();  // "key/button/index" clicked and not yet acknowledged
    this.errors = new Map();     // card key ("" for the widget) -> [{id, text}]
    this.overlay = null;         // the open lightbox / vary-region editor: {el, close()}
    this.errorSeq = 0;
    this.confirm = null;         // the "pay again?" question open on a tile: {key, name, index}
    this.folded = new Map();     // card key -> true/false once the user folded/unfolded its follow-ups
    this.openTile = "";          // "key/index" of the tile whose actions a tap opened
    this.lastPointer = "mouse";  // the kind of the last pointer press (a tap opens actions first)
    this.copied = null;          // {id: "key/index", until}: "Copied" shown on the tile clicked

    this.root = h("div", { class: "yc-root" });
    this.root.addEventListener("pointerdown", (e) => { this.lastPointer = e.pointerType || "mouse"; }, true);
    this.rootErrors = h("div", { class: "yc-errors" });
    this.list = h("div", { class: "yc-list" });
    this.root.append(this.rootErrors, this.list);
    el.append(this.root);

    this.onChange = () => this.render();
    this.onCustom = (msg, buffers) => this.handleMessage(msg, buffers);
    this.onKey = (event) => {
      if (event.key === "Escape" && this.overlay) {
        event.preventDefault();
        event.stopPropagation();
        this.overlay.close();
      } else if (event.key === "Escape" && this.confirm && this.root.contains(/** @type {Node} */ (event.target))) {
        this.confirm = null; // "pay again?" answered no
        this.render();
      }
    };
    for (const name of SYNCED) model.on(`change:${name}`, this.onChange);
    model.on("msg:custom", this.onCustom);
    document.addEventListener("keydown", this.onKey, true);
    this.ticker = setInterval(() => this.tick(), 1000);
    this.render();
    this.checkLive();
  }

  /**
   * A card restored from a saved notebook has no kernel behind it: its buttons would never be
   * answered. Ask the kernel once; without an answer, say so and grey the buttons out.
   */
  checkLive() {
    const rid = "ping-" + Math.random().toString(36).slice(2);
    this.pingRid = rid;
    try { this.model.send({ type: "ping", rid }); } catch (_) { /* no comm: offline */ }
    this.pingTimer = setTimeout(() => {
      if (this.live) return;
      this.root.classList.add("yc-offline");
      if (!this.offlineNote) {
        this.offlineNote = h("div", { class: "yc-offline-note" }, this.tr("offline"));
        this.root.prepend(this.offlineNote);
      }
    }, 5000);
  }

  destroy() {
    clearInterval(this.ticker);
    clearTimeout(this.pingTimer);
    for (const name of SYNCED) this.model.off(`change:${name}`, this.onChange);
    this.model.off("msg:custom", this.onCustom);
    document.removeEventListener("keydown", this.onKey, true);
    if (this.overlay) this.overlay.close();
    for (const p of this.pending.values()) clearTimeout(p.timer);
    for (const t of this.thumbs.values()) URL.revokeObjectURL(t.url);
    for (const m of this.media.values()) if (m.url) URL.revokeObjectURL(m.url);
    for (const v of this.videos.values()) { v.removeAttribute("src"); v.load(); }
    this.thumbs.clear();
    this.media.clear();
    this.root.remove();
  }

  // -- state ------------------------------------------------------------------------------------

  /**
   * A fixed text in the card's language: the catalogue's "card.js.<name>", placeholders filled.
   * @param {string} name @param {Record<string, any>} [values]
   */
  tr(name, values) {
    /** @type {Strings} */
    const strings = this.model.get("strings") || {};
    const template = strings[`card.js.${name}`];
    return fill(template === undefined ? name : template, values);
  }

  /** @returns {CardState[]} */
  cards() {
    const cards = this.model.get("cards");
    return Array.isArray(cards) ? cards.filter((c) => c && typeof c.key === "string") : [];
  }

  /** Keep one Blob URL per thumbnail; only changed bytes get a new URL (old one revoked). */
  syncThumbs() {
    const thumbs = this.model.get("thumbs") || {};
    const seen = new Set();
    for (const [id, data] of Object.entries(thumbs)) {
      const bytes = asBytes(data);
      if (!bytes.length) continue;
      seen.add(id);
      const sig = fingerprint(bytes);
      const old = this.thumbs.get(id);
      if (old && old.sig === sig) continue;
      if (old) URL.revokeObjectURL(old.url);
      this.thumbs.set(id, { sig, url: URL.createObjectURL(new Blob([bytes], { type: "image/jpeg" })) });
    }
    for (const [id, t] of this.thumbs) {
      if (!seen.has(id)) { URL.revokeObjectURL(t.url); this.thumbs.delete(id); }
    }
  }

  thumbUrl(key, index) {
    const t = this.thumbs.get(`${key}/${index}`);
    return t ? t.url : "";
  }

  /** Clicked and not yet acknowledged by the kernel. */
  isBusy(key, button, index) {
    return this.localBusy.has(busyId(key, button, index));
  }

  // -- rendering --------------------------------------------------------------------------------

  render() {
    this.syncThumbs();
    this.root.lang = this.tr("lang"); // lets the browser pick CJK fonts for Chinese
    const cards = this.cards();
    const byKey = new Map(cards.map((c) => [c.key, c]));
    const kids = new Map();
    const roots = [];
    for (const card of cards) {
      const parent = card.parent_key;
      if (parent && parent !== card.key && byKey.has(parent)) {
        if (!kids.has(parent)) kids.set(parent, []);
        kids.get(parent).push(card);
      } else {
        roots.push(card);
      }
    }
    const placed = new Set();
    const place = (card, container, position, depth = 0) => {
      if (placed.has(card.key)) return position; // guards against a parent cycle
      placed.add(card.key);
      const isNew = this.revealUnder && card.parent_key === this.revealUnder
        && !this.revealKnown.has(card.key);
      const node = this.renderCard(card);
      if (container.children[position] !== node.el) container.insertBefore(node.el, container.children[position] || null);
      if (isNew) {
        // the follow-up the user just asked for: bring it into view, it may be far below
        this.revealUnder = null;
        node.el.classList.add("yc-new");
        requestAnimationFrame(() => node.el.scrollIntoView({ block: "nearest", behavior: "smooth" }));
        setTimeout(() => node.el.classList.remove("yc-new"), 2000);
      }
      let childPos = 0;
      const mine = kids.get(card.key) || [];
      for (const child of mine) childPos = place(child, node.children, childPos, depth + 1);
      trimAfter(node.children, childPos);
      node.children.hidden = childPos === 0;
      this.renderFold(card, node, mine.length, depth);
      return position + 1;
    };
    let pos = 0;
    for (const card of roots) pos = place(card, this.list, pos);
    // Cards in a cycle (never reached from a root) are still shown, at the top level.
    for (const card of cards) if (!placed.has(card.key)) pos = place(card, this.list, pos);
    trimAfter(this.list, pos);
    for (const key of [...this.nodes.keys()]) if (!byKey.has(key)) this.forgetCard(key);
    this.renderErrors(this.rootErrors, "");
    this.tick();
  }

  /**
   * Fold a long or deep follow-up list: only the newest follow-up stays in view, with a button
   * to show the others. Folded by default past FOLD_DEPTH or FOLD_COUNT; the user's choice wins.
   * @param {CardState} card @param {any} node @param {number} count @param {number} depth
   */
  renderFold(card, node, count, depth) {
    const folded = count > 1 && (this.folded.has(card.key)
      ? this.folded.get(card.key) : depth >= FOLD_DEPTH || count > FOLD_COUNT);
    const kids = [...node.children.children];
    kids.forEach((el, i) => { el.hidden = folded && i < kids.length - 1; });
    node.el.dataset.folded = count > 1 ? String(folded) : "";
    if (count <= 1) { node.fold.hidden = true; return; }
    node.fold.hidden = false;
    node.fold.setAttribute("aria-expanded", String(!folded));
    node.fold.textContent = folded ? this.tr("show_more", { n: count - 1 }) : this.tr("hide_earlier");
  }

  forgetCard(key) {
    const node = this.nodes.get(key);
    if (node) node.el.remove();
    this.nodes.delete(key);
    for (const map of [this.videos, this.editors, this.videoAspects]) {
      for (const id of [...map.keys()]) if (id.startsWith(`${key}/`)) map.delete(id);
    }
    for (const [id, m] of this.media) {
      if (id.startsWith(`${key}/`)) { if (m.url) URL.revokeObjectURL(m.url); this.media.delete(id); }
    }
    this.errors.delete(key);
  }

  /** Update (or create) a card's element; header and body are rebuilt only when their data changed. */
  /** @param {CardState} card */
  renderCard(card) {
    let node = this.nodes.get(card.key);
    if (!node) {
      node = {
        el: h("div", { class: "yc-card" }),
        head: h("div"), body: h("div"),
        errors: h("div", { class: "yc-errors" }),
        children: h("div", { class: "yc-children", hidden: true }),
        fold: h("button", { class: "yc-fold", type: "button", hidden: true, data: { action: "fold" } }),
        headSig: null, bodySig: null, inputs: h("div"), inputsSig: null,
      };
      const key = card.key;
      node.fold.addEventListener("click", () => {
        this.folded.set(key, node.el.dataset.folded !== "true" ? true : false);
        this.render();
      });
      node.el.append(node.head, node.inputs, node.errors, node.body, node.fold, node.children);
      this.nodes.set(card.key, node);
    }
    node.el.dataset.key = card.key;
    node.el.dataset.status = card.status || "unknown";
    node.el.dataset.kind = card.kind || "grid";

    const headSig = JSON.stringify([card.label, card.prompt, card.chips, card.model, card.status,
      card.status_text, card.message, card.detail, card.job_id, card.started, card.ended, card.ended_at,
      card.expected, card.grid_actions, !!this.model.get("simulator"), this.isBusy(card.key, "reroll", null),
      this.isBusy(card.key, "retry", null), this.isBusy(card.key, "rerun", null), this.model.get("strings")]);
    if (headSig !== node.headSig) {
      const head = this.renderHead(card);
      node.head.replaceWith(head);
      node.head = head;
      node.headSig = headSig;
    }
    const inputsSig = JSON.stringify(card.inputs || []);
    if (inputsSig !== node.inputsSig) {
      const inputs = renderInputs(card.inputs || []);
      node.inputs.replaceWith(inputs);
      node.inputs = inputs;
      node.inputsSig = inputsSig;
    }
    const bodySig = this.bodySignature(card);
    if (bodySig !== node.bodySig) {
      // Building the body moves kept editors/videos into it: save focus before that.
      keepingFocus(() => {
        const body = this.renderBody(card);
        node.body.replaceWith(body);
        node.body = body;
      });
      node.bodySig = bodySig;
    }
    this.renderErrors(node.errors, card.key);
    return node;
  }

  /** @param {CardState} card */
  bodySignature(card) {
    const outs = card.outputs || [];
    const ids = outs.length ? outs.map((o) => o.index) : [0, 1, 2, 3];
    const busy = [...this.localBusy].filter((id) => id.startsWith(`${card.key}/`)).sort();
    const editors = [...this.editors.keys()].filter((id) => id.startsWith(`${card.key}/`));
    const media = ids.map((i) => (this.media.get(`${card.key}/${i}`) || {}).state || "");
    const confirm = this.confirm && this.confirm.key === card.key ? this.confirm : null;
    return JSON.stringify([card.kind, card.status, card.ended, card.aspect, card.job_id, card.prompt, card.chips, outs,
      card.actions, card.used, card.extensions, card.max_extensions, ids.map((i) => this.thumbUrl(card.key, i)),
      busy, editors, card.kind === "video" ? media : null, confirm, this.model.get("strings"), this.copied,
      this.openTile.startsWith(`${card.key}/`) ? this.openTile : ""]);
  }

  /** @param {CardState} card */
  renderHead(card) {
    const status = card.status || "unknown";
    const ended = !!card.ended;
    const endedAt = typeof card.ended_at === "number" ? card.ended_at : "";
    // Honest progress: a bar that fills only while the job runs and its usual time is known;
    // indeterminate while it is submitted or queued; none while it waits for a slot.
    const measured = status === "running" && !!card.expected;
    const top = h("div", { class: "yc-head-row" },
      this.model.get("simulator") ? h("span", { class: "yc-sim-badge", title: this.tr("simulator_title") }, this.tr("simulator")) : null,
      h("span", { class: "yc-label" }, card.label || ""),
      h("span", { class: "yc-status", data: { status } }, card.status_text || status),
      card.model ? h("span", { class: "yc-model", title: this.tr("model") }, card.model) : null,
      card.job_id ? this.renderJobId(card.job_id) : null,
      h("span", { class: "yc-spacer" }),
      h("span", {
        class: "yc-elapsed", title: this.tr("elapsed"),
        data: { started: card.started || "", ended: endedAt, expected: measured ? card.expected : "" },
      }),
      this.renderHeadButton(card, "retry", "yc-retry"),
      this.renderHeadButton(card, "reroll", "yc-reroll"),
      this.renderHeadButton(card, "rerun", "yc-rerun"),
    );
    const progress = h("div", {
      class: "yc-progress" + (measured ? "" : " yc-indeterminate"),
      hidden: ended || status === "waiting",
      data: { started: card.started || "", expected: measured ? card.expected : "" },
    }, h("div", { class: "yc-progress-fill" }));
    const prompt = (card.prompt || (card.chips && card.chips.length))
      ? h("div", { class: "yc-prompt-row" },
        card.prompt ? h("span", { class: "yc-prompt" }, card.prompt) : null,
        (card.chips || []).map((chip) => h("span", { class: "yc-chip" }, chip)))
      : null;
    const message = card.message
      ? h("div", { class: "yc-message", data: { status } }, card.message,
        card.detail ? h("div", { class: "yc-detail" }, card.detail) : null)
      : null;
    return h("div", { class: "yc-head" }, top, progress, prompt, message);
  }

  renderJobId(jobId) {
    const id = h("code", { class: "yc-jobid", title: `${this.tr("job_id")}: ${jobId}` }, jobId.slice(0, 8));
    id.dataset.full = jobId;
    const note = h("span", { class: "yc-copied", role: "status", "aria-live": "polite" });
    const button = h("button", { class: "yc-icon-btn yc-copy", type: "button", title: this.tr("copy_id"), "aria-label": this.tr("copy_id"), data: { action: "copy_id" } }, copyIcon());
    button.addEventListener("click", () => copyText(jobId, id).then((ok) => {
      button.replaceChildren(ok ? "✓" : copyIcon());
      // said next to what was clicked
      note.textContent = ok ? this.tr("copied") : this.tr("copy_by_hand");
      setTimeout(() => { button.replaceChildren(copyIcon()); note.textContent = ""; }, 1500);
    }));
    return h("span", { class: "yc-jobid-wrap" }, id, button, note);
  }

  /** A header button (reroll, retry, rerun): shown when `grid_actions` lists it.
   * @param {CardState} card @param {string} name @param {string} cls */
  renderHeadButton(card, name, cls) {
    const spec = BUTTONS[name];
    const reason = (card.grid_actions || {})[spec.key];
    if (reason === undefined || reason === null) return null;
    const busy = this.isBusy(card.key, name, null);
    const tip = this.tr(`tip.${name}`);
    const button = h("button", {
      class: `yc-btn ${cls}` + (busy ? " yc-busy" : "") + (reason ? " yc-disabled" : ""), type: "button",
      title: reason || tip, "aria-label": reason ? `${tip}: ${reason}` : tip,
      "aria-disabled": reason ? "true" : null, disabled: busy,
      data: { action: name },
    }, busy ? spinner() : null, this.tr(`btn.${name}`));
    button.addEventListener("click", () => {
      if (reason) return;
      this.sendAction(card.key, name, spec.action, null, { ...spec.params }, button);
    });
    return button;
  }

  renderErrors(container, key) {
    const list = this.errors.get(key) || [];
    const sig = list.map((e) => e.id).join(",");
    if (container.dataset.sig === sig) return;
    container.dataset.sig = sig;
    container.replaceChildren(...list.map((err) => h("div", {
      class: err.kind === "note" ? "yc-error-box yc-note-box" : "yc-error-box",
      role: err.kind === "note" ? "status" : "alert",
    },
      h("span", { class: err.kind === "note" ? "yc-note" : "yc-error" }, err.text),
      h("button", {
        class: "yc-icon-btn", type: "button", title: this.tr("dismiss"), "aria-label": this.tr("dismiss"), data: { action: "dismiss_error" },
        onclick: () => this.dismissError(key, err.id),
      }, "✕"))));
  }

  addError(key, text, kind = "error") {
    const target = key && this.nodes.has(key) ? key : "";
    const list = this.errors.get(target) || [];
    list.push({ id: ++this.errorSeq, text: String(text || this.tr("action_failed")), kind });
    this.errors.set(target, list);
    this.render();
  }

  dismissError(key, id) {
    this.errors.set(key, (this.errors.get(key) || []).filter((e) => e.id !== id));
    this.render();
  }

  // -- bodies -----------------------------------------------------------------------------------

  /** @param {CardState} card */
  renderBody(card) {
    const kind = card.kind || "grid";
    if (kind === "video") return this.renderVideoBody(card);
    const outs = card.outputs || [];
    if (!outs.length) return this.renderPlaceholders(card, kind === "grid" ? 4 : 1);
    const tiles = outs.map((out) => this.renderImageTile(card, out, kind));
    return h("div", { class: `yc-body yc-${kind === "single" ? "single" : "grid"}` }, tiles);
  }

  /** Small skeletons while the job runs; nothing once it ended without results (the message says why). */
  /** @param {CardState} card @param {number} count */
  renderPlaceholders(card, count) {
    // Not started yet, or ended without results: the header and message say it all.
    if (card.status === "waiting" || (card.ended && card.status !== "finished")) {
      return h("div", { class: "yc-body yc-nobody" });
    }
    const aspect = cardAspect(card);
    return h("div", { class: "yc-body yc-pending" },
      Array.from({ length: count }, (_, i) => this.renderPlaceholder(card, i, aspect, count > 1)));
  }

  /** @param {CardState} card @param {number} index @param {number} aspect @param {boolean} numbered */
  renderPlaceholder(card, index, aspect, numbered) {
    return h("div", { class: "yc-tile", data: { index } },
      h("div", { class: "yc-frame yc-skeleton", style: { aspectRatio: String(aspect) } },
        numbered ? h("span", { class: "yc-index" }, index + 1) : null));
  }

  /** @param {CardState} card @param {OutputState} out @param {CardState["kind"]} kind */
  renderImageTile(card, out, kind) {
    const index = out.index;
    const aspect = out.width && out.height ? out.width / out.height : cardAspect(card);
    const frame = h("div", { class: "yc-frame", style: { aspectRatio: String(aspect) } });
    const tile = h("div", { class: "yc-tile", data: { index } }, frame);
    if (out.rejected) {
      tile.classList.add("yc-rejected");
      frame.classList.add("yc-empty");
      frame.append(h("div", { class: "yc-rejected-text" }, this.tr("rejected", { audit: out.audit || this.tr("no_reason") })));
      if (kind === "grid") frame.append(h("span", { class: "yc-index" }, index + 1));
      return tile;
    }
    const url = this.thumbUrl(card.key, index);
    const id = `${card.key}/${index}`;
    if (url) {
      const img = h("img", { class: "yc-thumb", src: url, alt: this.tr("image_n", { n: index + 1 }), draggable: "false" });
      const open = h("button", {
        class: "yc-thumb-btn", type: "button", title: this.tr("open_full"), data: { action: "view_full", index },
        onclick: () => this.openLightbox(card, out),
      }, img);
      frame.append(open);
    } else {
      frame.classList.add("yc-skeleton");
    }
    if (kind === "grid") frame.append(h("span", { class: "yc-index" }, index + 1));
    if (this.openTile === id) tile.classList.add("yc-open");
    // On a touch screen the first tap on a tile shows its actions; it does not press one.
    tile.addEventListener("click", (e) => {
      if (this.lastPointer !== "touch" || this.openTile === id) return;
      e.preventDefault();
      e.stopPropagation();
      this.openTile = id;
      this.render();
    }, true);
    // Over the image, revealed on hover, keyboard focus (focus-within) or tap (yc-open).
    frame.append(...this.renderActionBars(card, out));
    if (this.copied && this.copied.id === id && Date.now() < this.copied.until) {
      frame.append(h("span", { class: "yc-toast", role: "status" }, this.tr("copied")));
    }
    const confirm = this.confirm;
    if (confirm && confirm.key === card.key && confirm.index === index) tile.append(this.renderConfirm(card, confirm));
    const editor = this.editors.get(id);
    if (editor) tile.append(editor.el);
    return tile;
  }

  /** "You already did this: pay again?", asked in the tile before a used action is sent again.
   * @param {CardState} card @param {{key: string, name: string, index: number}} confirm */
  renderConfirm(card, confirm) {
    const title = this.tr(`tip.${confirm.name}`);
    const yes = h("button", { class: "yc-btn yc-primary", type: "button", data: { action: "confirm_yes", index: confirm.index } }, this.tr("confirm_yes"));
    const no = h("button", { class: "yc-btn", type: "button", data: { action: "confirm_no", index: confirm.index } }, this.tr("cancel"));
    no.addEventListener("click", () => { this.confirm = null; this.render(); });
    yes.addEventListener("click", () => {
      this.confirm = null;
      this.render();
      const button = /** @type {HTMLButtonElement | null} */ (this.root.querySelector(
        `.yc-card[data-key="${CSS.escape(card.key)}"] [data-action="${CSS.escape(confirm.name)}"][data-index="${confirm.index}"]`));
      this.onButton(card, confirm.name, confirm.index, button, true);
    });
    const box = h("div", { class: "yc-confirm", role: "alertdialog", "aria-label": this.tr("confirm_yes") },
      h("span", { class: "yc-confirm-text" }, this.tr("confirm_again", { title, n: confirm.index + 1 })),
      h("span", { class: "yc-editor-row" }, h("span", { class: "yc-spacer" }), no, yes));
    requestAnimationFrame(() => { if (no.isConnected) no.focus({ preventScroll: true }); });
    return box;
  }

  /** @param {CardState} card @returns {Record<string, string>} */
  actionsFor(card) {
    return card.actions || {};
  }

  /** @param {CardState} card @param {OutputState} out */
  renderActionBars(card, out) {
    const actions = this.actionsFor(card);
    const label = this.tr("actions_of", { n: out.index + 1 });
    return IMAGE_BAR.map((band, i) => {
      const groups = band
        .map(([group, names]) => [group, names.map((n) => this.actionButton(card, n, out.index, actions)).filter(Boolean)])
        .filter(([, buttons]) => buttons.length)
        .map(([group, buttons]) => h("span", {
          class: "yc-group", role: "group", "aria-label": this.tr(`group.${group}`), data: { group },
        }, buttons));
      return groups.length
        ? h("div", { class: `yc-actions yc-overlay-bar ${i ? "yc-bar-bottom" : "yc-bar-top"}`, role: "toolbar", "aria-label": label }, groups)
        : h("div", { class: "yc-actions yc-none" });
    });
  }

  /**
   * A button for `name`, or null when the card's actions don't list it.
   * @param {CardState} card @param {string} name @param {number} index
   * @param {Record<string, string>} actions
   */
  actionButton(card, name, index, actions) {
    const spec = BUTTONS[name];
    const reason = actions[spec.key];
    if (reason === undefined || reason === null) return null;
    const busy = this.isBusy(card.key, name, index);
    const open = spec.open && this.editors.has(`${card.key}/${index}`) && this.editors.get(`${card.key}/${index}`).type === name;
    const used = !spec.open && (card.used || []).some((u) => sameClick(u, spec, index));
    const tip = this.tr(`tip.${name}`);
    // Disabled actions stay focusable (aria-disabled) so their reason is there to read.
    const title = reason || (used ? this.tr("used_title", { title: tip }) : tip);
    const button = h("button", {
      class: "yc-btn" + (busy ? " yc-busy" : "") + (open ? " yc-pressed" : "") + (used ? " yc-used" : "") + (reason ? " yc-disabled" : ""),
      type: "button", title, "aria-label": reason ? `${tip}: ${reason}` : title,
      "aria-disabled": reason ? "true" : null, disabled: busy,
      "aria-pressed": spec.open ? String(!!open) : null,
      data: { action: name, index, used: used ? "true" : null },
    }, busy ? spinner() : null, this.tr(`btn.${name}`));
    button.addEventListener("click", () => { if (!reason) this.onButton(card, name, index, button); });
    return button;
  }

  /** @param {CardState} card @param {string} name @param {number} index
   * @param {HTMLButtonElement | null} button @param {boolean} [confirmed] */
  onButton(card, name, index, button, confirmed = false) {
    const spec = BUTTONS[name];
    if (name === "remix" || name === "extend") return this.toggleEditor(card, name, index);
    if (name === "inpaint") return this.openInpaint(card, index);
    if (!confirmed && (card.used || []).some((u) => sameClick(u, spec, index))) {
      // done before on this image: ask before paying again (nothing is sent until "yes")
      this.confirm = { key: card.key, name, index };
      this.render();
      return;
    }
    this.sendAction(card.key, name, spec.action, index, { ...spec.params }, button);
  }

  // -- video cards ------------------------------------------------------------------------------

  /** @param {CardState} card */
  renderVideoBody(card) {
    const outs = card.outputs || [];
    if (!outs.length) return this.renderPlaceholders(card, 1);
    const tiles = outs.map((out) => this.renderVideoTile(card, out));
    const used = Number(card.extensions) || 0;
    const max = Number(card.max_extensions) || 0;
    return h("div", { class: "yc-body yc-videos" + (tiles.length === 1 ? " yc-one" : "") }, tiles,
      max ? h("div", { class: "yc-ext-count", title: this.tr("ext_title") },
        this.tr("ext_count", { used, max })) : null);
  }

  /** @param {CardState} card @param {OutputState} out */
  renderVideoTile(card, out) {
    const index = out.index;
    const id = `${card.key}/${index}`;
    // Video outputs come without a size: until the clip's metadata is known, use the prompt's --ar;
    // then the clip's own shape (no black bars around a 16:9 clip in a square frame).
    const aspect = out.width && out.height ? out.width / out.height
      : this.videoAspects.get(id) || cardAspect(card);
    const frame = h("div", { class: "yc-frame yc-video-frame", style: { aspectRatio: String(aspect) } });
    const tile = h("div", { class: "yc-tile", data: { index } }, frame);
    if (out.rejected) {
      tile.classList.add("yc-rejected");
      frame.classList.add("yc-empty");
      frame.append(h("div", { class: "yc-rejected-text" }, this.tr("rejected", { audit: out.audit || this.tr("no_reason") })));
      return tile;
    }
    const video = this.videoElement(card, index);
    frame.append(video);
    const media = this.media.get(id);
    if (!media || media.state === "pending") frame.append(h("div", { class: "yc-video-loading" }, spinner()));
    if (media && media.state === "error") {
      frame.append(h("div", { class: "yc-video-error" },
        h("span", {}, this.tr("video_failed", { error: media.error })),
        h("button", { class: "yc-btn", type: "button", data: { action: "retry_video", index }, onclick: () => { this.media.delete(id); this.render(); } }, this.tr("retry_video"))));
    }
    const actions = this.actionsFor(card);
    const bar = h("div", { class: "yc-actions" }, h("span", { class: "yc-group" },
      this.actionButton(card, "extend", index, actions),
      this.actionButton(card, "upscale_video", index, actions),
      this.downloadLink(card, index, actions)));
    tile.append(bar);
    const editor = this.editors.get(id);
    if (editor) tile.append(editor.el);
    return tile;
  }

  /**
   * One <video> per output, created once: re-renders move it, so playback is not interrupted.
   * @param {CardState} card @param {number} index
   */
  videoElement(card, index) {
    const id = `${card.key}/${index}`;
    let video = this.videos.get(id);
    if (!video) {
      video = h("video", { class: "yc-video", controls: true, loop: true, playsinline: true, autoplay: true, preload: "auto" });
      video.muted = true; // autoplay is only allowed muted
      video.setAttribute("muted", "");
      video.playsInline = true;
      video.addEventListener("loadedmetadata", () => {
        if (!video.videoWidth || !video.videoHeight) return;
        const ratio = video.videoWidth / video.videoHeight;
        this.videoAspects.set(id, ratio);
        const frame = video.parentElement;
        const out = (card.outputs || []).find((o) => String(o.index) === String(index));
        if (frame && frame.classList.contains("yc-video-frame") && !(out && out.width && out.height)) {
          frame.style.aspectRatio = String(ratio);
        }
      });
      this.videos.set(id, video);
    }
    const poster = this.thumbUrl(card.key, index);
    if (poster && video.getAttribute("poster") !== poster) video.poster = poster;
    if (!this.media.has(id)) {
      this.fetchMedia(card.key, index).then((m) => {
        if (this.videos.get(id) === video && m.url) video.src = m.url;
        this.render();
      }, () => this.render());
    } else {
      const m = this.media.get(id);
      if (m.state === "ok" && !video.getAttribute("src")) video.src = m.url;
    }
    return video;
  }

  /** @param {CardState} card @param {number} index @param {Record<string, string>} actions */
  downloadLink(card, index, actions) {
    const spec = BUTTONS.download;
    const reason = actions[spec.key];
    if (reason === undefined || reason === null) return null;
    const m = this.media.get(`${card.key}/${index}`);
    const ready = m && m.state === "ok" && !reason;
    const link = h("a", {
      class: "yc-btn" + (ready ? "" : " yc-disabled"), role: "button",
      title: reason || (ready ? this.tr("tip.download") : this.tr("video_loading")),
      "aria-disabled": ready ? null : "true",
      data: { action: "download", index },
    }, this.tr("btn.download"));
    if (ready) {
      link.href = m.url;
      link.download = `${card.job_id || card.key}_${index}.mp4`;
    }
    return link;
  }

  // -- inline editors (remix, extend) -------------------------------------------------------------

  /** @param {CardState} card @param {string} type @param {number} index */
  toggleEditor(card, type, index) {
    const id = `${card.key}/${index}`;
    const current = this.editors.get(id);
    if (current && current.type === type) {
      this.editors.delete(id);
      this.render();
      return;
    }
    const editor = type === "remix" ? this.remixEditor(card, index) : this.extendEditor(card, index);
    this.editors.set(id, editor);
    this.render();
    editor.focus();
  }

  closeEditor(key, index) {
    this.editors.delete(`${key}/${index}`);
    this.render();
  }

  /** @param {CardState} card @param {number} index @returns {Editor} */
  remixEditor(card, index) {
    const text = [card.prompt || "", ...(card.chips || [])].filter(Boolean).join(" ");
    const area = h("textarea", { class: "yc-input yc-remix-text", rows: 3, spellcheck: "false", "data-lm-suppress-shortcuts": "true", "aria-label": this.tr("remix_prompt") });
    area.value = text;
    let mode = "strong";
    const modeButton = (name, label) => h("button", {
      class: "yc-seg" + (name === mode ? " yc-on" : ""), type: "button", data: { action: `remix_mode_${name}`, index },
      "aria-pressed": String(name === mode),
      onclick: () => {
        mode = name;
        for (const b of toggle.children) {
          const on = b.dataset.action === `remix_mode_${name}`;
          b.classList.toggle("yc-on", on);
          b.setAttribute("aria-pressed", String(on));
        }
      },
    }, label);
    const toggle = h("span", { class: "yc-segmented", role: "group", "aria-label": this.tr("strength") },
      modeButton("subtle", this.tr("subtle")), modeButton("strong", this.tr("strong")));
    const submit = h("button", { class: "yc-btn yc-primary", type: "button", data: { action: "remix_submit", index } }, this.tr("submit"));
    submit.addEventListener("click", () => this.sendAction(card.key, "remix_submit", "remix", index,
      { prompt: area.value, mode }, submit, { onOk: () => this.closeEditor(card.key, index) }));
    area.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit.click(); }
    });
    const cancel = h("button", { class: "yc-btn", type: "button", data: { action: "remix_cancel", index }, onclick: () => this.closeEditor(card.key, index) }, this.tr("cancel"));
    const el = h("div", { class: "yc-editor yc-remix-editor", data: { index } },
      h("div", { class: "yc-editor-title" }, this.tr("remix_title", { n: index + 1 })), area,
      h("div", { class: "yc-editor-row" }, toggle, h("span", { class: "yc-spacer" }), cancel, submit));
    return { type: "remix", el, submit, focus: () => area.focus() };
  }

  /** @param {CardState} card @param {number} index @returns {Editor} */
  extendEditor(card, index) {
    const input = h("input", { class: "yc-input yc-extend-text", type: "text", placeholder: this.tr("extend_prompt"), "data-lm-suppress-shortcuts": "true", "aria-label": this.tr("extend_prompt") });
    input.value = card.prompt || "";
    const submit = h("button", { class: "yc-btn yc-primary", type: "button", data: { action: "extend_submit", index } }, this.tr("submit"));
    submit.addEventListener("click", () => this.sendAction(card.key, "extend_submit", "extend", index,
      { prompt: input.value }, submit, { onOk: () => this.closeEditor(card.key, index) }));
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); submit.click(); } });
    const cancel = h("button", { class: "yc-btn", type: "button", data: { action: "extend_cancel", index }, onclick: () => this.closeEditor(card.key, index) }, this.tr("cancel"));
    const used = Number(card.extensions) || 0;
    const max = Number(card.max_extensions) || 0;
    const el = h("div", { class: "yc-editor yc-extend-editor", data: { index } },
      h("div", { class: "yc-editor-title" }, this.tr("extend_title", { n: index + 1 }), max ? h("span", { class: "yc-muted" }, ` · ${this.tr("ext_count", { used, max })}`) : null),
      h("div", { class: "yc-editor-row" }, input, cancel, submit));
    return { type: "extend", el, submit, focus: () => input.focus() };
  }

  // -- messages ---------------------------------------------------------------------------------

  /**
   * Send an action once: the button is disabled (with a spinner) from the click until the
   * kernel's ack, so a double click sends a single message.
   */
  sendAction(key, button, action, index, params, element, /** @type {SendOptions} */ { onOk, onError } = {}) {
    const busyKey = busyId(key, button, index);
    if (this.localBusy.has(busyKey)) return;
    this.localBusy.add(busyKey);
    const wasDisabled = element ? element.disabled : false;
    const spin = spinner();
    if (element) { element.disabled = true; element.classList.add("yc-busy"); element.prepend(spin); }
    const rid = newRid();
    if (action !== "use") { this.revealUnder = key; this.revealKnown = new Set(this.nodes.keys()); }
    const finish = (ok, error, msg = {}) => {
      const entry = this.pending.get(rid);
      if (!entry) return;
      clearTimeout(entry.timer);
      this.pending.delete(rid);
      this.localBusy.delete(busyKey);
      // Buttons inside kept editors are not rebuilt by render(): restore them by hand.
      if (element) { element.disabled = wasDisabled; element.classList.remove("yc-busy"); spin.remove(); }
      const text = String(error || this.tr("action_failed"));
      if (ok && msg.copy) {
        // e.g. "Use": a widget cannot add a notebook cell, so the new cell's text is copied
        copyText(String(msg.copy), element).then((copied) => {
          if (copied && index !== null && index !== undefined) {
            // "Copied" next to what was clicked (on its tile), for a moment; shown now
            this.copied = { id: `${key}/${index}`, until: Date.now() + 1800 };
            this.render();
            setTimeout(() => { this.copied = null; this.render(); }, 1900);
            return;
          }
          // no tile to show it on, or no clipboard: the cell's text under the card, to copy by hand
          this.addError(key, this.tr(copied ? "copied_cell" : "copy_cell", { text: String(msg.copy) }), "note");
        });
      }
      if (!ok) this.revealUnder = null;
      if (ok) { if (onOk) onOk(); this.render(); } else { this.addError(key, text); if (onError) onError(text); }
    };
    const timer = setTimeout(() => finish(false, this.tr("no_answer")), ACK_TIMEOUT_MS);
    this.pending.set(rid, { type: "ack", timer, finish });
    this.model.send({ type: "action", rid, key, action, index: index === undefined ? null : index, params });
    this.render();
  }

  /** Full-size bytes of an output (image or video), fetched once and cached as a Blob URL. */
  fetchMedia(key, index) {
    const id = `${key}/${index}`;
    const cached = this.media.get(id);
    if (cached) {
      if (cached.state === "ok") return Promise.resolve(cached);
      if (cached.state === "pending") return cached.promise;
    }
    const entry = { state: "pending", url: "", mime: "", error: "" };
    entry.promise = new Promise((resolve, reject) => {
      const rid = newRid();
      const timer = setTimeout(() => this.pending.has(rid) && this.pending.get(rid).finish({ error: this.tr("no_answer") }), ACK_TIMEOUT_MS * 2);
      this.pending.set(rid, {
        type: "media", timer,
        finish: (msg, buffers) => {
          clearTimeout(timer);
          this.pending.delete(rid);
          const data = buffers && buffers[0];
          if (msg.error || !data) {
            Object.assign(entry, { state: "error", error: msg.error || this.tr("no_data") });
            reject(new Error(entry.error));
            return;
          }
          if (this.media.get(id) !== entry) return reject(new Error("discarded"));
          const mime = msg.mime || "application/octet-stream";
          Object.assign(entry, { state: "ok", mime, url: URL.createObjectURL(new Blob([asBytes(data)], { type: mime })) });
          resolve(entry);
        },
      });
      this.model.send({ type: "media", rid, key, index });
    });
    entry.promise.catch(() => {}); // callers that don't wait must not cause unhandled rejections
    this.media.set(id, entry);
    return entry.promise;
  }

  handleMessage(msg, buffers) {
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "pong" && msg.rid === this.pingRid) {
      this.live = true;
      this.root.classList.remove("yc-offline");
      if (this.offlineNote) { this.offlineNote.remove(); this.offlineNote = null; }
      return;
    }
    const entry = this.pending.get(msg.rid);
    if (!entry) return; // another view's request, or a late answer
    if (msg.type === "ack" && entry.type === "ack") entry.finish(!!msg.ok, msg.error, msg);
    else if (msg.type === "media" && entry.type === "media") entry.finish(msg, buffers);
  }

  // -- timers -----------------------------------------------------------------------------------

  /** Once a second: elapsed times and progress bars, updated in place (no re-render). */
  tick() {
    const now = Date.now() / 1000;
    for (const span of this.root.querySelectorAll(".yc-elapsed")) {
      const started = parseFloat(span.dataset.started);
      if (!started) { span.textContent = ""; continue; }
      const end = span.dataset.ended ? parseFloat(span.dataset.ended) : now;
      const elapsed = formatElapsed(end - started);
      const expected = parseFloat(span.dataset.expected);
      if (!expected || span.dataset.ended) { span.textContent = elapsed; continue; }
      // elapsed against the usual time of such a job, and plainly so once it runs longer
      const over = end - started > expected;
      span.textContent = this.tr(over ? "longer" : "elapsed_of", { elapsed, expected: formatElapsed(expected) });
      span.classList.toggle("yc-over", over);
    }
    for (const bar of this.root.querySelectorAll(".yc-progress:not([hidden])")) {
      const started = parseFloat(bar.dataset.started);
      const expected = parseFloat(bar.dataset.expected);
      if (!started || !expected) continue;
      const ratio = (now - started) / expected;
      // past the usual time: no bar stuck at 95 %, an indeterminate one
      bar.classList.toggle("yc-indeterminate", ratio > 1);
      const fill = /** @type {HTMLElement} */ (bar.firstChild);
      fill.style.width = ratio > 1 ? "" : `${Math.max(2, ratio * 100).toFixed(1)}%`;
    }
  }

  // -- overlays ---------------------------------------------------------------------------------

  openOverlay(content, onClose) {
    if (this.overlay) this.overlay.close();
    const el = h("div", { class: "yc-overlay", role: "dialog", "aria-modal": "true" }, content);
    const overlay = {
      el,
      close: () => {
        if (this.overlay !== overlay) return;
        this.overlay = null;
        el.remove();
        if (onClose) onClose();
      },
    };
    this.overlay = overlay;
    // On <body> so that no transformed/contained notebook ancestor clips a fixed overlay.
    document.body.append(el);
    return overlay;
  }

  /** @param {CardState} card @param {OutputState} out */
  openLightbox(card, out) {
    const index = out.index;
    const img = h("img", { class: "yc-lightbox-img", src: this.thumbUrl(card.key, index), alt: this.tr("image_n", { n: index + 1 }) });
    const size = out.width && out.height ? ` · ${out.width}×${out.height}` : "";
    const caption = h("div", { class: "yc-lightbox-caption" }, spinner(), this.tr("loading_full", { n: index + 1, size }));
    const overlay = this.openOverlay(h("div", { class: "yc-lightbox" }, img, caption));
    overlay.el.classList.add("yc-lightbox-overlay");
    overlay.el.addEventListener("click", () => overlay.close());
    this.fetchMedia(card.key, index).then((m) => {
      img.src = m.url;
      caption.textContent = this.tr("close_hint", { n: index + 1, size });
    }, (err) => {
      caption.textContent = this.tr("full_failed", { error: err.message });
    });
  }

  /** @param {CardState} card @param {number} index */
  openInpaint(card, index) {
    const out = (card.outputs || []).find((o) => o.index === index)
      || { index, rejected: false, audit: "", width: 0, height: 0 };
    const editor = new RegionEditor(this, card, out);
    const overlay = this.openOverlay(editor.el, () => editor.destroy());
    // Anchored to the top: the shape list grows downwards without moving the canvas.
    overlay.el.classList.add("yc-region-overlay");
    editor.overlay = overlay;
    editor.start();
  }
}

// ---------------------------------------------------------------------------------------------
// Vary region: draw rectangles / polygons over the image. Shapes are kept in 0..1 coordinates of
// the displayed image and scaled to the full image's pixels (outputs[i].width/height) on submit.

class RegionEditor {
  /** @param {CardView} view @param {CardState} card @param {OutputState} out */
  constructor(view, card, out) {
    this.view = view;
    this.card = card;
    this.out = out;
    this.index = out.index ?? 0;
    this.shapes = [];       // {type: "rect", x, y, w, h} | {type: "polygon", points: [[x, y], ...]}
    this.draft = null;      // rectangle being dragged or polygon being clicked
    this.mode = "rect";
    this.cursor = null;
    /** @type {Overlay | null} */
    this.overlay = null;    // set by CardView.openInpaint

    this.img = h("img", { class: "yc-region-img", src: view.thumbUrl(card.key, this.index), alt: "", draggable: "false" });
    this.canvas = h("canvas", { class: "yc-region-canvas" });
    this.stage = h("div", { class: "yc-region-stage" }, this.img, this.canvas);
    this.list = h("ol", { class: "yc-shape-list" });
    const tr = (name, values) => view.tr(name, values);
    this.tr = tr;
    this.prompt = h("input", { class: "yc-input", type: "text", placeholder: tr("region_prompt"), "data-lm-suppress-shortcuts": "true", "aria-label": tr("region_prompt_label") });
    this.error = h("div", { class: "yc-errors" });
    this.submit = h("button", { class: "yc-btn yc-primary", type: "button", data: { action: "inpaint_submit", index: this.index } }, tr("submit"));
    this.modeButtons = {
      rect: h("button", { class: "yc-seg", type: "button", data: { action: "inpaint_mode_rect" } }, tr("rect")),
      polygon: h("button", { class: "yc-seg", type: "button", data: { action: "inpaint_mode_polygon" } }, tr("polygon")),
    };
    const undo = h("button", { class: "yc-btn", type: "button", data: { action: "inpaint_undo" }, onclick: () => this.undo() }, tr("undo"));
    const clear = h("button", { class: "yc-btn", type: "button", data: { action: "inpaint_clear" }, onclick: () => this.clear() }, tr("clear"));
    const cancel = h("button", { class: "yc-btn", type: "button", data: { action: "inpaint_cancel" }, onclick: () => this.overlay.close() }, tr("cancel"));
    this.hint = h("div", { class: "yc-muted yc-region-hint" });
    this.el = h("div", { class: "yc-dialog yc-region" },
      h("div", { class: "yc-dialog-title" }, tr("region_title", { n: this.index + 1 }),
        h("span", { class: "yc-muted" }, ` · ${card.label || ""}`)),
      h("div", { class: "yc-editor-row" }, h("span", { class: "yc-segmented" }, this.modeButtons.rect, this.modeButtons.polygon),
        undo, clear, h("span", { class: "yc-spacer" }), this.hint),
      this.stage, this.list, this.prompt, this.error,
      h("div", { class: "yc-editor-row" }, h("span", { class: "yc-spacer" }), cancel, this.submit));
    this.el.addEventListener("click", (e) => e.stopPropagation());
    for (const [mode, b] of Object.entries(this.modeButtons)) b.addEventListener("click", () => this.setMode(mode));
    this.submit.addEventListener("click", () => this.send());
    this.onResize = () => this.layout();
    this.bindCanvas();
  }

  start() {
    this.setMode("rect");
    this.layout();
    window.addEventListener("resize", this.onResize);
    // Show the thumbnail scaled up at once; swap in the full image when it arrives.
    this.view.fetchMedia(this.card.key, this.index).then((m) => { if (this.img.isConnected) this.img.src = m.url; }, () => {});
  }

  destroy() {
    window.removeEventListener("resize", this.onResize);
  }

  /** Natural size of the full image: from the card, else from what has loaded. */
  naturalSize() {
    if (this.out.width && this.out.height) return [this.out.width, this.out.height];
    return [this.img.naturalWidth || 1, this.img.naturalHeight || 1];
  }

  layout() {
    const aspect = this.out.width && this.out.height ? this.out.width / this.out.height : cardAspect(this.card);
    const [w, h0] = [aspect, 1];
    const maxW = Math.min(window.innerWidth * 0.9 - 40, 860);
    const maxH = window.innerHeight * 0.9 - 230;
    const scale = Math.max(0.05, Math.min(maxW / w, Math.max(160, maxH) / h0));
    this.cssW = Math.round(w * scale);
    this.cssH = Math.round(h0 * scale);
    Object.assign(this.stage.style, { width: `${this.cssW}px`, height: `${this.cssH}px` });
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(this.cssW * dpr);
    this.canvas.height = Math.round(this.cssH * dpr);
    this.draw();
  }

  setMode(mode) {
    this.mode = mode;
    this.draft = null;
    for (const [m, b] of Object.entries(this.modeButtons)) {
      b.classList.toggle("yc-on", m === mode);
      b.setAttribute("aria-pressed", String(m === mode));
    }
    this.hint.textContent = this.tr(mode === "rect" ? "hint_rect" : "hint_polygon");
    this.canvas.style.cursor = "crosshair";
    this.changed();
  }

  point(event) {
    const r = this.canvas.getBoundingClientRect();
    return [clamp01((event.clientX - r.left) / r.width), clamp01((event.clientY - r.top) / r.height)];
  }

  /** Distance in CSS pixels between two normalised points. */
  dist(a, b) {
    return Math.hypot((a[0] - b[0]) * this.cssW, (a[1] - b[1]) * this.cssH);
  }

  bindCanvas() {
    const c = this.canvas;
    c.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      const p = this.point(e);
      if (this.mode === "rect") {
        c.setPointerCapture(e.pointerId);
        this.draft = { type: "rect", from: p, to: p };
      } else {
        this.addPolygonPoint(p);
      }
      this.changed();
    });
    c.addEventListener("pointermove", (e) => {
      this.cursor = this.point(e);
      if (this.draft && this.draft.type === "rect") this.draft.to = this.cursor;
      this.draw();
    });
    c.addEventListener("pointerup", (e) => {
      if (!this.draft || this.draft.type !== "rect") return;
      const { from } = this.draft;
      const to = this.point(e);
      this.draft = null;
      const rect = { type: "rect", x: Math.min(from[0], to[0]), y: Math.min(from[1], to[1]), w: Math.abs(to[0] - from[0]), h: Math.abs(to[1] - from[1]) };
      if (rect.w * this.cssW >= 4 && rect.h * this.cssH >= 4) this.shapes.push(rect); // ignore stray clicks
      this.changed();
    });
    c.addEventListener("pointerleave", () => { this.cursor = null; this.draw(); });
    c.addEventListener("dblclick", (e) => {
      e.preventDefault();
      if (this.mode === "polygon") this.closePolygon();
    });
  }

  addPolygonPoint(p) {
    if (!this.draft) this.draft = { type: "polygon", points: [] };
    const pts = this.draft.points;
    if (pts.length >= 3 && this.dist(p, pts[0]) <= 10) return this.closePolygon();
    // The two clicks of a double-click land on the same spot: keep one point.
    if (pts.length && this.dist(p, pts[pts.length - 1]) < 4) return;
    pts.push(p);
  }

  closePolygon() {
    if (this.draft && this.draft.type === "polygon" && this.draft.points.length >= 3) {
      this.shapes.push({ type: "polygon", points: this.draft.points });
    }
    this.draft = null;
    this.changed();
  }

  undo() {
    if (this.draft) this.draft = null;
    else this.shapes.pop();
    this.changed();
  }

  clear() {
    this.draft = null;
    this.shapes = [];
    this.changed();
  }

  /** Shapes in the full image's pixel coordinates, as the kernel expects them. */
  scaledShapes() {
    const [W, H] = this.naturalSize();
    return this.shapes.map((s) => s.type === "rect"
      ? { type: "rect", x: Math.round(s.x * W), y: Math.round(s.y * H), w: Math.round(s.w * W), h: Math.round(s.h * H) }
      : { type: "polygon", points: s.points.flatMap(([x, y]) => [Math.round(x * W), Math.round(y * H)]) });
  }

  changed() {
    const shapes = this.scaledShapes();
    this.list.replaceChildren(...shapes.map((s, i) => h("li", { class: "yc-shape" },
      s.type === "rect" ? this.tr("shape_rect", s) : this.tr("shape_polygon", { n: s.points.length / 2 }),
      h("button", { class: "yc-icon-btn", type: "button", title: this.tr("remove"), data: { action: "inpaint_remove", index: i }, onclick: () => { this.shapes.splice(i, 1); this.changed(); } }, "✕"))));
    this.list.hidden = !shapes.length;
    const busy = this.view.isBusy(this.card.key, "inpaint_submit", this.index);
    this.submit.disabled = !shapes.length || busy;
    this.submit.title = this.tr(shapes.length ? "region_submit" : "region_empty");
    this.draw();
  }

  send() {
    if (!this.shapes.length) return;
    const prompt = this.prompt.value.trim();
    this.error.replaceChildren();
    this.view.sendAction(this.card.key, "inpaint_submit", "inpaint", this.index,
      { shapes: this.scaledShapes(), prompt: prompt || null }, this.submit, {
        onOk: () => this.overlay.close(),
        // The error also goes on the card; repeat it here, where the user is looking.
        onError: (text) => {
          this.error.replaceChildren(h("div", { class: "yc-error-box" }, h("span", { class: "yc-error" }, text)));
          this.changed();
        },
      });
  }

  draw() {
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.cssW, this.cssH);
    const X = (x) => x * this.cssW;
    const Y = (y) => y * this.cssH;
    const style = (path, closed) => {
      if (closed) { ctx.fillStyle = "rgba(80, 160, 255, 0.28)"; ctx.fill(path); }
      ctx.lineWidth = 3; ctx.strokeStyle = "rgba(0, 0, 0, 0.55)"; ctx.stroke(path);
      ctx.lineWidth = 1.5; ctx.strokeStyle = "#ffffff"; ctx.stroke(path);
    };
    for (const s of this.shapes) {
      const path = new Path2D();
      if (s.type === "rect") path.rect(X(s.x), Y(s.y), X(s.w), Y(s.h));
      else { s.points.forEach(([x, y], i) => (i ? path.lineTo(X(x), Y(y)) : path.moveTo(X(x), Y(y)))); path.closePath(); }
      style(path, true);
    }
    const d = this.draft;
    if (d && d.type === "rect") {
      const path = new Path2D();
      path.rect(X(Math.min(d.from[0], d.to[0])), Y(Math.min(d.from[1], d.to[1])), X(Math.abs(d.to[0] - d.from[0])), Y(Math.abs(d.to[1] - d.from[1])));
      ctx.setLineDash([6, 4]); style(path, true); ctx.setLineDash([]);
    } else if (d && d.type === "polygon" && d.points.length) {
      const path = new Path2D();
      d.points.forEach(([x, y], i) => (i ? path.lineTo(X(x), Y(y)) : path.moveTo(X(x), Y(y))));
      if (this.cursor) path.lineTo(X(this.cursor[0]), Y(this.cursor[1]));
      ctx.setLineDash([6, 4]); style(path, false); ctx.setLineDash([]);
      d.points.forEach(([x, y], i) => {
        ctx.beginPath();
        ctx.arc(X(x), Y(y), i === 0 ? 6 : 3.5, 0, Math.PI * 2);
        ctx.fillStyle = i === 0 ? "#ffd23f" : "#ffffff";
        ctx.fill();
        ctx.lineWidth = 1; ctx.strokeStyle = "rgba(0,0,0,0.6)"; ctx.stroke();
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------

function clamp01(v) {
  return Math.min(1, Math.max(0, v));
}

/** Remove the container's children from `position` on (cards no longer in this place). */
function trimAfter(container, position) {
  while (container.children.length > position) container.lastElementChild.remove();
}

/** Run a DOM move and give focus (and caret) back to the element that had it. */
function keepingFocus(move) {
  const active = /** @type {HTMLInputElement | null} */ (document.activeElement);
  const caret = active && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;
  move();
  if (active && active !== document.activeElement && active.isConnected) {
    active.focus({ preventScroll: true });
    if (caret && caret[0] !== null) {
      try { active.setSelectionRange(caret[0], caret[1]); } catch (_) { /* inputs without a caret */ }
    }
  }
}

async function copyText(text, element) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (_) {
    // No clipboard API (insecure context): select the text so Ctrl+C works, and try execCommand.
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try { return document.execCommand("copy"); } catch (__) { return false; }
  }
}

export default {
  render({ model, el }) {
    const view = new CardView(model, el);
    return () => view.destroy();
  },
};
