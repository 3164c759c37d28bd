/* Link controls (issue #3): a visible permalink and a "Copy link" button on every section
   heading (h2, h3) and every claim, copying the absolute URL (the page's canonical link plus
   the anchor) with a spoken and visible confirmation; a link to each claim's share page; and
   the 404 page's search form handed to Material's search (?q=). Also a name for Material's
   search dialog, a keyboard button for its phone drawer, and tooltips for abbreviations, claim
   references and translation notes (below). And the light/dark toggle, which the build takes
   from Material's script (explainer/palette.py: Material's restyles the whole page several
   times as it starts; this one changes only what differs). An external file with no inline code or styles, so a strict
   Content-Security-Policy allows it. No libraries.

   Works with Material's instant navigation (`navigation.instant`), which swaps the page's
   content without reloading: what belongs to a page is redone for every page Material's document
   observable emits, and is safe to run twice; listeners and elements outside the swapped content
   are set up once. */
(function () {
  "use strict";

  // Material contract: every name of Material for MkDocs this script relies on, here and
  // nowhere else below. tests/test_material_contract.py checks each one against the installed
  // theme and a built page, so a Material upgrade that renames one fails there, by name.
  var MATERIAL = {
    config: "#__config",  // JSON settings; `base` is the relative path to the site root
    content: ".md-content",  // the page's article; replaced by instant navigation
    searchDialog: ".md-search[data-md-component=search][role=dialog]",  // but no name
    searchName: ".md-search__options[aria-label]",  // its translated word for "Search"
    drawerToggle: "#__drawer",  // the checkbox that opens the phone drawer
    drawerLabel: ".md-header__button[for=__drawer]",  // the menu icon, a label for it
    drawer: ".md-sidebar--primary",  // the drawer itself; replaced by instant navigation
    drawerWidth: "(max-width: 76.234375em)",  // the breakpoint below which it is a drawer
    pages: "document$",  // observable of pages: the first, then each instant navigation
    header: ".md-header",  // the header bar, whose colour the browser's own bar takes
    paletteOption: ".md-header__option > .md-option",  // a palette's radio; its label follows
    colorPrefix: "data-md-color-",  // an option's colours, copied onto <body> when chosen
    switching: "data-md-color-switching",  // on <body> while colours change: no transitions
    storageGet: "__md_get",  // Material's storage functions (in the page's head) and the
    storageSet: "__md_set",  // key of the reader's choice; its inline script applies it
    paletteKey: "__palette"  // before the first paint of every page
  };
  // The palette form once the build has taken it from Material's script (explainer/palette.py).
  var PALETTE = "[data-explainer-palette]";

  var COPY_ICON = "M19 21H8V7h11m0-2H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 " +
    "0 0 0-2-2m-3-4H4a2 2 0 0 0-2 2v14h2V3h12V1Z";  // Material Design Icons "content-copy"
  var SVG = "http://www.w3.org/2000/svg";
  // Absolute, resolved once: instant navigation changes the address but not the config block.
  var base = siteBase();
  var status = null;
  var timer = 0;

  function siteBase() {
    var config = document.querySelector(MATERIAL.config);
    try {
      return new URL(JSON.parse(config.textContent).base.replace(/\/?$/, "/"), location.href).href;
    } catch (err) {
      return new URL("/", location.href).href;
    }
  }

  function pageUrl() {
    // Looked up on every use: instant navigation replaces the <link> with the new page's.
    var canonical = document.querySelector('link[rel="canonical"]');
    return canonical ? canonical.href.split("#")[0] : "";
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
    if (heading.querySelector(".linkctl__copy")) {
      return;
    }
    var permalink = heading.querySelector(".headerlink");
    if (!permalink) {
      permalink = link("#" + heading.id, "headerlink", "¶", "Permanent link");
      heading.appendChild(permalink);
    }
    permalink.after(copyButton(heading.id, "this section"));
  }

  function decorateClaim(claim) {
    if (claim.querySelector(":scope > .linkctl")) {
      return;
    }
    var what = "claim " + (claim.getAttribute("value") || "");
    var bar = document.createElement("span");
    bar.className = "linkctl";
    bar.appendChild(link("#" + claim.id, "linkctl__link", "¶", "Permanent link to " + what));
    bar.appendChild(copyButton(claim.id, what));
    // The fact box says how a claim's anchor starts and where share pages live.
    var box = claim.closest("[data-claim-prefix][data-share-dir]");
    if (box && !box.matches(".factbox--single")) {
      var id = claim.id.slice(box.getAttribute("data-claim-prefix").length);
      bar.appendChild(link(base + box.getAttribute("data-share-dir") + id + "/", "linkctl__share",
        "Share page", "Share page for " + what + ", with its own preview card"));
    }
    // After the alias anchors, so that arriving by an old id scrolls to the claim's top.
    claim.insertBefore(bar, claim.querySelector(":scope > :not(.factbox__alias)"));
  }

  function onClick(event) {
    var button = event.target.closest && event.target.closest(".linkctl__copy");
    if (!button) {
      return;
    }
    var url = pageUrl() + "#" + button.getAttribute("data-anchor");
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

  // Material's search dialog has role="dialog" but no accessible name (axe: aria-dialog-name):
  // give it the word Material already uses for its search options.
  function nameSearchDialog() {
    var dialog = document.querySelector(MATERIAL.searchDialog);
    var name = document.querySelector(MATERIAL.searchName);
    if (dialog && !dialog.hasAttribute("aria-label")) {
      dialog.setAttribute("aria-label", name ? name.getAttribute("aria-label") : "Search");
    }
  }

  // Material opens its phone drawer with a <label>, which the keyboard cannot reach, and
  // leaves the closed drawer's links in the Tab order off screen: add a real button, and make
  // the closed drawer inert. Returns the function that brings a page's drawer up to date (the
  // drawer is part of the content instant navigation replaces), or null without a drawer.
  function setupDrawer() {
    var toggle = document.querySelector(MATERIAL.drawerToggle);
    var label = document.querySelector(MATERIAL.drawerLabel);
    if (!toggle || !label) {
      return null;
    }
    var narrow = window.matchMedia(MATERIAL.drawerWidth);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "drawer-button";
    button.textContent = "Navigation menu";
    button.setAttribute("aria-controls", toggle.id);
    label.parentNode.insertBefore(button, label);
    function sync() {
      var drawer = document.querySelector(MATERIAL.drawer);
      if (drawer) {
        drawer.inert = narrow.matches && !toggle.checked;
      }
      button.setAttribute("aria-expanded", String(toggle.checked));
    }
    button.addEventListener("click", function () {
      toggle.click();
      var drawer = document.querySelector(MATERIAL.drawer);
      var first = toggle.checked && drawer && drawer.querySelector("a[href], label[tabindex]");
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
    return sync;
  }

  // Tooltips for abbreviations, claim references and the article page's translation notes: the
  // element's own title, shown on hover or keyboard focus (a tap focuses an abbreviation: it
  // has a tab stop). One listener for the whole document and one tooltip at a time, built when
  // shown: Material's content.tooltips mounted one per titled element at load, which cost
  // phones more main-thread time than the rest of the page (Lighthouse's Total Blocking Time).
  // WCAG 1.4.13: the pointer can move onto the tooltip, Escape dismisses it, and it stays until
  // the pointer or focus leaves. The text is set as text, never as HTML. While shown, the title
  // moves to the tooltip (no second, native tooltip), which describes the element
  // (aria-describedby); then it comes back.
  var TIP_TARGETS = "abbr[title], .claimref a[title], .sourcepage__slipref a[title]";
  var TIP_GAP = 8;  // px between the element and its tooltip, and from the viewport's edges
  var tip = null;
  var tipHost = null;
  var tipTimer = 0;

  function tipTarget(node) {
    return node && node.closest ? node.closest(TIP_TARGETS + ", [data-tip-shown]") : null;
  }

  function placeTip(host) {
    var box = host.getBoundingClientRect();
    var width = tip.offsetWidth;
    var height = tip.offsetHeight;
    var view = document.documentElement.clientWidth;
    // Centred on the element, kept off the viewport's edges (the left one wins on a narrow screen).
    var left = Math.max(Math.min(box.left + box.width / 2 - width / 2, view - width - TIP_GAP), TIP_GAP);
    var below = box.bottom + TIP_GAP + height <= window.innerHeight || box.top < height + TIP_GAP;
    var top = below ? box.bottom + TIP_GAP : box.top - TIP_GAP - height;
    tip.style.left = left + window.scrollX + "px";
    tip.style.top = top + window.scrollY + "px";
  }

  function showTip(host) {
    clearTimeout(tipTimer);
    if (host === tipHost) {
      return;
    }
    hideTip();
    var text = host.getAttribute("title");
    if (!text) {
      return;
    }
    tip = document.createElement("div");
    tip.id = "explainer-tip";
    tip.className = "explainer-tip";
    tip.setAttribute("role", "tooltip");
    tip.textContent = text;
    document.body.appendChild(tip);
    host.removeAttribute("title");
    host.setAttribute("data-tip-shown", text);
    host.setAttribute("aria-describedby", tip.id);
    tipHost = host;
    placeTip(host);
  }

  function hideTip() {
    clearTimeout(tipTimer);
    if (tipHost) {
      tipHost.setAttribute("title", tipHost.getAttribute("data-tip-shown"));
      tipHost.removeAttribute("data-tip-shown");
      tipHost.removeAttribute("aria-describedby");
      tipHost = null;
    }
    if (tip) {
      tip.remove();
      tip = null;
    }
  }

  function hideTipSoon() {
    clearTimeout(tipTimer);
    tipTimer = setTimeout(hideTip, 300);  // time to move the pointer onto the tooltip
  }

  function setupTips() {
    document.addEventListener("pointerover", function (event) {
      var host = tipTarget(event.target);
      if (host) {
        showTip(host);
      } else if (tip && tip.contains(event.target)) {
        clearTimeout(tipTimer);
      }
    });
    document.addEventListener("pointerout", function (event) {
      var from = tipTarget(event.target) || (tip && tip.contains(event.target));
      var to = event.relatedTarget;
      var inside = to && (tipTarget(to) === tipHost || (tip && tip.contains(to)));
      if (from && tipHost && !inside && document.activeElement !== tipHost) {
        hideTipSoon();
      }
    });
    document.addEventListener("focusin", function (event) {
      var host = tipTarget(event.target);
      if (host) {
        showTip(host);
      } else {
        hideTip();
      }
    });
    document.addEventListener("focusout", function (event) {
      if (event.target === tipHost) {
        hideTip();
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && tip) {
        hideTip();
      }
    });
    window.addEventListener("resize", hideTip);
  }

  // --- Light/dark toggle: Material's palette component, minus its restyles at load ---------
  // Same markup, storage and keyboard use as Material's: the choice is stored under Material's
  // key, so its inline script applies it before the first paint of the next page.

  function paletteOf(inputs, index) {
    var color = {};
    Array.prototype.forEach.call(inputs[index].attributes, function (attribute) {
      if (attribute.name.indexOf(MATERIAL.colorPrefix) === 0) {
        color[attribute.name.slice(MATERIAL.colorPrefix.length)] = attribute.value;
      }
    });
    return {index: index, color: color};
  }

  function firstPalette(inputs) {
    var saved = null;
    try {
      saved = window[MATERIAL.storageGet](MATERIAL.paletteKey);
    } catch (err) {
      saved = null;  // unreadable storage: as on a first visit
    }
    var index = saved && typeof saved.index === "number" ? saved.index : -1;
    if (index < 0) {  // first visit: the option whose media matches the system setting
      index = Array.prototype.findIndex.call(inputs, function (input) {
        return matchMedia(input.getAttribute(MATERIAL.colorPrefix + "media")).matches;
      });
    }
    return Math.max(0, Math.min(index, inputs.length - 1));
  }

  function setupPalette() {
    var form = document.querySelector(PALETTE);
    var inputs = form ? form.querySelectorAll(MATERIAL.paletteOption) : [];
    if (!inputs.length) {
      return;
    }
    var body = document.body;
    var themeColor = null;  // added with its colour
    var colorScheme = null;  // added once it says more than "light", the page's default
    var current = firstPalette(inputs);

    // The browser's own colours for the page: its bar (theme-color) and its controls.
    function meta(name, content) {
      var element = document.createElement("meta");
      element.name = name;
      element.content = content;
      return document.head.appendChild(element);
    }

    function describe() {
      var style = getComputedStyle(document.querySelector(MATERIAL.header) || body);
      if (colorScheme) {
        colorScheme.content = style.colorScheme;
      } else if (!/^(normal|light)$/.test(style.colorScheme)) {
        colorScheme = meta("color-scheme", style.colorScheme);
      }
      var color = "#" + (style.backgroundColor.match(/\d+/g) || []).map(function (n) {
        return (+n).toString(16).padStart(2, "0");
      }).join("");
      if (themeColor) {
        themeColor.content = color;
      } else {
        themeColor = meta("theme-color", color);
      }
    }

    function apply(index) {
      var palette = paletteOf(inputs, index);
      current = index;
      var changed = Object.keys(palette.color).filter(function (key) {
        return body.getAttribute(MATERIAL.colorPrefix + key) !== palette.color[key];
      });
      // Which media an option answers is a note for the next page, not a colour to switch.
      var switching = changed.some(function (key) { return key !== "media"; });
      if (switching) {
        body.setAttribute(MATERIAL.switching, "");
      }
      changed.forEach(function (key) {
        body.setAttribute(MATERIAL.colorPrefix + key, palette.color[key]);
      });
      Array.prototype.forEach.call(inputs, function (input, i) {
        var label = input.nextElementSibling;
        if (label instanceof HTMLElement && label.hidden !== (i !== index)) {
          label.hidden = i !== index;
        }
      });
      if (typeof window[MATERIAL.storageSet] === "function") {
        window[MATERIAL.storageSet](MATERIAL.paletteKey, palette);
      }
      return switching;
    }

    function choose(index) {
      var switching = apply(index);
      describe();
      if (switching) {
        setTimeout(function () { body.removeAttribute(MATERIAL.switching); }, 0);
      }
    }

    // At load, reading the header's style would make the browser style the page at once, in
    // the task where Material's script sets up: that is left to a task of its own.
    var switching = apply(current);
    setTimeout(function () {
      describe();
      if (switching) {
        body.removeAttribute(MATERIAL.switching);
      }
    }, 0);
    form.addEventListener("change", function (event) {
      var index = Array.prototype.indexOf.call(inputs, event.target);
      if (index >= 0) {
        choose(index);
      }
    });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // the next option, as with Material's toggle
        event.preventDefault();  // never submit the form
        var next = inputs[(current + 1) % inputs.length];
        next.click();
        next.focus();
      }
    });
  }

  // Once per document: what lives outside the content instant navigation swaps.
  function setup() {
    setupPalette();
    status = document.createElement("div");
    status.className = "linkctl-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    document.body.appendChild(status);
    document.addEventListener("submit", onSearch);
    document.addEventListener("click", onClick);
    nameSearchDialog();
    setupTips();
    return setupDrawer();
  }

  // Once per page shown, and harmless if run again on the same page.
  function decoratePage(syncDrawer) {
    if (syncDrawer) {
      syncDrawer();
    }
    if (!pageUrl()) {
      return;  // no permanent address to copy (the 404 page)
    }
    var content = document.querySelector(MATERIAL.content) || document.body;
    content.querySelectorAll("h2[id], h3[id]").forEach(decorateHeading);
    content.querySelectorAll(".factbox__claim[id]").forEach(decorateClaim);
  }

  function start() {
    var syncDrawer = setup();
    // The page's links and buttons are added in a task of their own, after the one in which
    // Material's script sets up its page too: one long task on a phone's main thread becomes
    // two shorter ones, and the page answers a tap sooner in between (issue #14).
    function later() {
      setTimeout(function () {
        decoratePage(syncDrawer);
      }, 0);
    }
    var pages = window[MATERIAL.pages];
    if (pages && typeof pages.subscribe === "function") {
      // Replays the page already shown, then emits each page instant navigation brings.
      pages.subscribe(later);
    } else {
      later();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
