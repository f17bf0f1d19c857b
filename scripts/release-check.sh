#!/usr/bin/env bash
# Proves the release pipeline on this machine, without the internet: builds the host target's
# archives and installers with `dist build` (installing dist when missing), checks the archives'
# checksums, serves the artifacts on a loopback HTTP server, runs the generated shell installers
# against it into a temporary HOME (nothing is written outside it), then runs the installed
# `astra --version`, `astra-emulator exec -- astra user list` and `astra completions bash`.
# Exit 0 only if all of that worked; the archive's name and size come last. Removes what it made.
#
# Usage: bash scripts/release-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

dist_version=$(sed -n 's/^cargo-dist-version = "\(.*\)"/\1/p' dist-workspace.toml)
if ! command -v dist >/dev/null 2>&1; then
    echo "== installing dist $dist_version"
    cargo install --locked cargo-dist --version "$dist_version"
fi
host=$(rustc -vV | sed -n 's/^host: //p')
version=$(cargo metadata --no-deps --format-version 1 \
    | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "astra-cli"))')

work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "== dist build ($host)"
rm -rf target/distrib
dist build --artifacts=all --target "$host" --output-format=json > "$work/manifest.json"
distrib=target/distrib
archive="astra-cli-$host.tar.xz"
for file in "$archive" "astra-emulator-$host.tar.xz" astra-cli-installer.sh astra-emulator-installer.sh; do
    [ -f "$distrib/$file" ] || { echo "missing artifact: $distrib/$file"; exit 1; }
done

echo "== checksums"
(cd "$distrib" && sha256sum -c "$archive.sha256" && sha256sum -c "astra-emulator-$host.tar.xz.sha256")

echo "== serve the artifacts on loopback"
mkdir -p "$work/site/v$version"
find "$distrib" -maxdepth 1 -type f -exec cp {} "$work/site/v$version/" \;
port_file="$work/port"
python3 - "$work/site" "$port_file" <<'PY' &
import functools, http.server, socketserver, sys
root, port_file = sys.argv[1], sys.argv[2]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
class Quiet(handler.func):
    def log_message(self, *args):
        pass
server = socketserver.TCPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=root))
open(port_file, "w").write(str(server.server_address[1]))
server.serve_forever()
PY
server_pid=$!
for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.1; done
base="http://127.0.0.1:$(cat "$port_file")/v$version"

echo "== run the installers into a temporary HOME"
home="$work/home"
mkdir -p "$home"
# The generated installers take their download URL from INSTALLER_DOWNLOAD_URL (as a mirror would).
install_env=(env -i PATH=/usr/bin:/bin HOME="$home" CARGO_HOME="$home/.cargo"
    INSTALLER_DOWNLOAD_URL="$base" INSTALLER_NO_MODIFY_PATH=1)
"${install_env[@]}" sh "$distrib/astra-cli-installer.sh"
"${install_env[@]}" sh "$distrib/astra-emulator-installer.sh"
bin="$home/.cargo/bin"

echo "== the installed binaries"
run=(env -i PATH="$bin:/usr/bin:/bin" HOME="$home")
"${run[@]}" astra --version
"${run[@]}" astra-emulator exec -- astra user list
"${run[@]}" astra completions bash | grep -q 'COMPLETE="bash"'
echo "astra completions bash: ok"

size=$(stat -c %s "$distrib/$archive")
echo "release check passed: $archive ($size bytes)"
