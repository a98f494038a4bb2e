// Minimal web chat for the labour-ministry assistant: posts to /api/chat and
// renders text, buttons and sources. Everything is inserted as text, never as
// HTML, because replies quote documents and user input.
(function () {
  "use strict";

  var SENDER_KEY = "labour-assistant.sender";
  var list = document.getElementById("messages");
  var form = document.getElementById("composer");
  var input = document.getElementById("input");
  var sendButton = document.getElementById("send");

  // The sender id ties the messages into one Rasa conversation across reloads.
  function senderId() {
    var id = null;
    try { id = window.localStorage.getItem(SENDER_KEY); } catch (e) { /* storage disabled */ }
    if (id && /^[A-Za-z0-9_.:@+-]{1,128}$/.test(id)) return id;
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes); // works outside secure contexts, unlike randomUUID
    id = "web-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
    try { window.localStorage.setItem(SENDER_KEY, id); } catch (e) { /* keep it for this page only */ }
    return id;
  }
  var sender = senderId();

  function addItem(className, text, dir) {
    var item = document.createElement("li");
    item.className = "msg " + className;
    item.setAttribute("dir", dir || "auto");
    item.textContent = text;
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
    return item;
  }

  function safeUrl(url) {
    try {
      var parsed = new URL(url, window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) { return null; }
  }

  function renderSources(item, sources) {
    var ul = document.createElement("ul");
    ul.className = "sources";
    sources.forEach(function (source) {
      var li = document.createElement("li");
      var label = source.title + (source.ref ? " — " + source.ref : "");
      var href = source.url ? safeUrl(source.url) : null;
      if (href) {
        var a = document.createElement("a");
        a.href = href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        a.textContent = label;
        li.appendChild(a);
      } else {
        li.textContent = label;
      }
      ul.appendChild(li);
    });
    item.appendChild(ul);
  }

  function renderButtons(item, buttons) {
    var box = document.createElement("div");
    box.className = "buttons";
    buttons.forEach(function (button) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = button.title;
      b.addEventListener("click", function () {
        // A choice is made once; the payload goes to Rasa, the title to the screen.
        Array.prototype.forEach.call(box.querySelectorAll("button"), function (x) { x.disabled = true; });
        send(button.payload, button.title);
      });
      box.appendChild(b);
    });
    item.appendChild(box);
  }

  function renderReply(reply) {
    var dir = reply.language === "ar" ? "rtl" : "ltr";
    if (!reply.messages || reply.messages.length === 0) {
      addItem("bot", "…", dir);
      return;
    }
    reply.messages.forEach(function (message) {
      var item = addItem("bot", message.text || "", dir);
      item.setAttribute("lang", reply.language);
      if (message.buttons && message.buttons.length) renderButtons(item, message.buttons);
      if (message.sources && message.sources.length) renderSources(item, message.sources);
    });
  }

  // Turn any failure into a sentence; never show raw JSON to a citizen.
  function errorText(status, body) {
    if (body && body.error && typeof body.error.message === "string") return body.error.message;
    if (status === 503) return "The assistant is temporarily unavailable. Please try again in a few minutes.";
    if (status >= 500) return "The assistant could not answer right now. Please try again later.";
    return "Your message could not be sent (error " + status + ").";
  }

  function send(message, shownText) {
    addItem("user", shownText || message, "auto");
    var pending = addItem("bot pending", "…", "auto");
    sendButton.disabled = true;
    fetch("api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: message })
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        pending.remove();
        if (response.ok && body) renderReply(body);
        else addItem("error", errorText(response.status, body), "auto");
      });
    }, function () {
      pending.remove();
      addItem("error", "Cannot reach the assistant. Check your connection and try again.", "auto");
    }).catch(function () {
      addItem("error", "The reply could not be shown. Please try again.", "auto");
    }).then(function () {
      sendButton.disabled = false;
      input.focus();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var message = input.value.trim();
    if (!message) return;
    input.value = "";
    send(message);
  });
})();
