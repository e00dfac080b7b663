# Pladsoverblik: the two commands are `make run` and `make test` (see README).
# Both install what is missing on Debian 12 first (apt-get, and tauri-driver via cargo).

SHELL := /bin/bash
CARGO ?= cargo
export CARGO_BUILD_JOBS ?= 2
TARGET_DIR := $(shell $(CARGO) metadata --format-version 1 --no-deps 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null || echo target)

DEB_PACKAGES := libwebkit2gtk-4.1-dev webkit2gtk-driver xvfb xauth xdotool imagemagick \
                poppler-utils qpdf faketime postgresql pkg-config openssl procps
TAURI_DRIVER_VERSION := 2.1.0
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test deps deps-apt deps-driver build test-core test-fuzz test-server test-e2e test-any-date lint bench startup-order screenshot example-catalogue

run: deps-apt build
	$(TARGET_DIR)/debug/pladsoverblik

test: deps lint build
	$(CARGO) test --workspace --exclude pladsoverblik-tests
	$(MAKE) test-server
	$(MAKE) test-fuzz
	$(MAKE) test-e2e
	$(MAKE) test-any-date

# Every test that needs no display: core, CLI, the Tauri commands on the mock runtime.
test-core:
	$(CARGO) test -p pladsoverblik-core

# Fuzzing that stays (docs/reliability.md): the replay/mutation harness on stable Rust runs the
# catalogue reader, the rate-sheet reader (CSV and .xlsx) and the contract form for
# FUZZ_SECONDS each (two at a time), and fails on any panic, hang, English message, unclean
# refusal or changed database. The regression corpus runs in every cargo test. A long run:
# FUZZ_SECONDS=3600 make test-fuzz (FUZZ_SEED picks other inputs; fuzz/README.md for the
# nightly cargo-fuzz targets).
FUZZ_SECONDS ?= 40
test-fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(CARGO) test --workspace --exclude pladsoverblik-tests --test fuzz \
	  -- --ignored fuzz_ --nocapture --test-threads=2

# The municipality's PostgreSQL server (docs/server.md): a throwaway PostgreSQL 15 cluster in a
# temporary directory (pg_virtualenv -t), dropped afterwards; runs the server crate's #[ignore]d
# tests against it (roles, sync, numbers, conflicts).
test-server: deps-apt
	scripts/test-server.sh

# The real window through WebDriver (tauri-driver + WebKitWebDriver) under Xvfb.
test-e2e: build
	PLADSOVERBLIK_APP=$(TARGET_DIR)/debug/pladsoverblik GSETTINGS_BACKEND=memory \
	  xvfb-run -a -s "-screen 0 1400x900x24" $(CARGO) test -p pladsoverblik-tests -- --include-ignored --test-threads=1

# The same tests with the system clock in 2027 and 2029 (libfaketime): nothing may depend on
# the wall clock. The window's tests run under Xvfb like test-e2e.
test-any-date: build
	PLADSOVERBLIK_APP=$(TARGET_DIR)/debug/pladsoverblik GSETTINGS_BACKEND=memory \
	  xvfb-run -a -s "-screen 0 1400x900x24" scripts/any-date.sh

build:
	$(CARGO) build -p pladsoverblik -p pladsoverblik-cli

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --exclude pladsoverblik-tests --all-targets -- -D warnings
	$(CARGO) clippy -p pladsoverblik-tests --all-targets -- -D warnings

deps: deps-apt deps-driver

deps-apt:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installerer Debian-pakker:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

deps-driver:
	@if ! command -v tauri-driver >/dev/null || ! tauri-driver --help >/dev/null 2>&1; then \
	  echo "Installerer tauri-driver $(TAURI_DRIVER_VERSION)"; \
	  $(CARGO) install tauri-driver --locked --version $(TAURI_DRIVER_VERSION); \
	fi

# Figures for docs/benchmarks.md (release build, generated 100.000-offer catalogue; the sync of
# 10.000 records inside a throwaway PostgreSQL 15 cluster, as test-server: docs/server.md).
bench: deps-apt
	$(CARGO) build --release -p pladsoverblik-cli -p pladsoverblik --features pladsoverblik/custom-protocol
	$(CARGO) build --release -p pladsoverblik --features custom-protocol --example empty_window
	scripts/bench.sh $(TARGET_DIR)/release

# The release app's start-up functions, laid out together by the linker (src-tauri/build.rs):
# run again after a dependency or the start changed (`make bench` says how many of the names the
# binary still has). Needs valgrind, installed here if missing.
startup-order: deps-apt
	@dpkg-query -W -f='$${Status}' valgrind 2>/dev/null | grep -q "ok installed" || \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends valgrind
	$(CARGO) build --release -p pladsoverblik-cli -p pladsoverblik --features pladsoverblik/custom-protocol
	scripts/startup-order.sh $(TARGET_DIR)/release src-tauri/startup-order.txt
	$(CARGO) build --release -p pladsoverblik-cli -p pladsoverblik --features pladsoverblik/custom-protocol

# The screenshots in docs/ (search, check, contract at the window's default 1280×800), taken
# by the end-to-end flows at the states they reach.
screenshot: deps-apt build
	PLADSOVERBLIK_DOCS_SHOTS=docs PLADSOVERBLIK_APP=$(TARGET_DIR)/debug/pladsoverblik GSETTINGS_BACKEND=memory \
	  xvfb-run -a -s "-screen 0 1400x900x24" $(CARGO) test -p pladsoverblik-tests --test desktop --test check_flow \
	  -- --include-ignored --test-threads=1

# Regenerates the bundled example catalogue (a test checks it matches the generator).
example-catalogue: build
	$(TARGET_DIR)/debug/plads generate-catalogue --example > assets/eksempelkatalog.json
