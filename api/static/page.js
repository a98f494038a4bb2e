// What the citizens' chat, the agents' console and the operators' review share: building
// elements whose text is inserted as text, never as HTML; links kept to http(s); lists of
// sources; and the reader's language. Loaded before each page's own script. No build step: plain ES5+DOM.
(function () {
  "use strict";

  var LANGUAGES = ["ar", "fr", "en"];

  window.LabourPage = {
    LANGUAGES: LANGUAGES,

    element: function (tag, className, text) {
      var node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined && text !== null) node.textContent = text;
      return node;
    },

    // A link from a reply or a document: http(s) only (never javascript: or data:).
    safeUrl: function (url) {
      try {
        var parsed = new URL(url, window.location.href);
        return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
      } catch (e) { return null; }
    },

    // One citation: the title (isolated: an Arabic statute may be cited in a French page) and
    // the article as given, a link when the source has an http(s) address.
    sourceLabel: function (source, ref) {
      var page = window.LabourPage;
      var href = source.url ? page.safeUrl(source.url) : null;
      var label = page.element(href ? "a" : "span");
      label.appendChild(page.element("bdi", null, source.title));
      if (ref) label.appendChild(document.createTextNode(" — " + ref));
      if (href) {
        label.href = href;
        label.target = "_blank";
        label.rel = "noopener noreferrer";
      }
      return label;
    },

    // The citations of an answer as a list.
    sourcesList: function (sources) {
      var page = window.LabourPage;
      var ul = page.element("ul", "sources");
      sources.forEach(function (source) {
        var li = page.element("li");
        li.appendChild(page.sourceLabel(source, source.ref));
        ul.appendChild(li);
      });
      return ul;
    },

    // ?lang= first, then the browser's languages, else the page's own default.
    preferredLanguage: function (fallback) {
      var asked = new URLSearchParams(window.location.search).get("lang");
      var candidates = [asked].concat(navigator.languages || [navigator.language]);
      for (var i = 0; i < candidates.length; i++) {
        var code = String(candidates[i] || "").slice(0, 2).toLowerCase();
        if (LANGUAGES.indexOf(code) >= 0) return code;
      }
      return fallback;
    }
  };
})();
