# Thin wrapper over CMake. `make demo` and `make test` install what is missing first.
BUILD    ?= build
SANBUILD ?= build-san
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE    ?= cmake

# Debian packages the build, the tests and the plots need.
DEPS = gcc make cmake pkg-config clang-format libgsl-dev libhdf5-dev hdf5-tools \
       libcmocka-dev libyaml-dev librandom123-dev python3 python3-h5py \
       python3-matplotlib python3-numpy

.PHONY: all deps build sanitize test demo bench format clean

all: build

deps:
	@missing=""; for p in $(DEPS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all installed"; exit 0; fi; \
	echo "deps: installing$$missing"; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing

$(BUILD)/CMakeCache.txt:
	$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

$(SANBUILD)/CMakeCache.txt:
	$(CMAKE) -S . -B $(SANBUILD) -DCMAKE_BUILD_TYPE=Debug -DTRUSTSIM_SANITIZE=ON

build: deps $(BUILD)/CMakeCache.txt
	$(CMAKE) --build $(BUILD) -j $(JOBS)

sanitize: deps $(SANBUILD)/CMakeCache.txt
	$(CMAKE) --build $(SANBUILD) -j $(JOBS)

test: build sanitize
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(SANBUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -E '^style/'

demo: build
	$(BUILD)/trustsim run scenarios/default.yaml -o results/default.h5 --force
	@echo "Results: results/default.h5 (inspect with: $(BUILD)/trustsim info results/default.h5)"

bench: build
	$(BUILD)/trustsim bench

format:
	clang-format -i sim/*.[ch] models/*.[ch] tests/*/*.[ch]

clean:
	rm -rf $(BUILD) $(SANBUILD)
