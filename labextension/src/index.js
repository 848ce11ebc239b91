/**
 * youchuan-nb: saved job cards always show, in JupyterLab 4 and Notebook 7, with default settings.
 *
 * The problem: a card is an anywidget. Its saved output holds the widget view
 * (application/vnd.jupyter.widget-view+json), a text/html copy with thumbnails and text/plain.
 * The widget manager's renderer always wins for that output; when the widget model is gone (the
 * kernel that made it has stopped, widget state was not saved) it shows "Error displaying widget:
 * model not found" and the text/html copy is never used (ipywidgets#3773, jupyterlab#15361).
 *
 * What this plugin does:
 *
 * 1. Every renderer factory registered for the widget view mime type (the widget manager
 *    registers a placeholder in the app's registry, then one bound to each notebook's widget
 *    manager in that notebook's registry, removing whatever was there before) is wrapped as it is
 *    added. The wrapper holds the real widget renderer and, for an output that has a text/html
 *    sibling, shows the live widget when its model exists and the text/html copy otherwise
 *    (sanitised by JupyterLab's own RenderedHTML exactly as an untrusted/trusted text/html output
 *    would be). If the model turns up later (the widget manager is restored from a running
 *    kernel and re-renders), the live widget replaces the copy; if a live view goes away (kernel
 *    restart), the copy comes back instead of an empty output.
 *    The wrapper's class extends the widget manager's own renderer class (taken from an instance
 *    at run time, no import), so the manager still finds it when it hands its manager to the
 *    renderers created before it was ready; the wrapper passes the manager on.
 *
 * 2. Saved cards come back to life (revive.js): a card shown from its copy asks the notebook's
 *    kernel, once it has run `%load_ext youchuan_nb`, for a live card of the same jobs, and the
 *    kernel's answer replaces the saved output, so the live widget renders in its place.
 *
 * 3. When a notebook is saved, the widget state of youchuan_nb cards is left out of the file's
 *    metadata.widgets (if "save widget state" is on): the cards do not need it (their text/html
 *    copy is what shows when the model is gone), it roughly doubles the file's size, and with it
 *    nbconvert's HTML shows the widget view, which needs scripts from a CDN, instead of the copy.
 */
