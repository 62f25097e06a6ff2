#!/usr/bin/env bash
# Builds the real-world patch corpus: the quilt series (debian/patches/series) of Debian source
# packages, each walked in order with GNU patch at fuzz 0 as ground truth. The corpus lives
# outside git in tests/fixtures/corpus/ (git-ignored); tests/corpus/ and tests/bench/ read it.
#
#   bash scripts/corpus/build-corpus.sh             # 16 packages (~56 MB download, ~1.5 min)
#   bash scripts/corpus/build-corpus.sh --sample    # two small packages, for `npm test`
#   bash scripts/corpus/build-corpus.sh less tar    # just these (--list prints the 16)
#
# Idempotent: a package already built is kept, a source already downloaded is not fetched
# again, and corpus.json is rewritten from every package present. Delete a package's directory
# to rebuild it. PATCHTRAIL_CORPUS_DIR overrides the output directory.
#
# Exit status: 0 built (a package that could not be fetched is named on stderr); 1 failure;
# 2 usage; 3 cannot fetch here (not root, no apt, apt failed, or a tool is missing): callers
# treat 3 as "skip", never as a failure of the code under test.
set -euo pipefail

readonly FULL_PACKAGES=(dash cron openssh curl util-linux cpio bash shadow tar grep less procps
  sudo coreutils zlib vim)
readonly SAMPLE_PACKAGES=(dash cron)
readonly EXIT_CANNOT_FETCH=3
readonly SOURCES_FILE=/etc/apt/sources.list.d/patchtrail-corpus-deb-src.sources

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${PATCHTRAIL_CORPUS_DIR:-$ROOT/tests/fixtures/corpus}
DOWNLOADS=$OUT/.download
LOGS=$OUT/.logs
APT_READY=no

say() { printf 'build-corpus: %s\n' "$*" >&2; }
cannot_fetch() {
  say "cannot fetch here: $*"
  exit "$EXIT_CANNOT_FETCH"
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
}

require_tools() {
  local tool
  for tool in patch dpkg-source node tar; do
    command -v "$tool" >/dev/null ||
      cannot_fetch "'$tool' is not installed (Debian: apt-get install patch dpkg-dev nodejs)"
  done
  patch --version | head -n 1 | grep -q 'GNU patch' || cannot_fetch "'patch' is not GNU patch"
}

