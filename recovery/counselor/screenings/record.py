"""A saved screening gathered as a record: what its PDF summary prints
(recovery.export.record.ScreeningRecord), read from the screening, its client and the
counselors' names (one query for the names); and every answer in words, step by step, for the
screening's page (recovery.screening.answered)."""

from sqlmodel import Session, col, select

from recovery.content.model import Content
from recovery.counselor.screenings.queries import result_of
from recovery.export.record import ChosenPathRecord, ScreeningRecord
from recovery.models import Client, ClientScreening, User
from recovery.screening.answered import AnsweredStep, answered_steps
from recovery.screening.result import ScreeningResult


def every_answer(content: Content, screening: ClientScreening, result: ScreeningResult
                 ) -> tuple[AnsweredStep, ...]:
    return answered_steps(content.questionnaire, screening.answers, result.substance_text,
                          audience="counselor")


def screening_record(session: Session, content: Content, *, client: Client,
                     screening: ClientScreening) -> ScreeningRecord:
    names = display_names(session, {screening.counselor_id, screening.override_by})
    return ScreeningRecord(
        client_code=client.code, record_number=client.record_number,
        counselor=names.get(screening.counselor_id, ""), taken_at=screening.taken_at,
        content_version=screening.content_version, result=result_of(screening),
        chosen=chosen_path(content, screening, names), notes=screening.notes)


def chosen_path(content: Content, screening: ClientScreening, names: dict[int | None, str]
                ) -> ChosenPathRecord | None:
    """The counselor's own choice of path, if they made one, with who made it and why."""
    if not screening.override_path:
        return None
    titles = {path.id: path.title for path in content.paths}
    return ChosenPathRecord(
        title=titles.get(screening.override_path, screening.override_path),
        reason=screening.override_reason,
        chosen_by=names.get(screening.override_by, ""), chosen_at=screening.override_at)


def display_names(session: Session, user_ids: set[int | None]) -> dict[int | None, str]:
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    rows = session.exec(select(User.id, User.display_name)
                        .where(col(User.id).in_(wanted))).all()
    return {user_id: name for user_id, name in rows}
