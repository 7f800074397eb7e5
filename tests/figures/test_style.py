"""The scenes' house style (figures/style.py): its number labels."""

from __future__ import annotations


def test_number_formats():
    from figures.style import bytes_label, num, params_label, power_of_ten
    assert num(131072) == "131,072" and num(2.039) == "2.039" and num(7.63, 1) == "7.6" and num(20.0) == "20"
    assert [params_label(x) for x in (117.0e6, 1.542e9, 175.0e9, 405.85e9)] == ["117M", "1.542B", "175B", "405.85B"]
    assert bytes_label(6_442_450_944) == "6.44 GB" and bytes_label(24_965_120) == "25 MB"
    assert power_of_ten(10**12) == "10¹²" and power_of_ten(36) is None
