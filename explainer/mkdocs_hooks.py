"""MkDocs (and ProperDocs) adapter: load the project once per build and dispatch to the pipeline.

Dispatch only. `on_config` starts loading and validating the data (in a second process where
that helps: explainer/prefetch.py), `on_pre_build` takes it before `site/` is cleaned and hands
the one Project to the Markdown extension through its options (`project`), where the later
events find it again: the build's config is the only state, so nothing outlives a build and
`mkdocs serve` reloads the files on every rebuild. Every problem becomes one PluginError.
The Content-Security-Policy step is the other hook file, `mkdocs_csp.py`.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import jinja2
import markupsafe
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel

from explainer import ahead, cards, pipeline, prefetch, search, share, sitefolders, skeleton
from explainer.headtags import CARDS, Site
from explainer.mkdocs_csp import SECURE, SECURED  # config keys of the CSP hook, if it is on
from explainer.model import EXTENSION, SHARE_DIR, Project, Settings, claim_anchor
from explainer.pagecache import PageCache
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
RUN = {"serve": False, "dirty": False}
# What to undo if the build fails: its second process to stop, its folders set aside to put
# back. Module-level only because on_build_error is given no config; emptied as each build
# ends, either way (and as the next one starts, had neither end been reached).
_UNDO: list[Callable[[], object]] = []


def _end_of_build(failed: bool) -> None:
    actions = _UNDO[:]
    _UNDO.clear()
    for action in actions if failed else ():
        with contextlib.suppress(Exception):
            action()


def on_startup(command: str, dirty: bool) -> None:
    """Note whether this is `mkdocs serve`, and whether pages left as they were are skipped."""
    RUN["serve"] = command == "serve"
    RUN["dirty"] = dirty


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


PREFETCH = "explainer_prefetch"  # this build's explainer/prefetch.py Steps: data, then blocks
SHARE = "explainer_share_pages"  # this build's share-page skeleton (explainer/skeleton.py)


@dataclass
class _ShareState:
    """One build's share pages: the theme's rendering with slots, and the page shape it fits
    (pages of another shape are rendered in full: `full`); the share pages written outside the
    engine (`outside`: claim id => its File) and the fact-box entries they are made from
    (`entries`: element id => (URL of the page it was rendered for, its `<li>`))."""

    env: jinja2.Environment | None = None
    skeleton: str | None = None
    shape: tuple | None = None
    full: dict[str, str] = field(default_factory=dict)
    shares: list[File] = field(default_factory=list)  # every share page, in claim order; the
    # first is always built by the engine, and the skeleton is made from it
    outside: dict[str, File] = field(default_factory=dict)
    entries: dict[str, tuple[str, str]] = field(default_factory=dict)
    # page => the blocks search.hold_back took out of it until Material's search plugin read it
    held: dict[str, list[str]] = field(default_factory=dict)
    folders: threading.Thread | None = None  # making the folders of `outside`
    # the last build's share pages and cards, set aside from the clean (explainer/sitefolders.py)
    kept: dict[str, Path | None] = field(default_factory=dict)


def _site(config: MkDocsConfig) -> Site:
    if not config.site_url:
        raise PluginError("mkdocs.yml: site_url: missing; link previews and claims.json need it")
    return Site(config.site_name, config.site_url.rstrip("/") + "/", config.site_description or "")


@event_priority(100)  # first: the data loads in a second process while the plugins set up
@_errors_as_plugin_error
def on_config(config: MkDocsConfig) -> None:
    """Start loading and validating the claims, sources, article and page markers, once for
    this build, and rendering the pages' blocks (explainer/prefetch.py)."""
    _end_of_build(failed=True)  # a build that ended unreported
    load = functools.partial(load_project, settings_from(config))
    fork = not RUN["serve"] and prefetch.can_fork()
    site_wide = functools.partial(_site_wide, config)
    config[PREFETCH] = steps = prefetch.Steps([load, ahead.render_all, site_wide], fork=fork)
    _UNDO.append(steps.close)
    config[SHARE] = _ShareState()  # in this build's config: nothing outlives the build
    css, js = pipeline.missing_assets(config.extra_css, config.extra_javascript)
    config.extra_css.extend(css)  # the package's own assets, on every page
    config.extra_javascript.extend(js)


