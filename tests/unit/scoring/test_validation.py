"""Bad request JSON is refused with one message naming every bad field by its path."""

import pytest

from coach.scoring.metadata import MetadataError, parse_metadata
from coach.scoring.pipeline import parse_transcript


def test_bad_metadata_names_each_field() -> None:
    with pytest.raises(MetadataError) as caught:
        parse_metadata({"attempts_last_7_days": -1, "debt_time_barred": "perhaps"})
    message = str(caught.value)
    assert message.startswith("invalid call metadata: ")
    assert "attempts_last_7_days: " in message
    assert "debt_time_barred: " in message


def test_bad_transcript_names_the_turn_and_field() -> None:
    with pytest.raises(ValueError, match=r"^invalid transcript: turns\.1\.speaker: "):
        parse_transcript({"turns": [{"speaker": "agent", "text": "Hi"}, {"speaker": "x"}]})


def test_a_transcript_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ValueError, match="transcript must be an object with 'turns', got list"):
        parse_transcript([])
