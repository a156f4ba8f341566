#!/usr/bin/env bash
# Same-run A/B of the BenchmarkDotNet suite: OLD_REF (a second git worktree) against the working tree, alternating.
#   benchmarks/compare.sh OLD_REF [FILTER ...]        e.g. benchmarks/compare.sh main '*GreedyDecode*'
# Env: ROUNDS (default 3), JOB (default short), THRESHOLD (slowdown ratio that fails, default 1.10).
# Exit 1 when any benchmark's median-of-rounds mean is slower than THRESHOLD × the old one, or allocates more.
set -euo pipefail
old_ref=${1:?usage: compare.sh OLD_REF [FILTER ...]}; shift
filters=("${@:-*}")
rounds=${ROUNDS:-3}; job=${JOB:-short}; threshold=${THRESHOLD:-1.10}
repo=$(git rev-parse --show-toplevel)
sha=$(git -C "$repo" rev-parse --short "$old_ref")
old_tree=${OLD_TREE:-/tmp/nko-bench-$sha}
[ -d "$old_tree" ] || git -C "$repo" worktree add --detach "$old_tree" "$old_ref" >/dev/null
out=$(mktemp -d /tmp/nko-bench-compare-XXXX)
for side in old new; do
  tree=$([ $side = old ] && echo "$old_tree" || echo "$repo")
  dotnet build "$tree/benchmarks/Nko.Benchmarks" -c Release -o "$out/$side-bin" -v q -nologo >/dev/null
done
for ((r = 1; r <= rounds; r++)); do
  for side in old new; do
    # --inProcess: see benchmarks/README.md. Each round of each side runs in its own process, alternating.
    dotnet "$out/$side-bin/Nko.Benchmarks.dll" --filter "${filters[@]}" --job "$job" --inProcess --memory \
      --exporters json --artifacts "$out/$side-$r" >"$out/$side-$r.log" 2>&1 || { echo "$side round $r failed: $out/$side-$r.log"; exit 1; }
  done
done
python3 - "$out" "$rounds" "$threshold" <<'PY'
import json, glob, statistics, sys
out, rounds, threshold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
def load(side):
    res = {}
    for r in range(1, rounds + 1):
        for f in glob.glob(f"{out}/{side}-{r}/results/*-report-full-compressed.json") + glob.glob(f"{out}/{side}-{r}/results/*-report-full.json"):
            for b in json.load(open(f))["Benchmarks"]:
                key = b["FullName"] if "FullName" in b else b["DisplayInfo"]
                res.setdefault(key, {"mean": [], "alloc": []})
                res[key]["mean"].append(b["Statistics"]["Mean"])
                res[key]["alloc"].append((b.get("Memory") or {}).get("BytesAllocatedPerOperation", 0))
    return res
old, new = load("old"), load("new")
bad = 0
print(f"{'benchmark':70} {'old ns':>12} {'new ns':>12} {'ratio':>7} {'alloc old→new':>16}")
for k in sorted(set(old) & set(new)):
    o, n = statistics.median(old[k]["mean"]), statistics.median(new[k]["mean"])
    ao, an = max(old[k]["alloc"]), max(new[k]["alloc"])
    flag = n / o > threshold or an > ao
    bad += flag
    print(f"{k[:70]:70} {o:12.1f} {n:12.1f} {n/o:7.3f} {ao:>7}→{an:<7}{'  SLOWER' if flag else ''}")
for k in sorted(set(old) ^ set(new)):
    print(f"{k[:70]:70} only in {'old' if k in old else 'new'}")
sys.exit(1 if bad else 0)
PY