def _site_wide(config: MkDocsConfig, project: Project, rendered: object) -> tuple:
    """What the site gets whatever its pages: claims.json, alias pages, assets, and the cards'
    cache keys (None if they cannot be made: the cards step says why), for the Site they are
    made for. A step of the second process."""
    site = _site(config)
    try:
        keys = cards.card_keys(project, site)
    except cards.CardError:
        keys = None
    return site, pipeline.site_wide_files(project, site), keys


def _made_ahead(config: MkDocsConfig) -> tuple[dict | None, dict | None]:
    """`_site_wide`'s files and card keys when the second process made them for this Site."""
    steps: prefetch.Steps = config[PREFETCH]
    if not steps.forked:
        return None, None
    site, files, keys = steps.get(2)
    return (files, keys) if site == _site(config) else (None, None)


@_errors_as_plugin_error
def on_pre_build(config: MkDocsConfig) -> None:
    """Take the data, loaded and validated, before the site folder is cleaned: a problem stops
    the build here. Set the last build's share pages and cards aside from the clean, to reuse
    them (explainer/sitefolders.py). Under --dirty the engine writes the share pages over the
    last build's, some of them hard links to kept pages (explainer/pagecache.py): unlink those
    first."""
    steps: prefetch.Steps = config[PREFETCH]
    options = config.mdx_configs[EXTENSION]
    options["project"] = steps.get(0)
    if 0 in steps.sent:
        log.debug("The data was loaded and checked in a second process (explainer/prefetch.py)")
    options["rendered"] = functools.partial(steps.get, 1) if steps.forked else ""
    _refuse_clashes(config, options["project"])
    site, state = Path(config.site_dir), config[SHARE]
    if RUN["dirty"]:
        sitefolders.unlink_linked(site / SHARE_DIR, "*/index.html")
        sitefolders.discard(site, (SHARE_DIR, CARDS))  # left by a build that failed
    elif _writes_outside():  # reuse the last build's folders (explainer/sitefolders.py)
        state.kept = {name: sitefolders.set_aside(site, name) for name in (SHARE_DIR, CARDS)}
        _UNDO.append(functools.partial(_put_back_kept, site, state))


def _refuse_clashes(config: MkDocsConfig, project: Project) -> None:
    """Stop before the site is cleaned (the last good build kept, and served on under `serve`)
    if a file of docs/ is where the claims layer puts one; on_files checks again, with the
    files other plugins add."""
    docs = Path(config.docs_dir)
    for path in sorted(pipeline.generated_paths(project, share_pages=not RUN["serve"])):
        if (docs / path).is_file():
            raise PluginError(f"{_docs_rel(config)}/{path}: clashes with a generated file")


def _put_back_kept(site: Path, state: _ShareState) -> None:
    """Put back in the site the folders set aside and not yet taken back (a failed build)."""
    for name in list(state.kept):
        sitefolders.take_back(state.kept.pop(name), site / name)


def on_build_error(error: Exception) -> None:
    """Stop the build's second process; put the folders set aside back in the site."""
    _end_of_build(failed=True)


def _writes_outside() -> bool:
    """Whether this build writes share pages and cards outside the engine."""
    return skeleton.OUTSIDE and not RUN["serve"] and not RUN["dirty"]


