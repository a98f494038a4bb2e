"""Rasa side of the labour-ministry assistant: domain, NLU data and custom NLU components.

Only Rasa (the `.venv-rasa` environment) imports this package.
"""

from observability.logs import configure_logging_from_environment

configure_logging_from_environment("rasa")
