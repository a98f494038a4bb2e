// Agent console: suggestions for what a caller says, and the queue of handoff
// tickets. Every call sends the agent's key (kept for this tab only). Text from
// callers, citizens and documents is inserted as text, never as HTML.
(function () {
  "use strict";

  var KEY_STORAGE = "labour-assistant.agent-key";
  var element = window.LabourPage.element;
  var sourcesList = window.LabourPage.sourcesList;
  var LANGUAGE_NAMES = { ar: "arabe", fr: "français", en: "anglais" };
  var ROLE_NAMES = { citizen: "Citoyen", bot: "Assistant", agent: "Conseiller" };
  var $ = function (id) { return document.getElementById(id); };
  var current = null; // reference of the ticket shown

  function key() {
    try { return window.sessionStorage.getItem(KEY_STORAGE) || ""; } catch (e) { return ""; }
  }

  function notify(text) {
    $("notice").textContent = text || "";
    $("notice").hidden = !text;
  }

  // fetch() with the key; resolves to the JSON body, rejects with a readable message.
  function call(method, path, body) {
    var options = { method: method, headers: { Authorization: "Bearer " + key() } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) return data;
        var message = (data.error && data.error.message) || ("HTTP " + response.status);
        if (response.status === 401) message = "Clé d'accès refusée : saisissez la clé des conseillers.";
        throw new Error(message);
      });
    });
  }

  function copyButton(text) {
    var button = element("button", "small", "Copier");
    button.type = "button";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(text).then(function () {
        button.textContent = "Copié";
        $("reply-text").value = $("reply-text").value || text; // ready to send on the open ticket
      }, function () { notify("La copie a échoué : sélectionnez le texte à la main."); });
    });
    return button;
  }

  function showSuggestions(data) {
    var list = $("suggestions");
    list.textContent = "";
    $("reading").textContent = "Langue de l'appelant : " + (LANGUAGE_NAMES[data.language] || data.language) +
      " · intention : " + data.intent.name + " (" + Math.round(data.intent.confidence * 100) + " %)";
    if (!data.suggestions.length) {
      list.appendChild(element("li", "suggestion", "Aucune suggestion : répondez librement."));
      return;
    }
    data.suggestions.forEach(function (suggestion) {
      var item = element("li", "suggestion");
      var text = element("div", "text", suggestion.text);
      text.setAttribute("dir", "auto");
      item.appendChild(text);
      if (suggestion.sources.length) item.appendChild(sourcesList(suggestion.sources));
      var meta = element("div", "meta");
      meta.appendChild(element("span", null,
        (suggestion.origin === "bot" ? "réponse du bot" : "textes du ministère") +
        " · score " + suggestion.score.toFixed(2)));
      meta.appendChild(copyButton(suggestion.text));
      item.appendChild(meta);
      list.appendChild(item);
    });
  }

  function turn(role, text) {
    var li = element("li", "turn " + role);
    li.setAttribute("dir", "auto");
    li.appendChild(element("span", "who", ROLE_NAMES[role] || role));
    li.appendChild(document.createTextNode(text));
    return li;
  }

  function showTicket(ticket) {
    current = ticket.reference;
    $("ticket").hidden = false;
    $("ticket-title").textContent = ticket.reference + " · " + ticket.channel + " · " +
      (LANGUAGE_NAMES[ticket.language] || ticket.language) + " · " + ticket.sender;
    var list = $("transcript");
    list.textContent = "";
    ticket.transcript.forEach(function (t) { list.appendChild(turn(t.role, t.text)); });
    ticket.replies.forEach(function (r) { list.appendChild(turn("agent", r.text)); });
    list.scrollTop = list.scrollHeight;
    var buttons = $("tickets").querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) {
      b.setAttribute("aria-current", String(b.dataset.reference === current));
    });
    // The caller's last words are what the agent most likely wants suggestions for.
    var said = ticket.transcript.filter(function (t) { return t.role === "citizen"; });
    if (said.length && !$("caller-text").value) $("caller-text").value = said[said.length - 1].text;
  }

  function openTicket(reference) {
    call("GET", "/api/agent/tickets/" + encodeURIComponent(reference)).then(showTicket, function (e) { notify(e.message); });
  }

  function loadQueue() {
    call("GET", "/api/agent/tickets?status=open").then(function (data) {
      notify("");
      var list = $("tickets");
      list.textContent = "";
      if (!data.tickets.length) list.appendChild(element("li", null, "Aucun ticket ouvert."));
      data.tickets.forEach(function (ticket) {
        var li = element("li");
        var button = element("button", null, ticket.reference + " — " + ticket.channel + " — " +
          new Date(ticket.created_at).toLocaleString() + " (" + ticket.transcript.length + " messages)");
        button.type = "button";
        button.dataset.reference = ticket.reference;
        button.addEventListener("click", function () { openTicket(ticket.reference); });
        li.appendChild(button);
        list.appendChild(li);
      });
      if (current && !data.tickets.some(function (t) { return t.reference === current; })) {
        current = null;
        $("ticket").hidden = true;
      }
    }, function (e) { notify(e.message); });
  }

  $("key-form").addEventListener("submit", function (event) {
    event.preventDefault();
    try { window.sessionStorage.setItem(KEY_STORAGE, $("key").value); } catch (e) { /* storage disabled */ }
    $("key").value = "";
    loadQueue();
  });

  $("assist-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var body = { text: $("caller-text").value };
    if ($("answer-language").value) body.language = $("answer-language").value;
    var submit = event.target.querySelector("button[type=submit]");
    submit.disabled = true;
    call("POST", "/api/assist/suggest", body).then(function (data) { notify(""); showSuggestions(data); },
      function (e) { notify(e.message); }).then(function () { submit.disabled = false; });
  });

  $("reply-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) return;
    call("POST", "/api/agent/tickets/" + encodeURIComponent(current) + "/reply", { text: $("reply-text").value })
      .then(function () { $("reply-text").value = ""; openTicket(current); }, function (e) { notify(e.message); });
  });

  $("close-ticket").addEventListener("click", function () {
    if (!current) return;
    call("POST", "/api/agent/tickets/" + encodeURIComponent(current) + "/close")
      .then(function () { current = null; $("ticket").hidden = true; loadQueue(); }, function (e) { notify(e.message); });
  });

  $("refresh").addEventListener("click", loadQueue);
  if (key()) loadQueue();
  window.setInterval(function () { if (key()) loadQueue(); }, 15000);
}());
