// The Studio's drop targets (youchuan_nb/notebook/_picture_drop.py owns the state):
//   `roles`    the targets, in order ("image", "sref", "oref"),
//   `strings`  fixed texts: "drop.js.<role>", "drop.js.hint", "drop.js.too_big", ...
//   `accepted` {role: file name} of what the kernel took (shown on the target),
//   `max_side` the long side the kernel shrinks pictures to (a picture too big to send is
//              shrunk to it here first).
// A picture dropped on a target is sent to the kernel as its bytes (one custom message with
// one buffer); the kernel checks it and says in the Studio if it is not a picture. Names and
// every other text go in with textContent, never as HTML.

// Jupyter Server's websocket takes messages up to 10 MiB from the browser (tornado's default);
// a bigger file would vanish without a word, so it is refused here with a message instead.
const MAX_BYTES = 10 * 1024 * 1024 - 64 * 1024;

/** @param {string} tag @param {string} cls @param {string} [text] */
function el(tag, cls, text) {
  const node = document.createElement(tag);
  node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** @param {string} template @param {Record<string, string>} values */
function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
}

class DropView {
  constructor(model, root) {
    this.model = model;
    this.root = root;
    this.onChange = () => this.render();
    // the kernel has taken the picture (the target names it) or said in the Studio why not
    this.onMessage = (msg) => { if (msg && msg.type === "done" && this.note) this.note.textContent = ""; };
    for (const name of ["roles", "strings", "accepted"]) model.on(`change:${name}`, this.onChange);
    model.on("msg:custom", this.onMessage);
    this.render();
  }

  destroy() {
    for (const name of ["roles", "strings", "accepted"]) this.model.off(`change:${name}`, this.onChange);
    this.model.off("msg:custom", this.onMessage);
  }

  tr(key, values = {}) {
    const strings = this.model.get("strings") || {};
    return fill(strings[`drop.js.${key}`] || key, values);
  }

  render() {
    const accepted = this.model.get("accepted") || {};
    const wrap = el("div", "yc-drop");
    wrap.append(el("span", "yc-drop-hint", this.tr("hint")));
    for (const role of this.model.get("roles") || []) {
      const zone = el("div", "yc-drop-zone");
      zone.dataset.role = role;
      zone.title = this.tr(`${role}.tooltip`);
      zone.append(el("span", "yc-drop-role", this.tr(role)));
      if (accepted[role]) zone.append(el("span", "yc-drop-name", accepted[role]));
      zone.addEventListener("dragenter", (e) => this.over(e, zone, true));
      zone.addEventListener("dragover", (e) => this.over(e, zone, true));
      zone.addEventListener("dragleave", (e) => this.over(e, zone, false));
      zone.addEventListener("drop", (e) => this.drop(e, zone, role));
      wrap.append(zone);
    }
    this.note = el("span", "yc-drop-note");
    this.note.setAttribute("role", "status");
    wrap.append(this.note);
    this.root.replaceChildren(wrap);
  }

  /** Take the drag here (JupyterLab would otherwise handle the file itself). */
  over(e, zone, inside) {
    e.preventDefault();
    e.stopPropagation();
    if (e.dataTransfer && inside) e.dataTransfer.dropEffect = "copy";
    zone.classList.toggle("yc-over", inside);
  }

  async drop(e, zone, role) {
    this.over(e, zone, false);
    const files = e.dataTransfer ? [...e.dataTransfer.files] : [];
    if (!files.length) {
      this.note.textContent = this.tr("no_file");
      return;
    }
    const file = files[0];
    /** @type {Blob} */
    let data = file;
    if (file.size > MAX_BYTES) {
      // A picture the kernel would shrink anyway is shrunk here, so it fits the websocket.
      const smaller = await this.shrink(file).catch(() => null);
      if (!smaller || smaller.size > MAX_BYTES) {
        this.note.textContent = this.tr("too_big", { name: file.name, mb: (file.size / 1048576).toFixed(1) });
        return;
      }
      data = smaller;
      this.note.textContent = this.tr("shrunk", { name: file.name });
    } else {
      this.note.textContent = this.tr("sending", { name: file.name });
    }
    const bytes = await data.arrayBuffer();
    this.model.send({ type: "drop", role, name: file.name }, undefined, [bytes]);
  }

  /** ``file`` as a JPEG whose long side is at most ``max_side`` (its EXIF orientation applied,
   * its metadata gone, as the kernel would make it); rejects if it is not a picture. */
  async shrink(file) {
    const side = this.model.get("max_side") || 2048;
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return await new Promise((done) => canvas.toBlob(done, "image/jpeg", 0.92));
  }
}

export default {
  render({ model, el: root }) {
    const view = new DropView(model, root);
    return () => view.destroy();
  },
};
