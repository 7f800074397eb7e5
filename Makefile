# The Race to Scale. `make site` and `make test` do their own set-up on a fresh Debian/Ubuntu machine.
# Every user variable's default is here, before `unexport $(USER_VARS)` below: unexport defines a variable it does not
# know yet (empty), so a `?=` after it would never take effect (tests/project/test_makefile.py).
PYTHON  ?= python3
VENV    ?= .venv
CATALOG ?= catalog.yaml
QUALITY ?= publish
JOBS    ?=
PORT    ?= 8000
PREFIX  ?= /
BUILDER ?= mkdocs
SITE_ARGS ?=
PRORES  ?=
VERSION ?=
NOTES   ?=
TEST_JOBS ?= 2
BENCH_ARGS ?= --scenes
PDF     ?= build/the-race-to-scale.pdf
PY      := "$$RTS_ARG_VENV/bin/python"
# The venv's folder is also a make target (its .ready stamp): a plain path, checked before make reads it as one.
ifneq ($(shell printf '%s' '$(subst ','\'',$(value VENV))' | tr -d 'A-Za-z0-9._/+-'),)
$(error VENV: expected a plain folder path (letters, digits and . _ + - /))
endif
READY   := $(value VENV)/.ready

# Make variables reach recipes only through the environment, as their literal text ($(value ...): nothing in them
# is expanded by make), and recipes use them as quoted shell variables ("$$RTS_ARG_X"): a value such as
# VERSION='1.1; touch x' or NOTES='`id`' is an argument, never a command (tests/test_makefile.py). The lists of
# arguments (SITE_ARGS, MEDIA_ARGS, BENCH_ARGS) are split into words with globbing off (set -f), never evaluated.
USER_VARS := PYTHON VENV CATALOG QUALITY JOBS PORT PREFIX SITE_ARGS PRORES MEDIA_ARGS VERSION NOTES BENCH_ARGS PDF \
             TEST_JOBS BUILDER
$(foreach v,$(USER_VARS),$(eval export RTS_ARG_$(v) = $$(value $(v))))
unexport $(USER_VARS)

.PHONY: site test serve bench clean setup lock check audit media lint release pdf

$(READY): requirements.lock scripts/setup.sh pyproject.toml
	@PYTHON="$$RTS_ARG_PYTHON" VENV="$$RTS_ARG_VENV" bash scripts/setup.sh
	@touch $@

setup: $(READY)

## Build the site into site/ (publish quality; re-renders only what changed). SITE_ARGS=--no-render assembles it
## from the cache alone (after `python -m generator unpack`: the render farm), failing with the list of what is missing.
## BUILDER=zensical builds the same staging tree with Zensical instead of MkDocs (Material), from the same cache.
site: $(READY)
	set -f; $(PY) -m generator build --catalog "$$RTS_ARG_CATALOG" --quality "$$RTS_ARG_QUALITY" \
	  --builder "$$RTS_ARG_BUILDER" $${RTS_ARG_JOBS:+--jobs "$$RTS_ARG_JOBS"} $$RTS_ARG_SITE_ARGS

## The media kit: every scene as reusable files (1080p60 MP4, portrait and vertical MP4s, looping WebP, posters,
## WebVTT/SRT, one MP4 per step) in media/ with media/manifest.json. The landscape and portrait renders are the site's
## (same cache): after `make site` nothing is drawn again. QUALITY=4k adds 3840x2160 MP4s; QUALITY=draft matches `make site QUALITY=draft`; PRORES=1 adds
## ProRes 4444 with alpha (a render of its own). MEDIA_ARGS=--verify then decodes every file against the manifest.
media: $(READY)
	set -f; case "$$RTS_ARG_QUALITY" in 4k|draft) q="$$RTS_ARG_QUALITY" ;; *) q=publish ;; esac; \
	$(PY) -m generator media --catalog "$$RTS_ARG_CATALOG" --quality "$$q" $${RTS_ARG_JOBS:+--jobs "$$RTS_ARG_JOBS"} \
	  $${RTS_ARG_PRORES:+--prores} $$RTS_ARG_MEDIA_ARGS

