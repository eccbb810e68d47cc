# pagetty: one Makefile, pkg-config for every library, one source list.
#   make            build ./pagetty
#   make run        install missing build deps, build, start the demo
#   make test       install what tests need, build, run every suite (unit,
#                   e2e, the ASan+UBSan phase, then every fuzz target 30 s)
#   make asan       build with AddressSanitizer + UBSan into build-asan/
#   make test-asan  build-asan, then the unit, console, hostile and walker
#                   suites under ASan+UBSan (make test runs them too)
#   make install PREFIX=/usr/local   /   make uninstall

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man/man1
DATADIR ?= $(PREFIX)/share/pagetty

CC      ?= cc
BUILD   ?= build
# libcurl: headers only; datasource/http_curl.c dlopen()s libcurl.so.4 when a
# request first needs it, so one-shot commands on plain http never load it.
PKGS     = ncursesw libcjson yaml-0.1 libcmark
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libcurl 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# The unit tests' own helpers (tests/unit/am_server.h) call libcurl directly.
CURL_LIBS  := $(shell pkg-config --libs libcurl 2>/dev/null)

WARN     = -Wall -Wextra -Wshadow -Wmissing-prototypes
ifeq ($(WERROR),1)
WARN    += -Werror
endif
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(PKG_CFLAGS) -I. $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS  += $(PKG_LIBS) -ldl -lm

# Everything but the terminal: unit tests link against this.
LIB_SRCS := $(sort $(wildcard core/*.c loop/*.c datasource/*.c exec/*.c)) tui/edit.c tui/chart_model.c
# The terminal side and the commands.
APP_SRCS := $(sort $(filter-out tui/edit.c tui/chart_model.c,$(wildcard tui/*.c)) $(wildcard views/*.c cmd/*.c)) main.c
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
APP_OBJS := $(APP_SRCS:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libpagetty.a

TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

all: pagetty

pagetty: $(BUILD)/pagetty
	@rm -f pagetty && cp $(BUILD)/pagetty pagetty

$(BUILD)/pagetty: $(APP_OBJS) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $(APP_OBJS) $(LIB) $(LDFLAGS) $(LDLIBS)

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $(LIB_OBJS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The demo's canned answers to the shipped runbooks are compiled into the
# binary (.incbin): rebuild when they change.
$(BUILD)/datasource/scenario_canned.o: runbooks/demo-canned.yaml

# The shared test helpers (tests/unit/*.h) are header-only: a change to one
# rebuilds the tests.
$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS) $(CURL_LIBS) -lcmocka

unit: $(TEST_BINS)

deps:
	@scripts/deps.sh build

run: deps
	@$(MAKE) --no-print-directory all
	./pagetty --demo

test: 
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory asan
	@tests/run --asan

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan CC=clang \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
	  LDFLAGS="-fsanitize=address,undefined" build-asan/pagetty unit BUILD=build-asan

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)/runbooks $(DESTDIR)$(DATADIR)/examples
	install -m 755 pagetty $(DESTDIR)$(BINDIR)/pagetty
	install -m 644 pagetty.1 $(DESTDIR)$(MANDIR)/pagetty.1
	install -m 644 runbooks/*.md $(DESTDIR)$(DATADIR)/runbooks/
	install -m 644 examples/*.yaml examples/*.yml $(DESTDIR)$(DATADIR)/examples/ 2>/dev/null || true

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pagetty $(DESTDIR)$(MANDIR)/pagetty.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(BUILD) build-asan pagetty

.PHONY: all pagetty unit deps run test asan install uninstall clean

-include $(LIB_OBJS:.o=.d) $(APP_OBJS:.o=.d)

# ---- fuzz: libFuzzer targets (tests/fuzz/fuzz_*.c), one per parser ----------
#   make fuzz-build   build them with clang, ASan+UBSan, into build-fuzz/
#   make fuzz         build, then tests/fuzz/run.sh -j2 60 (each target 60 s,
#                     two at a time); make test runs them 30 s each (tests/run)
# The parsers (core/, and the HTTP client) are compiled again with the same
# sanitizers and coverage instrumentation into build-fuzz/, so build/ and
# `make test` are untouched.
FUZZ_BUILD    := build-fuzz
FUZZ_CC       ?= clang
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                 -fno-omit-frame-pointer
FUZZ_CFLAGS   := -std=c11 -D_GNU_SOURCE $(WARN) $(PKG_CFLAGS) -I. -O1 -g $(FUZZ_SAN)
# Only the parsers under test and what they use, so a module still being
# written elsewhere in core/ cannot break the fuzz build. fuzz_http drives
# the HTTP client (datasource/http*.c) in its loop (loop/loop.c); libcurl
# stays dlopen()ed (hence -ldl), as in pagetty.
FUZZ_LIB_SRCS := core/util.c core/labels.c core/text.c core/duration.c core/xjson.c \
                 core/promql.c core/rules.c core/drill.c core/drill_run.c core/template.c \
                 core/template_env.c loop/loop.c \
                 $(sort $(wildcard core/alert*.c core/silence*.c core/matcher*.c \
                                   core/config*.c core/runbook*.c core/slo*.c \
                                   core/timeline*.c datasource/http*.c))
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_LIB      := $(FUZZ_BUILD)/libpagetty-fuzz.a
FUZZ_SRCS     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS     := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_HARNESS  := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_BUILD)/harness/%.o)

$(FUZZ_LIB_OBJS): $(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $(FUZZ_LIB_OBJS)

# The harness (tests/fuzz/fuzz_*.c with its oracle fuzz.h) gets ASan and
# UBSan but not the fuzzer's coverage and comparison tracing: it is not the
# code under test, and tracing its every check was a fifth (runbook) to a
# third (text) of each run. So "cov" in run.sh's lines counts core/ only.
$(FUZZ_BUILD)/harness/fuzz_%.o: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/harness/fuzz_%.o $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(PKG_LIBS) -ldl -lm

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	tests/fuzz/run.sh -j 2 60

fuzz-clean:
	rm -rf $(FUZZ_BUILD)

.PHONY: fuzz-build fuzz fuzz-clean

.SECONDARY: $(FUZZ_HARNESS)
-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_HARNESS:.o=.d)

# ---- bench: the benchmark suite (bench/bench.py, issue 7) -------------------
#   make bench    a real Alertmanager on loopback with 1k/10k/50k alerts;
#                 pagetty vs amtool vs curl; writes bench/RESULTS.md (< 10 min)
$(BUILD)/bench/rb_bench: bench/rb_bench.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

$(BUILD)/bench/rusage: bench/rusage.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $<

bench:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory all $(BUILD)/bench/rb_bench $(BUILD)/bench/rusage
	python3 bench/bench.py

.PHONY: bench

# ---- test-asan: the unit and e2e suites on the ASan+UBSan build --------------
#   make test-asan   build build-asan/ (pagetty + unit tests), then run the unit,
#                    console, hostile and walker suites on it; any sanitizer
#                    report aborts the binary and fails its suite.
test-asan:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory asan
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  BUILD=build-asan PAGETTY=build-asan/pagetty tests/run unit console hostile walker

.PHONY: test-asan
