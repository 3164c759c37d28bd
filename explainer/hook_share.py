"""MkDocs hook: per-claim share pages, claims.json, alias redirects and each page's preview values.

MkDocs-only glue around `explainer.share`. Share pages are generated in on_files, before other
plugins read the file list (mkdocs-redirects checks its targets there); overrides/main.html
writes the preview tags from the `explainer_share` value set in on_page_context.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.utils.meta import get_data

from explainer import payloads, share
from explainer.mkdocs_hook import settings_from
from explainer.problems import ClaimsError
from explainer.project import Project, load_project

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

CARDS = "assets/cards"
NOT_IN_NAV = InclusionLevel.NOT_IN_NAV  # built and in the sitemap, not in the menu


def _project(config: MkDocsConfig) -> Project:
    try:
        return load_project(settings_from(config))
    except ClaimsError as err:
        raise PluginError(str(err)) from None


def _docs(config: MkDocsConfig) -> str:
    """The docs folder as written relative to mkdocs.yml's folder, for messages."""
    return Path(config.docs_dir).relative_to(Path(config.config_file_path).parent).as_posix()


def _site_url(config: MkDocsConfig) -> str:
    if not config.site_url:
        raise PluginError("mkdocs.yml: site_url: missing; link previews and claims.json need it")
    return config.site_url.rstrip("/") + "/"


def _add_redirects(config: MkDocsConfig, redirects: dict[str, str]) -> None:
    plugin = next((p for n, p in config.plugins.items() if n.split("/")[-1] == "redirects"), None)
    if plugin is None:
        if redirects:
            raise PluginError("mkdocs.yml: plugins: claim aliases need the 'redirects' plugin")
        return
    # Redirects written in mkdocs.yml win over the generated ones.
    plugin.config["redirect_maps"] = {**redirects, **plugin.config["redirect_maps"]}


@event_priority(50)  # before mkdocs-redirects reads the pages in its own on_files
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add a share page per claim and claims.json; redirect aliases' share pages."""
    project, site_url = _project(config), _site_url(config)
    pages = {f.src_uri[:-3]: f for f in files.documentation_pages()}
    for claim in project.claims:
        uri = share.share_uri(claim.claim_id)
        if uri[:-3] in pages:
            raise PluginError(f"{_docs(config)}/{uri}: clashes with a generated share page")
        title = get_data(pages[claim.page].content_string)[1].get("title", claim.page)
        content = share.share_markdown(project, claim, str(title))
        files.append(File.generated(config, uri, content=content, inclusion=NOT_IN_NAV))
    urls = {name: urljoin(site_url, f.url) for name, f in pages.items()}
    payload = payloads.claims_payload(project, urls, site_url)
    text = json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
    files.append(File.generated(config, "claims.json", content=text))
    _add_redirects(config, share.alias_redirects(project.claims))
    return files


def _card(config: MkDocsConfig, names: tuple[str, ...]) -> str:
    """Return the docs-relative path of the first preview card that exists."""
    for name in names:
        if (Path(config.docs_dir) / CARDS / f"{name}.png").is_file():
            return f"{CARDS}/{name}.png"
    raise PluginError(f"{_docs(config)}/{CARDS}/{names[0]}.png: missing; run scripts/make_cards.py")


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav) -> dict:
    """Give overrides/main.html this page's preview values and JSON-LD."""
    project, site_url = _project(config), _site_url(config)
    title = page.meta.get("title") or page.title or config.site_name
    summary = page.meta.get("description") or config.site_description or ""
    view = share.preview(project, page.file.src_uri[:-3], title, summary)
    url = page.canonical_url or site_url
    data = payloads.article_jsonld(project, list(view.claims), title=view.title, url=url,
                                   description=view.description, site_name=config.site_name,
                                   site_url=site_url)  # fmt: skip
    context["explainer_share"] = {
        "title": view.title, "description": view.description, "url": url,
        "image": site_url + _card(config, view.cards), "jsonld": payloads.script_json(data),
        "type": "website" if page.is_homepage else "article",
    }  # fmt: skip
    return context
