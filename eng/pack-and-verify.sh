#!/usr/bin/env bash
# Packs every package, then proves them as a consumer sees them: samples/Consumer restores the fresh .nupkg files by
# exact version from a folder feed (isolated package cache, no project references), runs, is published with NativeAOT
# for linux-x64, runs again, and both runs must print the same bytes. samples/SpeechHost does the same as an app team's
# host would (Nko.Extensions.AI by version, ISpeechToTextClient from DI, options from appsettings.json, a bundled WAV in,
# text out). Also installs `nko` as a .NET tool and runs it, including the README's main job (`nko transcribe` on the
# bundled speech samples) from outside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/packages
rm -rf artifacts/packages artifacts/consumer-packages artifacts/consumer-aot artifacts/speechhost-aot artifacts/tool \
  samples/Consumer/bin samples/Consumer/obj samples/SpeechHost/bin samples/SpeechHost/obj
mkdir -p "$out"

dotnet pack Nko.sln -c Release -o "$out" -p:ContinuousIntegrationBuild=true

# Exact versions of what was just packed, for the host app: a property NkoVersion_<Package> per package (dots as _).
{
  echo '<Project>'
  echo '  <PropertyGroup>'
  for f in "$out"/*.nupkg; do
    name=$(basename "$f" .nupkg)
    id=$(sed -E 's/\.[0-9]+\.[0-9]+\.[0-9]+(-.*)?$//' <<<"$name")
    echo "    <NkoVersion_${id//./_}>${name#"$id".}</NkoVersion_${id//./_}>"
  done
  echo '  </PropertyGroup>'
  echo '</Project>'
} > "$out/nko-versions.props"

# Exact versions of what was just packed, for the consumer.
{
  echo '<Project>'
  echo '  <ItemGroup>'
  for f in "$out"/*.nupkg; do
    name=$(basename "$f" .nupkg)
    id=$(sed -E 's/\.[0-9]+\.[0-9]+\.[0-9]+(-.*)?$//' <<<"$name")
    version=${name#"$id".}
    case "$id" in Nko.Cli|Nko.Cli.*) continue;; esac
    echo "    <PackageReference Include=\"$id\" Version=\"$version\" />"
    echo "    <TrimmerRootAssembly Include=\"$id\" />"
  done
  echo '  </ItemGroup>'
  echo '</Project>'
} > "$out/nko-packages.props"

echo "Packages:"
for f in "$out"/*.nupkg "$out"/*.snupkg; do printf '  %-45s %10d bytes\n' "$(basename "$f")" "$(stat -c %s "$f")"; done

config=models/candidate_ranker_v1.json
data=samples/dev50
jit=$(dotnet run --project samples/Consumer -c Release -- "$config" "$data")
echo "consumer (JIT):        $jit"

publish() { dotnet publish "$1" -c Release -r linux-x64 -o "$2" 2>&1; }
# NativeAOT-publishes project $1 to folder $2; fails on any trim/AOT warning.
publish_aot() {
  local log
  # ILC has been seen to die with SIGBUS (exit 135) under heavy load on this machine; one retry separates that from real errors.
  log=$(publish "$1" "$2") || log=$(publish "$1" "$2") || { echo "$log"; return 1; }
  if grep -qE 'warning (IL|AOT)[0-9]+' <<<"$log"; then
    echo "$log" | grep -E 'warning (IL|AOT)[0-9]+'
    echo "NativeAOT publish of $1 produced trim/AOT warnings." >&2
    return 1
  fi
}
publish_aot samples/Consumer artifacts/consumer-aot
aot=$(artifacts/consumer-aot/Consumer "$config" "$data")
echo "consumer (NativeAOT):  $aot"
if [ "$jit" != "$aot" ]; then
  echo "The NativeAOT consumer printed something different from the JIT consumer." >&2
  exit 1
fi

# The host app: Nko.Extensions.AI by version, options from its appsettings.json (paths relative to the repository root),
# two bundled WAV files transcribed through ISpeechToTextClient; JIT, then NativeAOT, byte for byte the same.
host_started=$(date +%s)
wavs=(samples/speech/dev_000.wav samples/speech/dev_037.wav)
host_jit=$(dotnet run --project samples/SpeechHost -c Release -- "${wavs[@]}")
echo "host app (JIT):"; echo "$host_jit"
publish_aot samples/SpeechHost artifacts/speechhost-aot
host_aot=$(artifacts/speechhost-aot/SpeechHost "${wavs[@]}")
if [ "$host_jit" != "$host_aot" ] || [ "$(wc -l <<<"$host_jit")" -ne "${#wavs[@]}" ]; then
  echo "$host_aot"
  echo "The NativeAOT host app printed something different from the JIT host app (or not one line per file)." >&2
  exit 1
fi
echo "host app (NativeAOT): identical ($(( $(date +%s) - host_started )) s for the host check)."

# The CLI as a .NET tool from the local folder.
tool=$(ls "$out"/Nko.Cli.[0-9]*.nupkg | head -n 1)
tool_version=$(basename "$tool" .nupkg); tool_version=${tool_version#Nko.Cli.}
dotnet tool install Nko.Cli --version "$tool_version" --tool-path artifacts/tool --add-source "$out" >/dev/null
artifacts/tool/nko --help >/dev/null
echo "nko tool $tool_version installed and runs."

# The README's main job from the installed tool, outside the repository: speech in, text out, with only what the tool
# package carries (the recogniser, its ranker config + language model, the sample WAV files).
elsewhere=$(mktemp -d)
tool_path=$(cd artifacts/tool && pwd)
main_job=$(cd "$elsewhere" && "$tool_path/nko" transcribe --threads 1) || { echo "$main_job"; rm -rf "$elsewhere"; echo "nko transcribe (installed tool) failed." >&2; exit 1; }
rm -rf "$elsewhere"
if ! grep -q '^character error rate over ' <<<"$main_job" || ! grep -q '(bundled with nko)' <<<"$main_job"; then
  echo "$main_job"
  echo "nko transcribe (installed tool) did not transcribe the bundled samples with the bundled model." >&2
  exit 1
fi
echo "nko transcribe (installed tool): $(grep '^character error rate over ' <<<"$main_job")"
