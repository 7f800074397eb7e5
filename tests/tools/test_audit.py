"""`make audit`'s verdict on Lighthouse reports (the Lighthouse run itself needs npm and a quiet machine, so it is not
part of `make test`; its summary logic is)."""

from __future__ import annotations

import pytest

from generator.tools.audit import edit_network_log, median_report, summarise

_AUDITS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift",
           "speed-index")


def _report(perf: float, cls: float = 0.0, a11y: float = 1.0, failing: str | None = None) -> dict:
    audits = {k: {"id": k, "title": k, "displayValue": "1 s", "score": 1, "scoreDisplayMode": "numeric"} for k in _AUDITS}
    audits["cumulative-layout-shift"]["numericValue"] = cls
    audits["color-contrast"] = {"id": "color-contrast", "title": "Contrast", "scoreDisplayMode": "binary",
                                "score": 0 if failing else 1}
    cats = {k: {"title": k, "score": s, "auditRefs": []} for k, s in
            (("performance", perf), ("accessibility", a11y), ("best-practices", 1.0), ("seo", 1.0))}
    cats["accessibility"]["auditRefs"] = [{"id": "color-contrast"}]
    return {"lighthouseVersion": "12.2.3", "finalDisplayedUrl": "http://x/", "configSettings": {"formFactor": "mobile"},
            "categories": cats, "audits": audits}


def test_median_run_is_reported():
    runs = [_report(0.90), _report(1.0), _report(0.98)]
    assert median_report(runs)["categories"]["performance"]["score"] == 0.98
    lines, ok = summarise(runs, 0.1, 2)
    assert ok and "performance 90, 100, 98" in lines[0] and "busy" not in lines[0]


def test_median_below_target_fails():
    lines, ok = summarise([_report(0.99), _report(0.96), _report(0.97)], 0.1, 2)
    assert not ok and any("BELOW TARGET 98" in line for line in lines)


def test_a_layout_shift_in_any_run_fails_even_when_the_median_run_has_none():
    runs = [_report(0.97), _report(0.98, cls=0.0008), _report(0.99)]
    assert median_report(runs)["audits"]["cumulative-layout-shift"]["numericValue"] == 0.0008
    runs = [_report(0.97, cls=0.0008), _report(0.98), _report(0.99)]
    lines, ok = summarise(runs, 0.1, 2)
    assert not ok and any("NOT MET" in line and "0.0008" in line for line in lines)


def test_accessibility_failures_are_named_and_busy_machines_flagged():
    lines, ok = summarise([_report(0.97, a11y=0.96, failing="x")], 1.8, 2)
    assert not ok and any("color-contrast" in line for line in lines) and "busy" in lines[0]


def _log() -> list[dict]:
    """A devtools log of a page and its two fonts (a request's sent, data and finished events)."""
    out = []
    for rid, url, size in (("1", "http://h/race-to-scale/", 106_000), ("2", "http://h/race-to-scale/assets/fonts/inter-400.woff2", 21_000),
                           ("3", "http://h/race-to-scale/assets/fonts/inter-600.woff2", 23_000)):
        out += [{"method": "Network.requestWillBeSent", "params": {"requestId": rid, "request": {"url": url}}},
                {"method": "Network.dataReceived", "params": {"requestId": rid, "encodedDataLength": size}},
                {"method": "Network.loadingFinished", "params": {"requestId": rid, "encodedDataLength": size}}]
    return out + [{"method": "Page.loadEventFired", "params": {}}]


def test_what_if_drops_and_resizes_requests_in_the_network_log():
    log = _log()
    edited = edit_network_log(log, ["inter-"], ["/race-to-scale/=70000"])
    assert {e["params"].get("requestId") for e in edited} == {"1", None}
    doc = [e["params"].get("encodedDataLength") for e in edited if e["params"].get("requestId") == "1"]
    assert doc == [None, 0, 70000]
    assert log == _log(), "the kept log is not changed in place"


@pytest.mark.parametrize(("drop", "resize", "says"), [
    (["inter-700"], [], "no request's URL contains it"),
    ([], ["/nowhere/=1"], "no request's URL ends with"),
    ([], ["/race-to-scale/"], "expected URL-END=BYTES"),
])
def test_what_if_refuses_a_change_that_names_no_request(drop, resize, says):
    with pytest.raises(ValueError, match=says):
        edit_network_log(_log(), drop, resize)
