"""The three widgets in a real browser, on a real (tiny) site built by the pipeline and served from a subpath.

The site is built once per session by generator.build from a tiny project (tests/tinyproject.py: the repo's
mkdocs.yml, assets and catalog, one chart) whose pages place the widgets with the page macro, so the macro, the
raw-HTML block, MkDocs, Material's instant navigation and the Range server are all the real ones. Debian's Chromium
runs headless through Playwright (no browser download). Any console error or uncaught page error fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import derive
from generator.format import gb, nbytes, num
from tests.support import SITE_PREFIX, build_served_at, click_settled
from tests.tinyproject import CHART, make_tiny_project

pytestmark = pytest.mark.browser

WIDGET_PAGE = """---
title: Widgets
---
# Widgets

How much memory a model needs.

{{ widget('memory') }}

## Attention against Mamba

{{ widget('attention-mamba') }}

## How many scores

{{ widget('context') }}

[Another page](other.md)
"""

OTHER_PAGE = """---
title: Other
---
# Another page

Nothing interactive here. [Back to the widgets](index.md)
"""

NBSP = "\u00a0"
WIDGETS = ("memory", "attention-mamba", "context")


def build_widget_site(dest: Path, site_url: str | None = None) -> Path:
    """A tiny project whose two pages hold the three widgets and a link away; returns the built site folder.

    ``site_url`` must be the address the site is served from: Material's instant navigation only takes over links
    that its sitemap.xml lists, and it matches them with the port and path of site_url (mkdocs.yml reads $SITE_URL).
    """
    from generator.util.project import BuildPaths

    root = make_tiny_project(dest, figures=(CHART,))
    # The site itself ships without instant navigation (mkdocs.yml says why); the widgets must still survive it,
    # so this test site turns it on.
    config = (root / "mkdocs.yml").read_text("utf-8")
    if "    - navigation.instant\n" not in config:
        assert "  features:\n" in config
        config = config.replace("  features:\n", "  features:\n    - navigation.instant\n", 1)
        (root / "mkdocs.yml").write_text(config, "utf-8")
    (root / "docs" / "index.md").write_text(WIDGET_PAGE, "utf-8")
    (root / "docs" / "other.md").write_text(OTHER_PAGE, "utf-8")
    paths = BuildPaths(root=root)
    build_served_at(paths, site_url)
    return paths.site


@pytest.fixture(scope="session")
def widget_url(tmp_path_factory) -> Iterator[str]:
    """The tiny site, built once for the address it is served from: a subpath, the pipeline's Range server."""
    import threading

    from generator.site.assembly.serve import make_server

    dest = tmp_path_factory.mktemp("widget-site")
    server = make_server(dest / "site", prefix=SITE_PREFIX)  # bound now, so the port is known for the build
    host, port = server.server_address[:2]
    url = f"http://{host}:{port}/{SITE_PREFIX.strip('/')}/"
    build_widget_site(dest, site_url=url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


class Errors(list):
    """Console errors and uncaught exceptions seen by a page."""


def _watch(page) -> Errors:
    errors = Errors()
    page.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    return errors


def wait_ready(page, name: str) -> None:
    """Scroll widget ``name`` into view, as a reader would, and wait until it is built (widgets build lazily)."""
    page.locator(f'[data-rs-widget="{name}"]').scroll_into_view_if_needed()
    page.wait_for_selector(f'[data-rs-widget="{name}"][data-rs-state="ready"]', state="attached")


@pytest.fixture
def open_page(browser, widget_url):
    """open_page(width=1280, scheme=None, js=True) -> page at the widget page; asserts no errors at the end."""
    contexts = []
    watched: list[Errors] = []

    def _open(width: int = 1280, height: int = 900, scheme: str | None = None, js: bool = True, path: str = ""):
        ctx = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=js,
                                  color_scheme="dark" if scheme == "slate" else "light")
        contexts.append(ctx)
        page = ctx.new_page()
        watched.append(_watch(page))
        page.goto(widget_url + path)
        if js:
            for name in WIDGETS:
                wait_ready(page, name)
            if scheme:
                page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
        return page

    yield _open
    for ctx in contexts:
        ctx.close()
    problems = [e for errs in watched for e in errs]
    assert not problems, "errors in the browser:\n" + "\n".join(problems)


