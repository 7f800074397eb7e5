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

.PHONY: site test serve bench clean setup lock check audit media

$(READY): requirements.lock scripts/setup.sh
	@PYTHON=$(PYTHON) VENV=$(VENV) bash scripts/setup.sh
	@touch $@

setup: $(READY)

## Build the site into site/ (publish quality; re-renders only what changed).
site: $(READY)
	$(PY) -m generator build --catalog $(CATALOG) --quality $(QUALITY) $(if $(JOBS),--jobs $(JOBS))

## The media kit: every scene as reusable files (1080p60 MP4, vertical MP4, ProRes 4444 with alpha, looping WebP,
## posters, WebVTT/SRT) in media/ with media/manifest.json. QUALITY=4k adds 3840x2160 MP4s. Cached like figures.
## MEDIA_ARGS=--no-prores skips ProRes (the site never publishes it), e.g. for a CI build of the site.
media: $(READY)
	$(PY) -m generator.media --quality $(if $(filter 4k,$(QUALITY)),4k,publish) $(if $(JOBS),--jobs $(JOBS)) $(MEDIA_ARGS)

## Validate the catalog and the figure registry.
check: $(READY)
	$(PY) -m generator check --catalog $(CATALOG)

## Run every test (draft quality renders, browser tests in Debian's Chromium).
test: $(READY)
	$(PY) -m pytest -q

## Live preview: rebuilds what changed (draft quality) and serves with HTTP Range support.
serve: $(READY)
	$(PY) -m generator serve --catalog $(CATALOG) --port $(PORT) --prefix $(PREFIX)

## Timings: clean build, no-change rebuild, one-figure-changed rebuild, bare MkDocs build; with --scenes (the
## default) also the clean publish render of every figure serial vs parallel and the cached rebuild (~20 min).
BENCH_ARGS ?= --scenes
bench: $(READY)
	$(PY) -m generator.bench $(BENCH_ARGS)

## Lighthouse 12.2.3 (pinned in package-lock.json) on the built article page, mobile emulation.
audit: $(READY)
	@test -f site/index.html || $(MAKE) site
	npm ci --no-audit --no-fund --silent
	$(PY) -m generator.audit

clean:
	rm -rf site build .cache media

## Re-pin requirements.lock from requirements.in in a throwaway venv.
lock:
	rm -rf /tmp/rts-lock && $(PYTHON) -m venv /tmp/rts-lock && /tmp/rts-lock/bin/pip install -q -r requirements.in
	{ echo "# Generated from requirements.in with 'pip freeze' in a fresh venv (Python 3.11). Regenerate with: make lock"; \
	  /tmp/rts-lock/bin/pip freeze; } > requirements.lock
