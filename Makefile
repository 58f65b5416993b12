# SPDX-License-Identifier: MIT
# pouch-init: one non-recursive GNU Makefile. `make V=1` shows commands.

VERSION  := 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
CC       ?= gcc

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
CFLAGS   ?= -O2 -g
# -ffunction-sections: each function in a section of its own, which
# init/hot.ld places by name
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(HARDEN) $(CFLAGS) \
             -ffunction-sections -DPOUCH_VERSION='"$(VERSION)"' -I. -MMD -MP
STATIC_LDFLAGS := -static-pie -Wl,-z,relro,-z,now
LIBS     := -linih -lcap
# init/layout.ld: where .bss's arrays go, for pid 1's private memory;
# init/hot.ld (make hot-text): the code pid 1 runs, packed, for its RSS
INIT_LDFLAGS = $(STATIC_LDFLAGS) -Wl,-T,init/layout.ld -Wl,-T,init/hot.ld

# make WITH_SYSTEMD=1: pouch-init as a VM's service supervisor, linked
# (dynamically) with libsystemd: sd_notify to the outer systemd and
# `stdout = journal` (after a `make clean`: the objects differ)
ifeq ($(WITH_SYSTEMD),1)
ALL_CFLAGS += -DWITH_SYSTEMD
LIBS += -lsystemd
INIT_LDFLAGS = -pie -Wl,-z,relro,-z,now
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

CONFIG_SRC := config/values.c config/words.c config/users.c config/load.c \
              config/keys.c config/config.c config/paths.c \
              config/check.c
SERVICES_SRC := services/svc.c services/budget.c services/sched.c
HOOKS_SRC := hooks/hooks.c
UNITS_SRC := units/syntax.c units/names.c units/path.c units/spec.c \
             units/exec.c units/find.c units/service.c units/load.c \
             units/sysv.c units/cond.c units/dirs.c units/tmpfiles.c \
             units/install.c units/report.c \
             units/systemctl.c
INIT_SRC := $(CONFIG_SRC) $(SERVICES_SRC) $(HOOKS_SRC) $(UNITS_SRC) init/log.c init/signames.c init/pidmap.c \
            init/opts.c run/spawn.c init/loop.c run/output.c \
            run/svcrun.c run/svcstart.c init/super.c handover/sysd.c run/ctl.c run/ctlproto.c run/outer.c \
            run/ctlcli.c run/state.c run/proc.c run/sock.c run/notifyproto.c init/hookrun.c init/plain.c
INIT_MAIN := init/main.c
HELPER_SRC := test/helpers/pt.c
UNIT_SRC := $(wildcard test/unit/test_*.c)

INIT_OBJ := $(INIT_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:test/unit/%.c=$(BUILD)/unit/%)

.SECONDARY:

.PHONY: all clean check unit e2e asan check-asan analyze install uninstall coverage \
        bench demo format runc-test fuzz fuzz-build man systemd-build hot-text

LCH_PURE := launcher/json.c launcher/conf.c launcher/rewrite.c
LCH_SRC := $(LCH_PURE) launcher/spec.c launcher/richrun.c launcher/main.c
LCH_OBJ := $(LCH_SRC:%.c=$(BUILD)/%.o)

all: pouch-init pouch-runc $(BUILD)/pt

deps-%:
	$(Q)sh tools/deps.sh $*

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

pouch-init: $(INIT_OBJ) $(BUILD)/init/main.o init/layout.ld init/hot.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(INIT_LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS)

# after a change of what pid 1 runs: measure it again (root, valgrind)
hot-text: pouch-init
	$(Q)sh tools/hot-text.sh pouch-init $(INIT_OBJ) $(BUILD)/init/main.o >init/hot.ld.new || \
		{ rm -f init/hot.ld.new; exit 1; }
	$(Q)mv init/hot.ld.new init/hot.ld
	$(Q)$(MAKE) --no-print-directory pouch-init

# the WITH_SYSTEMD build the tests use, beside the static one
systemd-build:
	$(Q)$(MAKE) --no-print-directory BUILD=build-systemd WITH_SYSTEMD=1 \
		build-systemd/pouch-init-systemd
build-systemd/pouch-init-systemd: $(INIT_OBJ) $(BUILD)/init/main.o
	$(Q)$(CC) $(INIT_LDFLAGS) -o $@ $^ $(LIBS)