def text(page, selector: str) -> str:
    return page.inner_text(selector).replace(NBSP, " ").strip()


def press(page, selector: str, *keys: str) -> None:
    page.focus(selector)
    for key in keys:
        page.keyboard.press(key)


MEM = '[data-rs-widget="memory"]'
AM = '[data-rs-widget="attention-mamba"]'
CX = '[data-rs-widget="context"]'


def slider(widget: str, label: str) -> str:
    """The range input labelled ``label`` inside ``widget`` (found through its <label for>)."""
    return f'{widget} .rs-field:has(> .rs-field__head > label:text-is("{label}")) input[type=range]'


def sel(widget: str, label: str) -> str:
    return f'{widget} .rs-field:has(> .rs-field__head > label:text-is("{label}")) select'


def hardware_rows(page) -> dict[str, tuple[str, str]]:
    rows = page.query_selector_all(f"{MEM} table.rs-hw tbody tr")
    out = {}
    for row in rows:
        name = row.query_selector(".rs-hw__name").inner_text().strip()
        cells = row.query_selector_all("td")
        out[name] = tuple(c.inner_text().replace(NBSP, " ").strip().split("\n")[0] for c in cells)
    return out


def start(catalog, widget: str, role: str) -> str:
    """The model a widget starts on for ``role``: the catalog's ``widgets:`` defaults, an editorial choice."""
    return catalog.data["widgets"][widget]["defaults"][role]


def expected_longest(model, memory_gb, wp="bf16", kvp="bf16", batch=1, params=None) -> str:
    weights = derive.weight_bytes(params or model["params"], wp)
    fixed = weights + derive.ssm_state_bytes(model, kvp) * batch
    if not derive.fits(fixed, memory_gb):
        return "weights don\u2019t fit"
    mc = derive.max_context(model, memory_gb, wp, kvp, batch, params)
    if mc == float("inf"):
        return f"any length (window of {num(model['window'])})"
    return f"{num(mc)} {'token' if mc == 1 else 'tokens'}"


# --------------------------------------------------------------------------------------------------------------
# Memory calculator
# --------------------------------------------------------------------------------------------------------------


