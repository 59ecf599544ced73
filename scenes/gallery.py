"""The gallery page: every output of ./render.sh all beside the command line that
made it, and each video's length for its card."""

import html
from pathlib import Path


def media_duration(path: Path) -> float:
    import av

    try:
        with av.open(str(path)) as container:
            return round(float(container.duration or 0) / 1_000_000, 2)
    except (av.error.FFmpegError, OSError):
        return 0.0


def gallery_html(items: list[dict]) -> str:
    cards = []
    for item in items:
        if not item["ok"]:
            continue
        name = html.escape(item["output"])
        media = (f'<img src="{name}" alt="{name}">' if name.endswith((".gif", ".png"))
                 else f'<video src="{name}" controls loop muted playsinline preload="auto">'
                      f"</video>")
        cards.append(f'<figure>{media}<figcaption><code>{html.escape(item["command"])}'
                     f"</code><br>{item['duration']:.1f} s, {item['size'] / 1024:.0f} KiB"
                     "</figcaption></figure>")
    return GALLERY_PAGE.replace("<!-- cards -->", "\n".join(cards))


GALLERY_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>backprop-anim gallery</title>
<style>
body { font-family: sans-serif; background: #14161c; color: #eef0f4; margin: 2rem; }
main { display: grid; gap: 1.5rem;
       grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); }
figure { margin: 0; background: #262a33; padding: 0.8rem; border-radius: 6px; }
video, img { width: 100%; display: block; }
code { color: #7be8a9; user-select: all; }
</style>
</head>
<body>
<h1>backprop-anim gallery</h1>
<p>Every animation below was made by the command under it; copy it to make your own.</p>
<main>
<!-- cards -->
</main>
<script>
// each picture says whether it loaded (data-status), for people and for tests
for (const media of document.querySelectorAll("video, img")) {
  const mark = (status) => { media.dataset.status = status; };
  media.addEventListener("error", () => mark("error"));
  if (media.tagName === "IMG") {
    media.addEventListener("load", () => mark("ok"));
    if (media.complete) mark(media.naturalWidth > 0 ? "ok" : "error");
  } else {
    media.addEventListener("loadeddata", () => mark("ok"));
    if (media.readyState >= 2) mark("ok");
  }
}
</script>
</body>
</html>
"""