pouch-runc: $(LCH_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(STATIC_LDFLAGS) -o $@ $^ -ljansson -linih

# the same objects, linked dynamically, for valgrind (which cannot follow
# malloc in a static binary)
$(BUILD)/pouch-init-dyn: $(INIT_OBJ) $(BUILD)/init/main.o
	$(Q)$(CC) -o $@ $^ $(LIBS)

$(BUILD)/pt: $(BUILD)/test/helpers/pt.o
	$(Q)$(CC) -static -o $@ $^ -lutil

$(BUILD)/unit/%: $(BUILD)/test/unit/%.o $(INIT_OBJ)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -o $@ $^ $(LIBS)

TEST_ENV = POUCH_INIT=$(CURDIR)/pouch-init PT=$(CURDIR)/$(BUILD)/pt \
           POUCH_RUNC=$(CURDIR)/pouch-runc \
           POUCH_INIT_DYN=$(CURDIR)/$(BUILD)/pouch-init-dyn \
           POUCH_MAN_DIR=$(CURDIR)/$(BUILD)/man \
           POUCH_INIT_SYSTEMD=$(CURDIR)/build-systemd/pouch-init-systemd
E2E_TESTS := $(wildcard test/e2e/t_*.sh)
RUNC_TESTS := $(wildcard test/runc/t_*.sh)

unit: $(UNIT_BIN)
	$(Q)sh test/run.sh $(UNIT_BIN)

e2e: pouch-init $(BUILD)/pt $(BUILD)/pouch-init-dyn
	$(Q)$(TEST_ENV) sh test/run.sh $(E2E_TESTS)

runc-test: deps-runc deps-docker deps-cri deps-podman pouch-init pouch-runc $(BUILD)/pt
	$(Q)$(TEST_ENV) sh test/run.sh $(RUNC_TESTS)

# everything, one runner, one closing line
check: deps-build deps-test deps-runc deps-docker deps-cri deps-podman deps-systemd
	$(Q)$(MAKE) --no-print-directory pouch-init pouch-runc $(BUILD)/pt \
		$(BUILD)/pouch-init-dyn $(UNIT_BIN) man systemd-build
	$(Q)$(TEST_ENV) sh test/run.sh $(UNIT_BIN) $(E2E_TESTS) $(RUNC_TESTS)

# libFuzzer targets (clang), each run for FUZZ_TIME seconds from
# fuzz/corpus/NAME; fuzz/run.sh prints executions and coverage
FUZZ_TARGETS := fuzz_config fuzz_words fuzz_envfile fuzz_values fuzz_ctl fuzz_notify \
                fuzz_bundle fuzz_runcconf fuzz_units
FUZZ_LIB := $(CONFIG_SRC) init/signames.c run/ctlproto.c run/notifyproto.c init/log.c \
            $(filter-out units/systemctl.c,$(UNITS_SRC))
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -I. -g -O1 -Wall -Wextra -Werror \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TIME ?= 60
build-fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_LIB)
	@mkdir -p build-fuzz
	$(Q)clang $(FUZZ_FLAGS) -o $@ $< $(FUZZ_LIB) -linih -lcap
# pouch-runc's: config.json (scanner, request, rewrite), pouch-runc.conf
build-fuzz/fuzz_bundle build-fuzz/fuzz_runcconf: build-fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h \
		$(LCH_PURE) launcher/lch.h launcher/json.h
	@mkdir -p build-fuzz
	$(Q)clang $(FUZZ_FLAGS) -o $@ $< $(LCH_PURE) -linih
fuzz-build: $(FUZZ_TARGETS:%=build-fuzz/%)
fuzz: deps-fuzz
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)FUZZ_TIME=$(FUZZ_TIME) sh fuzz/run.sh $(FUZZ_TARGETS)

# ASan + UBSan: a dynamic build of the same sources, same e2e suite.
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=all
asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan CFLAGS="$(ASAN_FLAGS)" \
		HARDEN= STATIC_LDFLAGS="-fsanitize=address,undefined" \
		build-asan/pouch-init-asan
build-asan/pouch-init-asan: $(INIT_OBJ) $(BUILD)/init/main.o
	$(Q)$(CC) $(STATIC_LDFLAGS) -o $@ $^ $(LIBS)

check-asan: deps-build deps-test deps-systemd
	$(Q)$(MAKE) --no-print-directory asan $(BUILD)/pt $(BUILD)/pouch-init-dyn \
		man systemd-build
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		POUCH_INIT=$(CURDIR)/build-asan/pouch-init-asan \
		POUCH_MAN_DIR=$(CURDIR)/$(BUILD)/man \
		POUCH_INIT_SYSTEMD=$(CURDIR)/build-systemd/pouch-init-systemd \
		POUCH_INIT_DYN=$(CURDIR)/$(BUILD)/pouch-init-dyn \
		PT=$(CURDIR)/$(BUILD)/pt sh test/run.sh $(E2E_TESTS)

analyze:
	$(Q)for f in $(INIT_SRC) $(INIT_MAIN) $(LCH_SRC); do \
		$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -fanalyzer -c -o /dev/null $$f || exit 1; done
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr --std=c11 -I. -D__GNUC__ --suppress=missingIncludeSystem \
		init run handover config services hooks launcher units

