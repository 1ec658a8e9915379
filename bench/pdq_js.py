"""Benchmark of pdq.js: a 12-megapixel photo decoded and PDQ-hashed in headless chromium, CPU slowed down.

    .venv/bin/python bench/pdq_js.py --runs 7 --throttle 4

Makes a synthetic photo-like 4000x3000 image (JPEG, quality 90, as a phone would save it), serves
it with pdq.js, md5.js and a small page from a local HTTP server, and opens the page in Debian's
chromium, launched as tests/browser/conftest.py does, with CPU throttling through the DevTools
protocol (`Emulation.setCPUThrottlingRate`, a cheap phone's proxy). Each run starts from the
file's bytes: createImageBitmap (EXIF orientation applied, no colour conversion), an
OffscreenCanvas, getImageData, pdqHash; MD5 is timed apart. Runs happen in a Web Worker, as the
block-image page does, and on the page's main thread, with and without throttling, interleaved;
the median of the runs is reported (the first run, which compiles, is left out). The last line
is JSON. Checks that the hash equals pdqhash's on Pillow's decoding of the same file.

DevTools throttles a page's main thread only: asked to throttle a worker it answers "Operation
is only supported for pages, not workers", and a worker slows down only partly when its page is
throttled. So the main-thread figure at 4x is the one that stands for a slow phone; the worker
runs the same code, on its own core.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
from functools import partial
from pathlib import Path
from typing import Any

# bench/http.py shares its name with the standard library's `http` package: this folder must not be
# on the path, or every `import http.client` would find that script.
sys.path.remove(str(Path(__file__).resolve().parent))
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
from PIL import Image
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from childshield.hashing.imaging import pdq_from_array
from tests.browser.conftest import CHROMIUM
from tests.browser.pdq_images import PAINTERS, Synthetic

STATIC = Path(__file__).resolve().parent.parent / "childshield" / "hashing" / "static" / "hashing"

# One run: the file's bytes to {hash, quality, decodeMs, hashMs}; the same code in the worker
# and on the main thread.
RUN_JS = """
import { pdqHash } from "./pdq.js";
import { md5Hex } from "./md5.js";

export async function hashFile(bytes, type) {
  const t0 = performance.now();
  const bitmap = await createImageBitmap(new Blob([bytes], { type }), {
    imageOrientation: "from-image", colorSpaceConversion: "none",
  });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  const t1 = performance.now();
  const { hash, quality } = pdqHash(pixels);
  const t2 = performance.now();
  const md5 = md5Hex(bytes);
  const t3 = performance.now();
  return { hash, quality, md5, decodeMs: t1 - t0, hashMs: t2 - t1, md5Ms: t3 - t2 };
}
"""

WORKER_JS = """
import { hashFile } from "./run.js";
self.onmessage = async (event) => {
  self.postMessage(await hashFile(new Uint8Array(event.data.bytes), event.data.type));
};
"""

PAGE_HTML = """<!doctype html><html lang=en><title>pdq.js benchmark</title>
<script type=module>
import { hashFile } from "./run.js";
const worker = new Worker("./worker.js", { type: "module" });
window.bench = async (name, type, where) => {
  const bytes = await (await fetch(name)).arrayBuffer();
  const t0 = performance.now();
  let result;
  if (where === "worker") {
    result = await new Promise((resolve) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.postMessage({ bytes, type }, [bytes]);
    });
  } else {
    result = await hashFile(new Uint8Array(bytes), type);
  }
  return { ...result, totalMs: performance.now() - t0 };
};
window.ready = true;
</script>"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def photo_jpeg(width: int, height: int) -> bytes:
    image = Synthetic(f"photo-{width}x{height}", width, height, PAINTERS["photo"], 2026).image()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs per setting (after one warm-up)")
    parser.add_argument("--throttle", type=float, default=4.0, help="CPU slowdown rate")
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    args = parser.parse_args()

    jpeg = photo_jpeg(args.width, args.height)
    with Image.open(io.BytesIO(jpeg)) as image:
        expected = pdq_from_array(np.asarray(image.convert("RGB")))

    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        for name in ("pdq.js", "md5.js"):
            shutil.copy(STATIC / name, site / name)
        (site / "run.js").write_text(RUN_JS)
        (site / "worker.js").write_text(WORKER_JS)
        (site / "index.html").write_text(PAGE_HTML)
        (site / "photo.jpg").write_bytes(jpeg)
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=folder))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            results = measure(f"http://127.0.0.1:{server.server_address[1]}/", args.runs, args.throttle)
        finally:
            server.shutdown()
            server.server_close()

    summary: dict[str, Any] = {
        "image": f"{args.width}x{args.height} JPEG q90, {len(jpeg) / 2**20:.1f} MiB",
        "chromium": results.pop("version"),
        "hash_equals_pdqhash": results.pop("hashes") == {expected.value},
        "load_average": [round(load, 1) for load in os.getloadavg()],
    }
    print(f"{summary['image']}; {summary['chromium']}; equals pdqhash: {summary['hash_equals_pdqhash']}")
    print(f"load average after the runs: {summary['load_average']}")
    print(f"{'setting':<22}{'total ms':>10}{'decode ms':>11}{'hash ms':>9}{'md5 ms':>8}   (medians)")
    for setting, runs in results.items():
        medians = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        summary[setting] = {key: round(value) for key, value in medians.items()}
        print(
            f"{setting:<22}{medians['totalMs']:>10.0f}{medians['decodeMs']:>11.0f}"
            f"{medians['hashMs']:>9.0f}{medians['md5Ms']:>8.0f}"
        )
    print(json.dumps(summary))


def measure(base: str, runs: int, throttle: float) -> dict[str, Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page()
        page.goto(base + "index.html")
        page.wait_for_function("window.ready === true")
        cdp = page.context.new_cdp_session(page)
        settings = [(where, rate) for rate in (throttle, 1.0) for where in ("main thread", "worker")]
        results: dict[str, Any] = {f"{where}, {rate:g}x CPU": [] for where, rate in settings}
        hashes = set()
        for round_ in range(runs + 1):
            for where, rate in settings:
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                run = page.evaluate(
                    "([where]) => window.bench('photo.jpg', 'image/jpeg', where)", [where.split()[0]]
                )
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
                hashes.add(run.pop("hash"))
                run.pop("quality")
                run.pop("md5")
                if round_ > 0:  # the first round compiles
                    results[f"{where}, {rate:g}x CPU"].append(run)
        results["hashes"] = hashes
        results["version"] = f"chromium {browser.version}"
        browser.close()
    return results


if __name__ == "__main__":
    main()
