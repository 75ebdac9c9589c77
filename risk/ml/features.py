"""Feature frames of events (orders, payments) for the risk model: typed raw columns plus derived signals.

`derive_features(frame, time=..., account_time=..., entities=...)` returns, row for row (same index,
same order), the model's features:

Raw columns (`raw_features`; every column that is not a named entity or time column):
- numbers (and booleans, as 0/1) are kept as floats; an integer column whose values are all
  distinct over at least `ID_MIN_ROWS` rows is an identifier (order or user number) and dropped;
- datetimes (of datetime type, or text that parses as dates) become `<column>__hour` and
  `<column>__weekday` (0 = Monday): absolute dates are left out, they do not carry over to new weeks;
- text with at most `MAX_LEVELS` distinct values becomes a pandas `category`; more distinct values
  make it an identifier (e-mail, address), dropped: name it as an entity to use it.

Derived features (names stable; the store turns them into words):
- `account_age_seconds`: seconds from the account's creation (`account_time`) to the event;
- `<time>__hour`, `<time>__weekday` and the same for `account_time`: parts of the two times;
- `account__events`: events of the same account so far, this one included (1 = the account's first
  event); `account__first_event`: 1.0 for the account's first event, else 0.0. Without an account
  column the account is known by its creation time (`account_time`): two accounts created at the same
  instant count as one; name the account column as an entity for exact per-account counts.
For each entity column `<e>` (user, device, IP address, card, ...), over the rows with the same value:
- `<e>__count`: rows with that value among all rows given, this one included (a device used by
  7 orders has 7 on each);
- `<e>__count_1h`, `<e>__count_24h`: other rows with that value in the hour / day up to and including
  this row's time (velocity; needs `time`);
- `<e>__seconds_since_previous`: seconds since the previous row with that value (missing for the
  first; needs `time`);
- `<e>__accounts`: distinct accounts (by creation time, as above) behind the value (needs `account_time`);
- `<e>__<f>s`: distinct values of each other entity `<f>` seen with the value (IPs per device ...).
A missing entity value gives missing derived features for that entity.

Counting: the derived features never read labels. Velocity and `account__events` only look at rows
at or before the row's time, as a store sees them at checkout; the totals (`__count`, `__accounts`,
`__<f>s`) use every row the engine is given (train and test together, as a store sees all its traffic
when it trains): a device shared by a fraud ring shows its size on the ring's first order too. At
checkout the store has no later rows, so there the totals equal the counts so far.
"""

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

MAX_LEVELS = 50  # distinct text values for a category; more make an identifier
ID_MIN_ROWS = 100  # an all-distinct integer column over at least this many rows is an identifier
WINDOWS = {"1h": 3600, "24h": 86400}  # velocity windows (seconds)
ACCOUNT = "account"  # prefix of the per-account features
ACCOUNT_AGE = "account_age_seconds"
# Month-first spreadsheet formats that pandas does not guess (two-digit years, hours without a leading zero).
SHORT_FORMATS = ("%m/%d/%y %H:%M", "%m/%d/%y %H:%M:%S", "%m/%d/%y")


class FeatureError(ValueError):
    """A frame the features cannot be derived from (a named column missing, an unparsable time)."""


