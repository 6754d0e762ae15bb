# TensorTop: make run (build + open), make test (whole suite), make bench (speed figures), make compare (vs PyTorch), make fuzz (libFuzzer).
SWIFT ?= swift
RELEASE_BIN := .build/release
# The Python for the PyTorch tests and comparisons (default python3).
PYTHON ?= python3
export PYTHON

.PHONY: all deps build run test test-torch test-attach bench compare fuzz notebook proto clean

all: build

## deps: install the missing Debian packages (quick when all are present)
deps:
	@bash scripts/deps.sh

## build: release build of every product
build: deps
	$(SWIFT) build -c release

## run: build in release and start tensortop (pass options with ARGS="...")
run: build
	$(RELEASE_BIN)/tensortop $(ARGS)

## test: the whole test suite (Swift Testing); the end-to-end tests drive the release binary
## in tmux, whose server is started here so that it outlives the test process's children.
## Then the PyTorch tests (test-torch) and the probe's (test-attach) when torch is there; one line each says so when not.
test: deps
	$(SWIFT) build -c release --product tensortop
	tmux new-session -d -s tensortop-test-server 'sleep 7200' 2>/dev/null || true
	$(SWIFT) test; status=$$?; tmux kill-session -t tensortop-test-server 2>/dev/null; exit $$status
	bash scripts/test-torch.sh --if-available
	bash scripts/test-attach.sh --if-available

## test-torch: the tests that need a real PyTorch (tests-torch/: checkpoints both ways), with $(PYTHON),
## e.g. `make test-torch PYTHON=~/venv/bin/python`
test-torch: deps
	$(SWIFT) build -c release --product tensortop
	bash scripts/test-torch.sh

## test-attach: the probe's tests (python/tests/) with real PyTorch, a real `tensortop attach` and a
## 2-rank torchrun job; makes a virtual environment with torch once (.venv-attach) unless $(PYTHON) has torch
test-attach: deps
	$(SWIFT) build -c release --product tensortop
	bash scripts/test-attach.sh

## bench: release-build benchmark that prints speed figures
bench: deps
	$(SWIFT) build -c release --product tensortop-bench
	$(SWIFT) build -c release --product tensortop
	$(RELEASE_BIN)/tensortop-bench $(ARGS)

## compare: interleaved samples/s of tensortop train, PyTorch and a bare numpy loop (mlp, batch 64/256 × 1/2 threads),
## printed as a Markdown table for the README; PyTorch and numpy run in $(PYTHON) (default python3),
## e.g. `make compare PYTHON=~/venv/bin/python ARGS="--rounds 3"`
compare: deps
	$(SWIFT) build -c release --product tensortop
	$(SWIFT) build -c release --product tensortop-bench
	python3 bench/compare.py --tensortop $(RELEASE_BIN)/tensortop $(ARGS)

## fuzz: build the libFuzzer harnesses (Fuzz/) and run each for FUZZ_SECONDS (default 60); not part of `test`.
## Pick harnesses with FUZZ="png theme ..."; findings go to Fuzz/findings/ (git-ignored)
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) bash scripts/fuzz.sh $(FUZZ)

## notebook: replay the study notebook with TensorTop's library
notebook: deps
	$(SWIFT) run -c release notebook

## proto: regenerate Sources/TensorBoard/Proto/events.pb.swift from events.proto (the generated file is
## committed: run this only after changing the .proto). Needs protoc (apt-get install protobuf-compiler);
## builds swift-protobuf's plugin first (~10 minutes the first time).
PROTO_DIR := Sources/TensorBoard/Proto
proto:
	@command -v protoc >/dev/null || { echo "protoc not found: install it with 'sudo apt-get install protobuf-compiler'"; exit 1; }
	$(SWIFT) build -c release --product protoc-gen-swift
	protoc --plugin=protoc-gen-swift=$(RELEASE_BIN)/protoc-gen-swift --swift_out=$(PROTO_DIR) \
	  --swift_opt=Visibility=Internal -I $(PROTO_DIR) $(PROTO_DIR)/events.proto

clean:
	rm -rf .build .build-fuzz