def test_memory_defaults_and_keyboard(open_page, catalog):
    page = open_page()
    assert not page.is_visible(f"{MEM} .rs-fallback"), "the fallback hides once the widget is ready"
    first = start(catalog, "memory", "model")
    assert page.eval_on_selector(sel(MEM, "Model"), "e => e.value") == first
    m = catalog.models[first]
    assert text(page, f"{MEM} .rs-stat--w .rs-stat__value") == gb(derive.weight_bytes(m["params"], "bf16")).replace(
        NBSP, " ")
    node = page.inner_text(f'{MEM} table.rs-hw tr:has(.rs-hw__name:text-is("8 × H100 node")) .rs-hw__longest')
    past = derive.max_context(m, 640, "bf16", "bf16") > m["context"]
    assert node.replace(NBSP, " ").split("\n") == [expected_longest(m, 640)] + (
        [f"past the model\u2019s {num(m['context'])}-token limit"] if past else [])

    # Llama 3.1 8B at 131,072 tokens, BF16: 17.2 GB of KV cache (claims.md: 128 KiB per token).
    page.select_option(sel(MEM, "Model"), "llama-3.1-8b")
    ctx = slider(MEM, "Context length")
    press(page, ctx, "End")
    assert page.get_attribute(ctx, "aria-valuetext") == "1,048,576 tokens"
    press(page, ctx, "Home")
    assert page.get_attribute(ctx, "aria-valuetext") == "1,024 tokens"
    press(page, ctx, *["ArrowRight"] * 14)  # 1,024 -> 131,072 over the 2^k and 3x2^(k-1) stops
    assert page.get_attribute(ctx, "aria-valuetext") == "131,072 tokens"
    assert text(page, f"{MEM} .rs-stat--k .rs-stat__value") == "17.2 GB"
    model = catalog.models["llama-3.1-8b"]
    total = derive.weight_bytes(model["params"], "bf16") + derive.kv_bytes_per_sequence(model, 131072, "bf16")
    assert text(page, f"{MEM} .rs-stat--t .rs-stat__value") == gb(total).replace(NBSP, " ")

    # Every device: fits / needs N / longest context, as generator.derive says.
    rows = hardware_rows(page)
    assert len(rows) == len(catalog.hardware)
    for hw in catalog.hardware.values():
        verdict, longest = rows[hw["name"]]
        if derive.fits(total, hw["memory_gb"]):
            assert verdict.startswith("Fits ("), (hw["name"], verdict)
        else:
            assert verdict == f"Needs {derive.devices_needed(total, hw['memory_gb'])}", (hw["name"], verdict)
        assert longest == expected_longest(model, hw["memory_gb"]), hw["name"]
    assert rows["GeForce RTX 4090 Laptop GPU"][0] == "Needs 3"
    assert rows["NVIDIA A100 40GB"][0].startswith("Fits")
    assert "devices listed hold it alone" in text(page, f"{MEM} .rs-summary")
    assert page.get_attribute(f"{MEM} .rs-summary", "aria-live") == "polite"

    # Precision changes: Llama 3.1 70B at INT4 is 35.3 GB of weights (claims.md #11), too big for a 16 GB laptop.
    page.select_option(sel(MEM, "Model"), "llama-3.1-70b")
    page.select_option(sel(MEM, "Weights in"), "int4")
    assert text(page, f"{MEM} .rs-stat--w .rs-stat__value") == "35.3 GB"
    l70 = catalog.models["llama-3.1-70b"]
    total = derive.weight_bytes(l70["params"], "int4") + derive.kv_bytes_per_sequence(l70, 131072, "bf16")
    assert hardware_rows(page)["GeForce RTX 4090 Laptop GPU"][0] == f"Needs {derive.devices_needed(total, 16)}"
    press(page, ctx, "Home", *["ArrowRight"] * 6)  # 8,192 tokens
    assert page.get_attribute(ctx, "aria-valuetext") == "8,192 tokens"
    assert hardware_rows(page)["GeForce RTX 4090 Laptop GPU"][0] == "Needs 3"  # 35.3 + 2.7 GB over 16 GB
    assert hardware_rows(page)["Apple M4 Max (128 GB)"][0].startswith("Fits")


def test_memory_free_parameter_count(open_page, catalog):
    page = open_page()
    params = slider(MEM, "Parameters")
    press(page, params, "End")
    assert page.eval_on_selector(sel(MEM, "Model"), "e => e.value") == "custom"
    assert page.get_attribute(params, "aria-valuetext") == "2 trillion parameters"
    assert text(page, f"{MEM} .rs-stat--w .rs-stat__value") == "4.0 TB"  # format.nbytes: past 1,000 GB, TB
    # The KV cache keeps the last model's shape, and says so; with no shape there is no KV cache.
    assert page.is_visible(sel(MEM, "KV-cache shape from"))
    assert "shape of Llama 3.1 70B" in text(page, f"{MEM} .rs-arch")
    page.select_option(sel(MEM, "KV-cache shape from"), "")
    assert "needs a model" in text(page, f"{MEM} .rs-stat--k .rs-stat__value")
    assert text(page, f"{MEM} .rs-stat--t .rs-stat__value") == "4.0 TB (weights only)"
    assert all(longest == "\u2014" for _, longest in hardware_rows(page).values())
    press(page, params, "Home")
    assert page.get_attribute(params, "aria-valuetext") == "100 million parameters"
    assert text(page, f"{MEM} .rs-stat--w .rs-stat__value") == "200.0 MB"
    # Picking a model again restores its exact count.
    page.select_option(sel(MEM, "Model"), "deepseek-v3")
    assert page.get_attribute(params, "aria-valuetext") == "671 billion parameters"
    assert "all 671 billion parameters stay in memory" in text(page, f"{MEM} .rs-warn")
    assert not page.is_visible(sel(MEM, "KV-cache shape from"))


