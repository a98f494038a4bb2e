"""The base of the bot's own NLU components: none of them trains or persists anything.

Rasa's recipe creates a component with the pipeline's entry of ``config.yml``; an
:class:`InferenceOnly` component takes its defaults overlaid with that entry, and
passes training data through unchanged (a featuriser is also run on it in training).
"""
from __future__ import annotations

from typing import Any, Dict, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData


class InferenceOnly(GraphComponent):
    """A component with nothing to train or persist."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> InferenceOnly:
        """Creates the component from its defaults and the pipeline's config."""
        return cls({**cls.get_default_config(), **config})

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
