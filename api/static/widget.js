// Embeds the citizens' chat in any page: a floating button that opens the chat
// page in an iframe panel. The host page's CSS cannot reach into the shadow DOM,
// and the chat keeps its own origin (its session storage and API calls).
//
//   <script src="https://ASSISTANT-HOST/static/widget.js" data-lang="fr" defer></script>
//
// data-lang (ar, fr or en) picks the first language; otherwise the host page's
// <html lang>, then the browser's. data-position="left" puts the button on the left.
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__labourAssistantWidget) return;
  window.__labourAssistantWidget = true;

  var LABELS = {
    ar: { open: "افتح المحادثة مع المساعد", close: "أغلق المحادثة", title: "المساعد الافتراضي لوزارة الشغل" },
    fr: { open: "Ouvrir la conversation avec l'assistant", close: "Fermer la conversation", title: "Assistant virtuel du ministère du Travail" },
    en: { open: "Open the chat with the assistant", close: "Close the chat", title: "Ministry of Labour virtual assistant" }
  };
  var candidates = [script.getAttribute("data-lang"), document.documentElement.lang, navigator.language];
  var language = "ar";
  for (var i = 0; i < candidates.length; i++) {
    var code = String(candidates[i] || "").slice(0, 2).toLowerCase();
    if (LABELS[code]) { language = code; break; }
  }
  var labels = LABELS[language];
  var side = script.getAttribute("data-position") === "left" ? "left" : "right";

  // widget.js is served from <assistant>/static/, the chat page from <assistant>/.
  var pageUrl = new URL("../", script.src);
  pageUrl.searchParams.set("embed", "1");
  pageUrl.searchParams.set("lang", language);

  var host = document.createElement("div");
  host.setAttribute("data-labour-assistant", "");
  var shadow = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  style.textContent = [
    ":host { all: initial; }",
    ".launcher { position: fixed; bottom: 1.25rem; " + side + ": 1.25rem; z-index: 2147483000;",
    "  width: 3.75rem; height: 3.75rem; border-radius: 50%; border: 0; cursor: pointer;",
    "  background: #00582e; color: #fff; box-shadow: 0 4px 14px rgba(0,0,0,.3); }",
    ".launcher svg { width: 1.8rem; height: 1.8rem; fill: currentColor; }",
    ".launcher:focus-visible, .close:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 3px; }",
    ".panel { position: fixed; bottom: 6rem; " + side + ": 1.25rem; z-index: 2147483000;",
    "  width: min(24rem, calc(100vw - 2.5rem)); height: min(40rem, calc(100vh - 8rem));",
    "  display: flex; flex-direction: column; background: #fff; border-radius: .9rem; overflow: hidden;",
    "  box-shadow: 0 8px 30px rgba(0,0,0,.3); }",
    ".panel[hidden] { display: none; }",
    ".bar { display: flex; justify-content: flex-end; background: #00582e; }",
    ".close { width: 2.75rem; height: 2.75rem; border: 0; background: transparent; color: #fff;",
    "  font-size: 1.6rem; line-height: 1; cursor: pointer; }",
    "iframe { flex: 1; width: 100%; border: 0; }",
    "@media (max-width: 30rem) { .panel { inset: 0; width: 100%; height: 100%; border-radius: 0; } }"
  ].join("\n");

  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "launcher";
  launcher.setAttribute("aria-label", labels.open);
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "labour-assistant-panel");
  launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 2-2z"/></svg>';

  var panel = document.createElement("div");
  panel.className = "panel";
  panel.id = "labour-assistant-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", labels.title);
  panel.hidden = true;
  var bar = document.createElement("div");
  bar.className = "bar";
  var close = document.createElement("button");
  close.type = "button";
  close.className = "close";
  close.setAttribute("aria-label", labels.close);
  close.textContent = "×";
  bar.appendChild(close);
  var frame = document.createElement("iframe");
  frame.title = labels.title;
  panel.appendChild(bar);
  panel.appendChild(frame);

  function setOpen(open) {
    if (open && !frame.src) frame.src = pageUrl.href; // loaded on first open only
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) frame.focus();
    else launcher.focus();
  }

  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  close.addEventListener("click", function () { setOpen(false); });
  shadow.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) setOpen(false);
  });
  // Escape pressed inside the iframe (chat.js posts it when embedded).
  window.addEventListener("message", function (event) {
    if (event.source === frame.contentWindow && event.data && event.data.type === "labour-assistant:close") {
      setOpen(false);
    }
  });

  shadow.appendChild(style);
  shadow.appendChild(panel);
  shadow.appendChild(launcher);
  (document.body || document.documentElement).appendChild(host);
})();
