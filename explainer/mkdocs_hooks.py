"""MkDocs (and ProperDocs) adapter: load the project once per build and dispatch to the pipeline.

Dispatch only. `on_config` loads and validates the data before `site/` is cleaned and hands the
one Project to the Markdown extension through its options (`project`), where the later events
find it again: the build's config is the only state, so nothing outlives a build and
`mkdocs serve` reloads the files on every rebuild. Every problem becomes one PluginError.
The Content-Security-Policy step is the other hook file, `mkdocs_csp.py`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel

from explainer import pipeline, skeleton
from explainer.headtags import Site
from explainer.model import EXTENSION, Project, Settings
from explainer.problems import ClaimsError
from explainer.project import load_project

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = get_plugin_logger(__name__)
# The command this process runs, set once at startup. Under `mkdocs serve` the share pages and
# the preview cards, which only shared links need, are left out, so saving the claims reloads
# the preview fast (as Material's own optimize and privacy plugins skip their work there).
RUN = {"serve": False}


def on_startup(command: str, dirty: bool) -> None:
    """Note whether this is `mkdocs serve`."""
    RUN["serve"] = command == "serve"


def _errors_as_plugin_error(handler):
    """Report the explainer's problems as one PluginError: path:line lines, no traceback."""

    @functools.wraps(handler)
    def wrapper(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except (ClaimsError, pipeline.PipelineError) as err:
            raise PluginError(str(err)) from None

    return wrapper


def settings_from(config: MkDocsConfig) -> Settings:
    """Read the extension's options from mkdocs.yml, paths relative to the file's folder."""
    options = config.mdx_configs.setdefault(EXTENSION, {})
    base = Path(config.config_file_path).parent
    options["base_dir"] = str(base)  # the extension resolves its paths against this folder
    return Settings.from_options(base, options)


def _project(config: MkDocsConfig) -> Project:
    return config.mdx_configs[EXTENSION]["project"]


SHARE = "explainer_share_pages"  # this build's share-page skeleton (explainer/skeleton.py)


@dataclass
class _ShareState:
    """One build's share-page skeleton: the theme's rendering with slots, and the page shape
    it fits; pages of another shape are rendered in full (`full`)."""

    env: jinja2.Environment | None = None
    skeleton: str | None = None
    shape: tuple | None = None
    full: dict[str, str] = field(default_factory=dict)


def _site(config: MkDocsConfig) -> Site:
    if not config.site_url:
        raise PluginError("mkdocs.yml: site_url: missing; link previews and claims.json need it")
    return Site(config.site_name, config.site_url.rstrip("/") + "/", config.site_description or "")


@_errors_as_plugin_error
def on_config(config: MkDocsConfig) -> None:
    """Load and validate the claims, sources, article and page markers, once for this build."""
    settings = settings_from(config)
    config.mdx_configs[EXTENSION]["project"] = load_project(settings)
    config[SHARE] = _ShareState()  # in this build's config: nothing outlives the build
    css, js = pipeline.missing_assets(config.extra_css, config.extra_javascript)
    config.extra_css.extend(css)  # the package's own assets, on every page
    config.extra_javascript.extend(js)


@event_priority(50)  # before mkdocs-redirects reads the pages in its own on_files
@_errors_as_plugin_error
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the share pages, claims.json and the alias redirect pages."""
    docs = {f.src_uri for f in files}
    for path, content in pipeline.generated_files(_project(config), _site(config)).items():
        if RUN["serve"] and pipeline.is_share_page(path):
            continue
        if path in docs:
            raise PluginError(f"{_docs_rel(config)}/{path}: clashes with a generated file")
        page = path.endswith(".md")  # share pages: built and in the sitemap, not in the menu
        level = InclusionLevel.NOT_IN_NAV if page else InclusionLevel.UNDEFINED
        files.append(File.generated(config, path, content=content, inclusion=level))
    return files


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    """Give the theme the share pages' body template; keep the theme for their skeleton."""
    env.loader = jinja2.ChoiceLoader(
        [jinja2.DictLoader({skeleton.TEMPLATE: skeleton.BODY}), env.loader]
    )
    config[SHARE].env = env
    return env


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """A share page renders its content alone; `on_page_context` puts the theme around it."""
    if pipeline.is_share_page(page.file.src_uri) and "template" not in page.meta:
        page.meta["template"] = skeleton.TEMPLATE
    return markdown


@event_priority(-100)  # after every other plugin has had its say on the context
def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    """Render the theme once, with slots, for the share pages; in full for an odd one out."""
    if page.meta.get("template") != skeleton.TEMPLATE:
        return context
    state: _ShareState = config[SHARE]
    theme = state.env.get_template("main.html")
    shape = skeleton.shape(page)
    if shape is not None and state.shape is None:
        slots = skeleton.SlotPage(page)
        state.skeleton = skeleton.skeleton_of(theme.render({**context, "page": slots}), slots)
        state.shape = shape
    elif shape is None or shape != state.shape:
        state.full[page.file.src_uri] = theme.render(context)
    return context


@event_priority(100)  # a share page is whole before any other plugin reads it
@_errors_as_plugin_error
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Fill a share page into the skeleton; add every page's link-preview tags (before the CSP
    step hashes the page)."""
    if page.meta.get("template") == skeleton.TEMPLATE:
        state: _ShareState = config[SHARE]
        output = state.full.pop(page.file.src_uri, None) or skeleton.fill(state.skeleton, page)
    name = page.file.src_uri.removesuffix(".md")
    return pipeline.finish_page(output, name, _project(config), _site(config))


@_errors_as_plugin_error
def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """Theme pages such as 404.html: hand their light/dark toggle to explainer.js."""
    if not template_name.endswith(".html"):
        return output_content
    return pipeline.finish_template(output_content)


@event_priority(-50)  # after Material's search plugin (priority 0) has written its index
@_errors_as_plugin_error
def on_post_build(config: MkDocsConfig) -> None:
    """Add one search result per claim to the index; draw the preview cards (cached)."""
    if RUN["serve"]:
        pipeline.finish_index(Path(config.site_dir), _project(config))
        return
    cache = Path(config.config_file_path).parent / pipeline.CARD_CACHE
    pipeline.finish_site(Path(config.site_dir), _project(config), _site(config), cache)


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder) -> None:
    """Rebuild when the claims, the sources or the article change; keep serving after a refusal."""
    settings = settings_from(config)
    for name in ("claims", "sources", "article", "article_data"):
        server.watch(str(settings.path(name)))
    server.watch(str(pipeline.ASSETS))
    server.builder = _keep_serving(builder)


def _docs_rel(config: MkDocsConfig) -> str:
    return Path(config.docs_dir).relative_to(Path(config.config_file_path).parent).as_posix()


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