def test_memory_window_and_hybrid_models(open_page, catalog):
    page = open_page()
    page.select_option(sel(MEM, "Model"), "mistral-7b")
    rows = hardware_rows(page)
    assert rows["NVIDIA H100 SXM"][1] == "any length (window of 4,096)"
    assert "sliding window" in text(page, f"{MEM} .rs-arch")
    page.select_option(sel(MEM, "Model"), "nemotron-3-nano")
    arch = text(page, f"{MEM} .rs-arch")
    assert "6 of 52 layers run attention" in arch and "12,482,560" in arch
    model = catalog.models["nemotron-3-nano"]
    assert hardware_rows(page)["NVIDIA H100 SXM"][1] == expected_longest(model, 80)
    # The undisclosed model is listed but cannot be chosen.
    assert page.eval_on_selector(f'{sel(MEM, "Model")} option[value="gpt-4"]', "o => o.disabled")


# --------------------------------------------------------------------------------------------------------------
# Attention | Mamba
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [390, 1280])
def test_attention_mamba_shows_the_crossover(open_page, catalog, width):
    """Log scales from one token: the crossover where the growing cache passes the fixed state is on the chart,
    named, and the slider walks from one token across it to the hybrid's context; the pairing is stated."""
    page = open_page(width=width, height=844)
    att = catalog.models[start(catalog, "attention-mamba", "attention")]
    hyb = catalog.models[start(catalog, "attention-mamba", "ssm")]
    state = derive.ssm_state_bytes(hyb)
    cross = state / derive.kv_bytes_per_token(att, "bf16")
    assert 100 < cross < 1000  # a few hundred tokens: why the scale starts at one
    wait_ready(page, "attention-mamba")
    page.wait_for_selector(f"{AM} .rs-am__cross", state="attached")  # drawn once its width is known
    note = page.eval_on_selector(f"{AM} .rs-am__note", "t => t.textContent").replace(NBSP, " ")
    assert note == f"equal at {num(round(cross))} tokens"
    # The crossover dot sits where the two lines meet: between the 100 and 1K ticks, on the state's level.
    geo = page.evaluate(f"""() => {{ const w = document.querySelector('{AM}');
        const c = w.querySelector('.rs-am__cross'), st = w.querySelector('.rs-am__state').points;
        const ticks = [...w.querySelectorAll('.rs-am__tick')].filter(t => ['100', '1K'].includes(t.textContent));
        return {{cx: +c.getAttribute('cx'), cy: +c.getAttribute('cy'), stateY: st.getItem(0).y,
                 x100: +ticks[0].getAttribute('x'), x1k: +ticks[1].getAttribute('x'),
                 width: w.querySelector('svg.rs-am__chart').getBoundingClientRect().width,
                 box: w.querySelector('.rs-am__plot').getBoundingClientRect().width}}; }}""")
    assert geo["x100"] < geo["cx"] < geo["x1k"] and abs(geo["cy"] - geo["stateY"]) < 0.5, geo
    assert abs(geo["width"] - geo["box"]) < 1  # drawn at the width shown: its text is the page's size
    assert (att.get("short_label") or att["name"]) in text(page, f"{AM} .rs-am__why") and "Why these two" in text(page, f"{AM} .rs-am__why")
    foot = text(page, f"{AM} .rs-ui > .rs-note:not(.rs-am__why)")
    assert "BF16" in foot and hyb["ssm"].get("cache_dtype", "bf16").upper() in foot  # each in its own precision

    length = slider(AM, "Sequence length")
    press(page, length, "Home")
    assert page.get_attribute(length, "aria-valuetext") == "1 token"
    below = text(page, f"{AM} .rs-summary")
    assert "smaller than the Mamba-2 state" in below and f"below about {num(round(cross))} tokens" in below

    def shown() -> int:
        return int(page.get_attribute(length, "aria-valuetext").split()[0].replace(",", ""))

    for _ in range(40):  # step by step across the crossover
        if derive.kv_bytes_per_sequence(att, shown(), "bf16") >= state:
            break
        page.keyboard.press("ArrowRight")
    assert shown() < 2 * cross
    above = text(page, f"{AM} .rs-summary")
    assert f"the {nbytes(state, 1).replace(NBSP, ' ')} Mamba-2 state" in above and "which stays that size at any length" in above
    press(page, length, "End")  # the hybrid's configured context (catalog `context`, not an advertised one)
    assert page.get_attribute(length, "aria-valuetext") == f"{num(hyb['context'])} tokens"
    end = derive.kv_bytes_per_sequence(att, hyb["context"], "bf16")
    assert f"holds {gb(end).replace(NBSP, ' ')}" in text(page, f"{AM} .rs-summary")


