// What the citizens' chat, the agents' console and the operators' review share: building
// elements whose text is inserted as text, never as HTML; links kept to http(s); and the
// reader's language. Loaded before each page's own script. No build step: plain ES5+DOM.
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
