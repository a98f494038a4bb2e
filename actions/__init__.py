"""Custom actions for the labour-ministry assistant (served by rasa-sdk).

One module per feature: ``case_status`` (form validation and case look-up),
``knowledge`` (answers from the index). The actions are thin: they call plain
functions in ``cases``, ``store`` and ``answers`` that are tested on their own.
"""

from observability.logs import configure_logging_from_environment

configure_logging_from_environment("actions")
