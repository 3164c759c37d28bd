#!/usr/bin/env python3
"""Draw the 1200×630 link-preview cards in docs/assets/cards/ offline, with Pillow.

One card per page (its front-matter title and description) and one per claim (status, who,
when and the claim), named after the page: index.png, competition.png, claims/<id>.png.
Font: DejaVu Sans from Debian's fonts-dejavu-core (installed by scripts/setup); nothing is
downloaded. Run after changing a page's title or description or a claim:

    .venv/bin/python scripts/make_cards.py            # or --out DIR to draw elsewhere
"""

from __future__ import annotations

import argparse
import functools
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explainer.project import Settings, load_project
from explainer.render import STATUS_LABELS, format_when

FONTS = Path("/usr/share/fonts/truetype/dejavu")
SIZE, MARGIN = (1200, 630), 64
INDIGO, INK, GREY, WHITE = "#3f51b5", "#1f2330", "#5b6070", "#ffffff"


@dataclass(frozen=True)
class Card:
    kicker: str  # the line above the title: a claim's status, who and when; empty for pages
    title: str
    body: str  # a page's description; empty for claims
    footer: str  # where the link goes, without the scheme


class _AnyTagLoader(yaml.SafeLoader):
    """Read mkdocs.yml even when it holds tags such as !ENV or !!python/name."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@functools.cache  # a font file never changes while the script runs
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if not path.is_file():
        sys.exit(f"make_cards: {path}: missing; install Debian's fonts-dejavu-core (scripts/setup)")
    return ImageFont.truetype(str(path), size)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str] | None:
    """Break text into lines no wider than `width`; None if it needs more than `max_lines`."""
    lines: list[str] = []
    for word in text.split():
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines if len(lines) <= max_lines else None


def fit(text: str, sizes: range, width: int, height: int, bold: bool):
    """Return (font, lines) for the largest size whose wrapped text fits the box, else cut it."""
    for size in sizes:
        face = font(size, bold)
        lines = wrap(text, face, width, max(1, height // int(size * 1.3)))
        if lines is not None:
            return face, lines
    words = text.split()
    while lines is None:
        words = words[:-1]
        lines = wrap(" ".join(words) + " …", face, width, max(1, height // int(size * 1.3)))
    return face, lines


def draw_card(card: Card, site_name: str) -> Image.Image:
    """Draw one card: a site-name band, the kicker, the title, the body and the footer."""
    image = Image.new("RGB", SIZE, WHITE)
    pen = ImageDraw.Draw(image)
    width = SIZE[0] - 2 * MARGIN
    pen.rectangle((0, 0, SIZE[0], 96), fill=INDIGO)
    pen.text((MARGIN, 48), site_name, font=font(34, bold=True), fill=WHITE, anchor="lm")
    y, bottom = 140, 540
    if card.kicker:
        pen.text((MARGIN, y), card.kicker, font=font(30, bold=True), fill=INDIGO)
        y += 60
    room = 210 if card.body else bottom - y
    face, lines = fit(card.title, range(60, 27, -4), width, room, bold=not card.kicker)
    for line in lines:
        pen.text((MARGIN, y), line, font=face, fill=INK)
        y += int(face.size * 1.3)
    if card.body:
        y += 16
        small, body = fit(card.body, range(32, 23, -2), width, bottom - y, bold=False)
        for line in body:
            pen.text((MARGIN, y), line, font=small, fill=GREY)
            y += int(small.size * 1.3)
    pen.line((MARGIN, 560, SIZE[0] - MARGIN, 560), fill=INDIGO, width=3)
    pen.text((MARGIN, 594), card.footer, font=font(26), fill=GREY, anchor="lm")
    return image


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8-sig")
    if not text.startswith("---"):
        return {}
    return yaml.safe_load(text.split("---", 2)[1]) or {}


def cards(root: Path) -> tuple[str, dict[str, Card]]:
    """Read mkdocs.yml, the pages and the claims; return the site name and every card by name."""
    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_AnyTagLoader)
    host = str(config.get("site_url", "")).split("://")[-1].rstrip("/")
    options = (
        next(
            (
                e["explainer.mdext"]
                for e in config.get("markdown_extensions", [])
                if isinstance(e, dict) and "explainer.mdext" in e
            ),
            {},
        )
        or {}
    )
    names = ("claims", "sources", "article", "docs_dir", "source_page")
    project = load_project(Settings(root, **{n: options[n] for n in names if n in options}))
    docs, found = root / project.settings.docs_dir, {}
    for path in sorted(docs.rglob("*.md")):
        name = path.relative_to(docs).with_suffix("").as_posix()
        meta = front_matter(path)
        url = "" if name == "index" else f"{name.removesuffix('/index')}/"
        found[name] = Card(
            "", str(meta.get("title", name)), str(meta.get("description", "")), f"{host}/{url}"
        )
    for c in project.claims:
        kicker = f"{STATUS_LABELS[c.status]} · {c.who} · {format_when(c.when)}"
        found[f"claims/{c.claim_id}"] = Card(kicker, c.text, "", f"{host}/claims/{c.claim_id}/")
    return str(config.get("site_name", host)), found


def render_cards(root: Path) -> dict[str, Image.Image]:
    """Draw every card, by name ("index", "claims/<id>"), as the palette image that is saved."""
    site_name, found = cards(root)
    # 32 colours keep a card near 20 KB; no dithering keeps the pixels reproducible.
    return {
        name: draw_card(card, site_name).quantize(
            32, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
        for name, card in found.items()
    }


def write_cards(root: Path, out: Path) -> list[Path]:
    """Draw every card into `out` and delete cards there that no page or claim needs any more."""
    written = []
    for name, image in render_cards(root).items():
        path = out / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path)
        written.append(path)
    for stale in set(out.rglob("*.png")) - set(written):
        stale.unlink()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs/assets/cards")
    args = parser.parse_args()
    written = write_cards(ROOT, args.out)
    print(f"make_cards: {len(written)} cards in {args.out}")


if __name__ == "__main__":
    main()
