"""Custom actions for the labour-ministry assistant (served by rasa-sdk).

One module per feature: ``case_status`` (the case-status form's validation and the
case look-up, guarded by ``lockout``), ``knowledge`` (answers from the index, worded
by ``knowledge.replies``), ``handoff`` (tickets for an agent), ``forms`` (forgetting
the identity details of a form left unfinished). The actions are thin: they call plain functions in ``cases``,
``lockout``, ``messages`` and the shared ``store`` and ``knowledge`` packages, which
are tested on their own.
"""

from observability.logs import configure_logging_from_environment

configure_logging_from_environment("actions")
