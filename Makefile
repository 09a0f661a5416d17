# tcpconform: a raw-socket TCP conformance tester.
#   make            build build/tcpconform and build/tcpconform-agent
#   make run        install what is missing, build, run the default suite (root)
#   make test       install what is missing, build, run every test
#   make check      the edit loop: unit tests, quick end-to-end checks, fuzzers 10 s each
#   make stacks     install and build what --stack lwip|gvisor|slirp|passt need
#   make unit       unit tests only (no root)
#   make asan       unit tests under AddressSanitizer and UBSan
#   make golden     regenerate the golden files of tests/golden
#   make fuzz       fuzz the decoder and the case parser (clang, FUZZ_SECONDS each)
#   make bench      the benchmarks of bench/ (root): wall against the longest case, CPU,
#                   peak RSS, verdict changes; quick suite, REPEAT (20) runs each

CC       ?= cc
PREFIX   ?= /usr/local
BUILD    ?= build
VERSION  := 0.1.0
WERROR   ?= $(if $(CI),-Werror,)
PKGS     := libpcap libcjson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter -Wformat=2 -Wvla $(WERROR)
CPPFLAGS += -D_GNU_SOURCE -Ilib -Itester -DTC_VERSION=\"$(VERSION)\" -MMD -MP
LDLIBS_ALL := -lnet $(PKG_LIBS) -lm
# make test and make check build with every CPU (make -j: the rules are safe for it)
NPROC    := $(shell nproc 2>/dev/null || echo 1)

# The engine, layer by layer. Pure layers first: they link without libnet/libpcap.
PURE_SRC := $(wildcard lib/util/*.c lib/packet/*.c lib/case/*.c lib/model/*.c lib/report/*.c lib/run/*.c)
IO_SRC   := $(wildcard lib/io/*.c lib/env/*.c)
LIB_SRC  := $(PURE_SRC) $(IO_SRC)
# tester/: each program in a folder of its own (tester/cli, tester/agent, tester/lwip,
# tester/gvisor); tester/common holds the agent protocol the C agents share, compiled
# into each with that agent's own agent.h.
CLI_SRC  := $(wildcard tester/cli/*.c)
AGENT_SRC := $(wildcard tester/agent/*.c)
VMINIT_SRC := $(wildcard tester/vminit/*.c)
COMMON_SRC := $(wildcard tester/common/*.c)
common_obj = $(patsubst tester/common/%.c,$(BUILD)/obj/$(1)-common/%.o,$(COMMON_SRC))
UNIT_SRC := $(wildcard tests/unit/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

# run --kernel boots a guest whose /init is tcpconform-vminit and whose agent is
# tcpconform-agent-static: both linked statically (libc only)
all: $(BUILD)/tcpconform $(BUILD)/tcpconform-agent $(BUILD)/tcpconform-agent-static $(BUILD)/tcpconform-vminit

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libtcpconform.a: $(call obj,$(LIB_SRC))
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tcpconform: $(call obj,$(CLI_SRC)) $(BUILD)/libtcpconform.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/obj/agent-common/%.o: tester/common/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itester/agent $(CFLAGS) -c $< -o $@

$(BUILD)/tcpconform-agent: $(call obj,$(AGENT_SRC)) $(call common_obj,agent)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/tcpconform-agent-static: $(call obj,$(AGENT_SRC)) $(call common_obj,agent)
	$(CC) $(CFLAGS) $(LDFLAGS) -static -o $@ $^

$(BUILD)/tcpconform-vminit: $(call obj,$(VMINIT_SRC))
	$(CC) $(CFLAGS) $(LDFLAGS) -static -o $@ $^

$(BUILD)/unit-tests: $(call obj,$(UNIT_SRC)) $(BUILD)/libtcpconform.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

deps:
	@sh tests/deps.sh

# deps first, then a fresh make: pkg-config must see the packages deps installed.
run: deps
	@$(MAKE) --no-print-directory all
	./$(BUILD)/tcpconform run

unit: all $(BUILD)/unit-tests
	./$(BUILD)/unit-tests

# The edit loop (under a minute): unit tests, the end-to-end checks that take seconds
# (as root), each fuzzer for 10 s.
check:
	@sh tests/deps.sh check
	@$(MAKE) --no-print-directory -j$(NPROC) all $(BUILD)/unit-tests
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-10} sh tests/run.sh $(BUILD) check

test:
	@sh tests/deps.sh test
	@$(MAKE) --no-print-directory -j$(NPROC) all $(BUILD)/unit-tests stack-lwip stack-gvisor \
	    $(if $(shell command -v clang),fuzz-build)
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-10} sh tests/run.sh $(BUILD)

# The agents of the other stacks (lwIP's is compiled with lwIP's source, fetched
# from Debian's source package; gVisor's is built offline from Debian's Go packages)
# and the proxies slirp4netns and pasta.
stacks:
	@sh tests/deps.sh stacks
	@$(MAKE) --no-print-directory all stack-lwip stack-gvisor

asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=address,undefined" build-asan/unit-tests all
	./build-asan/unit-tests

# Fuzz the decoder and the case parser (clang's libFuzzer), seeded from the vectors
# and the shipped cases: FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
FUZZ_LIB := $(wildcard lib/util/*.c lib/packet/*.c lib/case/*.c)
FUZZ_HDR := $(wildcard lib/util/*.h lib/packet/*.h lib/case/*.h)
fuzz-build: build-fuzz/fuzz_decode build-fuzz/fuzz_parse
	@mkdir -p build-fuzz/corpus-decode build-fuzz/corpus-parse
	sh tests/fuzz/seed.sh build-fuzz

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB) $(FUZZ_HDR)
	@mkdir -p build-fuzz
	clang -std=c11 -D_GNU_SOURCE -Ilib -g -O1 -fsanitize=fuzzer,address,undefined \
	    $< $(FUZZ_LIB) -o $@

fuzz: fuzz-build
	./build-fuzz/fuzz_decode -max_total_time=$(FUZZ_SECONDS) build-fuzz/corpus-decode
	./build-fuzz/fuzz_parse -max_total_time=$(FUZZ_SECONDS) -dict=tests/fuzz/case.dict build-fuzz/corpus-parse

bench: all
	@sh bench/run.sh -n $${REPEAT:-20}

golden: $(BUILD)/unit-tests
	TC_GOLDEN_UPDATE=1 ./$(BUILD)/unit-tests

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/tcpconform
	install -m 755 $(BUILD)/tcpconform $(BUILD)/tcpconform-agent $(BUILD)/tcpconform-agent-static $(BUILD)/tcpconform-vminit $(DESTDIR)$(PREFIX)/bin/
	cp -r testcases $(DESTDIR)$(PREFIX)/share/tcpconform/

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all deps run unit check test stacks asan fuzz fuzz-build bench golden install clean

-include tester/gvisor/gvisor.mk
-include tester/lwip/lwip.mk
-include $(shell find $(BUILD) build-asan -name '*.d' 2>/dev/null)
