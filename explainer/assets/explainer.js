/* Link controls (issue #3): a visible permalink and a "Copy link" button on every section
   heading (h2, h3) and every claim, copying the absolute URL (the page's canonical link plus
   the anchor) with a spoken and visible confirmation; a link to each claim's share page; and
   the 404 page's search form handed to Material's search (?q=). An external file with no
   inline code or styles, so a strict Content-Security-Policy allows it. No libraries. */
(function () {
  "use strict";

  var COPY_ICON = "M19 21H8V7h11m0-2H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 " +
    "0 0 0-2-2m-3-4H4a2 2 0 0 0-2 2v14h2V3h12V1Z";  // Material Design Icons "content-copy"
  var SVG = "http://www.w3.org/2000/svg";
  var canonical = document.querySelector('link[rel="canonical"]');
  var pageUrl = (canonical ? canonical.href : location.href).split("#")[0];
  var status = null;
  var timer = 0;

  function siteBase() {
    // Material writes the relative path to the site root into its JSON config block.
    var config = document.getElementById("__config");
    try {
      return JSON.parse(config.textContent).base.replace(/\/?$/, "/");
    } catch (err) {
      return "/";
    }
  }

  function announce(text) {
    status.textContent = text;
    status.classList.add("linkctl-status--shown");
    clearTimeout(timer);
    timer = setTimeout(function () {
      status.classList.remove("linkctl-status--shown");
      status.textContent = "";  // so a reader never finds a stale message, and a repeat is spoken
    }, 5000);
  }

  function copyWithSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (err) {
      done = false;
    }
    area.remove();
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return copyWithSelection(text);
      });
    }
    return copyWithSelection(text);
  }

  function icon() {
    var svg = document.createElementNS(SVG, "svg");
    var path = document.createElementNS(SVG, "path");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    path.setAttribute("d", COPY_ICON);
    svg.appendChild(path);
    return svg;
  }

  function copyButton(anchor, what) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "linkctl__copy";
    button.title = "Copy link";
    button.setAttribute("aria-label", "Copy link to " + what);
    button.setAttribute("data-anchor", anchor);
    button.appendChild(icon());
    return button;
  }

  function link(href, className, text, label) {
    var a = document.createElement("a");
    a.href = href;
    a.className = className;
    a.textContent = text;
    if (label) {
      a.setAttribute("aria-label", label);
      a.title = label;
    }
    return a;
  }

  function decorateHeading(heading) {
    var permalink = heading.querySelector(".headerlink");
    if (!permalink) {
      permalink = link("#" + heading.id, "headerlink", "¶", "Permanent link");
      heading.appendChild(permalink);
    }
    permalink.after(copyButton(heading.id, "this section"));
  }

  function decorateClaim(claim, base) {
    var what = "claim " + (claim.getAttribute("value") || "");
    var bar = document.createElement("span");
    bar.className = "linkctl";
    bar.appendChild(link("#" + claim.id, "linkctl__link", "¶", "Permanent link to " + what));
    bar.appendChild(copyButton(claim.id, what));
    if (!claim.closest(".factbox--single")) {
      var id = claim.id.replace(/^claim-/, "");
      bar.appendChild(link(base + "claims/" + id + "/", "linkctl__share", "Share page",
        "Share page for " + what + ", with its own preview card"));
    }
    // After the alias anchors, so that arriving by an old id scrolls to the claim's top.
    claim.insertBefore(bar, claim.querySelector(":scope > :not(.factbox__alias)"));
  }

  function onClick(event) {
    var button = event.target.closest && event.target.closest(".linkctl__copy");
    if (!button) {
      return;
    }
    var url = pageUrl + "#" + button.getAttribute("data-anchor");
    copy(url).then(function () {
      announce("Link copied: " + url);
    }, function () {
      announce("Could not copy. The link is: " + url);
    });
  }

  function onSearch(event) {
    var form = event.target.closest && event.target.closest(".notfound__search");
    if (!form) {
      return;
    }
    // The policy forbids submitting forms; Material's search opens with the query from ?q=.
    event.preventDefault();
    var query = form.querySelector("input").value.trim();
    location.href = form.getAttribute("action") + (query ? "?q=" + encodeURIComponent(query) : "");
  }

  // Material opens its phone drawer with a <label>, which the keyboard cannot reach, and
  // leaves the closed drawer's links in the Tab order off screen: add a real button, and make
  // the closed drawer inert.
  function initDrawer() {
    var toggle = document.getElementById("__drawer");
    var label = document.querySelector(".md-header__button[for='__drawer']");
    var drawer = document.querySelector(".md-sidebar--primary");
    if (!toggle || !label || !drawer) {
      return;
    }
    var narrow = window.matchMedia("(max-width: 76.234375em)");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "drawer-button";
    button.textContent = "Navigation menu";
    button.setAttribute("aria-controls", "__drawer");
    label.parentNode.insertBefore(button, label);
    function sync() {
      drawer.inert = narrow.matches && !toggle.checked;
      button.setAttribute("aria-expanded", String(toggle.checked));
    }
    button.addEventListener("click", function () {
      toggle.click();
      var first = toggle.checked && drawer.querySelector("a[href], label[tabindex]");
      if (first) {
        first.focus();
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.checked && narrow.matches) {
        toggle.click();
        button.focus();
      }
    });
    toggle.addEventListener("change", sync);
    narrow.addEventListener("change", sync);
    sync();
  }

  function init() {
    initDrawer();
    var content = document.querySelector(".md-content") || document.body;
    var base = siteBase();
    status = document.createElement("div");
    status.className = "linkctl-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    document.body.appendChild(status);
    document.addEventListener("submit", onSearch);
    if (!canonical) {
      return;  // no permanent address to copy (the 404 page)
    }
    content.querySelectorAll("h2[id], h3[id]").forEach(decorateHeading);
    content.querySelectorAll(".factbox__claim[id]").forEach(function (claim) {
      decorateClaim(claim, base);
    });
    document.addEventListener("click", onClick);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
