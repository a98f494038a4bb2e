// Operators' review: what the assistant could not answer, for a period, by channel and
// language. Every call sends the operators' key (kept for this tab only). Citizens' texts
// (masked by the server) are inserted as text, never as HTML. Labels in ar/fr/en; Arabic
// turns the page right to left.
(function () {
  "use strict";

  var KEY_STORAGE = "labour-assistant.ops-key";
  var page = window.LabourPage;
  var element = page.element, sourcesList = page.sourcesList;
  var STRINGS = {
    fr: {
      pageTitle: "Ce que l'assistant n'a pas su répondre — ministère du Travail",
      title: "Ce que l'assistant n'a pas su répondre", key: "Clé des opérateurs", connect: "Se connecter",
      from: "Du", to: "au", channel: "Canal", language: "Langue", all: "tous", web: "web",
      ar: "arabe", fr: "français", en: "anglais", unknown: "inconnue", show: "Afficher",
      breakdown: "Par canal et par langue", groups: "Questions semblables, regroupées",
      refused: "Questions refusées ou mal orientées", thumbsDown: "Réponses jugées inutiles",
      exportCsv: "Exporter (CSV)", exportGroup: "CSV", total: "{n} au total",
      turns: "Messages", handoff: "Vers un conseiller", count: "Nombre", question: "Question",
      answer: "Réponse", sources: "Sources", reason: "Motif", at: "Date", comment: "Commentaire",
      examples: "Formulations", none: "Rien sur cette période.", notFound: "(question introuvable)",
      methodE5: "Regroupées par sens (modèle e5).",
      methodText: "Regroupées par mots identiques seulement : le modèle e5 n'a pas pu être chargé.",
      truncated: "Seules les 2 000 questions les plus récentes sont regroupées.",
      badKey: "Clé refusée : saisissez la clé des opérateurs (celle des conseillers ne l'ouvre pas).",
      noKey: "Saisissez d'abord la clé des opérateurs.",
      reasons: { low_confidence: "pas de réponse fiable", knowledge_unavailable: "base indisponible",
        out_of_scope: "hors sujet", not_understood: "non comprise", no_reply: "aucune réponse",
        other: "autre", thumbs_down: "réponse jugée inutile" }
    },
    ar: {
      pageTitle: "ما لم يستطع المساعد الإجابة عنه — وزارة الشغل",
      title: "ما لم يستطع المساعد الإجابة عنه", key: "مفتاح المشرفين", connect: "دخول",
      from: "من", to: "إلى", channel: "القناة", language: "اللغة", all: "الكل", web: "الموقع",
      ar: "العربية", fr: "الفرنسية", en: "الإنجليزية", unknown: "غير معروفة", show: "عرض",
      breakdown: "حسب القناة واللغة", groups: "أسئلة متشابهة مجمّعة",
      refused: "أسئلة مرفوضة أو موجّهة خطأ", thumbsDown: "أجوبة قُيّمت بأنها غير مفيدة",
      exportCsv: "تصدير (CSV)", exportGroup: "CSV", total: "المجموع: {n}",
      turns: "الرسائل", handoff: "إحالة إلى مستشار", count: "العدد", question: "السؤال",
      answer: "الجواب", sources: "المصادر", reason: "السبب", at: "التاريخ", comment: "تعليق",
      examples: "الصيغ", none: "لا شيء في هذه الفترة.", notFound: "(السؤال غير موجود)",
      methodE5: "مجمّعة حسب المعنى (نموذج e5).",
      methodText: "مجمّعة حسب الكلمات المتطابقة فقط: تعذّر تحميل نموذج e5.",
      truncated: "تُجمَّع أحدث 2000 سؤال فقط.",
      badKey: "المفتاح مرفوض: أدخلوا مفتاح المشرفين (مفتاح المستشارين لا يفتحها).",
      noKey: "أدخلوا مفتاح المشرفين أولًا.",
      reasons: { low_confidence: "لا جواب موثوق", knowledge_unavailable: "القاعدة غير متاحة",
        out_of_scope: "خارج الموضوع", not_understood: "غير مفهوم", no_reply: "بلا رد",
        other: "آخر", thumbs_down: "جواب غير مفيد" }
    },
    en: {
      pageTitle: "What the assistant could not answer — Ministry of Labour",
      title: "What the assistant could not answer", key: "Operators' key", connect: "Sign in",
      from: "From", to: "to", channel: "Channel", language: "Language", all: "all", web: "web",
      ar: "Arabic", fr: "French", en: "English", unknown: "unknown", show: "Show",
      breakdown: "By channel and language", groups: "Similar questions, grouped",
      refused: "Refused or misrouted questions", thumbsDown: "Answers rated unhelpful",
      exportCsv: "Export (CSV)", exportGroup: "CSV", total: "{n} in all",
      turns: "Messages", handoff: "Handed to an agent", count: "Count", question: "Question",
      answer: "Answer", sources: "Sources", reason: "Reason", at: "Date", comment: "Comment",
      examples: "Wordings", none: "Nothing in this period.", notFound: "(question not found)",
      methodE5: "Grouped by meaning (e5 model).",
      methodText: "Grouped by identical words only: the e5 model could not be loaded.",
      truncated: "Only the 2,000 most recent questions are grouped.",
      badKey: "Key refused: enter the operators' key (the agents' key does not open this page).",
      noKey: "Enter the operators' key first.",
      reasons: { low_confidence: "no reliable answer", knowledge_unavailable: "index unavailable",
        out_of_scope: "out of scope", not_understood: "not understood", no_reply: "no reply",
        other: "other", thumbs_down: "answer rated unhelpful" }
    }
  };
  var $ = function (id) { return document.getElementById(id); };
  var state = { language: page.preferredLanguage("fr"), report: null, query: "" };

  function t(name, values) {
    var text = STRINGS[state.language][name];
    Object.keys(values || {}).forEach(function (k) { text = text.replace("{" + k + "}", values[k]); });
    return text;
  }

  function channelName(channel) { return channel === "web" ? t("web") : channel === "whatsapp" ? "WhatsApp" : channel; }

  function reasonName(reason) { return STRINGS[state.language].reasons[reason] || reason || ""; }

  function applyLanguage(language) {
    state.language = language;
    document.documentElement.lang = language;
    document.documentElement.dir = language === "ar" ? "rtl" : "ltr";
    document.title = t("pageTitle");
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (el) {
      el.textContent = t(el.getAttribute("data-i18n"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-language]"), function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-language") === language));
    });
    if (state.report) render(state.report);
  }

  function key() {
    try { return window.sessionStorage.getItem(KEY_STORAGE) || ""; } catch (e) { return ""; }
  }

  function notify(text) {
    $("notice").textContent = text || "";
    $("notice").hidden = !text;
  }

  function failure(response) {
    return response.json().catch(function () { return {}; }).then(function (data) {
      if (response.status === 401) throw new Error(t("badKey"));
      throw new Error((data.error && data.error.message) || ("HTTP " + response.status));
    });
  }

  function get(path) {
    return fetch(path, { headers: { Authorization: "Bearer " + key() } }).then(function (response) {
      return response.ok ? response : failure(response);
    });
  }

  function day(iso) { return String(iso || "").replace("T", " ").slice(0, 16); }

  function table(id, headers, rows) {
    var grid = $(id);
    grid.textContent = "";
    var head = element("tr");
    headers.forEach(function (h) { head.appendChild(element("th", null, t(h))); });
    grid.appendChild(head);
    if (!rows.length) {
      var tr = element("tr");
      var td = element("td", "empty", t("none"));
      td.colSpan = headers.length;
      tr.appendChild(td);
      grid.appendChild(tr);
    }
    rows.forEach(function (cells) {
      var tr = element("tr");
      cells.forEach(function (cell) {
        var td;
        if (cell instanceof Node) { td = element("td"); td.appendChild(cell); }
        else { td = element("td", cell && cell.text !== undefined ? "text" : null, cell && cell.text !== undefined ? cell.text : cell); }
        if (cell && cell.text !== undefined) td.setAttribute("dir", "auto");
        tr.appendChild(td);
      });
      grid.appendChild(tr);
    });
  }

  function exportButton(group) {
    var button = element("button", "small export", t("exportGroup"));
    button.type = "button";
    button.setAttribute("data-section", "groups");
    button.setAttribute("data-group", group.id);
    button.setAttribute("aria-label", t("exportCsv") + " — " + group.question);
    return button;
  }

  function render(report) {
    table("breakdown", ["channel", "language", "turns", "refused", "handoff", "thumbsDown"],
      report.breakdown.map(function (r) {
        return [channelName(r.channel), t(r.language) || r.language,
          r.turns, r.refused, r.handoff, r.thumbs_down];
      }));
    $("groups-method").textContent = (report.groups.method === "e5" ? t("methodE5") : t("methodText")) +
      (report.groups.truncated ? " " + t("truncated") : "");
    table("groups", ["count", "question", "examples", "reason", "channel", "language", "exportGroup"],
      report.groups.groups.map(function (g) {
        return [g.count, { text: g.question }, { text: g.examples.join("\n") },
          g.reasons.map(reasonName).join(", "), g.channels.map(channelName).join(", "),
          g.languages.map(function (l) { return t(l) || l; }).join(", "), exportButton(g)];
      }));
    $("refused-total").textContent = t("total", { n: report.refused.total });
    table("refused", ["at", "channel", "language", "reason", "question", "answer"],
      report.refused.rows.map(function (r) {
        return [day(r.at), channelName(r.channel), t(r.language) || r.language, reasonName(r.reason),
          { text: r.question }, { text: r.answer }];
      }));
    $("down-total").textContent = t("total", { n: report.thumbs_down.total });
    table("thumbs-down", ["at", "channel", "language", "question", "answer", "sources", "comment"],
      report.thumbs_down.rows.map(function (r) {
        return [day(r.at), channelName(r.channel), t(r.language) || r.language,
          { text: r.question === null ? t("notFound") : r.question }, { text: r.answer },
          sourcesList(r.sources), { text: r.comment || "" }];
      }));
    $("report").hidden = false;
  }

  function query() {
    var params = new URLSearchParams({ from: $("from").value, to: $("to").value });
    if ($("channel").value) params.set("channel", $("channel").value);
    if ($("language").value) params.set("language", $("language").value);
    return params;
  }

  function load() {
    if (!key()) { notify(t("noKey")); return; }
    var params = query();
    get("/api/ops/report?" + params).then(function (response) { return response.json(); })
      .then(function (report) {
        notify("");
        state.report = report;
        state.query = params.toString();
        render(report);
      })
      .catch(function (error) { notify(error.message); });
  }

  function download(section, group) {
    var params = new URLSearchParams(state.query || query().toString());
    params.set("section", section);
    if (group) params.set("group", group);
    get("/api/ops/export?" + params).then(function (response) {
      var disposition = response.headers.get("Content-Disposition") || "";
      var name = (/filename="([^"]+)"/.exec(disposition) || [])[1] || "ops.csv";
      return response.blob().then(function (blob) {
        var a = element("a");
        a.href = URL.createObjectURL(blob);
        a.download = name;
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      });
    }).catch(function (error) { notify(error.message); });
  }

  var today = new Date().toISOString().slice(0, 10);
  $("to").value = today;
  $("from").value = new Date(Date.now() - 6 * 86400000).toISOString().slice(0, 10);
  $("key").value = key();

  $("key-form").addEventListener("submit", function (event) {
    event.preventDefault();
    try { window.sessionStorage.setItem(KEY_STORAGE, $("key").value); } catch (e) { /* this call only */ }
    load();
  });
  $("filters").addEventListener("submit", function (event) { event.preventDefault(); load(); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.export");
    if (button) download(button.getAttribute("data-section"), button.getAttribute("data-group"));
    var switcher = event.target.closest && event.target.closest("[data-language]");
    if (switcher) applyLanguage(switcher.getAttribute("data-language"));
  });
  applyLanguage(state.language);
  if (key()) load();
})();
