"""The simulator's drawing: CPU time to draw one 1024 x 1024 grid (four PNGs), plain and with
the flags the teaching notebook sweeps (their effects: ``youchuan_nb/sim/_look.py``).

CPU time of this process (the drawing is single-threaded PIL), so a busy machine changes it
less than wall time; median of several grids with different seeds. Run alone:
``python -m bench sim_draw``.
"""

from __future__ import annotations

import time

from ._common import Result, median

NAME = "sim_draw"
PROMPTS = {
    "plain": "a lighthouse at dusk, oil painting --v 7",
    "--stylize 750 --chaos 50": "a lighthouse at dusk --stylize 750 --chaos 50 --v 7",
    "--tile --weird 1000 --no red --style raw": (
        "a lighthouse at dusk --tile --weird 1000 --no red --style raw --v 7"
    ),
    "a Chinese caption": "海边的灯塔，油画 --v 7",
}


def run(quick: bool = False) -> list[Result]:
    from youchuan_nb.sim import _images

    grids = 3 if quick else 10
    results = []
    for label, prompt in PROMPTS.items():
        _images.grid_images(prompt, 0, 1024, 1024)  # warm: fonts, caches
        times = []
        for seed in range(1, grids + 1):
            started = time.process_time()
            _images.grid_images(prompt, seed, 1024, 1024)
            times.append((time.process_time() - started) * 1000)
        results.append(
            Result(NAME, f"draw a 1024x1024 grid, {label}", median(times), None, "ms CPU")
        )
    return results
