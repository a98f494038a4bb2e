"""Texts that actions compose at run time, in each of the bot's languages.

Static utterances live in the domain (``bot/domain``) as conditional response
variations; these are the ones that need data filled in by an action. The framing
of knowledge answers is shared with agent assist (``knowledge.replies``).
"""
from __future__ import annotations

from languages import language_or_default

MESSAGES: dict[str, dict[str, str]] = {
    "no_answer": {
        "ar": "لم أجد جوابا موثوقا لسؤالك في نصوص الوزارة. هل تريد التحدث مع موظف؟",
        "fr": "Je n'ai pas trouvé de réponse fiable dans les textes du ministère. "
        "Voulez-vous parler à un conseiller ?",
        "en": "I could not find a reliable answer in the ministry's texts. "
        "Would you like to talk to an agent?",
    },
    "talk_to_agent": {"ar": "التحدث مع موظف", "fr": "Parler à un conseiller", "en": "Talk to an agent"},
    "knowledge_unavailable": {
        "ar": "البحث في نصوص الوزارة غير متاح حاليا. المرجو المحاولة بعد قليل.",
        "fr": "La recherche dans les textes du ministère est indisponible pour le moment. "
        "Merci de réessayer dans un instant.",
        "en": "Searching the ministry's texts is unavailable right now. Please try again shortly.",
    },
    "invalid_case_number": {
        "ar": "رقم الملف غير صحيح. الصيغة المطلوبة: LAB-2025-000123 (LAB ثم السنة ثم ستة أرقام).",
        "fr": "Ce numéro de dossier n'est pas valide. Format attendu : LAB-2025-000123 "
        "(LAB, l'année, puis six chiffres).",
        "en": "That case number is not valid. The expected format is LAB-2025-000123 "
        "(LAB, the year, then six digits).",
    },
    "invalid_national_id": {
        "ar": "رقم البطاقة الوطنية غير صحيح. الصيغة المطلوبة: حرف أو حرفان ثم أرقام، مثل AB123456.",
        "fr": "Ce numéro de CIN n'est pas valide. Format attendu : une ou deux lettres "
        "puis des chiffres, par exemple AB123456.",
        "en": "That national ID (CIN) is not valid. The expected format is one or two "
        "letters followed by digits, such as AB123456.",
    },
    "case_status": {
        "ar": "الملف {case_number}: {status}. آخر تحديث: {updated_at}. الخطوة التالية: {next_step}",
        "fr": "Dossier {case_number} : {status}. Dernière mise à jour : {updated_at}. "
        "Prochaine étape : {next_step}",
        "en": "Case {case_number}: {status}. Last updated: {updated_at}. Next step: {next_step}",
    },
    "case_not_found": {
        "ar": "لم نجد ملفا يطابق هذا الرقم وهذه البطاقة الوطنية. تحقق من المعلومات أو اطلب التحدث مع موظف.",
        "fr": "Aucun dossier ne correspond à ce numéro et à cette CIN. Vérifiez les informations "
        "ou demandez à parler à un conseiller.",
        "en": "No case matches that number and national ID. Check the details or ask to "
        "talk to an agent.",
    },
    "lookups_locked": {
        "ar": "تم إيقاف البحث عن الملفات مؤقتا بعد عدة محاولات فاشلة. يمكنك المحاولة من جديد بعد {time}.",
        "fr": "La consultation des dossiers est suspendue après plusieurs tentatives infructueuses. "
        "Vous pourrez réessayer après {time}.",
        "en": "Case look-ups are paused after several failed attempts. You can try again after {time}.",
    },
    # A case number with too many failed identity checks, from anyone: said alike whether
    # a case has that number or not, and without a time, so it tells nothing about either.
    "case_protected": {
        "ar": "هذا الملف محمي مؤقتا بعد عدة محاولات فاشلة للتحقق من الهوية. المرجو المحاولة لاحقا أو التحدث مع موظف.",
        "fr": "Ce dossier est temporairement protégé après plusieurs vérifications d'identité "
        "infructueuses. Merci de réessayer plus tard ou de parler à un conseiller.",
        "en": "This case file is temporarily protected after several failed identity checks. "
        "Please try again later or talk to an agent.",
    },
    "handoff_opened": {
        "ar": "تم تحويل طلبك إلى موظف. رقم التذكرة: {reference}. سيجيبك موظف هنا في أقرب وقت خلال "
        "أوقات العمل، وسيتوقف المساعد الآلي عن الرد في هذه المحادثة إلى حين ذلك.",
        "fr": "Votre demande a été transmise à un conseiller. Référence du ticket : {reference}. "
        "Un conseiller vous répondra ici dès que possible pendant les heures d'ouverture ; "
        "d'ici là, l'assistant automatique ne répondra plus dans cette conversation.",
        "en": "Your request has been passed to an agent. Ticket reference: {reference}. An agent "
        "will reply here as soon as possible during opening hours; until then the automated "
        "assistant will stay silent in this conversation.",
    },
}

CASE_STATUS_LABELS: dict[str, dict[str, str]] = {
    "received": {"ar": "تم التوصل به", "fr": "reçu", "en": "received"},
    "in_review": {"ar": "قيد الدراسة", "fr": "en cours d'examen", "en": "in review"},
    "awaiting_documents": {
        "ar": "في انتظار وثائق",
        "fr": "en attente de documents",
        "en": "awaiting documents",
    },
    "decided": {"ar": "تم البت فيه", "fr": "décision rendue", "en": "decided"},
    "closed": {"ar": "مغلق", "fr": "clôturé", "en": "closed"},
}

CASE_NEXT_STEPS: dict[str, dict[str, str]] = {
    "received": {
        "ar": "سيتم تعيين مفتش شغل لملفك.",
        "fr": "un inspecteur du travail sera affecté à votre dossier.",
        "en": "a labour inspector will be assigned to your case.",
    },
    "in_review": {
        "ar": "مفتش الشغل يدرس ملفك، ولا يلزمك أي إجراء الآن.",
        "fr": "l'inspecteur du travail examine votre dossier ; rien à faire pour le moment.",
        "en": "the labour inspector is reviewing your case; nothing is needed from you now.",
    },
    "awaiting_documents": {
        "ar": "أرسل الوثائق المطلوبة إلى مندوبية الشغل التابعة لك.",
        "fr": "déposez les documents demandés auprès de votre délégation de l'emploi.",
        "en": "send the requested documents to your local labour delegation.",
    },
    "decided": {
        "ar": "يمكنك سحب القرار من مندوبية الشغل التابعة لك.",
        "fr": "vous pouvez retirer la décision auprès de votre délégation de l'emploi.",
        "en": "you can collect the decision from your local labour delegation.",
    },
    "closed": {
        "ar": "لا توجد خطوة أخرى؛ يمكنك فتح ملف جديد عند الحاجة.",
        "fr": "aucune ; vous pouvez ouvrir un nouveau dossier si nécessaire.",
        "en": "none; you can open a new case if needed.",
    },
}


def message(key: str, language: str | None, **values: str) -> str:
    """The text ``key`` in ``language`` (Arabic when unknown), filled with ``values``."""
    return MESSAGES[key][language_or_default(language)].format(**values)


def agent_buttons(language: str | None) -> list[dict[str, str]]:
    """The button that opens a handoff to an agent (the ``request_human`` intent)."""
    return [{"title": message("talk_to_agent", language), "payload": "/request_human"}]