import { MimeModel, RenderedHTML, IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { INotebookTracker } from '@jupyterlab/notebook';
import { reviveRequestOf, reviverOf, wantLife } from './revive';

const WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json';
const WIDGET_STATE = 'application/vnd.jupyter.widget-state+json';
const WRAPPED = Symbol.for('youchuan-nb.wrapped');
// How long the live widget may take to show before the saved copy is shown in its place. The
// widget manager says at once when the model is missing; this only covers a notebook whose widget
// manager never comes (no kernel) or is slow to start.
const SETTLE_MS = 250;
const CARD_ID_PREFIX = 'youchuan_nb.';

function htmlOf(model) {
  const value = model && model.data ? model.data['text/html'] : undefined;
  if (Array.isArray(value)) return value.join('');
  return typeof value === 'string' && value ? value : null;
}

const classes = new Map();
let notebooks = null; // the notebook tracker (saved cards come back to life: revive.js)

/** The wrapper class for renderers of class ``Base`` (the widget manager's WidgetRenderer). */
function wrapperClass(Base) {
  if (classes.has(Base)) return classes.get(Base);

  class SavedWidgetRenderer extends Base {
    constructor(options, inner, early) {
      super({ mimeType: options.mimeType });
      const s = {
        options,
        inner,
        early,
        fallback: null,
        fallbackFor: null,
        model: null,
        modelId: null,
        mode: 'wait', // 'wait' | 'live' | 'copy'
        timer: 0,
        watched: new Set()
      };
      this._yc = s;
      this.addClass('yc-saved-widget');
      this.node.dataset.ycMode = 'wait';
      // Every (re)render of the real renderer, including the one the widget manager starts when
      // it is restored, ends with a look at what it produced.
      const render = inner.renderModel.bind(inner);
      inner.renderModel = model => {
        const done = render(model);
        done.then(
          () => this._ycCheck(),
          () => this._ycCheck()
        );
        return done;
      };
      this.addWidget(inner);
    }

    /** The output model shown (revive.js finds it in its notebook by this). */
    get ycModel() {
      return this._yc ? this._yc.model : null;
    }

    ycHtml() {
      return htmlOf(this._yc.model);
    }

    /** Showing the saved copy of a card that names its jobs: a kernel may bring it back. */
    ycWantsLife() {
      const s = this._yc;
      return s.mode === 'copy' && reviveRequestOf(s.model, htmlOf(s.model)) !== null;
    }

    /** The widget manager hands itself to renderers made before it was ready: pass it on. */
    set manager(value) {
      if (this._yc) this._yc.inner.manager = value;
    }

    async renderModel(model) {
      const s = this._yc;
      const html = htmlOf(model);
      const view = model.data[WIDGET_VIEW] || {};
      s.model = model;
      if (html === null) {
        // nothing to fall back on: the widget manager's renderer as it is
        this._ycShow('live');
        return s.inner.renderModel(model);
      }
      if (s.mode === 'live' && view.model_id && view.model_id === s.modelId) {
        // An update of the same display (the card refreshes its saved copy when its jobs
        // settle): the live view already shows this model; re-rendering would only rebuild it.
        return;
      }
      s.modelId = view.model_id;
      if (s.mode === 'copy' || (s.early && s.mode === 'wait')) {
        // the copy now (refreshed), then see whether the model is there: a renderer made before
        // its notebook's widget manager exists cannot have a live view for a while anyway
        this._ycShow('copy');
      } else {
        clearTimeout(s.timer);
        s.timer = setTimeout(() => {
          if (s.mode === 'wait') this._ycShow('copy');
        }, SETTLE_MS);
      }
      s.inner.renderModel(model).catch(() => undefined);
    }

    /** After the real renderer finished: a view means live; anything else means the copy. */
    _ycCheck() {
      const s = this._yc;
      if (this.isDisposed || s.inner.isDisposed || htmlOf(s.model) === null) return;
      const views = s.inner.widgets.filter(w => !w.isDisposed);
      if (views.length) {
        for (const view of views) {
          if (s.watched.has(view)) continue;
          s.watched.add(view);
          // a live view that goes away (kernel restarted, widget closed): show the copy
          view.disposed.connect(() => {
            s.watched.delete(view);
            if (!this.isDisposed && s.mode === 'live') {
              s.modelId = null;
              this._ycShow('copy');
              wantLife(notebooks, this);
            }
          });
        }
        this._ycShow('live');
      } else {
        this._ycShow('copy');
        wantLife(notebooks, this);
      }
    }

    _ycShow(mode) {
      const s = this._yc;
      clearTimeout(s.timer);
      s.mode = mode;
      this.node.dataset.ycMode = mode;
      if (mode === 'live') {
        s.inner.show();
        if (s.fallback) s.fallback.hide();
        return;
      }
      s.inner.hide();
      // its "Loading widget..." or "Error displaying widget: model not found" (hidden) goes too
      if (!s.inner.widgets.length) s.inner.node.textContent = '';
      if (!s.fallback) {
        s.fallback = new RenderedHTML({ ...s.options, mimeType: 'text/html' });
        s.fallback.addClass('yc-saved-copy');
        this.addWidget(s.fallback);
      }
      s.fallback.show();
      if (s.fallbackFor !== s.model) {
        s.fallbackFor = s.model;
        const model = s.model;
        s.fallback
          .renderModel(
            new MimeModel({
              data: { 'text/html': htmlOf(model) },
              metadata: model.metadata,
              trusted: model.trusted
            })
          )
          .catch(err => console.error('youchuan-nb: could not show the saved copy', err));
      }
    }

    dispose() {
      if (this.isDisposed) return;
      clearTimeout(this._yc.timer);
      super.dispose();
    }
  }

  classes.set(Base, SavedWidgetRenderer);
  return SavedWidgetRenderer;
}

/**
 * The factory ``factory`` with every widget view renderer it makes wrapped. ``early``: the
 * widget manager's placeholder (in the app's registry), whose renderers have no manager yet.
 */
function wrapFactory(factory, early) {
  if (factory[WRAPPED]) return factory;
  const wrapped = {
    safe: factory.safe,
    mimeTypes: factory.mimeTypes,
    defaultRank: factory.defaultRank,
    createRenderer: options => {
      const inner = factory.createRenderer(options);
      if (
        options.mimeType !== WIDGET_VIEW ||
        typeof inner.renderModel !== 'function' ||
        typeof inner.addWidget !== 'function' ||
        typeof inner.constructor !== 'function'
      ) {
        return inner;
      }
      const Wrapper = wrapperClass(inner.constructor);
      return new Wrapper(options, inner, early);
    }
  };
  wrapped[WRAPPED] = true;
  return wrapped;
}

function wrapRegistries(rendermime) {
  const proto = Object.getPrototypeOf(rendermime);
  if (!proto.addFactory[WRAPPED]) {
    const addFactory = proto.addFactory;
    const patched = function (factory, rank) {
      if (factory && Array.isArray(factory.mimeTypes) && factory.mimeTypes.includes(WIDGET_VIEW)) {
        factory = wrapFactory(factory, this === rendermime);
      }
      return addFactory.call(this, factory, rank);
    };
    patched[WRAPPED] = true;
    proto.addFactory = patched;
  }
  // the widget manager plugin may have registered its placeholder already
  const current = rendermime.getFactory(WIDGET_VIEW);
  if (current && !current[WRAPPED]) {
    const rank = rendermime.getRank(WIDGET_VIEW);
    rendermime.removeMimeType(WIDGET_VIEW);
    rendermime.addFactory(current, rank);
  }
}

// -- widget state on save -------------------------------------------------------------------------

function refsOf(value, out) {
  const text = JSON.stringify(value || {});
  for (const m of text.match(/IPY_MODEL_[0-9A-Za-z_-]+/g) || []) out.add(m.slice(10));
  return out;
}

/** ``widgets`` (notebook metadata) without the cards' models, or null when nothing changes. */
function withoutCardState(widgets) {
  const entry = widgets && widgets[WIDGET_STATE];
  const state = entry && entry.state;
  if (!state || typeof state !== 'object') return null;
  const drop = new Set(
    Object.keys(state).filter(id => {
      const anyId = state[id] && state[id].state && state[id].state._anywidget_id;
      return typeof anyId === 'string' && anyId.startsWith(CARD_ID_PREFIX);
    })
  );
  if (!drop.size) return null;
  // the layout/style models that only the dropped models refer to go too
  const kept = new Set();
  for (const id of Object.keys(state)) if (!drop.has(id)) refsOf(state[id].state, kept);
  const orphans = new Set();
  for (const id of drop) refsOf(state[id].state, orphans);
  for (const id of orphans) if (!kept.has(id)) drop.add(id);
  const rest = {};
  for (const id of Object.keys(state)) if (!drop.has(id)) rest[id] = state[id];
  return { ...widgets, [WIDGET_STATE]: { ...entry, state: rest } };
}

function watchSaves(panel) {
  const context = panel.context;
  let saving = false;
  const strip = () => {
    const model = context.model;
    if (!model || typeof model.getMetadata !== 'function') return;
    const filtered = withoutCardState(model.getMetadata('widgets'));
    if (!filtered) return;
    if (Object.keys(filtered[WIDGET_STATE].state).length) {
      model.setMetadata('widgets', filtered);
    } else {
      // nothing left: no metadata.widgets at all (nbconvert then loads no widget scripts)
      model.deleteMetadata('widgets');
    }
  };
  // Connected before the widget manager (made once the kernel is ready) connects its own
  // handler, which writes the state after this one has run: metadataChanged catches that write.
  context.saveState.connect((_, state) => {
    saving = state === 'started';
    if (saving) strip();
  });
  context.ready.then(() => {
    context.model.metadataChanged.connect((_, change) => {
      if (saving && change && change.key === 'widgets') strip();
    });
  });
}

const plugin = {
  id: 'youchuan-nb:saved-cards',
  description: 'Shows a saved job card (its text/html copy) when its widget model is gone.',
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [INotebookTracker],
  activate: (app, rendermime, tracker) => {
    wrapRegistries(rendermime);
    notebooks = tracker || null;
    if (tracker) {
      // each notebook listens for its kernel's "ready to revive" from the start (revive.js)
      const follow = panel => {
        watchSaves(panel);
        reviverOf(tracker, panel);
      };
      tracker.forEach(follow);
      tracker.widgetAdded.connect((_, panel) => follow(panel));
    }
  }
};

export default plugin;
