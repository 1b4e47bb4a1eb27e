#!/usr/bin/env bash
# The packages users install (README, "Install"): `dotnet pack` gives FastIL (the library, kernels inside) and
# FastIL.Tool (the `fastil` .NET tool). This installs the tool from the freshly packed folder into a temporary tool
# path and runs it, and builds a small program against the library package from the same folder. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet pack FastIL.sln -c Release -o "$work/packages" --nologo -v q >/dev/null
ls "$work/packages"/FastIL.*.nupkg "$work/packages"/FastIL.Tool.*.nupkg >/dev/null
version=$(ls "$work/packages" | sed -n 's/^FastIL\.Tool\.\(.*\)\.nupkg$/\1/p')
dotnet tool install FastIL.Tool --version "$version" --tool-path "$work/tools" --add-source "$work/packages" >/dev/null
"$work/tools/fastil" --version | grep -q "^fastil $version"
"$work/tools/fastil" dagger --iterations 2 --rollouts 2 --eval-episodes 20 --quiet --json | grep -q '"algorithm":"dagger"'
# Embedding: a console program referencing the library package (central package management off for this project).
mkdir -p "$work/app"
cat > "$work/app/app.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup><PackageReference Include="FastIL" Version="$version" /></ItemGroup>
</Project>
PROJ
cat > "$work/app/Program.cs" <<'CS'
using FastIL.Algorithms;
var r = ImitationRunner.Run(ImitationConfig.For("CartPole-v1") with { Seed = 1, EvalEpisodes = 50 });
Console.WriteLine(r.Final.ReturnMean >= 475 ? "ok" : $"return {r.Final.ReturnMean}");
CS
cat > "$work/app/Directory.Build.props" <<'P'
<Project></Project>
P
cat > "$work/app/Directory.Packages.props" <<'P'
<Project></Project>
P
# The packed folder as one more package source beside the machine's configured ones (for the library's dependencies).
cat > "$work/app/nuget.config" <<CFG
<configuration><packageSources><add key="fastil-local" value="$work/packages" /></packageSources></configuration>
CFG
(cd "$work/app" && dotnet restore -v q >/dev/null)
out=$(cd "$work/app" && dotnet run -c Release --no-restore 2>&1 | tail -1)
[ "$out" = "ok" ] || { echo "embedding the FastIL package failed: $out" >&2; exit 1; }
echo "[pack] OK: FastIL.Tool $version installs and runs fastil; a program builds and runs against FastIL $version"
