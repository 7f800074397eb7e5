"""Every number format (generator/format.py)."""

from __future__ import annotations

import pytest

from generator import format as fmt
from generator.errors import BuildError


def test_number_formats():
    assert fmt.num(131072) == "131,072"
    assert fmt.num(131072.0) == "131,072"
    assert fmt.num(7.6) == "7.6"
    assert fmt.num(0.076) == "0.076"
    assert fmt.num(2.0 / 3, 3) == "0.667"
    assert fmt.num(float("inf")) == "unlimited"
    assert fmt.gb(9_211_740_160) == "9.2\u00a0GB"
    assert fmt.gib(9_211_740_160) == "8.6\u00a0GiB"
    assert fmt.gb(87.5e9, None) == "87.5\u00a0GB"
    assert fmt.params(175e9) == "175\u00a0billion"
    assert fmt.params(117e6) == "117\u00a0million"
    assert fmt.params(1.542e9) == "1.54\u00a0billion"
    assert fmt.params(70.55e9, 0) == "71\u00a0billion"
    assert fmt.params_short(671e9) == "671B"
    assert fmt.params_short(1.5e12) == "1.5T"
    assert fmt.pct(93.3) == "93.3%"
    assert fmt.times(56.9) == "56.9×"
    assert fmt.times(57.0) == "57×"
    assert fmt.times(96, None) == "96×"
    assert fmt.nbytes(131072) == "131,072\u00a0bytes"
    with pytest.raises(BuildError):
        fmt.num("12")  # type: ignore[arg-type]


def test_curly_quotes_and_long_dates():
    from generator.format import curly_quotes, long_date

    assert curly_quotes("Llama 3.1 8B's cache; the models' state") == "Llama 3.1 8B’s cache; the models’ state"
    assert curly_quotes('NVIDIA says "up to 1M" and \'exact\'.') == "NVIDIA says “up to 1M” and ‘exact’."
    assert curly_quotes("a ' b") == "a ' b"  # a quote it cannot place stays as it is
    assert long_date("2026-12-01") == "1 December 2026" and long_date(None) == "not yet"
