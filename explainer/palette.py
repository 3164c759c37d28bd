"""The light/dark toggle, handed from Material's script to explainer.js (issue #14).

Material's palette component (the toggle in the header) restyles the whole page several times
as its script starts, even when nothing changes: it marks `<body>` as switching (a `[…] *` rule
of its stylesheet then depends on that mark for every element), adds a `color-scheme` meta and
removes the mark again. On a phone that is most of the blocking time Lighthouse counts
(BENCHMARKS.md). The colours themselves are already right before the first paint: Material's
inline script in the page applies the reader's saved choice.

So the build renames the toggle's component attribute: Material's script, which mounts what it
finds by that attribute, leaves the toggle alone, and explainer.js runs it instead, changing
only what differs (same markup, same saved choice, same keyboard use). A palette with an
automatic option (`media: "(prefers-color-scheme)"`) is left to Material: explainer.js does
not follow the system setting as it changes.

Pure: HTML text in, HTML text out. The markup is Material's partials/palette.html (Zensical's
is the same); tests/test_material_contract.py checks it against both installed themes.
"""

from __future__ import annotations

import re

# Material contract: the opening tag of its palette form, and its automatic option's media.
MATERIAL_FORM = '<form class="md-header__option" data-md-component="palette">'
AUTOMATIC = 'data-md-color-media="(prefers-color-scheme)"'
# What explainer.js looks for instead (its `PALETTE`).
OURS = '<form class="md-header__option" data-explainer-palette>'
_FORM = re.compile(re.escape(MATERIAL_FORM) + r"(.*?)</form>", re.DOTALL)


def take_toggle(html: str) -> str:
    """Hand the page's light/dark toggle to explainer.js; other pages are returned unchanged.

    '<form class="md-header__option" data-md-component="palette"><input …>…</form>'
    => '<form class="md-header__option" data-explainer-palette><input …>…</form>'
    """
    found = _FORM.search(html)
    if found is None or AUTOMATIC in found[1]:
        return html
    return html[: found.start()] + OURS + html[found.start() + len(MATERIAL_FORM) :]
