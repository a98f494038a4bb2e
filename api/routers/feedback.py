"""Citizens' thumbs up / down on the assistant's answers, kept for the ministry's review."""

import datetime as dt
import logging

from fastapi import APIRouter, status
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api.deps import StoreEngineDep
from api.errors import ApiError, Utf8JSONRoute, error_responses
from api.schemas import FeedbackRequest, FeedbackSaved
from store.models import Feedback

logger = logging.getLogger(__name__)

router = APIRouter(tags=["feedback"], route_class=Utf8JSONRoute)

STORE_DOWN = "Your feedback could not be saved right now. Please try again later."


@router.post(
    "/api/feedback",
    response_model=FeedbackSaved,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 415, 422, 503),
    summary="Rate one of the assistant's answers",
)
def save_feedback(feedback: FeedbackRequest, engine: StoreEngineDep) -> FeedbackSaved:
    """Store the rating with the answer and the sources it cited.

    A plain `def`: SQLAlchemy's session is blocking, so FastAPI runs it in its threadpool.
    """
    try:
        saved_id = _insert(engine, feedback)
    except SQLAlchemyError as exc:
        logger.error("Could not store feedback from %s: %r", feedback.sender, exc)
        raise ApiError(503, "store_unavailable", STORE_DOWN) from exc
    return FeedbackSaved(id=saved_id, rating=feedback.rating)


def _insert(engine: Engine, feedback: FeedbackRequest) -> int:
    row = Feedback(
        sender=feedback.sender,
        channel="web",
        language=feedback.language,
        message_text=feedback.message_text,
        sources=[source.model_dump() for source in feedback.sources],
        rating=feedback.rating,
        comment=feedback.comment,
        created_at=dt.datetime.now(dt.timezone.utc),
    )
    with Session(engine) as session, session.begin():
        session.add(row)
        session.flush()
        return row.id
