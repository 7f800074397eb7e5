# The Race to Scale. `make site` and `make test` do their own set-up on a fresh Debian/Ubuntu machine.
PYTHON  ?= python3
VENV    ?= .venv
CATALOG ?= catalog.yaml
QUALITY ?= publish
JOBS    ?=
PORT    ?= 8000
PREFIX  ?= /
PY      := $(VENV)/bin/python
READY   := $(VENV)/.ready

.PHONY: site test serve bench clean setup lock check audit media lint release pdf

$(READY): requirements.lock scripts/setup.sh pyproject.toml
	@PYTHON=$(PYTHON) VENV=$(VENV) bash scripts/setup.sh
	@touch $@

setup: $(READY)

## Build the site into site/ (publish quality; re-renders only what changed). SITE_ARGS=--no-render assembles it
## from the cache alone (after `python -m generator unpack`: the render farm), failing with the list of what is missing.
SITE_ARGS ?=
site: $(READY)
	$(PY) -m generator build --catalog "$(CATALOG)" --quality $(QUALITY) $(if $(JOBS),--jobs $(JOBS)) $(SITE_ARGS)

## The media kit: every scene as reusable files (1080p60 MP4, portrait and vertical MP4s, looping WebP, posters,
## WebVTT/SRT, one MP4 per step) in media/ with media/manifest.json. The landscape and portrait renders are the site's
## (same cache): after `make site` nothing is drawn again. QUALITY=4k adds 3840x2160 MP4s; QUALITY=draft matches `make site QUALITY=draft`; PRORES=1 adds
## ProRes 4444 with alpha (a render of its own). MEDIA_ARGS=--verify then decodes every file against the manifest.
PRORES ?=
media: $(READY)
	$(PY) -m generator media --catalog "$(CATALOG)" --quality $(if $(filter 4k draft,$(QUALITY)),$(QUALITY),publish) $(if $(JOBS),--jobs $(JOBS)) $(if $(PRORES),--prores) $(MEDIA_ARGS)

## Keep this version's published data in the repository: releases/$(VERSION)/catalog.json and release.json, and
## CITATION.cff rewritten for it. Every build then lists the numbers changed since this release (Updates section).
VERSION ?=
NOTES ?=
release: $(READY)
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=x.y [NOTES='what this version is']"; exit 2; }
	$(PY) -m generator release $(VERSION) $(if $(NOTES),--notes "$(NOTES)")

## Validate the catalog, the figure registry, the arithmetic over every model, alt texts and pages (no renders).
check: $(READY)
	$(PY) -m generator check --catalog "$(CATALOG)"

## Run every test (lint, format and type checks, draft quality renders, browser tests in Debian's Chromium).
test: $(READY)
	$(VENV)/bin/ruff check generator tests figures
	$(VENV)/bin/ruff format --check generator
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

## Live preview: rebuilds what changed (draft quality) and serves with HTTP Range support.
serve: $(READY)
	$(PY) -m generator serve --catalog "$(CATALOG)" --port "$(PORT)" --prefix "$(PREFIX)"

## Timings: clean build, no-change rebuild, one-figure-changed rebuild, bare MkDocs build; with --scenes (the
## default) also the clean publish render of every figure serial vs parallel and the cached rebuild (~20 min);
## BENCH_ARGS="--quality publish --media" times a clean publish site and then the media kit from its cache.
BENCH_ARGS ?= --scenes
bench: $(READY)
	$(PY) -m generator bench $(BENCH_ARGS)

## Lighthouse 12.2.3 (pinned in package-lock.json) on the built article page, mobile emulation.
audit: $(READY)
	@test -f site/index.html || $(MAKE) site
	npm ci --no-audit --no-fund --silent
	$(PY) -m generator audit

## The article as a PDF (build/the-race-to-scale.pdf), printed by the tests' Chromium through the print stylesheet:
## scenes as storyboards, widgets as tables, reference URLs shown; title and author set. Builds the site if needed.
PDF ?= build/the-race-to-scale.pdf
pdf: $(READY)
	@test -f site/index.html || $(MAKE) site
	$(PY) -m generator pdf --out $(PDF)

## Lint, format check and type check only (part of make test). `ruff format generator` fixes the formatting.
lint: $(READY)
	$(VENV)/bin/ruff check generator tests figures
	$(VENV)/bin/ruff format --check generator
	$(VENV)/bin/mypy

clean:
	rm -rf site build .cache media .site.new-*

## Re-pin requirements.lock from requirements.in in a throwaway venv.
lock:
	rm -rf /tmp/rts-lock && $(PYTHON) -m venv /tmp/rts-lock && /tmp/rts-lock/bin/pip install -q -r requirements.in
	{ echo "# Generated from requirements.in with 'pip freeze' in a fresh venv (Python 3.11). Regenerate with: make lock"; \
	  /tmp/rts-lock/bin/pip freeze; } > requirements.lock
