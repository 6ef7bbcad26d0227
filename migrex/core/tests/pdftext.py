"""A minimal reader of the text in the PDFs the node writes (fpdf2's output: ToUnicode maps,
Flate streams), for the tests of the letters and acts. Small enough to keep here rather than
take a PDF library as a dependency only for tests."""

from __future__ import annotations

import re
import zlib


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Object number -> (dictionary, decoded stream data)."""
    objects, pos = {}, 0
    while match := re.compile(rb"(\d+) 0 obj").search(pdf, pos):
        stop = re.compile(rb"stream|endobj").search(pdf, match.end())
        head, data, pos = pdf[match.end() : stop.start()], b"", stop.end()
        if stop.group() == b"stream":
            length = int(re.search(rb"/Length (\d+)", head).group(1))
            start = stop.end() + (2 if pdf[stop.end() : stop.end() + 2] == b"\r\n" else 1)
            data, pos = pdf[start : start + length], start + length
            if b"/FlateDecode" in head:
                data = zlib.decompress(data)
        objects[int(match.group(1))] = (head, data)
    return objects


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        if raw[i] != 0x5C:  # backslash
            out.append(raw[i])
            i += 1
        elif octal := re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4]):
            out.append(int(octal.group(), 8) & 0xFF)
            i += 1 + len(octal.group())
        else:
            nxt = raw[i + 1 : i + 2]
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(nxt, nxt)
            i += 2
    return bytes(out)


def pages_text(pdf: bytes) -> list[str]:
    """The text of each page, one line per BT/ET block."""
    objects = _objects(pdf)
    cmaps = {}
    for number, (head, _) in objects.items():
        if ref := re.search(rb"/ToUnicode (\d+) 0 R", head):
            data = objects[int(ref.group(1))][1].split(b"beginbfchar", 1)[1]
            cmaps[number] = {
                int(code, 16): bytes.fromhex(uni.decode()).decode("utf-16-be")
                for code, uni in re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]+)>", data)
            }
    kids = next(h for h, _ in objects.values() if b"/Type /Pages" in h)
    texts = []
    for page in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids \[(.*?)\]", kids, re.S).group(1)):
        head = objects[int(page)][0]
        resources = objects[int(re.search(rb"/Resources (\d+) 0 R", head).group(1))][0]
        fonts = {n: int(o) for n, o in re.findall(rb"/(F\d+) (\d+) 0 R", resources)}
        content = objects[int(re.search(rb"/Contents (\d+) 0 R", head).group(1))][1]
        cmap, saved, lines, line = {}, [], [], ""
        token = rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)\s*Tj|\[(.*?)\]\s*TJ|\b(ET|q|Q)\b"
        for font, string, array, operator in re.findall(token, content, re.S):
            if font:
                cmap = cmaps[fonts[font]]
                continue
            if operator == b"q":  # the font is part of the graphics state that q saves
                saved.append(cmap)
                continue
            if operator == b"Q":
                cmap = saved.pop()
                continue
            parts = [string] if string else re.findall(rb"\(((?:\\.|[^\\)])*)\)", array)
            for raw in (_unescape(p) for p in parts):
                codes = (int.from_bytes(raw[i : i + 2]) for i in range(0, len(raw), 2))
                line += "".join(cmap.get(code, "\ufffd") for code in codes)
            if not (string or array) and line:
                lines.append(line)
                line = ""
        texts.append("\n".join(lines))
    return texts


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(pdf: bytes) -> str:
    """The text of the whole PDF, its whitespace collapsed."""
    return flat("\n".join(pages_text(pdf)))
