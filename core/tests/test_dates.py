"""Dates said and stored as precisely as they are known."""

import datetime

import pytest

from core.dates import DatePrecision, format_date_span, normalise_date_span

D = datetime.date


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        (D(2015, 1, 9), D(2015, 1, 17), DatePrecision.DAY, "January 9-17, 2015"),
        (D(2015, 1, 9), D(2015, 1, 9), DatePrecision.DAY, "January 9, 2015"),
        (D(2015, 1, 30), D(2015, 2, 3), DatePrecision.DAY, "January 30 – February 3, 2015"),
        (D(2014, 12, 30), D(2015, 1, 3), DatePrecision.DAY, "December 30, 2014 – January 3, 2015"),
        (D(2013, 10, 1), D(2013, 10, 31), DatePrecision.MONTH, "October 2013"),
        (D(2013, 10, 1), D(2013, 11, 30), DatePrecision.MONTH, "October–November 2013"),
        (D(2007, 1, 1), D(2007, 12, 31), DatePrecision.YEAR, "2007"),
        (None, None, DatePrecision.UNKNOWN, ""),
    ],
)
def test_dates_are_shown_exactly_as_precisely_as_known(start, end, precision, expected):
    assert format_date_span(start, end, precision) == expected


def test_month_and_year_spans_cover_the_whole_period():
    assert normalise_date_span(D(2013, 10, 15), None, DatePrecision.MONTH) == (
        D(2013, 10, 1),
        D(2013, 10, 31),
    )
    assert normalise_date_span(D(2007, 6, 1), None, DatePrecision.YEAR) == (
        D(2007, 1, 1),
        D(2007, 12, 31),
    )
    assert normalise_date_span(D(2015, 1, 9), None, DatePrecision.DAY) == (
        D(2015, 1, 9),
        D(2015, 1, 9),
    )
