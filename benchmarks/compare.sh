#!/usr/bin/env bash
# Same-run A/B of the BenchmarkDotNet suite: a baseline git ref (its own worktree) against a candidate tree, alternating
# rounds, decided by benchmarks/Nko.Benchmarks.Compare (Mann–Whitney over per-iteration measurements; see the README).
#   benchmarks/compare.sh OLD_REF [FILTER ...]        e.g. benchmarks/compare.sh main '*GreedyDecode*'
# Env: ROUNDS (3), JOB (short), ITERATIONS (15 per round), THRESHOLD (0.10 = 10%), ALPHA (0.01),
#      NEW_TREE (candidate tree; default this repository), OLD_TREE (baseline worktree; default ../nko-bench-<sha>, beside the repository),
#      NICE (e.g. -15: run the benchmark processes at that niceness; negative needs root), OUT (results folder).
# Exit: 0 nothing regressed, 1 a benchmark is significantly slower beyond THRESHOLD or allocates more, 2 a build, a run
# or the comparer's input failed.
set -euo pipefail
old_ref=${1:?usage: compare.sh OLD_REF [FILTER ...]}; shift
filters=("${@:-*}")
rounds=${ROUNDS:-3}; job=${JOB:-short}; iterations=${ITERATIONS:-15}; threshold=${THRESHOLD:-0.10}; alpha=${ALPHA:-0.01}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
new_tree=$(cd "${NEW_TREE:-$repo}" && pwd)
sha=$(git -C "$repo" rev-parse --short "$old_ref")
# Beside the repository, so the baseline finds ../shared (the data some benchmarks read) as the repository does.
old_tree=${OLD_TREE:-$(dirname "$repo")/nko-bench-$sha}
[ -d "$old_tree" ] || git -C "$repo" worktree add --detach "$old_tree" "$old_ref" >/dev/null 2>&1
out=${OUT:-$(mktemp -d /tmp/nko-bench-compare-XXXX)}
mkdir -p "$out"
nice_cmd=(); if [ -n "${NICE:-}" ]; then nice_cmd=(nice -n "$NICE"); fi
echo "baseline $old_ref ($old_tree) vs candidate $new_tree: $rounds rounds × $iterations iterations, results in $out"

# Each tree builds in place: the benchmarks find their data by walking up from the binary to Nko.sln.
dotnet build "$repo/benchmarks/Nko.Benchmarks.Compare" -c Release -v q -nologo >"$out/build-comparer.log" 2>&1 \
  || { echo "comparer build failed: $out/build-comparer.log"; exit 2; }
for side in old new; do
  tree=$([ $side = old ] && echo "$old_tree" || echo "$new_tree")
  dotnet build "$tree/benchmarks/Nko.Benchmarks" -c Release -v q -nologo >"$out/build-$side.log" 2>&1 \
    || { echo "$side build failed: $out/build-$side.log"; exit 2; }
done

for ((r = 1; r <= rounds; r++)); do
  for side in old new; do
    tree=$([ $side = old ] && echo "$old_tree" || echo "$new_tree")
    # --inProcess: see the README. Each round of each side is its own process, alternating, so both see the same load.
    (cd "$tree" && "${nice_cmd[@]}" dotnet benchmarks/Nko.Benchmarks/bin/Release/net10.0/Nko.Benchmarks.dll \
      --filter "${filters[@]}" --job "$job" --iterationCount "$iterations" --inProcess --memory --exporters json \
      --artifacts "$out/$side-$r") >"$out/$side-$r.log" 2>&1 || { echo "$side round $r failed: $out/$side-$r.log"; exit 2; }
  done
done

old_results=(); new_results=()
for ((r = 1; r <= rounds; r++)); do old_results+=("$out/old-$r/results"); new_results+=("$out/new-$r/results"); done
dotnet "$repo/benchmarks/Nko.Benchmarks.Compare/bin/Release/net10.0/Nko.Benchmarks.Compare.dll" \
  --baseline "${old_results[@]}" --candidate "${new_results[@]}" --threshold "$threshold" --alpha "$alpha"