# --------------------------------------------------------------------------------------------------------------
# Context explorer
# --------------------------------------------------------------------------------------------------------------


def _score_cells(page) -> dict[str, list[str]]:
    out = {}
    for row in page.query_selector_all(f"{CX} table.rs-scores tbody tr"):
        key = row.get_attribute("class")
        out[key] = [c.inner_text().replace(NBSP, " ").replace("\n", " | ") for c in row.query_selector_all("td")]
    return out


def test_context_explorer(open_page, catalog):
    page = open_page()
    g3 = catalog.models["gpt-3-175b"]
    # It opens on the catalog's choice (Mistral 7B) at 8,192 tokens, where a 4,096-token window matters.
    assert page.eval_on_selector(sel(CX, "Model"), "e => e.value") == start(catalog, "context", "model")
    assert page.get_attribute(slider(CX, "Context length n"), "aria-valuetext") == "8,192 tokens"
    opening = catalog.models[start(catalog, "context", "model")]
    assert f"{num(derive.attention_matrices(opening))} score matrices" in text(page, f"{CX} .rs-summary")
    page.select_option(sel(CX, "Model"), "gpt-3-175b")
    exact = f"{CX} input[type=number]"
    page.fill(exact, "6")
    cells = _score_cells(page)
    assert cells["rs-k-full"][0] == "36" and cells["rs-k-causal"][0] == "21"
    assert cells["rs-k-full"][1] == num(36 * 9216)
    assert page.get_attribute(slider(CX, "Context length n"), "aria-valuetext") == "6 tokens"
    assert page.query_selector_all(f"{CX} svg.rs-matrix rect.rs-m-window"), "small n draws the cells"

    n_slider = slider(CX, "Context length n")
    press(page, n_slider, "End")
    assert page.get_attribute(n_slider, "aria-valuetext") == "1,048,576 tokens"
    assert page.input_value(exact) == "1048576"
    cells = _score_cells(page)
    n = 1048576
    assert cells["rs-k-full"][0] == f"1.1 trillion | {num(n * n)}"
    assert cells["rs-k-causal"][1].endswith(num(derive.attention_matrices(g3) * derive.attention_scores(n, "causal")))
    w = catalog.models["mistral-7b"]["window"]
    assert cells["rs-k-window"][0].endswith(num(derive.attention_scores(n, "window", w)))
    assert page.get_attribute(slider(CX, "Sliding window w"), "aria-valuetext") == "4,096 tokens (Mistral 7B v0.1)"
    lead = text(page, f"{CX} .rs-summary")
    assert "9,216 score matrices" in lead and "fewer than causal attention" in lead

    # A hybrid counts only its attention layers; the window slider moves by keyboard.
    page.select_option(sel(CX, "Model"), "nemotron-3-nano")
    assert "32 heads \u00d7 6 attention layers = 192" in text(page, f"{CX} .rs-summary")
    w_slider = slider(CX, "Sliding window w")
    press(page, w_slider, "End")
    assert page.get_attribute(w_slider, "aria-valuetext") == "131,072 tokens"
    cells = _score_cells(page)
    assert cells["rs-k-window"][0].endswith(num(derive.attention_scores(n, "window", 131072)))
    assert "Stacked windows" in text(page, f"{CX} .rs-ui")