# man pages: one scdoc source each in man/, built into $(BUILD)/man
MAN_SRC := $(wildcard man/*.scd)
MAN_OUT := $(MAN_SRC:man/%.scd=$(BUILD)/man/%)
$(BUILD)/man/%: man/%.scd
	@mkdir -p $(dir $@)
	@command -v scdoc >/dev/null || sh tools/deps.sh build
	$(Q)scdoc <$< >$@
man: $(MAN_OUT)

SHAREDIR := $(PREFIX)/share/pouch-init
MANDIR   := $(PREFIX)/share/man
UNITDIR  ?= $(PREFIX)/lib/systemd/system
install: pouch-init pouch-runc man
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8
	install -m 0755 -s pouch-init $(DESTDIR)$(PREFIX)/sbin/pouch-init
	install -m 0755 -s pouch-runc $(DESTDIR)$(PREFIX)/sbin/pouch-runc
	install -m 0644 $(BUILD)/man/pouch-init.8 $(BUILD)/man/pouch-runc.8 \
		$(DESTDIR)$(MANDIR)/man8/
	install -m 0644 $(BUILD)/man/pouch-init.ini.5 $(DESTDIR)$(MANDIR)/man5/
	install -d $(DESTDIR)$(UNITDIR)
	install -m 0644 contrib/systemd/pouch-init.service $(DESTDIR)$(UNITDIR)/
	for d in contrib/services.d/*/; do \
		t=$(DESTDIR)$(SHAREDIR)/services.d/$$(basename $$d); \
		install -d $$t && install -m 0644 $$d*.ini $$t/ || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/pouch-init $(DESTDIR)$(PREFIX)/sbin/pouch-runc \
		$(DESTDIR)$(MANDIR)/man8/pouch-init.8 $(DESTDIR)$(MANDIR)/man8/pouch-runc.8 \
		$(DESTDIR)$(MANDIR)/man5/pouch-init.ini.5 \
		$(DESTDIR)$(UNITDIR)/pouch-init.service
	rm -rf $(DESTDIR)$(SHAREDIR)

# make bench BENCH=memory: those parts of bench/run.sh alone (see there);
# BENCH=units: bench/units.sh alone (pouch-init's units against systemd)
bench: deps-build deps-test deps-bench deps-runc
	$(Q)$(MAKE) --no-print-directory pouch-init pouch-runc $(BUILD)/pt
	$(Q)[ -n "$(BENCH)" ] && [ -z "$(filter-out units,$(BENCH))" ] || \
	PT=$(CURDIR)/$(BUILD)/pt POUCH_INIT=$(CURDIR)/pouch-init BENCH="$(filter-out units,$(BENCH))" sh bench/run.sh
	$(Q)[ -n "$(BENCH)" ] || { \
	PT=$(CURDIR)/$(BUILD)/pt POUCH_INIT=$(CURDIR)/pouch-init sh bench/services.sh && \
	PT=$(CURDIR)/$(BUILD)/pt POUCH_INIT=$(CURDIR)/pouch-init sh bench/output.sh && \
	PT=$(CURDIR)/$(BUILD)/pt POUCH_INIT=$(CURDIR)/pouch-init \
		POUCH_RUNC=$(CURDIR)/pouch-runc sh bench/runc.sh; }
	$(Q)[ -n "$(BENCH)" ] && [ -z "$(filter units,$(BENCH))" ] || \
	POUCH_INIT=$(CURDIR)/pouch-init POUCH_RUNC=$(CURDIR)/pouch-runc sh bench/units.sh

demo: deps-build deps-test deps-runc
	$(Q)$(MAKE) --no-print-directory pouch-init pouch-runc
	$(Q)sh demo/run.sh

format:
	clang-format -i $(INIT_SRC) $(INIT_MAIN) init/*.h run/*.h handover/*.h

clean:
	rm -rf $(BUILD) build-asan build-fuzz build-systemd build-cov pouch-init pouch-runc

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# line coverage of the pure supervision logic (services/) by its unit
# tests: gcov, in build-cov
COV_TESTS := test_svc test_sched test_budget
coverage:
	$(Q)$(MAKE) --no-print-directory BUILD=build-cov CFLAGS='-O0 -g --coverage' \
		LIBS='-linih -lcap --coverage' $(COV_TESTS:%=build-cov/unit/%)
	$(Q)find build-cov -name '*.gcda' -delete
	$(Q)for t in $(COV_TESTS); do build-cov/unit/$$t >/dev/null || exit 1; done
	$(Q)for f in services/*.c; do \
		gcov -n -o build-cov/services $$f 2>/dev/null | \
		awk -v f=$$f '/^File/ { keep = index($$0, f) > 0 } \
			keep && /^Lines executed/ { print f ": " $$2 " " $$3 " " $$4; keep = 0 }'; \
	done
