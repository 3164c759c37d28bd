"""MkDocs hook: validate the explainer's data before `site/` is cleaned, and watch it under serve.

MkDocs-only work. The Markdown extension renders the fact boxes and validates too (for tools
that ignore hooks); here the same problems become one clean PluginError, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import get_plugin_logger

from explainer.problems import ClaimsError
from explainer.project import Settings, load_project

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

EXTENSION = "explainer.mdext"
log = get_plugin_logger(__name__)


def settings_from(config: MkDocsConfig) -> Settings:
    """Read the extension's options from mkdocs.yml, paths relative to the file's folder."""
    options = config.mdx_configs.setdefault(EXTENSION, {})
    base = Path(config.config_file_path).parent
    # The extension resolves paths against base_dir; under MkDocs that is mkdocs.yml's folder.
    options["base_dir"] = str(base)
    return Settings.from_options(base, options)


def on_config(config: MkDocsConfig) -> None:
    """Validate the claims, sources, article and page markers; stop the build on any problem."""
    try:
        load_project(settings_from(config))
    except ClaimsError as err:
        raise PluginError(str(err)) from None


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder) -> None:
    """Rebuild when the claims file, the sources registry or the article changes."""
    settings = settings_from(config)
    for name in ("claims", "sources", "article"):
        server.watch(str(settings.path(name)))
    server.builder = _keep_serving(builder)


# --- Live preview (issue #5): a broken edit keeps the last good pages served -------------------


def _keep_serving(builder):
    """Wrap serve's rebuild so that a refused edit leaves the last good site served.

    MkDocs 1.6 holds every request after a failed rebuild ("the server will appear stuck"). Our
    problems stop the build before the site folder is cleaned, so the old pages are still whole.
    """

    def rebuild(config: MkDocsConfig | None = None) -> None:
        try:
            builder(config)
        except Abort:  # the problems are already logged, one line each
            log.warning("Still serving the last good build: fix the problem above and save again.")

    return rebuild