def derive_features(
    frame: pd.DataFrame, *, time: str | None, account_time: str | None, entities: Sequence[str]
) -> pd.DataFrame:
    """The model's feature frame of `frame` (same index and row order), as the module describes."""
    _check_columns(frame, time=time, account_time=account_time, entities=entities)
    features = raw_features(frame, time=time, account_time=account_time, entities=entities)
    times = {name: times_parse(frame[name], column=name) for name in (time, account_time) if name}
    added: dict[str, object] = {}  # the derived columns, joined to the frame once (column by column is slow)
    for name, values in times.items():
        added.update(_parts(values, name=name))
    event_seconds = _seconds(times[time]) if time else None
    account = None
    if account_time:
        account = _seconds(times[account_time])
        if time:
            added[ACCOUNT_AGE] = event_seconds - account
        events = _counts_so_far(account, event_seconds)
        added[f"{ACCOUNT}__events"] = events
        added[f"{ACCOUNT}__first_event"] = np.where(np.isnan(events), np.nan, events == 1)
    codes = {entity: _codes(frame[entity]) for entity in entities}
    account_codes = _codes(pd.Series(account)) if account is not None else None
    for entity in entities:
        key = codes[entity]
        known = key >= 0
        derived = {f"{entity}__count": _group_size(key)}
        if event_seconds is not None:
            for label, seconds in WINDOWS.items():
                derived[f"{entity}__count_{label}"] = _window_counts(key, event_seconds, seconds)
            derived[f"{entity}__seconds_since_previous"] = _since_previous(key, event_seconds)
        if account_codes is not None:
            derived[f"{entity}__accounts"] = _distinct(key, account_codes)
        for other in entities:
            if other != entity:
                derived[f"{entity}__{other}s"] = _distinct(key, codes[other])
        for name, values in derived.items():
            added[name] = np.where(known, values, np.nan)
    kept = features.drop(columns=[name for name in added if name in features.columns])
    return pd.concat([kept, pd.DataFrame(added, index=frame.index)], axis=1)


def raw_features(
    frame: pd.DataFrame, *, time: str | None, account_time: str | None, entities: Sequence[str]
) -> pd.DataFrame:
    """The typed raw columns (the first part of the module's list): what a baseline on raw columns sees."""
    skip = {*entities, time, account_time}
    columns: dict[str, pd.Series] = {}
    for name in frame.columns:
        if name in skip:
            continue
        columns.update(_typed(frame[name], name=str(name)))
    return pd.DataFrame(columns, index=frame.index)


def times_parse(values: pd.Series, *, column: str) -> pd.Series:
    """`values` as datetimes (missing stays missing); FeatureError naming the first row that does not parse."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    parsed = _datetimes(values)
    bad = parsed.isna() & values.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise FeatureError(f"row {row}: column {column!r} is not a date and time: {values.iloc[row]!r}.", row)
    return parsed


def _check_columns(frame: pd.DataFrame, *, time, account_time, entities) -> None:
    missing = [name for name in (time, account_time, *entities) if name and name not in frame.columns]
    if missing:
        raise FeatureError(f"missing column(s) {', '.join(missing)}.")


def _typed(values: pd.Series, *, name: str) -> dict[str, pd.Series]:
    """One raw column as features: {name: floats or category}, date parts, or {} for an identifier."""
    if pd.api.types.is_bool_dtype(values):
        return {name: values.astype(float)}
    if pd.api.types.is_datetime64_any_dtype(values):
        return _parts(values, name=name)
    present = values.notna()
    if pd.api.types.is_numeric_dtype(values) and present.any():  # the common case, without parsing
        return _numbers(values.astype(float), name=name)
    numbers = pd.to_numeric(values, errors="coerce")
    if present.any() and numbers[present].notna().all():
        return _numbers(numbers.astype(float), name=name)
    dates = _datetimes(values, per_cell=False)
    if present.any() and dates[present].notna().all():
        return _typed(dates, name=name)
    text = values.astype("string")
    return {name: text.astype("category")} if text.nunique() <= MAX_LEVELS else {}


def _numbers(numbers: pd.Series, *, name: str) -> dict[str, pd.Series]:
    """Floats as a feature, or {} for an identifier (all distinct whole numbers over `ID_MIN_ROWS` rows)."""
    if len(numbers) >= ID_MIN_ROWS:
        whole = numbers.dropna()
        if len(whole) >= ID_MIN_ROWS and whole.is_unique and (whole == whole.round()).all():
            return {}
    return {name: numbers}


def _parts(values: pd.Series, *, name: str) -> dict[str, pd.Series]:
    """The hour and weekday (0 = Monday) of datetimes, as floats."""
    return {f"{name}__hour": values.dt.hour.astype(float), f"{name}__weekday": values.dt.day_of_week.astype(float)}


def _datetimes(values: pd.Series, *, per_cell: bool = True) -> pd.Series:
    """Text to datetimes (NaT where a cell does not parse).

    One format for the whole column when one fits (pandas' guess from the first value, else the
    spreadsheet formats of `SHORT_FORMATS`), else, if `per_cell`, each cell on its own (slow:
    dateutil), else all NaT (detecting whether a feature column holds dates).
    """
    present = values.dropna()
    if present.empty:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    guess = guess_datetime_format(str(present.iloc[0]))
    for candidate in ((guess,) if guess else ()) + SHORT_FORMATS:
        try:
            return pd.to_datetime(values, format=candidate, errors="raise")
        except (ValueError, TypeError, OverflowError):
            continue
    if not per_cell:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return pd.to_datetime(values, errors="coerce", format="mixed")


def _seconds(times: pd.Series) -> np.ndarray:
    """Datetimes as float seconds (NaN for missing); time zones dropped to their wall-clock time."""
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)
    stamps = times.to_numpy(dtype="datetime64[ns]")
    seconds = stamps.astype("int64").astype(float) / 1e9
    seconds[np.isnat(stamps)] = np.nan
    return seconds


def _codes(values: pd.Series) -> np.ndarray:
    """An integer code per distinct value (-1 for missing)."""
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64)


def _group_size(key: np.ndarray) -> np.ndarray:
    """Rows sharing each row's key (NaN for a missing key)."""
    result = np.full(len(key), np.nan)
    known = key >= 0
    result[known] = np.bincount(key[known])[key[known]]
    return result


