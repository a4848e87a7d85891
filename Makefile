# Thin wrapper over CMake. `make demo` and `make test` install what is missing first.
BUILD    ?= build
SANBUILD ?= build-san
TSANBUILD ?= build-tsan
FUZZBUILD ?= build-fuzz
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE    ?= cmake

# Debian packages the build, the tests and the analysis scripts need (clang, its sanitizer
# runtimes and LLVM's OpenMP runtime with libarcher: the ThreadSanitizer tree).
DEPS = gcc make cmake pkg-config clang-format libgsl-dev libhdf5-dev libdeflate-dev hdf5-tools \
       libcmocka-dev libyaml-dev librandom123-dev python3 python3-h5py \
       python3-matplotlib python3-numpy python3-pandas libopenmpi-dev openmpi-bin \
       clang libclang-rt-dev libomp-dev

# Only `make fuzz` needs these: clang with libFuzzer and its OpenMP runtime.
FUZZ_DEPS = clang libclang-rt-dev libomp-dev

# How long `make fuzz` fuzzes, in seconds, and the inputs it makes: at most 4 KiB each,
# each given 10 s before it counts as a hang.
FUZZ_SECONDS ?= 300
FUZZ_FLAGS   ?= -max_len=4096 -timeout=10 -rss_limit_mb=2048

.PHONY: all deps fuzz-deps build sanitize tsan test fuzz demo bench format clean golden

all: build

# Installs the Debian packages of the list $(1) that are missing.
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all installed"; exit 0; fi; \
	echo "deps: installing$$missing"; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing
endef

deps:
	$(call apt_install,$(DEPS))

fuzz-deps:
	$(call apt_install,$(FUZZ_DEPS))

$(BUILD)/CMakeCache.txt:
	$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

$(SANBUILD)/CMakeCache.txt:
	$(CMAKE) -S . -B $(SANBUILD) -DCMAKE_BUILD_TYPE=Debug -DTRUSTSIM_SANITIZE=ON

# ThreadSanitizer needs clang and libomp (GCC's libgomp is invisible to it): CMakeLists.txt,
# TRUSTSIM_TSAN, says why and which tests run there; tests/tsan.supp what is suppressed.
$(TSANBUILD)/CMakeCache.txt:
	CC=clang $(CMAKE) -S . -B $(TSANBUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRUSTSIM_TSAN=ON

# The release tree is compiled with the profile of a training run (CMakeLists.txt,
# TRUSTSIM_PGO; docs/performance.md). `make build PGO=OFF` switches it off in $(BUILD) for a
# quicker edit-compile loop, `make build PGO=ON` back on; without PGO= the tree keeps its own.
PGO ?=
build: deps $(BUILD)/CMakeCache.txt
	@if [ -n "$(PGO)" ]; then $(CMAKE) -S . -B $(BUILD) -DTRUSTSIM_PGO=$(PGO) > /dev/null; fi
	$(CMAKE) --build $(BUILD) -j $(JOBS)

sanitize: deps $(SANBUILD)/CMakeCache.txt
	$(CMAKE) --build $(SANBUILD) -j $(JOBS)

# Only what the TSan run needs: the binary and the tests labelled tsan.
tsan: deps $(TSANBUILD)/CMakeCache.txt
	$(CMAKE) --build $(TSANBUILD) -j $(JOBS) --target tsan_tests

test: build sanitize tsan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(SANBUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -E '^(style/|analysis/|integration/validate_quick|integration/test_calibrate_identify|integration/test_sensitivity_drivers)'
	cd $(TSANBUILD) && ctest --output-on-failure -j $(JOBS) -L tsan

# Rewrites the golden summary scalars (tests/golden/small.expected) from the current model:
# run it when the model changes on purpose, commit the file with the change, and say in
# docs/model.md (section 3) what changed and why. ctest's golden/test_golden checks them.
golden: build
	/usr/bin/python3 tests/golden/test_golden.py $(BUILD)/trustsim $(BUILD)/test-tmp --refresh

# The research workflow end to end: four scenarios, their comparison tables, the figures.
DEMO_TRUSTSIM = $(BUILD)/trustsim
DEMO_PLOT     = /usr/bin/python3 analysis/plot.py
demo: build
	@mkdir -p results/figures
	@echo "== default: a 150-person company for a year"
	$(DEMO_TRUSTSIM) run scenarios/default.yaml -o results/default.h5 --force --quiet
	@echo "== hypergrowth: tripling every year against a steady baseline (10 replicates)"
	$(DEMO_TRUSTSIM) run scenarios/hypergrowth.yaml -o results/hypergrowth.h5 --force --quiet
	$(DEMO_TRUSTSIM) compare results/hypergrowth.h5 --metric escalations_per_decision \
	  --metric deep_dives_per_decision --metric leader_in_system_mean \
	  --metric output_per_head_mean --metric coverage_final
	@echo "== crunch: one incident in low-, medium- and high-trust organisations (20 replicates)"
	$(DEMO_TRUSTSIM) run scenarios/crunch.yaml -o results/crunch.h5 --force --quiet
	$(DEMO_TRUSTSIM) compare results/crunch.h5 --metric incident_days \
	  --metric incident_coordination_hours --metric trust_final
	@echo "== tactics: each tactic alone against none in a growing company (20 replicates)"
	$(DEMO_TRUSTSIM) run scenarios/tactics.yaml -o results/tactics.h5 --force --quiet
	$(DEMO_TRUSTSIM) compare results/tactics.h5 --metric trust_final --metric coverage_final \
	  --metric escalations_per_decision --metric output_per_head_mean
	@echo "== figures"
	@for f in default hypergrowth crunch tactics; do \
	  $(DEMO_PLOT) results/$$f.h5 -o results/figures > /dev/null || exit 1; done
	@echo
	@echo "Results: results/{default,hypergrowth,crunch,tactics}.h5 (build/trustsim info FILE)"
	@echo "Figures: results/figures/*.png and *.pdf ($$(ls results/figures/*.png | wc -l) PNG files)"
	@echo "Tables:  build/trustsim compare results/tactics.h5 (also in /sweep/summary of each file)"

# The scenario loader under libFuzzer (tests/fuzz/fuzz_scenario.c) for FUZZ_SECONDS, in
# a clang tree of its own, on a copy of tests/fuzz/corpus in $(FUZZBUILD)/corpus (new
# inputs go there, never into the source tree; crashes into $(FUZZBUILD)/artifacts).
$(FUZZBUILD)/CMakeCache.txt:
	CC=clang $(CMAKE) -S . -B $(FUZZBUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRUSTSIM_FUZZ=ON

fuzz: deps fuzz-deps $(FUZZBUILD)/CMakeCache.txt
	$(CMAKE) --build $(FUZZBUILD) -j $(JOBS) --target fuzz_scenario
	mkdir -p $(FUZZBUILD)/corpus $(FUZZBUILD)/artifacts
	cp tests/fuzz/corpus/* $(FUZZBUILD)/corpus/
	cd $(FUZZBUILD) && UBSAN_OPTIONS=print_stacktrace=1 ./fuzz_scenario $(FUZZ_FLAGS) \
	  -max_total_time=$(FUZZ_SECONDS) -dict=../tests/fuzz/scenario.dict \
	  -artifact_prefix=artifacts/ -print_final_stats=1 corpus

bench: build
	$(BUILD)/trustsim bench

format:
	clang-format -i sim/*/*.[ch] models/*.[ch] tests/*/*.[ch]

clean:
	rm -rf $(BUILD) $(SANBUILD) $(TSANBUILD) $(FUZZBUILD)
