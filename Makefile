# A thin wrapper over CMake. `make demo` and `make test` are the two set-up commands.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build test test-unit test-asan test-tsan bench demo fuzz clean

all: build

deps:
	./scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	./scripts/run-tests.sh $(BUILD_DIR)

test-unit: build
	./scripts/run-tests.sh $(BUILD_DIR) -L unit

# The suite under sanitizers, each in a build folder of its own (docs/RELIABILITY.md).
test-asan: deps
	./scripts/sanitize-tests.sh asan

test-tsan: deps
	./scripts/sanitize-tests.sh tsan

bench: build
	./scripts/run-bench.sh $(BUILD_DIR)

demo: build
	./scripts/demo.sh $(BUILD_DIR)

# libFuzzer targets (fuzz/, docs/RELIABILITY.md "Fuzzing"): a clang build of their own, each run
# for FUZZ_SECONDS in turn; crashing inputs land in $(FUZZ_BUILD_DIR)/fuzz-crashes/<target>/.
FUZZ_SECONDS ?= 60
FUZZ_BUILD_DIR ?= build-fuzz
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_BUILD_DIR=$(FUZZ_BUILD_DIR) ./scripts/fuzz.sh

clean:
	rm -rf $(BUILD_DIR)
