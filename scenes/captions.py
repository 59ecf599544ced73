"""WebVTT captions: one cue per step of a scene, holding what is on screen."""


def timestamp(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def to_vtt(cues: list[tuple[float, float, str]]) -> str:
    """A WebVTT document; cues of zero length are dropped, blank lines removed."""
    blocks = ["WEBVTT"]
    for number, (start, end, text) in enumerate(cues, 1):
        if end <= start:
            continue
        body = "\n".join(line for line in text.splitlines() if line.strip())
        blocks.append(f"{number}\n{timestamp(start)} --> {timestamp(end)}\n{body}")
    return "\n\n".join(blocks) + "\n"


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    """Cues of a WebVTT document written by ``to_vtt``."""
    def seconds(stamp: str) -> float:
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    cues = []
    for block in text.strip().split("\n\n")[1:]:
        lines = block.split("\n")
        start, end = (seconds(x.strip()) for x in lines[1].split("-->"))
        cues.append((start, end, "\n".join(lines[2:])))
    return cues