@event_priority(50)  # before mkdocs-redirects reads the pages in its own on_files
@_errors_as_plugin_error
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the share pages, claims.json and the alias redirect pages.

    Most share pages are not pages of the build: they are written from the first one's
    rendering after the build (`on_post_build`; which ones: `pipeline.movable_share_pages`),
    unless `skeleton.OUTSIDE` is off."""
    docs, project, state = {f.src_uri for f in files}, _project(config), config[SHARE]
    # Under --dirty the engine rebuilds generated pages only: share pages stay in the engine.
    if _writes_outside():
        built = files.documentation_pages(inclusion=InclusionLevel.is_included)
        sources = {f.src_uri: f.content_string for f in built}
        for claim_id in pipeline.movable_share_pages(project, sources):
            path = share.share_uri(claim_id)  # in claim order, as the sitemap lists them
            state.outside[claim_id] = File.generated(config, path, content="")
    shares = [] if RUN["serve"] else [share.share_uri(c.claim_id) for c in project.claims]
    # No share page's Markdown under `mkdocs serve`, nor for those written outside the engine.
    leave_out = project.by_id.keys() if RUN["serve"] else state.outside.keys()
    made = _made_ahead(config)[0]
    generated = pipeline.generated_files(project, _site(config), leave_out, made)
    for path in [*generated, *shares]:
        if path in docs:
            raise PluginError(f"{_docs_rel(config)}/{path}: clashes with a generated file")
    for path, content in generated.items():
        page = path.endswith(".md")  # share pages: built and in the sitemap, not in the menu
        level = InclusionLevel.NOT_IN_NAV if page else InclusionLevel.UNDEFINED
        files.append(File.generated(config, path, content=content, inclusion=level))
    _take_back_share_dir(files, config)
    if not RUN["serve"]:
        state.shares = [
            state.outside.get(pipeline.share_claim(path)) or files.get_file_from_path(path)
            for path in shares
        ]
    return files


def _take_back_share_dir(files: Files, config: MkDocsConfig) -> None:
    """Put the last build's share-page folder back, if it was set aside: remove from it what
    the engine will write (never written through a link to a kept page) and what this build
    does not write at all, before anything writes there. Make the folders still missing, in a
    thread."""
    state: _ShareState = config[SHARE]
    folder, outside = Path(config.site_dir) / SHARE_DIR, list(state.outside.values())
    prefix, present = f"{SHARE_DIR}/", set()
    if sitefolders.take_back(state.kept.pop(SHARE_DIR, None), folder):
        ours, wanted = {f.dest_uri for f in outside}, set()
        for file in files:
            if file.dest_uri.startswith(prefix) and not file.inclusion.is_excluded():  # drafts
                wanted.add(file.dest_uri.removeprefix(prefix))
                if file.dest_uri not in ours:  # the engine writes it in place
                    Path(file.abs_dest_path).unlink(missing_ok=True)
        wanted |= {uri.removeprefix(prefix) for uri in ours}
        present = sitefolders.keep_only(folder, wanted)
    missing = [f.abs_dest_path for f in outside if f.dest_uri.split("/")[1] not in present]
    if missing:
        state.folders = sitefolders.make_folders(missing)


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    """Give the theme the share pages' body template; keep the theme for their skeleton."""
    env.loader = jinja2.ChoiceLoader(
        [jinja2.DictLoader({skeleton.TEMPLATE: skeleton.BODY}), env.loader]
    )
    config[SHARE].env = env
    return env


def _is_share_page(page: Page, config: MkDocsConfig) -> bool:
    """A generated share page (a page of docs/ under claims/ is not: a claim's would clash)."""
    uri = page.file.src_uri
    return pipeline.is_share_page(uri) and pipeline.share_claim(uri) in _project(config).by_id


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """A share page renders its content alone; `on_page_context` puts the theme around it."""
    if _is_share_page(page, config) and "template" not in page.meta:
        page.meta["template"] = skeleton.TEMPLATE
    return markdown


def _search_reads_pages(config: MkDocsConfig) -> bool:
    """Whether Material's search plugin is on: it reads each page in its on_page_context."""
    plugin = config.plugins.get("material/search")
    return type(plugin).__module__ == "material.plugins.search.plugin" and plugin.config.enabled


