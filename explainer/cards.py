"""Link-preview cards: one 1200×630 PNG per page and per claim, drawn offline with Pillow.

Engine-neutral: the adapters call `write_cards` after the build, into the site's
assets/cards/ (index.png, competition.png, claims/<id>.png); nothing is committed. A page's card
shows its front-matter title and description, a claim's its status, who, when and text. Font:
DejaVu Sans from Debian's fonts-dejavu-core (scripts/setup installs it). Drawing all cards
takes a few seconds, so each PNG is kept in a cache folder (build/cards/) under the hash of
everything that shapes it: a build redraws only the cards whose text changed, and the same
inputs always give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, fields
from pathlib import Path

import PIL
from PIL import Image, ImageDraw, ImageFont

from .claims import STATUS_LABELS
from .factbox import format_when
from .headtags import CARDS, Site
from .model import SHARE_DIR, Project
from .pagecache import copy_whole, put

DRAWING = 1  # bump when the drawing below changes, so cached cards are redrawn


class CardError(Exception):
    """A card cannot be drawn (the font is missing)."""


FONTS = Path("/usr/share/fonts/truetype/dejavu")
SIZE, MARGIN = (1200, 630), 64
INDIGO, INK, GREY, WHITE = "#3f51b5", "#1f2330", "#5b6070", "#ffffff"


@dataclass(frozen=True)
class Card:
    kicker: str  # the line above the title: a claim's status, who and when; empty for pages
    title: str
    body: str  # a page's description; empty for claims
    footer: str  # where the link goes, without the scheme


def font_path(bold: bool = False) -> Path:
    return FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = font_path(bold)
    if not path.is_file():
        raise CardError(f"{path}: missing; install Debian's fonts-dejavu-core (scripts/setup)")
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


def card_specs(project: Project, site: Site) -> dict[str, Card]:
    """Every card by name ("index", "competition", "claims/<id>")."""

    def footer(name: str) -> str:  # where the link goes, without the scheme
        return site.page_url(name).split("://", 1)[-1]

    found = {}
    for name, meta in sorted(project.pages.items()):
        found[name] = Card("", meta.get("title", name), meta.get("description", ""), footer(name))
    for c in project.claims:
        kicker = f"{STATUS_LABELS[c.status]} · {c.who} · {format_when(c.when)}"
        name = f"{SHARE_DIR}/{c.claim_id}"
        found[name] = Card(kicker, c.text, "", footer(name))
    return found


def has_card(project: Project, path: str) -> bool:
    """Whether a build writes this card: one per page of docs/ and one per claim.

    "assets/cards/claims/x.png" => True when claim "x" exists. Cheap: asked once per page.
    """
    name = path.removeprefix(f"{CARDS}/").removesuffix(".png")
    claim = name.removeprefix(f"{SHARE_DIR}/")
    return name in project.pages or (claim != name and claim in project.by_id)


def png(card: Card, site_name: str) -> bytes:
    """Draw one card as PNG bytes: 32 colours keep it near 20 KB; no dithering keeps the
    pixels, and so the bytes, the same for the same inputs."""
    image = draw_card(card, site_name).quantize(32, method=Image.Quantize.FASTOCTREE,
                                                dither=Image.Dither.NONE)  # fmt: skip
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _drawing_key(site_name: str) -> list:
    """What shapes every card besides its text: read once per build (the fonts are large)."""
    fonts = []
    for bold in (False, True):
        if not font_path(bold).is_file():
            raise CardError(f"{font_path(bold)}: missing; install Debian's fonts-dejavu-core")
        fonts.append(hashlib.sha256(font_path(bold).read_bytes()).hexdigest())
    return [site_name, DRAWING, PIL.__version__, fonts]


def _key(card: Card, drawing: list) -> str:
    data = [{f.name: getattr(card, f.name) for f in fields(card)}, *drawing]  # as asdict()
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def card_keys(project: Project, site: Site) -> dict[str, str]:
    """Each card's name => the hash of what it is drawn from, its name in the cache."""
    drawing = _drawing_key(site.name)
    return {name: _key(card, drawing) for name, card in card_specs(project, site).items()}


def write_cards(
    project: Project, site: Site, site_dir: Path, cache: Path | None, keys: dict | None = None
) -> int:
    """Write every card into site_dir/assets/cards/ (`keys`: `card_keys`, if made ahead);
    return how many had to be drawn."""
    drawn, keys = 0, (keys if keys is not None else card_keys(project, site)) if cache else {}
    folders: set[Path] = set()
    for name, card in card_specs(project, site).items():
        path = site_dir / CARDS / f"{name}.png"
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        cached = cache / f"{keys[name]}.png" if cache else None
        if cached and cached.is_file():
            put(cached, path)
            continue
        path.unlink(missing_ok=True)
        path.write_bytes(png(card, site.name))
        drawn += 1
        if cached:
            cached.parent.mkdir(parents=True, exist_ok=True)
            copy_whole(path, cached)
    return drawn
