#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer harnesses in Fuzz/Harnesses and runs each for FUZZ_SECONDS.
#
#   scripts/fuzz.sh [HARNESS...]     (default: all; FUZZ_SECONDS=60 per harness unless set)
#
# The build uses its own scratch path (.build-fuzz) so it never disturbs the normal build. Each
# harness starts from its committed seeds (Fuzz/corpus/NAME) and keeps what it learns in
# Fuzz/findings/NAME/corpus; crashing, hanging or memory-hungry inputs are saved as
# Fuzz/findings/NAME/{crash,timeout,oom}-*. Fork mode keeps fuzzing after a finding, so one run
# collects every kind of failure instead of stopping at the first. A table of executions and
# findings is printed at the end (and kept in Fuzz/findings/summary.txt).
set -euo pipefail

cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
seconds=${FUZZ_SECONDS:-60}
all=(png pnm idx theme demo safetensors pickle pth ttrun tfevents)
harnesses=("$@")
((${#harnesses[@]})) || harnesses=("${all[@]}")

if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "make fuzz: FUZZ_SECONDS must be a positive whole number of seconds, got '$seconds'" >&2
  exit 2
fi
for name in "${harnesses[@]}"; do
  if [[ ! -d "Fuzz/Harnesses/$name" ]]; then
    echo "make fuzz: no harness '$name'; the harnesses are: ${all[*]}" >&2
    exit 2
  fi
done

# One -sanitize=fuzzer,address: SwiftPM's `--sanitize fuzzer --sanitize address` passes two flags in
# no fixed order, and swiftc keeps only the last, so half the modules would lose their coverage
# counters (and every reordering rebuilds everything). -enable-testing lets the checkpoint
# harnesses call the internal decoders directly, from memory.
build=(env TENSORTOP_FUZZ=1 "$SWIFT" build -c release --scratch-path .build-fuzz
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing)
for name in "${harnesses[@]}"; do
  echo "== building fuzz-$name"
  "${build[@]}" --product "fuzz-$name"
done
bin=$("${build[@]}" --show-bin-path)

# Swift's own crash reporter would run inside ASan's crash handling and report ASan's reads as a
# second crash; libFuzzer's stack trace is the one wanted.
export SWIFT_BACKTRACE=enable=no
# Foundation keeps a 4 KB buffer when it reads an empty file, which LeakSanitizer would save as a
# finding in every harness that reads files; leaks are not what we look for here.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

# Prints, for each saved input of harness $1, its failure and the first TensorTop source line on
# the stack, so that the same finding saved twice is easy to see.
triage() {
  local name=$1 log=$2 input report failure place
  for input in "Fuzz/findings/$name"/{crash,timeout,oom}-*; do
    [[ -f "$input" ]] || continue
    report=$(timeout 120 "$bin/fuzz-$name" -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 "$input" 2>&1 || true)
    failure=$(grep -oE 'Swift runtime failure: [^/]*|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-z -]*|out-of-memory \(malloc\([0-9]+\)\)' \
              <<<"$report" | grep -v 'deadly signal' | head -1 || true)
    place=$(grep -oE '(Sources|Fuzz)/[A-Za-z/+_-]*\.swift:[0-9]+' <<<"$report" | head -1 || true)
    if grep -qE 'ERROR: |Swift runtime failure|Fatal error' <<<"$report"; then
      printf '  %s: %s at %s\n' "$(basename "$input")" "${failure:-see $log}" "${place:-?}"
    else
      printf '  %s: runs cleanly when replayed (a leak, or it depended on earlier inputs)\n' "$(basename "$input")"
    fi
  done
}

summary=Fuzz/findings/summary.txt
mkdir -p Fuzz/findings
printf '%-12s %8s %12s %8s %8s %8s\n' harness seconds executions crashes timeouts ooms | tee "$summary"
for name in "${harnesses[@]}"; do
  out="Fuzz/findings/$name"
  mkdir -p "$out/corpus"
  log="$out/fuzz.log"
  dictionary=()
  [[ -f "Fuzz/dictionaries/$name.dict" ]] && dictionary=("-dict=Fuzz/dictionaries/$name.dict")
  # One worker (the machine is shared); a 10 s input is a hang; 2 GB is far more than any
  # small file may make us allocate; Swift's runtime caches look like leaks, so leaks are off.
  "$bin/fuzz-$name" "$out/corpus" "Fuzz/corpus/$name" "${dictionary[@]}" \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 \
    -artifact_prefix="$out/" >"$log" 2>&1 || true
  # Executions: the last progress line of fork mode ("#EXECS: cov: ..."). Findings: the inputs
  # saved so far (a seed that crashes is saved too, though fork mode's own counter skips it).
  executions=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1 | sed -E 's/^#([0-9]+):.*/\1/' || true)
  saved() { find "$out" -maxdepth 1 -name "$1-*" | wc -l; }
  printf '%-12s %8s %12s %8s %8s %8s\n' "$name" "$seconds" "${executions:-?}" "$(saved crash)" "$(saved timeout)" "$(saved oom)" \
    | tee -a "$summary"
  triage "$name" "$log" | tee -a "$summary"
done
echo "Saved inputs: Fuzz/findings/NAME/{crash,timeout,oom}-*; replay one with SWIFT_BACKTRACE=enable=no $bin/fuzz-NAME FILE"
