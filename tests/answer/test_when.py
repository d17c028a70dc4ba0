"""Dating news sentences by the day they state: full dates, month and day read against the
publication date, weekdays and "yesterday" relative to it, and what is not a date."""

from __future__ import annotations

import doctest
from datetime import date

import pytest

import rag.answer.when as when
from rag.answer.timing import with_days
from rag.answer.when import date_mentions, stated_date, stated_dates

MONDAY = date(2023, 11, 20)  # a Monday; the Friday before is Nov 17, the one after Nov 24


@pytest.mark.parametrize(
    "sentence",
    [
        "On November 21, 2023, the board fired Altman.",
        "On Nov. 21, 2023 the board fired Altman.",
        "On 21 November 2023 the board fired Altman.",
        "The filing is dated 2023-11-21.",
        "On Nov 21st, 2023, the board fired Altman.",
        "On Sept. 21, 2023, the board met.",
    ],
)
def test_full_dates_need_no_publication_date(sentence: str) -> None:
    expected = date(2023, 9 if "Sept" in sentence else 11, 21)
    assert stated_date(sentence, None) == expected


def test_month_and_day_take_the_publication_year() -> None:
    # an article published Nov 18 and updated after the event
    assert stated_date("On November 21, the board fired him.", date(2023, 11, 18)) == date(
        2023, 11, 21
    )
    assert stated_date("It launched on Nov. 6.", date(2023, 11, 18)) == date(2023, 11, 6)
    assert stated_date("It was released on 21 November.", date(2023, 11, 25)) == date(2023, 11, 21)


def test_a_day_too_far_after_publication_is_last_year() -> None:
    # published Jan 3, 2024: "December 28" is five days earlier, not eleven months later
    assert stated_date("On December 28, it shipped.", date(2024, 1, 3)) == date(2023, 12, 28)
    # published March 1: June 1 is three months ahead, so it was last June
    assert stated_date("It began on June 1.", date(2024, 3, 1)) == date(2023, 6, 1)


def test_an_early_january_day_in_late_december_is_next_year() -> None:
    assert stated_date("The law takes effect January 3.", date(2023, 12, 28)) == date(2024, 1, 3)


def test_no_publication_date_leaves_only_full_dates() -> None:
    assert stated_date("On November 21, the board fired him.", None) is None
    assert stated_date("On Friday, the board fired him.", None) is None
    assert stated_date("Yesterday, the board fired him.", None) is None
    assert stated_date("On Friday, Nov. 17, 2023, it fired him.", None) == date(2023, 11, 17)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("On Friday, the board fired Altman.", date(2023, 11, 17)),
        ("The board fired him on Friday.", date(2023, 11, 17)),
        ("OpenAI said Tuesday that it had hired him.", date(2023, 11, 14)),
        ("The company said on Monday it had hired him.", MONDAY),  # the day itself
        ("Last Friday, the board fired him.", date(2023, 11, 17)),
        ("Last Monday, the board met.", date(2023, 11, 13)),  # strictly before
        ("This past Sunday, they talked.", date(2023, 11, 19)),
        ("Talks have stalled since Saturday.", date(2023, 11, 18)),
        ("Microsoft hired him late Sunday.", date(2023, 11, 19)),
    ],
)
def test_weekdays_count_back_from_publication(sentence: str, expected: date) -> None:
    assert stated_date(sentence, MONDAY) == expected


def test_weekdays_ahead_count_forward() -> None:
    assert stated_date("It launches next Friday.", MONDAY) == date(2023, 11, 24)
    assert stated_date("It will announce results on Thursday.", MONDAY) == date(2023, 11, 23)
    assert stated_date("Staff must answer by Wednesday.", MONDAY) == date(2023, 11, 22)
    assert stated_date("The vote is next Monday.", MONDAY) == date(2023, 11, 27)  # strictly after


def test_a_written_date_says_which_weekday() -> None:
    # published Monday Nov 27: "Friday" alone would be Nov 24
    assert stated_date("On Friday, Nov. 17, the board fired him.", date(2023, 11, 27)) == date(
        2023, 11, 17
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "He hosted Saturday Night Live last year.",
        "Sales on Black Friday rose 21 percent.",
        "Cyber Monday deals were thin.",
        "The team meets every Friday.",
        "Stores close on Sundays.",
        "The launch is this Friday.",
        "Friday's vote was close.",
        "The friday deal was small.",
    ],
)
def test_weekdays_that_are_not_dates(sentence: str) -> None:
    assert stated_date(sentence, MONDAY) is None