@event_priority(-100)  # last: what it holds back from the search plugin, nothing else misses
@_errors_as_plugin_error
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Keep every page's fact-box entries for the share pages; make a share page's content;
    hold back from the search plugin the blocks it would parse only to skip (search.hold_back)."""
    state: _ShareState = config[SHARE]
    found = skeleton.entries(html)
    if _is_share_page(page, config):
        claim = pipeline.share_claim(page.file.src_uri)
        entry = found.get(claim_anchor(claim))
        return pipeline.share_content(_project(config), _site(config), claim, entry)
    state.entries.update((key, (page.url, entry)) for key, entry in found.items())
    if search.HOLD and _search_reads_pages(config):
        html, held = search.hold_back(html)
        if held:
            state.held[page.file.src_uri] = held
    return html


@event_priority(-100)  # after every other plugin has had its say on the context
@_errors_as_plugin_error
def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    """Put back what the search plugin was spared; render the theme once, with slots, for the
    share pages, and in full for an odd one out."""
    if held := config[SHARE].held.pop(page.file.src_uri, None):
        try:
            page.content = search.put_back(page.content, held)
        except ValueError as err:
            raise pipeline.PipelineError(f"{page.file.src_uri}: {err}") from None
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
    """Theme pages such as 404.html: hand their light/dark toggle to explainer.js. The sitemap:
    list the share pages written outside the engine, as the first one is listed."""
    if template_name == "sitemap.xml" and config[SHARE].outside:
        return _sitemap_with_outside(output_content, config)
    if not template_name.endswith(".html"):
        return output_content
    return pipeline.finish_template(output_content)


def _canonical_url(config: MkDocsConfig, file: File) -> str:
    return urljoin(config.site_url.rstrip("/") + "/", file.url)  # as MkDocs' Page computes it


def _sitemap_with_outside(sitemap: str, config: MkDocsConfig) -> str:
    """The sitemap with every share page listed where the engine lists its own: together, in
    claim order, at the first one's place; each entry made from the first one's."""
    state: _ShareState = config[SHARE]

    def loc(file: File) -> str:
        return f"<loc>{markupsafe.escape(_canonical_url(config, file))}</loc>"

    def span(file: File) -> tuple[int, int]:
        at = sitemap.find(loc(file))
        if at < 0:
            raise pipeline.PipelineError(f"sitemap.xml: no entry for {file.src_uri}")
        start = sitemap.rfind("\n", 0, sitemap.rfind("<url>", 0, at)) + 1
        return start, sitemap.index("</url>", at) + len("</url>\n")

    start, end = span(state.shares[0])
    entry, first = sitemap[start:end], loc(state.shares[0])
    outside = {file.src_uri for file in state.outside.values()}
    engine = [span(file) for file in state.shares[1:] if file.src_uri not in outside]
    for cut_start, cut_end in sorted(engine, reverse=True):  # after the first: listed again below
        sitemap = sitemap[:cut_start] + sitemap[cut_end:]
    entries = "".join(entry.replace(first, loc(file)) for file in state.shares)
    return sitemap[:start] + entries + sitemap[end:]


@event_priority(-50)  # after Material's search plugin (priority 0) has written its index
@_errors_as_plugin_error
def on_post_build(config: MkDocsConfig) -> None:
    """Write the share pages left out of the engine; add one search result per claim to the
    index; draw the preview cards (cached)."""
    if RUN["serve"]:
        pipeline.finish_index(Path(config.site_dir), _project(config))
        _end_of_build(failed=False)
        return
    _write_outside(config)
    cache = Path(config.config_file_path).parent / pipeline.CARD_CACHE
    site_dir, state = Path(config.site_dir), config[SHARE]
    if sitefolders.take_back(state.kept.pop(CARDS, None), site_dir / CARDS):
        names = pipeline.card_files(_project(config), _site(config))
        sitefolders.keep_only(site_dir / CARDS, names)
    keys = _made_ahead(config)[1]
    config[PREFETCH].close()  # all it sent is taken
    pipeline.finish_site(site_dir, _project(config), _site(config), cache, keys)
    _end_of_build(failed=False)


def _write_outside(config: MkDocsConfig) -> None:
    """Write the share pages left out of the engine, from the first one's skeleton and the
    fact-box entries (`pipeline.share_page_outside`), each secured first by the CSP step
    (mkdocs_csp.py) when it is on, so that it need not read them back; pages secured by an
    earlier build are linked from build/share-pages/ (explainer/pagecache.py)."""
    state: _ShareState = config[SHARE]
    if not state.outside:
        return
    if state.skeleton is None:
        raise pipeline.PipelineError(
            f"{state.shares[0].src_uri}: the theme's rendering of this share page has no slots to "
            "fill the other share pages from"
        )
    if state.folders is not None:
        state.folders.join()
    project, site, secure = _project(config), _site(config), config.get(SECURE)
    if secure is not None:
        cache = Path(config.config_file_path).parent / pipeline.SHARE_CACHE
        kept = PageCache(cache, secure.version)
    for claim_id, file in state.outside.items():
        html = pipeline.share_page_outside(project, site, state.skeleton, claim_id, file.url,
                                           _canonical_url(config, file), state.entries)  # fmt: skip
        path = Path(file.abs_dest_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if secure is None:
            path.write_text(html, encoding="utf-8")
        else:
            kept.write(html, path, functools.partial(secure, where=file.dest_uri))
            config[SECURED].add(str(path))  # the CSP step need not read it back


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