has_deb_src() {
  grep -qsE '^Types:.*\bdeb-src\b' /etc/apt/sources.list.d/*.sources ||
    grep -qsE '^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list
}

# The machine's deb822 stanzas (or one-line entries) again with "Types: deb-src": the same
# URIs, suites (bookworm, bookworm-updates, bookworm-security) and components.
write_deb_src() {
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed -E 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources
  elif [ -f /etc/apt/sources.list ]; then
    sed -nE 's/^deb (.*)/deb-src \1/p' /etc/apt/sources.list
  else
    return 1
  fi
}

prepare_apt() {
  [ "$APT_READY" = yes ] && return 0
  command -v apt-get >/dev/null || cannot_fetch "no apt-get on this machine"
  if [ "$(id -u)" -ne 0 ]; then
    # Without root, only a machine that already has deb-src (and its lists) can fetch.
    has_deb_src || cannot_fetch "adding deb-src and 'apt-get update' need root (uid $(id -u))"
    APT_READY=yes
    return 0
  fi
  if ! has_deb_src; then
    local target=$SOURCES_FILE
    # A one-line sources.list gets a one-line companion file.
    [ -f /etc/apt/sources.list.d/debian.sources ] || target=${SOURCES_FILE%.sources}.list
    if ! write_deb_src >"$target.tmp" || [ ! -s "$target.tmp" ]; then
      rm -f "$target.tmp"
      cannot_fetch "no Debian sources entry to derive deb-src from"
    fi
    mv "$target.tmp" "$target"
    say "added deb-src entries in $target"
  fi
  say "apt-get update"
  apt-get update -qq >"$LOGS/apt-update.log" 2>&1 ||
    cannot_fetch "'apt-get update' failed: $(tail -n 3 "$LOGS/apt-update.log" | tr '\n' ' ')"
  APT_READY=yes
}

# Downloads PKG's .dsc, orig and debian tarballs into $DOWNLOADS/PKG (once).
fetch_source() {
  local pkg=$1 dir=$DOWNLOADS/$1
  [ -f "$dir/.complete" ] && return 0
  prepare_apt
  rm -rf "$dir" "$dir.part" && mkdir -p "$dir.part"
  say "downloading the source of $pkg"
  if ! (cd "$dir.part" && apt-get source --download-only -q -o APT::Sandbox::User=root "$pkg") \
    >"$LOGS/$pkg.fetch.log" 2>&1; then
    say "apt-get source $pkg failed: $(grep -E '^E:' "$LOGS/$pkg.fetch.log" | head -n 2 | tr '\n' ' ')"
    rm -rf "$dir.part"
    return 1
  fi
  touch "$dir.part/.complete"
  mv "$dir.part" "$dir"
}

# Extracts without applying patches, then walks the series with GNU patch (walk-series.mjs).
build_package() {
  local pkg=$1 work dsc started=$SECONDS
  dsc=$(find "$DOWNLOADS/$pkg" -maxdepth 1 -name '*.dsc' | sort | tail -n 1)
  [ -n "$dsc" ] || { say "no .dsc for $pkg"; return 1; }
  work=$(mktemp -d "$OUT/.work.XXXXXX")
  say "extracting $(basename "$dsc") (patches not applied)"
  if ! dpkg-source --skip-patches -x "$dsc" "$work/src" >"$LOGS/$pkg.extract.log" 2>&1; then
    say "dpkg-source -x failed for $pkg, see $LOGS/$pkg.extract.log"
    rm -rf "$work"
    return 1
  fi
  say "walking the series of $pkg with GNU patch --fuzz=0"
  if ! node "$HERE/walk-series.mjs" --package "$pkg" --dsc "$dsc" --src "$work/src" \
    --out "$work/out" 2>"$LOGS/$pkg.walk.log"; then
    say "walking $pkg failed, see $LOGS/$pkg.walk.log"
    rm -rf "$work"
    return 1
  fi
  rm -rf "${OUT:?}/$pkg"
  mv "$work/out" "$OUT/$pkg"
  rm -rf "$work"
  say "$pkg ready in $((SECONDS - started)) s"
}

select_packages() {
  case "${1:-}" in
    '') PACKAGES=("${FULL_PACKAGES[@]}") ;;
    --sample) PACKAGES=("${SAMPLE_PACKAGES[@]}") ;;
    --list)
      printf '%s\n' "${FULL_PACKAGES[@]}"
      exit 0
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    -*)
      usage >&2
      exit 2
      ;;
    *) PACKAGES=("$@") ;;
  esac
}

main() {
  select_packages "$@"
  require_tools
  mkdir -p "$DOWNLOADS" "$LOGS"
  local pkg unavailable=() started=$SECONDS
  for pkg in "${PACKAGES[@]}"; do
    [[ "$pkg" =~ ^[a-z0-9][a-z0-9.+-]+$ ]] || { say "not a package name: $pkg"; exit 2; }
    if [ -f "$OUT/$pkg/package.json" ]; then
      say "$pkg already built"
      continue
    fi
    fetch_source "$pkg" || { unavailable+=("$pkg"); continue; }
    build_package "$pkg" || exit 1
  done
  node "$HERE/walk-series.mjs" --merge "$OUT" || exit 1
  say "corpus.json written in $((SECONDS - started)) s: $OUT/corpus.json"
  if [ "${#unavailable[@]}" -gt 0 ]; then
    say "could not fetch: ${unavailable[*]}"
    [ -n "$(find "$OUT" -mindepth 2 -maxdepth 2 -name package.json -print -quit)" ] ||
      cannot_fetch "no package could be fetched"
  fi
}

main "$@"
