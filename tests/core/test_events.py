"""The event log: appended per change, read back in order, never edited."""

import pytest

from ppid.core.events import diff_fields, event_record, events_for
from tests.factories import ItemFactory


def test_diff_fields_reports_only_changed_values():
    assert diff_fields({"a": 1, "b": "x"}, {"a": 1, "b": "y"}) == {"b": ["x", "y"]}


@pytest.mark.django_db
def test_events_are_read_back_in_order_with_actor_and_role(officer_a, office_a):
    item = ItemFactory(office=office_a)
    event_record(subject=item, action="created", actor=officer_a, actor_role="ppid_pelaksana")
    event_record(subject=item, action="published", actor=officer_a, actor_role="ppid_pelaksana")
    events = list(events_for(item))
    assert [e.action for e in events] == ["created", "published"]
    assert events[0].actor == officer_a
    assert events[0].actor_role == "ppid_pelaksana"
