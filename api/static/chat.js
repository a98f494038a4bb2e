// The citizens' web chat: posts to api/chat, renders text, quick replies and
// sources, takes thumbs up/down into api/feedback, and follows an agent's
// replies after a handoff. Everything is inserted as text, never as HTML,
// because replies quote documents and user input. No build step: plain ES5+DOM.
(function () {
  "use strict";

  var page = window.LabourPage;
  var LANGUAGES = page.LANGUAGES, element = page.element;
  // sessionStorage: the conversation survives a reload but not the closing of
  // the tab, so a shared computer does not show the next person a case look-up.
  var SESSION_KEY = "labour-assistant.session";
  var MAX_KEPT_ENTRIES = 200;
  var REQUEST_TIMEOUT_MS = 60000;
  var AGENT_POLL_MS = 5000;
  // Texts the bot's language detector takes as a request to switch language.
  var SWITCH_REQUESTS = { ar: "بالعربية", fr: "en français", en: "in English please" };

  var STRINGS = {
    ar: {
      pageTitle: "المساعد الافتراضي لوزارة الشغل",
      title: "المساعد الافتراضي لوزارة الشغل",
      subtitle: "حقوق الأجراء، الإجراءات الإدارية، برامج التشغيل ووضعية ملفكم.",
      language: "اللغة",
      restart: "محادثة جديدة",
      typing: "المساعد يكتب…",
      inputLabel: "رسالتكم",
      placeholder: "اكتبوا سؤالكم هنا",
      send: "إرسال",
      sources: "المصادر",
      article: "المادة",
      agent: "موظف",
      helpful: "هذا الجواب مفيد",
      notHelpful: "هذا الجواب غير مفيد",
      thanks: "شكرًا على رأيكم.",
      feedbackFailed: "تعذر حفظ رأيكم. حاولوا مرة أخرى.",
      unavailable: "المساعد غير متاح مؤقتًا. يرجى المحاولة بعد بضع دقائق.",
      notReady: "المساعد قيد التشغيل ولم يصبح جاهزًا بعد. يرجى المحاولة لاحقًا.",
      failed: "تعذر على المساعد معالجة رسالتكم. يرجى المحاولة لاحقًا.",
      tooMany: "أرسلتم رسائل كثيرة في وقت قصير. يرجى الانتظار قليلًا ثم المحاولة مجددًا.",
      tooManyWait: "أرسلتم رسائل كثيرة في وقت قصير. يرجى الانتظار {s} ثانية ثم المحاولة مجددًا.",
      tooLong: "رسالتكم طويلة جدًا. يرجى اختصارها.",
      invalid: "تعذر إرسال رسالتكم. يرجى إعادة صياغتها.",
      offline: "تعذر الاتصال بالمساعد. تحققوا من اتصالكم بالإنترنت وحاولوا مجددًا.",
      timeout: "استغرق المساعد وقتًا طويلًا للرد. يرجى المحاولة مجددًا.",
      handoffOpen: "تم إبلاغ موظف. ستظهر ردوده هنا (المرجع {ref})."
    },
    fr: {
      pageTitle: "Assistant virtuel du ministère du Travail",
      title: "Assistant virtuel du ministère du Travail",
      subtitle: "Droit du travail, démarches, programmes d'emploi et suivi de votre dossier.",
      language: "Langue",
      restart: "Nouvelle conversation",
      typing: "L'assistant écrit…",
      inputLabel: "Votre message",
      placeholder: "Écrivez votre question ici",
      send: "Envoyer",
      sources: "Sources",
      article: "Article",
      agent: "Conseiller",
      helpful: "Cette réponse m'a aidé",
      notHelpful: "Cette réponse ne m'a pas aidé",
      thanks: "Merci pour votre avis.",
      feedbackFailed: "Votre avis n'a pas pu être enregistré. Réessayez.",
      unavailable: "L'assistant est momentanément indisponible. Réessayez dans quelques minutes.",
      notReady: "L'assistant démarre et n'est pas encore prêt. Réessayez plus tard.",
      failed: "L'assistant n'a pas pu traiter votre message. Réessayez plus tard.",
      tooMany: "Vous avez envoyé trop de messages en peu de temps. Patientez un instant puis réessayez.",
      tooManyWait: "Vous avez envoyé trop de messages en peu de temps. Patientez {s} secondes puis réessayez.",
      tooLong: "Votre message est trop long. Merci de le raccourcir.",
      invalid: "Votre message n'a pas pu être envoyé. Merci de le reformuler.",
      offline: "Impossible de joindre l'assistant. Vérifiez votre connexion et réessayez.",
      timeout: "L'assistant a mis trop de temps à répondre. Réessayez.",
      handoffOpen: "Un conseiller a été prévenu. Ses réponses s'afficheront ici (référence {ref})."
    },
    en: {
      pageTitle: "Ministry of Labour virtual assistant",
      title: "Ministry of Labour virtual assistant",
      subtitle: "Labour rights, procedures, job programmes and the status of your case.",
      language: "Language",
      restart: "New conversation",
      typing: "The assistant is typing…",
      inputLabel: "Your message",
      placeholder: "Type your question here",
      send: "Send",
      sources: "Sources",
      article: "Article",
      agent: "Agent",
      helpful: "This answer helped",
      notHelpful: "This answer did not help",
      thanks: "Thank you for your feedback.",
      feedbackFailed: "Your feedback could not be saved. Please try again.",
      unavailable: "The assistant is temporarily unavailable. Please try again in a few minutes.",
      notReady: "The assistant is starting up and is not ready yet. Please try again later.",
      failed: "The assistant could not process your message. Please try again later.",
      tooMany: "You have sent too many messages in a short time. Please wait a moment and try again.",
      tooManyWait: "You have sent too many messages in a short time. Please wait {s} seconds and try again.",
      tooLong: "Your message is too long. Please shorten it.",
      invalid: "Your message could not be sent. Please rephrase it.",
      offline: "Cannot reach the assistant. Check your connection and try again.",
      timeout: "The assistant took too long to answer. Please try again.",
      handoffOpen: "An agent has been told. Their replies will appear here (reference {ref})."
    }
  };

  var list = document.getElementById("messages");
  var form = document.getElementById("composer");
  var input = document.getElementById("input");
  var sendButton = document.getElementById("send");
  var typing = document.getElementById("typing");
  var restartButton = document.getElementById("restart");
  var languageButtons = document.querySelectorAll("[data-language]");
  var embedded = new URLSearchParams(window.location.search).has("embed");

  var state = loadSession() || newSession();
  var busy = false;
  var pollTimer = null;

  function newSession() {
    return { sender: newSenderId(), language: page.preferredLanguage("ar"), transcript: [], handoff: null };
  }

  function newSenderId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes); // works outside secure contexts, unlike randomUUID
    return "web-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function loadSession() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(SESSION_KEY));
      if (saved && /^[A-Za-z0-9_.:@+-]{1,128}$/.test(saved.sender) &&
          LANGUAGES.indexOf(saved.language) >= 0 && Array.isArray(saved.transcript)) {
        return saved;
      }
    } catch (e) { /* storage disabled or damaged: start afresh */ }
    return null;
  }

  function saveSession() {
    state.transcript = state.transcript.slice(-MAX_KEPT_ENTRIES);
    try { window.sessionStorage.setItem(SESSION_KEY, JSON.stringify(state)); } catch (e) { /* page-only session */ }
  }

  function t(key, values) {
    var text = STRINGS[state.language][key];
    Object.keys(values || {}).forEach(function (name) { text = text.replace("{" + name + "}", values[name]); });
    return text;
  }

  function dirOf(language) { return language === "ar" ? "rtl" : "ltr"; }

  // Flip the whole page (direction, labels) to the conversation's language.
  function applyLanguage(language) {
    state.language = language;
    var root = document.documentElement;
    root.lang = language;
    root.dir = dirOf(language);
    document.title = t("pageTitle");
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (el) {
      el.textContent = t(el.getAttribute("data-i18n"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-label]"), function (el) {
      el.setAttribute("aria-label", t(el.getAttribute("data-i18n-label")));
      el.title = t(el.getAttribute("data-i18n-label"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-placeholder]"), function (el) {
      el.placeholder = t(el.getAttribute("data-i18n-placeholder"));
    });
    Array.prototype.forEach.call(languageButtons, function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-language") === language));
    });
  }

  // ---- rendering of transcript entries ----

  function render(entry) {
    var item = element("li", "msg " + entry.kind);
    if (entry.kind === "user") {
      item.setAttribute("dir", "auto");
      item.appendChild(element("p", "text", entry.text));
    } else if (entry.kind === "error") {
      item.setAttribute("role", "alert");
      item.appendChild(element("p", "text", entry.text));
    } else if (entry.kind === "agent") {
      item.setAttribute("dir", "auto"); // a person may answer in any language
      item.appendChild(element("p", "who", STRINGS[entry.language].agent));
      item.appendChild(element("p", "text", entry.text));
    } else {
      item.lang = entry.language;
      item.setAttribute("dir", dirOf(entry.language));
      if (entry.text) item.appendChild(element("p", "text", entry.text));
      if (entry.sources && entry.sources.length) renderSources(item, entry);
      if (entry.buttons && entry.buttons.length) renderButtons(item, entry);
      // An answer is a text with sources: that is what a citizen can rate.
      if (entry.text && entry.sources && entry.sources.length) renderFeedback(item, entry);
    }
    list.appendChild(item);
    return item;
  }

  function renderSources(item, entry) {
    var box = element("div", "sources");
    box.appendChild(element("p", "sources-title", STRINGS[entry.language].sources));
    var ul = element("ul");
    entry.sources.forEach(function (source) {
      var li = element("li");
      // A bare article number reads as "Article 12" in the answer's language.
      var ref = /^\d+$/.test(source.ref || "") ? STRINGS[entry.language].article + " " + source.ref : source.ref;
      li.appendChild(page.sourceLabel(source, ref));
      ul.appendChild(li);
    });
    box.appendChild(ul);
    item.appendChild(box);
  }

  function renderButtons(item, entry) {
    var box = element("div", "quick-replies");
    if (entry.answered) item.setAttribute("data-answered", "");
    entry.buttons.forEach(function (button) {
      var b = element("button", null, button.title);
      b.type = "button";
      b.disabled = Boolean(entry.answered) || busy;
      b.addEventListener("click", function () {
        if (busy) return;
        // A choice is made once; the payload goes to Rasa, the title to the screen.
        entry.answered = true;
        item.setAttribute("data-answered", "");
        input.focus(); // the clicked button is about to be disabled
        send(button.payload, { shown: button.title });
      });
      box.appendChild(b);
    });
    item.appendChild(box);
  }

  function renderFeedback(item, entry) {
    var box = element("div", "feedback");
    var note = element("p", "feedback-note");
    note.setAttribute("role", "status");
    [["up", "helpful"], ["down", "notHelpful"]].forEach(function (choice) {
      var b = element("button", "thumb");
      b.appendChild(thumbIcon(choice[0]));
      b.type = "button";
      b.setAttribute("data-rating", choice[0]);
      b.setAttribute("data-i18n-label", choice[1]);
      b.setAttribute("aria-label", t(choice[1]));
      b.title = t(choice[1]);
      b.setAttribute("aria-pressed", String(entry.rating === choice[0]));
      b.disabled = Boolean(entry.rating);
      b.addEventListener("click", function () { rate(entry, choice[0], box, note); });
      box.appendChild(b);
    });
    if (entry.rating) thank(note);
    box.appendChild(note);
    item.appendChild(box);
  }

  // Drawn, not emoji: a phone or kiosk without an emoji font would show empty boxes.
  var THUMB_PATHS = {
    up: "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z",
    down: "M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2zm4 0v12h4V3h-4z"
  };

  function thumbIcon(rating) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", THUMB_PATHS[rating]);
    svg.appendChild(path);
    return svg;
  }

  function thank(note) {
    note.setAttribute("data-i18n", "thanks"); // follows the page's language, like the labels
    note.textContent = t("thanks");
  }

  function rate(entry, rating, box, note) {
    var buttons = box.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    postJson("api/feedback", {
      sender: state.sender, message_text: entry.text, sources: entry.sources,
      rating: rating, language: entry.language
    }).then(function (result) {
      if (!result.ok) throw new Error("feedback " + result.status);
      entry.rating = rating;
      saveSession();
      Array.prototype.forEach.call(buttons, function (b) {
        b.setAttribute("aria-pressed", String(b.getAttribute("data-rating") === rating));
      });
      thank(note);
    }).catch(function () {
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      note.setAttribute("data-i18n", "feedbackFailed");
      note.textContent = t("feedbackFailed");
    });
  }

  function add(entry, keep) {
    if (keep !== false) {
      state.transcript.push(entry);
      saveSession();
    }
    var item = render(entry);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  // ---- talking to the API ----

  function postJson(url, body) {
    return request(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  }

  // Resolves to {ok, status, body, headers}; rejects only when the server cannot be reached.
  function request(url, options) {
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    options.signal = controller.signal;
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        return { ok: response.ok, status: response.status, body: body, headers: response.headers };
      });
    }).finally(function () { window.clearTimeout(timer); });
  }

  // A readable sentence in the page's language for any failure; never raw JSON.
  function errorText(result) {
    var code = result.body && result.body.error ? result.body.error.code : null;
    if (result.status === 429) {
      var wait = parseInt(result.headers.get("Retry-After"), 10);
      return wait > 0 ? t("tooManyWait", { s: wait }) : t("tooMany");
    }
    if (code === "assistant_not_ready") return t("notReady");
    if (result.status === 503) return t("unavailable");
    if (result.status === 504) return t("timeout");
    if (result.status >= 500) return t("failed");
    var details = (result.body && result.body.error && result.body.error.details) || [];
    if (result.status === 413 || details.some(function (d) { return /at most/.test(d.problem); })) return t("tooLong");
    return t("invalid");
  }

  function setBusy(value) {
    busy = value;
    typing.hidden = !value;
    list.setAttribute("aria-busy", String(value));
    sendButton.disabled = value;
    Array.prototype.forEach.call(list.querySelectorAll(".quick-replies button"), function (b) {
      b.disabled = value || b.closest(".msg").hasAttribute("data-answered");
    });
  }

  function showReply(reply) {
    if (LANGUAGES.indexOf(reply.language) >= 0 && reply.language !== state.language) applyLanguage(reply.language);
    (reply.messages || []).forEach(function (message) {
      var entry = {
        kind: "bot", language: reply.language, text: message.text || "",
        buttons: message.buttons || null, sources: message.sources || null
      };
      add(entry);
      if (message.handoff && message.handoff.reference) startHandoff(message.handoff.reference);
    });
  }

  // options: shown (text shown instead of a button's payload), metadata (for Rasa),
  // typed (the citizen wrote it: given back to the input when it fails, to retry).
  function send(message, options) {
    options = options || {};
    add({ kind: "user", text: options.shown || message });
    setBusy(true);
    var body = { sender: state.sender, message: message };
    if (options.metadata) body.metadata = options.metadata;
    function giveBack() { if (options.typed && !input.value) input.value = message; }
    postJson("api/chat", body).then(function (result) {
      if (result.ok && result.body) showReply(result.body);
      else {
        add({ kind: "error", text: errorText(result) }, false);
        giveBack();
      }
    }, function (error) {
      add({ kind: "error", text: t(error && error.name === "AbortError" ? "timeout" : "offline") }, false);
      giveBack();
    }).catch(function () {
      add({ kind: "error", text: t("failed") }, false);
    }).then(function () {
      setBusy(false);
    });
  }

  // ---- agent replies after a handoff ----

  function startHandoff(reference) {
    state.handoff = { reference: reference, after: null };
    saveSession();
    add({ kind: "notice", language: state.language, text: t("handoffOpen", { ref: reference }) });
    pollAgent();
  }

  function pollAgent() {
    window.clearTimeout(pollTimer);
    if (!state.handoff) return;
    var url = "api/chat/" + encodeURIComponent(state.sender) + "/agent-messages" +
      (state.handoff.after !== null ? "?after=" + encodeURIComponent(state.handoff.after) : "");
    request(url, { method: "GET" }).then(function (result) {
      if (!state.handoff) return;
      if (result.status === 404 || result.status === 410) { state.handoff = null; saveSession(); return; }
      if (!result.ok || !result.body) return;
      var messages = Array.isArray(result.body) ? result.body : result.body.messages || [];
      messages.forEach(function (message) {
        if (message.text) add({ kind: "agent", language: state.language, text: message.text });
        if (message.id !== undefined) state.handoff.after = message.id;
      });
      if (result.body.status === "closed") state.handoff = null;
      saveSession();
    }, function () { /* offline for now: try again at the next tick */ }).then(function () {
      if (state.handoff) pollTimer = window.setTimeout(pollAgent, AGENT_POLL_MS);
    });
  }

  // ---- wiring ----

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var message = input.value.trim();
    if (!message || busy) return;
    input.value = "";
    send(message, { typed: true });
  });

  Array.prototype.forEach.call(languageButtons, function (button) {
    button.addEventListener("click", function () {
      var language = button.getAttribute("data-language");
      if (busy) return;
      applyLanguage(language);
      // Tell the bot too, so its `language` slot (and so its answers) follow.
      send(SWITCH_REQUESTS[language], { metadata: { language: language } });
      input.focus();
    });
  });

  restartButton.addEventListener("click", function () {
    window.clearTimeout(pollTimer);
    state = newSession();
    state.language = document.documentElement.lang;
    saveSession();
    list.textContent = "";
    input.value = "";
    input.focus();
  });

  if (embedded) {
    document.body.classList.add("embedded");
    // Escape inside the iframe closes the widget's panel (see widget.js).
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") window.parent.postMessage({ type: "labour-assistant:close" }, "*");
    });
  }

  applyLanguage(state.language);
  state.transcript.forEach(render);
  saveSession();
  if (list.lastElementChild) list.lastElementChild.scrollIntoView({ block: "end" });
  if (state.handoff) pollAgent();
})();