# --------------------------------------------------------------------------------------------------------------
# Instant navigation, themes, narrow screens, no JavaScript
# --------------------------------------------------------------------------------------------------------------


def test_instant_navigation_rebinds_once(open_page):
    page = open_page()
    page.wait_for_load_state("networkidle")  # Material reads sitemap.xml before it takes over links
    page.evaluate("window.__sameDocument = true")
    click_settled(page, 'article a:text-is("Another page")')
    page.wait_for_selector('h1:text-is("Another page")')
    assert page.evaluate("window.__sameDocument") is True, "Material's instant navigation did not handle the link"
    click_settled(page, 'article a:text-is("Back to the widgets")')
    for name in WIDGETS:
        wait_ready(page, name)
    assert page.evaluate("window.__sameDocument") is True
    page.go_back()
    page.wait_for_selector('h1:text-is("Another page")')
    page.go_forward()
    for name in WIDGETS:
        wait_ready(page, name)
    for name in WIDGETS:
        sel_ = f'[data-rs-widget="{name}"]'
        assert page.eval_on_selector_all(sel_, "els => els.length") == 1
        assert page.eval_on_selector_all(f"{sel_} > .rs-ui", "els => els.length") == 1, f"{name} bound twice"
    # And the fresh widgets work.
    page.select_option(sel(MEM, "Model"), "llama-3.1-8b")
    ctx = slider(MEM, "Context length")
    press(page, ctx, "Home", *["ArrowRight"] * 14)
    assert text(page, f"{MEM} .rs-stat--k .rs-stat__value") == "17.2 GB"
    press(page, slider(AM, "Sequence length"), "Home")
    assert "1 token" in text(page, f"{AM} .rs-summary")


def test_widgets_build_after_load_without_scrolling(browser, widget_url):
    """No widget is built while the page is parsed (the first paint does not wait for them); every widget is built
    soon after, one per idle moment, without the reader scrolling to it, so the page has its final height before
    it is read."""
    ctx = browser.new_context(viewport={"width": 390, "height": 500})
    try:
        page = ctx.new_page()
        errors = _watch(page)
        page.add_init_script("document.addEventListener('DOMContentLoaded', () => { window.__builtAtParse = "
                             "document.querySelectorAll('.rs-widget[data-rs-state]').length; });")
        page.goto(widget_url)
        far = [n for n in WIDGETS if page.eval_on_selector(
            f'[data-rs-widget="{n}"]', "el => el.getBoundingClientRect().top > 3 * window.innerHeight")]
        assert far, "the test page needs a widget more than three screens down"
        assert page.evaluate("window.__builtAtParse") == 0
        page.wait_for_function("() => [...document.querySelectorAll('.rs-widget')].every(w => "
                               "w.getAttribute('data-rs-state') === 'ready')")
        assert page.evaluate("window.scrollY") == 0
        for name in far:
            assert not page.is_visible(f'[data-rs-widget="{name}"] .rs-fallback')
        assert not errors
    finally:
        ctx.close()


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_no_horizontal_overflow_at_390px(open_page, scheme):
    page = open_page(width=390, height=844, scheme=scheme)
    # Exercise the widest states: the longest numbers and the longest texts.
    press(page, slider(CX, "Context length n"), "End")
    page.select_option(sel(CX, "Model"), "llama-3.1-405b")
    press(page, slider(MEM, "Parameters"), "End")
    press(page, slider(MEM, "Context length"), "End")
    page.select_option(sel(MEM, "Batch"), "256")
    press(page, slider(AM, "Sequence length"), "Home")
    overflow = page.evaluate("""() => {
        const doc = document.documentElement;
        const bad = [];
        for (const el of document.querySelectorAll('.rs-widget, .rs-widget *')) {
            if (el.closest('.rs-scroll') && !el.classList.contains('rs-scroll')) continue;  // scrolls inside itself
            const r = el.getBoundingClientRect();
            if (r.width && (r.right > doc.clientWidth + 0.5 || r.left < -0.5)) bad.push(el.className || el.tagName);
        }
        return {scroll: doc.scrollWidth, client: doc.clientWidth, bad: bad.slice(0, 10)};
    }""")
    assert overflow["scroll"] <= overflow["client"], overflow
    assert not overflow["bad"], overflow
    # The hardware table fits without scrolling at this width.
    assert page.eval_on_selector(f"{MEM} .rs-scroll", "e => e.scrollWidth <= e.clientWidth + 1")