@pytest.mark.parametrize(
    ("sentence", "offset"),
    [
        ("Yesterday, OpenAI said it had hired him.", -1),
        ("The board fired him last night.", -1),
        ("OpenAI said today it had hired him.", 0),
        ("This morning, the board met.", 0),
        ("He will speak tonight.", 0),
        ("The board will meet tomorrow.", 1),
    ],
)
def test_relative_days(sentence: str, offset: int) -> None:
    assert stated_date(sentence, date(2023, 11, 20)) == date(2023, 11, 20 + offset)


@pytest.mark.parametrize(
    "sentence",
    [
        "Last week, the board met; last month it hired a CEO.",
        "USA Today reported the firing.",
        "In March 2023, OpenAI launched GPT-4.",
        "OpenAI was founded in 2015.",
        "Altman, 38, was fired at 5 p.m.",
        "Shares rose 21 percent in November.",
        "In March 3 million users joined.",
        "Prices may 5x by then.",
        "The company has 30 employees.",
    ],
)
def test_vague_or_non_dates(sentence: str) -> None:
    assert stated_date(sentence, MONDAY) is None


@pytest.mark.parametrize(
    ("sentence", "published"),
    [
        ("It was founded on February 30, 2024.", None),
        ("The report is dated 2023-13-01.", None),
        ("The launch was on Feb. 29.", date(2023, 3, 10)),  # 2023 and 2022 have no Feb 29
        ("It happened on November 31.", MONDAY),
    ],
)
def test_impossible_days_are_ignored(sentence: str, published: date | None) -> None:
    assert stated_date(sentence, published) is None


def test_feb_29_in_a_leap_year() -> None:
    assert stated_date("The launch was on Feb. 29.", date(2024, 3, 10)) == date(2024, 2, 29)


def test_the_first_event_date_wins() -> None:
    sentence = "On November 17, the board fired Altman, who co-founded it on December 11, 2015."
    assert stated_date(sentence, MONDAY) == date(2023, 11, 17)
    assert stated_dates(sentence, MONDAY) == [date(2023, 11, 17), date(2015, 12, 11)]


def test_event_dates_beat_forward_ones() -> None:
    plan = "OpenAI will launch the store on December 5, the company said on November 6."
    assert stated_date(plan, MONDAY) == date(2023, 11, 6)
    assert stated_dates(plan, MONDAY) == [date(2023, 12, 5), date(2023, 11, 6)]
    bound = "Comments are due by March 1, and the agency said so on Monday."
    assert stated_date(bound, date(2024, 1, 10)) == date(2024, 1, 8)  # Jan 10, 2024: Wednesday
    deadline = "Ahead of the March 1 deadline, it said on Monday."
    assert stated_date(deadline, date(2024, 1, 10)) == date(2024, 1, 8)


def test_far_future_dates_are_forward() -> None:
    sentence = "The rules apply from August 2, 2026 and were approved on March 13, 2024."
    assert stated_date(sentence, date(2024, 3, 14)) == date(2024, 3, 13)


def test_a_forward_date_alone_is_still_a_date() -> None:
    mentions = date_mentions("The store will open on December 5.", MONDAY)
    assert [(m.day, m.forward) for m in mentions] == [(date(2023, 12, 5), True)]
    assert stated_date("The store will open on December 5.", MONDAY) == date(2023, 12, 5)


def test_mentions_point_at_their_words() -> None:
    sentence = "The board met Friday and fired him on Nov. 17."
    spans = [sentence[m.start : m.end] for m in date_mentions(sentence, MONDAY)]
    assert spans == ["Friday", "Nov. 17"]


def test_the_module_example_runs() -> None:
    result = doctest.testmod(when)
    assert (result.failed, result.attempted) == (0, 2)


def test_a_relative_day_is_written_out_for_a_short_answer_to_read() -> None:
    said = "Lena Voss, the band's founder, died Saturday."
    assert with_days(said, "2023-01-02T09:00:00") == (
        "Lena Voss, the band's founder, died Saturday (December 31, 2022)."
    )
    # a sentence writing a date or a year already says which day it means
    said = "The Hawks clinched Wednesday their first playoff berth since 2006."
    assert with_days(said, "2023-03-30") == said
    assert with_days("She died Saturday.", "") == "She died Saturday."  # undated
