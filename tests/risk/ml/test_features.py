"""risk.ml.features: typed raw columns and the derived velocity, sharing and account-age features."""

import numpy as np
import pandas as pd
import pytest

from risk.ml.features import FeatureError, derive_features, raw_features

T0 = pd.Timestamp("2026-05-04 10:00")  # a Monday


def at(minutes: float) -> pd.Timestamp:
    return T0 + pd.Timedelta(minutes=minutes)


def events() -> pd.DataFrame:
    """Device d1: three orders (users a, b, a) at 0, +30 min and +150 min; d2 one order; one without a device."""
    return pd.DataFrame(
        {
            "device": ["d1", "d1", "d2", "d1", None],
            "user": ["a", "b", "c", "a", "d"],
            "placed": [at(0), at(30), at(45), at(150), at(60)],
            "created": [at(-60), at(29), at(-1440), at(-60), at(0)],
            "amount": ["10", "20.5", "30", "40", "50"],
        }
    )


def derived(frame: pd.DataFrame, **names) -> pd.DataFrame:
    return derive_features(frame, time="placed", account_time="created", entities=["device", "user"], **names)


def column(features: pd.DataFrame, name: str) -> list:
    return [None if pd.isna(value) else value for value in features[name]]


def test_entity_velocity_counts_only_earlier_rows_within_the_window():
    features = derived(events())

    assert column(features, "device__count") == [3, 3, 1, 3, None]
    assert column(features, "device__count_1h") == [0, 1, 0, 0, None]
    assert column(features, "device__count_24h") == [0, 1, 0, 2, None]
    assert column(features, "device__seconds_since_previous") == [None, 1800, None, 7200, None]
    assert column(features, "user__count_24h") == [0, 0, 0, 1, 0]


def test_sharing_counts_distinct_accounts_and_other_entities_behind_a_value():
    features = derived(events())

    assert column(features, "device__users") == [2, 2, 1, 2, None]  # a and b behind d1
    assert column(features, "device__accounts") == [2, 2, 1, 2, None]  # accounts by creation time
    assert column(features, "user__devices") == [1, 1, 1, 1, 0]


def test_account_age_and_first_event_of_the_account():
    features = derived(events())

    assert column(features, "account_age_seconds") == [3600, 60, 86400 + 2700, 12600, 3600]
    assert column(features, "account__events") == [1, 1, 1, 2, 1]  # accounts known by their creation time
    assert column(features, "account__first_event") == [1, 1, 1, 0, 1]
    assert column(features, "placed__hour") == [10, 10, 10, 12, 11]
    assert column(features, "placed__weekday") == [0, 0, 0, 0, 0]


def test_rows_keep_their_index_and_order():
    frame = events().set_axis([50, 40, 30, 20, 10])

    features = derived(frame)

    assert list(features.index) == [50, 40, 30, 20, 10]
    assert column(features, "device__count_24h") == [0, 1, 0, 2, None]


def test_raw_column_types_are_detected_and_identifiers_dropped():
    rows = 120
    frame = pd.DataFrame(
        {
            "order_number": np.arange(rows),  # all distinct integers: an identifier
            "amount": [str(value) for value in np.linspace(1, 9, rows)],
            "channel": ["web", "app", "ads"] * (rows // 3),
            "email": [f"user{number}@example.com" for number in range(rows)],
            "gift": [True, False] * (rows // 2),
            "birthday": ["1990-01-01 08:30:00", "1985-06-15 23:10:00"] * (rows // 2),
        }
    )

    raw = raw_features(frame, time=None, account_time=None, entities=[])

    assert list(raw.columns) == ["amount", "channel", "gift", "birthday__hour", "birthday__weekday"]
    assert raw["amount"].dtype == float
    assert isinstance(raw["channel"].dtype, pd.CategoricalDtype)
    assert raw["gift"].tolist()[:2] == [1.0, 0.0]
    assert raw["birthday__hour"].tolist()[:2] == [8.0, 23.0]


def test_spreadsheet_times_without_seconds_parse():
    frame = pd.DataFrame({"placed": ["2/24/15 22:55", "4/18/15 2:47"], "created": ["2/24/15 22:55", "1/1/15 0:00"]})

    features = derive_features(frame, time="placed", account_time="created", entities=[])

    assert column(features, "account_age_seconds") == [
        0,
        (pd.Timestamp("2015-04-18 02:47") - pd.Timestamp("2015-01-01")).total_seconds(),
    ]


def test_an_unparsable_time_names_its_row():
    frame = pd.DataFrame({"placed": ["2026-01-01 10:00:00", "yesterday"], "amount": [1, 2]})

    with pytest.raises(FeatureError, match=r"row 1: column 'placed' is not a date and time: 'yesterday'"):
        derive_features(frame, time="placed", account_time=None, entities=[])


def test_a_named_column_the_frame_lacks_is_an_error():
    with pytest.raises(FeatureError, match="missing column"):
        derive_features(events(), time="placed", account_time=None, entities=["card"])
