"""Hypothesis strategies for policy queries: categories, awkward dates, repairs."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from .builders import POLICY

# Month ends and leap days are where month arithmetic goes wrong.
AWKWARD_DATES = [
    date(2024, 1, 31),
    date(2024, 2, 29),
    date(2025, 2, 28),
    date(2026, 1, 30),
    date(2026, 1, 31),
    date(2026, 3, 31),
    date(2026, 8, 31),
    date(2027, 11, 30),
    date(2027, 12, 31),
    date(2028, 2, 29),
]

categories = st.sampled_from(sorted(POLICY.categories))
purchase_dates = st.one_of(
    st.sampled_from(AWKWARD_DATES), st.dates(date(2020, 1, 1), date(2035, 12, 31))
)
delivery_delays = st.one_of(st.none(), st.integers(0, 20))
prices = st.decimals(min_value=0, max_value=100_000, places=2)
