"""The pages' blocks and references, rendered ahead of the pages: explainer/prefetch.py runs
`render_all` in a second process while the engine sets up, and the Markdown extension
(mdext.py) takes what it needs by the renderers' exact inputs.

(Tried and dropped: also writing the timeline's chart, some 480 SVG elements, ahead as
Python-Markdown would, to hand it over as raw HTML. The page's Markdown was no measurably
faster, medians of 9 builds: SVG elements cost the Markdown passes less than text does.)
"""

from __future__ import annotations

from .factbox import render_corrections, render_factbox, render_ref, render_single
from .markers import factbox_page, find_markers
from .model import Project
from .project import read_pages
from .sourcepage import render_source_page
from .timeline import render_timeline


def render_block(project: Project, verb: str, arg: str) -> str:
    """The HTML of one block marker: a fact box, the article, the timeline, the corrections or
    one claim."""
    if verb == "factbox":
        return render_factbox(project, arg)
    if verb == "article":
        return render_source_page(project)
    if verb == "timeline":
        return render_timeline(project)
    if verb == "corrections":
        return render_corrections(project)
    return render_single(project, project.by_id[arg])


def render_all(project: Project) -> dict[tuple, str]:
    """Every block and reference the pages' markers ask for: (verb, argument) => a block's
    HTML, ("ref", claim id, page) => a reference's. The keys are all
    their renderers read, so a page whose markers differ by the time it is converted only
    misses, and renders its own. What fails to render is left out, to fail where it always has.
    """
    rendered: dict[tuple, str] = {}
    pages, _ = read_pages(project.settings)
    for text in pages.values():
        markers, _ = find_markers(text)
        page = factbox_page(markers)
        for marker in markers:
            ref = marker.verb == "ref"
            key = ("ref", marker.arg, page) if ref else (marker.verb, marker.arg)
            if key in rendered:
                continue
            try:
                rendered[key] = (
                    render_ref(project, project.by_id[marker.arg], page)
                    if ref
                    else render_block(project, marker.verb, marker.arg)
                )
            except Exception:  # noqa: BLE001, S112 -- rendered again, and reported, with its page
                continue
    return rendered