def test_theme_colours_follow_material(open_page):
    page = open_page(scheme="slate")
    colours = page.evaluate("""() => {
        const w = document.querySelector('[data-rs-widget="memory"]');
        const cs = getComputedStyle(w);
        return {bg: cs.backgroundColor, fg: cs.color,
                body: getComputedStyle(document.body).backgroundColor};
    }""")
    assert colours["bg"] == colours["body"], colours  # the widget sits on the page, in either theme

    def luminance(rgb: str) -> float:
        r, g, b = (int(x) for x in re.findall(r"\d+", rgb)[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    assert luminance(colours["fg"]) > luminance(colours["bg"]) + 100, colours  # light text on dark


def test_fallback_without_javascript(open_page, catalog):
    page = open_page(js=False)
    for name in WIDGETS:
        assert page.is_visible(f'[data-rs-widget="{name}"] .rs-fallback table'), name
        assert page.query_selector(f'[data-rs-widget="{name}"] .rs-ui') is None
    row = page.inner_text(f'{MEM} .rs-fallback tr:has(th:text-is("Llama 3.1 70B"))').replace(NBSP, " ")
    assert "141.1 GB" in row and "35.3 GB" in row
    assert "1,099,511,627,776" in page.inner_text(f"{CX} .rs-fallback")
    assert "49.1 MB" in page.inner_text(f"{AM} .rs-fallback").replace(NBSP, " ")


def test_plain_page_without_material(browser, tmp_path, catalog, root):
    """Outside Material (no document$), the widget modules start by themselves, and a second start binds nothing."""
    import shutil
    import threading

    from generator.site.article.widgets import render_widget
    from generator.site.assembly.serve import make_server

    shutil.copyfile(root / "docs" / "assets" / "js" / "derive.js", tmp_path / "derive.js")
    shutil.copytree(root / "docs" / "assets" / "js" / "widgets", tmp_path / "widgets")
    shutil.copyfile(root / "docs" / "assets" / "css" / "widgets.css", tmp_path / "widgets.css")
    body = "\n".join(render_widget(name, catalog) for name in WIDGETS)
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>plain</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">'
        f'<link rel="stylesheet" href="widgets.css"></head><body>{body}'
        '<script src="derive.js"></script><script type="module" src="widgets/index.js"></script>'
        '</body></html>', "utf-8")
    server = make_server(tmp_path, prefix="/plain/")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page(viewport={"width": 390, "height": 800})
    errors = _watch(page)
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/plain/")
        for name in WIDGETS:
            wait_ready(page, name)
        assert page.evaluate("typeof window.document$") == "undefined"
        page.evaluate("window.RaceWidgets.init()")
        assert page.eval_on_selector_all(".rs-widget > .rs-ui", "els => els.length") == 3
        assert not page.is_visible(f"{MEM} .rs-fallback")
        assert text(page, f"{MEM} .rs-stat--w .rs-stat__value") == "141.1 GB"
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    finally:
        page.close()
        server.shutdown()
        server.server_close()
    assert not errors, errors


# --------------------------------------------------------------------------------------------------------------
# Settings in the address: a copied link restores the result; a garbage query string gives the defaults
# --------------------------------------------------------------------------------------------------------------


def _results(page) -> dict[str, str]:
    """What each widget shows for its current settings (the controls' values and the result text)."""
    out = {}
    for name, w in (("memory", MEM), ("attention-mamba", AM), ("context", CX)):
        controls = page.eval_on_selector_all(f"{w} .rs-ui select, {w} .rs-ui input", "els => els.map(e => e.value)")
        pressed = page.eval_on_selector_all(f"{w} [aria-pressed=true]", "els => els.map(e => e.dataset.mode)")
        out[name] = "|".join(controls + pressed) + "\n" + text(page, f"{w} .rs-ui")
    return out


def _copy_link(page, widget: str) -> str:
    click_settled(page, f"{widget} .rs-copylink__btn")
    page.wait_for_function(f"document.querySelector('{widget} .rs-copylink [role=status]').textContent.length > 0")
    assert text(page, f"{widget} .rs-copylink [role=status]") == "Link copied."
    return page.evaluate("navigator.clipboard.readText()")


def test_copied_link_restores_the_result(browser, widget_url):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900},
                              permissions=["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    errors = _watch(page)
    page.goto(widget_url)
    for name in WIDGETS:
        wait_ready(page, name)
    defaults = _results(page)
    assert "?" not in page.url, "building a widget does not touch the address"

    # Memory: a custom size with Mistral's shape, INT4 weights, FP8 cache, 4 sequences, a longer context.
    press(page, slider(MEM, "Parameters"), "End", *["ArrowLeft"] * 9)
    page.select_option(sel(MEM, "KV-cache shape from"), "mistral-7b")
    page.select_option(sel(MEM, "Weights in"), "int4")
    page.select_option(sel(MEM, "KV cache in"), "fp8")
    page.select_option(sel(MEM, "Batch"), "4")
    press(page, slider(MEM, "Context length"), "End", "ArrowLeft")
    # Attention | Mamba: a short length. Context: an exact length, GPT-3, a small window.
    press(page, slider(AM, "Sequence length"), "Home", "ArrowRight", "ArrowRight")
    page.select_option(sel(CX, "Model"), "gpt-3-175b")
    page.fill(f"{CX} input[type=number]", "5000")
    press(page, slider(CX, "Sliding window w"), "Home", *["ArrowRight"] * 5)
    changed = _results(page)
    assert all(changed[k] != defaults[k] for k in changed), "every widget was changed"
    assert "mem.model=custom" in page.url and "am.length=3" in page.url and "cx.n=5000" in page.url

    link = _copy_link(page, MEM)
    assert link.endswith("#widget-memory") and "mem.wp=int4" in link
    assert _copy_link(page, CX).endswith("#widget-context")

    fresh = ctx.new_page()
    errors += _watch(fresh)
    fresh.goto(link)
    for name in WIDGETS:
        wait_ready(fresh, name)
    assert _results(fresh) == changed
    fresh.reload()
    for name in WIDGETS:
        wait_ready(fresh, name)
    assert _results(fresh) == changed
    ctx.close()
    assert not errors, errors


GARBAGE = ("?mem.model=__proto__&mem.params=1e999&mem.wp=%3Cscript%3Ealert(1)%3C/script%3E&mem.kvp=constructor"
           "&mem.context=-5&mem.batch=3&mem.shape=toString&am.mode=hasOwnProperty&am.length=NaN"
           "&cx.n=0x10&cx.model=..%2F..%2Fetc&cx.w=99999999999999999999999&cx.=1&mem=%E0%A4%A&%%%=1"
           "&" + "x" * 3000 + "=1")


def test_garbage_query_gives_the_defaults(open_page):
    plain = _results(open_page())
    page = open_page(path=GARBAGE)  # the fixture fails the test on any console error or page error
    assert _results(page) == plain
    # The address bar no longer holds what the widgets could not use: it says what they show.
    for bad in ("__proto__", "1e999", "script", "constructor", "hasOwnProperty", "NaN", "0x10", "etc", "99999999"):
        assert bad not in page.url, page.url
    # A valid setting next to the garbage is still read.
    page = open_page(path="?mem.model=__proto__&am.mode=mamba&am.length=2e3")
    assert page.get_attribute(slider(AM, "Sequence length"), "aria-valuetext") == "2,048 tokens"  # the nearest stop
    assert "am.length=2048" in page.url and "am.mode" not in page.url
    assert _results(page)["memory"] == plain["memory"]
