/**
 * Saved cards come back to life: a card (or a sweep's sheet) shown from its saved copy (its
 * widget model is gone) asks the notebook's kernel for a live one of the same jobs, once it has run
 * `%load_ext youchuan_nb` (the kernel side and the protocol: youchuan_nb/notebook/_revive.py).
 *
 * Per notebook, a Reviver follows the session's kernel. It knows the kernel can revive when
 * the kernel's `youchuan_nb.ready` comm opens (%load_ext ran while the notebook was open) or is
 * listed by a comm_info request (it ran before: a page reload); it never asks a kernel that
 * cannot. Then, for each card waiting on the saved copy, it opens a `youchuan_nb.revive` comm
 * with the card's job ids; the kernel answers with the live card's output bundle, which
 * replaces the saved output in the notebook model. The output area then renders it with the
 * widget manager, whose model for it arrived on the kernel's widget comm_open just before the
 * answer (the kernel connection handles its messages one at a time, in order). Later answers
 * on the same comm (the card settled after a follow-up) replace the output again, so the saved
 * copy keeps up. Nothing here submits anything: the kernel only builds the card.
 */

export const REVIVE_TARGET = 'youchuan_nb.revive';
export const READY_TARGET = 'youchuan_nb.ready';

/** The top-level job ids a saved card's output names (its metadata, else its saved copy). */
export function jobIdsOf(model, html) {
  const meta = model && model.metadata ? model.metadata.youchuan_nb : null;
  const ok = id => typeof id === 'string' && id.length > 0 && id.length <= 200;
  if (meta && Array.isArray(meta.job_ids) && meta.job_ids.length) {
    return meta.job_ids.filter(ok);
  }
  if (meta && ok(meta.job_id)) return [meta.job_id];
  const found = html ? /data-yc-jobs="([^"]*)"/.exec(html) : null;
  return found ? found[1].split(/\s+/).filter(ok) : [];
}

/**
 * What to ask the kernel for to bring output ``model`` back, or null: a card's top-level job
 * ids (``{job_ids}``), or a sweep sheet's jobs with their prompts and options (``{sweep,
 * prompts, values}``; a sheet saved before these were kept stays a copy).
 */
export function reviveRequestOf(model, html) {
  const meta = model && model.metadata ? model.metadata.youchuan_nb : null;
  if (meta && Array.isArray(meta.sweep)) {
    const n = meta.sweep.length;
    const same = list => Array.isArray(list) && list.length === n;
    if (!n || !same(meta.prompts) || !same(meta.values)) return null;
    return { sweep: meta.sweep, prompts: meta.prompts, values: meta.values };
  }
  const ids = jobIdsOf(model, html);
  return ids.length ? { job_ids: ids } : null;
}

/** Where output model ``model`` sits in the tracker's notebooks: {panel, outputs, index}. */
function locate(tracker, model) {
  let found = null;
  tracker.forEach(panel => {
    if (found || !panel.content || !panel.content.model) return;
    const cells = panel.content.model.cells;
    for (let c = 0; c < cells.length && !found; c++) {
      const outputs = cells.get(c).outputs;
      if (!outputs) continue;
      for (let k = 0; k < outputs.length; k++) {
        if (outputs.get(k) === model) {
          found = { panel, outputs, index: k };
          break;
        }
      }
    }
  });
  return found;
}

class Reviver {
  constructor(tracker, panel) {
    this.tracker = tracker;
    this.panel = panel;
    this.kernel = null;
    this.ready = false;
    this.asked = null; // the comm_info request for this kernel, once made
    this.waiting = new Set(); // renderers showing a saved copy that could come back
    this.live = new Set(); // revivals in progress or done: {comm, model, renderer}
    const session = panel.sessionContext;
    session.kernelChanged.connect(() => this._follow(), this);
    session.statusChanged.connect((_, status) => {
      // a restart: the new kernel process has not run %load_ext yet
      if (status === 'restarting' || status === 'autorestarting' || status === 'dead') {
        this._forget();
      }
    }, this);
    this._follow();
  }

  _forget() {
    this.ready = false;
    this.asked = null;
    this.live.clear();
  }

  _follow() {
    const session = this.panel.sessionContext.session;
    const kernel = session ? session.kernel : null;
    if (kernel === this.kernel) return;
    this.kernel = kernel;
    this._forget();
    if (!kernel) return;
    kernel.registerCommTarget(READY_TARGET, () => {
      if (this.kernel !== kernel) return;
      this.ready = true;
      this._flush();
    });
    this._flush();
  }

  /** ``renderer`` shows a saved copy: bring its card back when the kernel can. */
  want(renderer) {
    if (this.setting) return; // the output being replaced by a revival answer
    this.waiting.add(renderer);
    this._flush();
  }

  _flush() {
    const kernel = this.kernel;
    if (!kernel || !this.waiting.size) return;
    if (!this.ready) {
      if (!this.asked) {
        this.asked = kernel
          .requestCommInfo({ target_name: READY_TARGET })
          .then(reply => {
            const comms = (reply && reply.content && reply.content.comms) || {};
            if (this.kernel === kernel && Object.keys(comms).length) {
              this.ready = true;
              this._flush();
            }
          })
          .catch(() => {
            if (this.kernel === kernel) this.asked = null;
          });
      }
      return;
    }
    for (const renderer of [...this.waiting]) {
      if (renderer.isDisposed || !renderer.ycWantsLife()) {
        this.waiting.delete(renderer);
      } else if (![...this.live].some(e => e.model === renderer.ycModel)) {
        this.waiting.delete(renderer);
        this._revive(kernel, renderer);
      }
      // else: its revival is on its way (or the kernel is about to restart): it stays waiting
    }
  }

  _revive(kernel, renderer) {
    const model = renderer.ycModel;
    const request = reviveRequestOf(model, renderer.ycHtml());
    if (!request) return;
    let comm;
    try {
      comm = kernel.createComm(REVIVE_TARGET);
    } catch (err) {
      console.warn('youchuan-nb: cannot ask the kernel for a live card', err);
      return;
    }
    const entry = { comm, model, renderer };
    this.live.add(entry);
    comm.onMsg = msg => this._answer(entry, msg.content.data || {});
    comm.onClose = () => {
      this.live.delete(entry);
    };
    comm.open(request);
  }

  _answer(entry, data) {
    if (data.type === 'error') {
      console.warn('youchuan-nb: the saved card stays a copy:', data.message);
      return;
    }
    if (data.type !== 'output' || !data.data) return;
    const where = locate(this.tracker, entry.model);
    if (!where) {
      // the output is gone (the cell ran again, was cleared or deleted)
      this.live.delete(entry);
      entry.comm.close();
      return;
    }
    const json = entry.model.toJSON();
    this.setting = true;
    try {
      where.outputs.set(where.index, { ...json, data: data.data, metadata: data.metadata || {} });
    } finally {
      this.setting = false;
    }
    entry.model = where.outputs.get(where.index);
  }
}

const revivers = new WeakMap();

/** The Reviver of ``panel`` (made once). */
export function reviverOf(tracker, panel) {
  let reviver = revivers.get(panel);
  if (!reviver) {
    reviver = new Reviver(tracker, panel);
    revivers.set(panel, reviver);
  }
  return reviver;
}

/** A renderer of output model ``model`` shows its saved copy: revive it if it is a notebook's. */
export function wantLife(tracker, renderer) {
  if (!tracker || !renderer.ycModel) return;
  const where = locate(tracker, renderer.ycModel);
  if (where) reviverOf(tracker, where.panel).want(renderer);
}
