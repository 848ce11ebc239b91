"""The Studio in a real JupyterLab and Notebook 7, driven by Chromium, against the simulator:
a picture dropped on a role's target reaches the kernel (its bytes over the widget comm), a
file that is not a picture is one line in the Studio, and Imagine sends the dropped picture as
an uploaded URL at the start of the prompt. Every wait is on a condition in the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

JOB_TIMEOUT = 60_000
CELLS = ["%load_ext youchuan_nb", "from youchuan_nb import Studio\nstudio = Studio()\nstudio"]

# a drag of one file from the desktop onto the target of ``role``, as Chromium delivers it: a
# small PNG, or with ``big`` one over the websocket's 10 MiB (a 3000 x 2400 noise PNG, about
# 28 MB, made in the page); or text (11 MB of it with ``big``). Returns the file's size.
DROP = """async ({role, name, png, big}) => {
  let file;
  if (png) {
    const [w, h] = big ? [3000, 2400] : [64, 48];
    const c = document.createElement('canvas'); c.width = w; c.height = h;
    const g = c.getContext('2d');
    if (big) {
      const img = g.createImageData(w, h);
      for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 2654435761) >>> 24;
      g.putImageData(img, 0, 0);
    } else {
      g.fillStyle = '#1fa050'; g.fillRect(0, 0, w, h);
    }
    const blob = await new Promise((done) => c.toBlob(done, 'image/png'));
    file = new File([blob], name, {type: 'image/png'});
  } else {
    const text = big ? new Uint8Array(11 * 1024 * 1024) : 'just some notes';
    file = new File([text], name, {type: 'text/plain'});
  }
  const dt = new DataTransfer(); dt.items.add(file);
  const zone = document.querySelector(`.yc-drop-zone[data-role="${role}"]`);
  for (const type of ['dragenter', 'dragover', 'drop'])
    zone.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: dt}));
  return file.size;
}"""


@pytest.fixture(params=["lab", "nb7"])
def page(request, lab, browser, browser_context_args, helpers):
    name = f"studio-{request.param}.ipynb"
    helpers.write_notebook(lab.root / name, CELLS)
    pg = helpers.new_page(browser, browser_context_args)
    path = "lab/tree" if request.param == "lab" else "notebooks"
    helpers.open_notebook(pg, f"{lab.url}/{path}/{name}")
    helpers.run_all(pg)
    pg.flavour = request.param
    yield pg
    pg.context.close()


def test_a_dropped_picture_is_the_image_prompt_of_the_next_grid(page, sim, shots):
    studio = page.locator(".yc-studio")
    expect(studio.locator(".yc-drop-zone")).to_have_count(3, timeout=JOB_TIMEOUT)
    # a file that is not a picture: one line in the Studio, nothing taken
    page.evaluate(DROP, {"role": "sref", "name": "notes.txt", "png": False, "big": False})
    expect(studio).to_contain_text("notes.txt is not a picture", timeout=30_000)
    expect(studio.locator('.yc-drop-zone[data-role="sref"] .yc-drop-name')).to_have_count(0)
    expect(studio.locator(".yc-drop-note")).to_have_text("")
    # a picture: the target names it, the Studio shows its thumbnail
    page.evaluate(DROP, {"role": "image", "name": "my sketch.png", "png": True, "big": False})
    zone = studio.locator('.yc-drop-zone[data-role="image"] .yc-drop-name')
    expect(zone).to_have_text("my sketch.png", timeout=30_000)
    expect(studio).to_contain_text("Image prompt: my sketch.png")
    before = len(sim.created())
    studio.locator("textarea").fill("a watercolor of this sketch")
    studio.get_by_role("button", name="Imagine").click()
    card = studio.locator(".yc-list > .yc-card").first
    expect(card).to_have_attribute("data-status", "finished", timeout=JOB_TIMEOUT)
    made = sim.created()[before:]
    assert [m["endpoint"] for m in made] == ["diffusion"], made
    text = made[0]["body"]["text"]
    first = text.split()[0]
    assert "/_sim/uploads/" in first and first.startswith("http://127.0.0.1:"), text
    assert "a watercolor of this sketch" in text
    page.screenshot(path=str(shots / f"studio-drop-{page.flavour}.png"))
    # Notebook 7 itself throws a couple at start-up (a settings schema, a file-browser command)
    ours = [e for e in page.errors if any(s in e for s in ("youchuan", "yc-", "DropView", "blob:"))]
    assert not ours, ours


def test_a_dropped_picture_over_10_mb_is_made_smaller_first(page, sim):
    """A picture too big for the Jupyter websocket is shrunk in the browser to the kernel's
    bound (2048 px) and taken; a file that big that is not a picture is refused there, in words.
    """
    import io

    import requests
    from PIL import Image

    studio = page.locator(".yc-studio")
    expect(studio.locator(".yc-drop-zone")).to_have_count(3, timeout=JOB_TIMEOUT)
    size = page.evaluate(DROP, {"role": "oref", "name": "notes.bin", "png": False, "big": True})
    assert size > 10 * 1024 * 1024
    expect(studio.locator(".yc-drop-note")).to_contain_text("too large", timeout=30_000)
    size = page.evaluate(DROP, {"role": "sref", "name": "huge scan.png", "png": True, "big": True})
    assert size > 10 * 1024 * 1024, size  # the file as dropped would not fit the websocket
    zone = studio.locator('.yc-drop-zone[data-role="sref"] .yc-drop-name')
    expect(zone).to_have_text("huge scan.png", timeout=60_000)
    before = len(sim.created())
    studio.locator("textarea").fill("a poster in this style")
    studio.get_by_role("button", name="Imagine").click()
    card = studio.locator(".yc-list > .yc-card").first
    expect(card).to_have_attribute("data-status", "finished", timeout=JOB_TIMEOUT)
    made = sim.created()[before:]
    assert [m["endpoint"] for m in made] == ["diffusion"], made
    words = made[0]["body"]["text"].split()
    url = words[words.index("--sref") + 1]
    assert "/_sim/uploads/" in url, words
    picture = Image.open(io.BytesIO(requests.get(url, timeout=30).content))
    assert max(picture.size) == 2048 and picture.size == (2048, 1638), picture.size