## Keep this version's published data in the repository: releases/$(VERSION)/catalog.json and release.json, and
## CITATION.cff rewritten for it. Every build then lists the numbers changed since this release (Updates section).
release: $(READY)
	@test -n "$$RTS_ARG_VERSION" || { echo "usage: make release VERSION=x.y [NOTES='what this version is']"; exit 2; }
	$(PY) -m generator release "$$RTS_ARG_VERSION" $${RTS_ARG_NOTES:+--notes "$$RTS_ARG_NOTES"}

## Validate the catalog, the figure registry, the arithmetic over every model, alt texts and pages (no renders).
check: $(READY)
	$(PY) -m generator check --catalog "$$RTS_ARG_CATALOG"

## Run every test (lint, format and type checks, draft quality renders, browser tests in Debian's Chromium), in
## TEST_JOBS processes (pytest-xdist; tests that share a build run in one process: tests/conftest.py SHARED_BUILDS).
test: $(READY)
	"$$RTS_ARG_VENV/bin/ruff" check generator tests figures
	"$$RTS_ARG_VENV/bin/ruff" format --check generator
	"$$RTS_ARG_VENV/bin/mypy"
	if [ "$$RTS_ARG_TEST_JOBS" = 1 ]; then $(PY) -m pytest -q; else $(PY) -m pytest -q -n "$$RTS_ARG_TEST_JOBS" --dist loadgroup; fi

## Live preview: rebuilds what changed (draft quality) and serves with HTTP Range support.
serve: $(READY)
	$(PY) -m generator serve --catalog "$$RTS_ARG_CATALOG" --port "$$RTS_ARG_PORT" --prefix "$$RTS_ARG_PREFIX" --builder "$$RTS_ARG_BUILDER"

## Timings: clean build, no-change rebuild, one-figure-changed rebuild, bare MkDocs build; with --scenes (the
## default) also the clean publish render of every figure serial vs parallel and the cached rebuild (~20 min);
## BENCH_ARGS="--quality publish --media" times a clean publish site and then the media kit from its cache.
bench: $(READY)
	set -f; $(PY) -m generator bench $$RTS_ARG_BENCH_ARGS

## Lighthouse 12.2.3 (pinned in package-lock.json) on the built article page, mobile emulation.
audit: $(READY)
	@test -f site/index.html || $(MAKE) site
	npm ci --no-audit --no-fund --silent --ignore-scripts
	$(PY) -m generator audit

## The article as a PDF (build/the-race-to-scale.pdf), printed by the tests' Chromium through the print stylesheet:
## scenes as storyboards, widgets as tables, reference URLs shown; title and author set. Builds the site if needed.
pdf: $(READY)
	@test -f site/index.html || $(MAKE) site
	$(PY) -m generator pdf --out "$$RTS_ARG_PDF"

## Lint, format check and type check only (part of make test). `ruff format generator` fixes the formatting.
lint: $(READY)
	"$$RTS_ARG_VENV/bin/ruff" check generator tests figures
	"$$RTS_ARG_VENV/bin/ruff" format --check generator
	"$$RTS_ARG_VENV/bin/mypy"

clean:
	rm -rf site build .cache media .site.new-*

## Re-pin requirements.lock from requirements.in in a throwaway venv.
lock:
	rm -rf /tmp/rts-lock && "$$RTS_ARG_PYTHON" -m venv /tmp/rts-lock && /tmp/rts-lock/bin/pip install -q -r requirements.in
	{ echo "# Generated from requirements.in with 'pip freeze' in a fresh venv (Python 3.11). Regenerate with: make lock"; \
	  /tmp/rts-lock/bin/pip freeze; } > requirements.lock
