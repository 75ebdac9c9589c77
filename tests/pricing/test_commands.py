"""`suggest_prices` on tiny CSV files, its errors, and a small `simulate_pricing` run."""

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

HISTORY = "date,sku,price,units,views,stock\n" + "".join(
    f"2026-01-{day:02d},{sku},{price},{units},{units * 10},100\n"
    for day in range(1, 29)
    for sku, price, units in (("A", "10.00" if day % 2 else "11.00", 5 if day % 2 else 4), ("B", "20.00", 2))
)
CATALOG = (
    "sku,cost,min_price,max_price,current_price,stock,category,max_change_pct\n"
    "A,5.00,8.00,14.00,10.00,100,x,10\n"
    "B,8.00,18.00,30.00,20.00,,y,\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _prices(path: Path) -> dict[str, float]:
    with open(path) as handle:
        return {r["sku"]: float(r["suggested_price"]) for r in csv.DictReader(handle)}


def _run(tmp_path, history=HISTORY, catalog=CATALOG, *args):
    out = tmp_path / "out.csv"
    stdout = StringIO()
    call_command(
        "suggest_prices",
        "--history",
        str(_write(tmp_path, "history.csv", history)),
        "--catalog",
        str(_write(tmp_path, "catalog.csv", catalog)),
        "--out",
        str(out),
        *args,
        stdout=stdout,
    )
    return out, stdout.getvalue()


def test_suggest_prices_writes_one_row_per_sku_inside_the_limits(tmp_path):
    out, printed = _run(tmp_path)

    with open(out) as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == [
        "sku",
        "suggested_price",
        "expected_units",
        "expected_revenue",
        "expected_profit",
        "reason",
    ]
    assert [r["sku"] for r in rows] == ["A", "B"]
    a, b = rows
    assert 9.00 <= float(a["suggested_price"]) <= 11.00  # max_change_pct 10 around 10.00
    assert 18.00 <= float(b["suggested_price"]) <= 30.00
    for row in rows:
        price, units = float(row["suggested_price"]), float(row["expected_units"])
        assert float(row["expected_revenue"]) == pytest.approx(price * units, abs=0.01)
        assert "price elasticity" in row["reason"]
    cost = {"A": 5.0, "B": 8.0}
    for row in rows:
        profit = (float(row["suggested_price"]) - cost[row["sku"]]) * float(row["expected_units"])
        assert float(row["expected_profit"]) == pytest.approx(profit, abs=0.01)
    assert printed.startswith("Wrote 2 suggestions")


def test_suggest_prices_revenue_objective_never_prices_above_the_profit_one(tmp_path):
    profit_out, _ = _run(tmp_path)
    profit = _prices(profit_out)
    revenue_out, _ = _run(tmp_path, HISTORY, CATALOG, "--objective", "revenue")
    revenue = _prices(revenue_out)

    assert all(revenue[sku] <= profit[sku] for sku in profit)


def test_suggest_prices_reads_empty_and_blank_optional_cells_as_unknown(tmp_path):
    # given: views and stock present but empty or blank on some days (and the catalog's B has no stock or limit)
    history = HISTORY.replace(",100\n", ", \n", 10).replace("2026-01-03,B,20.00,2,20,", "2026-01-03,B,20.00,2,,")

    # when
    out, printed = _run(tmp_path, history)

    # then
    assert printed.startswith("Wrote 2 suggestions")
    assert sorted(_prices(out)) == ["A", "B"]


@pytest.mark.parametrize(
    ("history", "catalog", "message"),
    [
        ("date,sku,price\n2026-01-01,A,10\n", CATALOG, "history.csv, line 1: missing column(s) units"),
        (
            "date,sku,price,units\n2026-01-01,A,10,2\n2026-01-02,A,ten,2\n",
            CATALOG,
            "history.csv, line 3: column 'price' is not a number: 'ten'.",
        ),
        ("date,sku,price,units\n01/02/2026,A,10,2\n", CATALOG, "history.csv, line 2: column 'date' must be YYYY-MM-DD"),
        (
            "date,sku,price,units\n2026-01-01,A,10,2\n2026-01-01,A,11,2\n",
            CATALOG,
            "history.csv, line 3: sku 'A' on 2026-01-01 repeats line 2.",
        ),
        (
            "date,sku,price,units\n2026-01-01,A,10,-2\n",
            CATALOG,
            "history.csv, line 2: column 'units' must be at least 0",
        ),
        ("date,sku,price,units\n", CATALOG, "history.csv: no rows."),
        (
            HISTORY,
            "sku,cost,min_price,max_price,current_price\nA,5,12,11,10\n",
            "catalog.csv, line 2: min_price 12 is above max_price 11.",
        ),
        (
            HISTORY,
            "sku,cost,min_price,max_price,current_price,max_change_pct\nA,5,8,14,10,0\n",
            "catalog.csv, line 2: column 'max_change_pct' must be above 0 and at most 100, got 0.",
        ),
        (HISTORY, "sku,cost,min_price,max_price\nA,5,8,14\n", "catalog.csv, line 1: missing column(s) current_price"),
    ],
)
def test_suggest_prices_names_the_bad_line_and_writes_nothing(tmp_path, history, catalog, message):
    with pytest.raises(CommandError) as error:
        _run(tmp_path, history, catalog)

    assert message in str(error.value)
    assert not (tmp_path / "out.csv").exists()


def test_suggest_prices_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "suggest_prices",
            "--history",
            str(tmp_path / "nope.csv"),
            "--catalog",
            str(tmp_path / "c.csv"),
            "--out",
            str(tmp_path / "o.csv"),
        )


@pytest.mark.slow
def test_small_simulation_beats_the_list_price_without_violations():
    stdout = StringIO()

    call_command("simulate_pricing", "--skus", "30", "--days", "40", "--seed", "3", "--json", stdout=stdout)

    result = json.loads(stdout.getvalue())
    policies = result["policies"]
    assert set(policies) == {"engine", "list", "rule", "oracle", "oracle_dynamic"}
    assert policies["engine"]["violations"] == 0
    assert policies["engine"]["profit"] > policies["list"]["profit"]
    assert policies["oracle"]["profit_share"] == 1.0
    assert policies["engine"]["profit_share"] <= policies["oracle_dynamic"]["profit_share"] + 0.01