def _distinct(key: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Distinct known `other` codes per row's key (NaN for a missing key); numpy only (no group-by:
    this runs once per entity pair, at every checkout)."""
    result = np.full(len(key), np.nan)
    known = key >= 0
    if not known.any():
        return result
    width = int(other.max(initial=0)) + 1
    both = known & (other >= 0)
    pairs = np.unique(key[both] * width + other[both])  # one number per distinct (key, other)
    counts = np.bincount(pairs // width, minlength=int(key.max()) + 1)
    result[known] = counts[key[known]]
    return result


def _window_counts(key: np.ndarray, seconds: np.ndarray, window: int) -> np.ndarray:
    """Other rows with the same key whose time lies in [t - window, t] (NaN for a missing key or time)."""
    known = (key >= 0) & ~np.isnan(seconds)
    result = np.full(len(key), np.nan)
    if not known.any():
        return result
    whole = np.floor(seconds[known] - np.nanmin(seconds[known])).astype(np.int64)
    combined = key[known] * (int(whole.max()) + window + 1) + whole  # one sorted line: key, then time
    ordered = np.sort(combined)
    left = np.searchsorted(ordered, combined - window, side="left")
    right = np.searchsorted(ordered, combined, side="right")
    result[known] = right - left - 1
    return result


def _counts_so_far(key_values: np.ndarray, seconds: np.ndarray | None) -> np.ndarray:
    """Rows of the same key at or before each row's time, this one included (all rows without times)."""
    key = _codes(pd.Series(key_values))
    if seconds is None:
        return _group_size(key)
    ranks = pd.Series(seconds).where(key >= 0).groupby(key).rank(method="max")
    return ranks.to_numpy(dtype=float)


def _since_previous(key: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Seconds since the previous row with the same key (NaN for the first, a missing key or time)."""
    result = np.full(len(key), np.nan)
    known = np.flatnonzero((key >= 0) & ~np.isnan(seconds))
    order = known[np.lexsort((seconds[known], key[known]))]  # by key, then time
    same = key[order][1:] == key[order][:-1]
    gaps = np.diff(seconds[order])
    result[order[1:][same]] = gaps[same]
    return result
