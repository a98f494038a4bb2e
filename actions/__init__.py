"""Custom actions for the labour-ministry assistant (served by rasa-sdk).

One module per feature: ``case_status`` (the case-status form's validation and the
case look-up, guarded by ``lockout``), ``knowledge`` (answers from the index, worded
by ``knowledge.replies``), ``handoff`` (tickets for an agent), ``forms`` (forgetting
the identity details of a form left unfinished). The actions are thin: they call plain functions in ``cases``,
``lockout`` and the shared ``store`` and ``knowledge`` packages, which are tested on
their own. What they say is the domain's responses (``utter_...``, one variation per
language, in ``bot/domain``), named with the values Rasa fills in; only the knowledge
answers, composed from the index, are text.
"""

from observability.logs import configure_logging_from_environment

configure_logging_from_environment("actions")
