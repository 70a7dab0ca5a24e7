#!/usr/bin/env bash
# build-native-jllama.sh - build libjllama.so (java-llama.cpp 4.2.0 JNI library, llama.cpp b4916)
# for THIS machine's CPU (GGML_NATIVE=ON), as a drop-in replacement for the generic AVX2 build
# bundled in the de.kherud:llama:4.2.0 jar.
#
# Use the result with:  java -Dde.kherud.llama.lib.path=<printed folder> ...
# (LlamaLoader loads <folder>/libjllama.so; nothing else is needed: llama/ggml are linked in statically.)
#
# Usage: scripts/build-native-jllama.sh [options] [-- extra cmake args]
#   --src DIR     folder holding java-llama.cpp-4.2.0.tar.gz, llama.cpp-b4916.tar.gz,
#                 nlohmann-json-3.11.3.tar.gz (or the same names unpacked as folders).
#                 Default: <repo>/../shared/llama.cpp/src if present, else download from GitHub
#                 by pinned commit (git fetch of the exact commit; curl archive as fallback).
#   --out DIR     output folder (default: ${EVALPIPE_CACHE:-~/.cache/evalpipe}/native/<build-id>,
#                 where <build-id> encodes arch, gcc's -march=native target and a hash of the
#                 CPU feature set, compiler and cmake flags)
#   --jobs N      parallel compile jobs (default: nproc)
#   --work DIR    scratch folder for sources and the cmake build tree (default: <out>.work)
#   --keep-work   keep the scratch folder after a successful build (default: delete it)
#   --force       rebuild even if <out> already holds a matching build
#   --skip-sha256 accept local tarballs whose sha256 differs from the pinned one
#   --print-out   print the output folder these options select and exit (builds nothing; exit 0 if
#                 a matching build is there, 3 if not)
#   -DNAME=VALUE  any argument starting with -D (and everything after --) is passed to cmake,
#                 after the defaults, so it overrides them (e.g. -DGGML_CUDA=ON, -DGGML_NATIVE=OFF -DGGML_AVX2=ON)
#   -h|--help
# Logs go to stderr; the last line on stdout is the output folder.
# Env: EVALPIPE_CACHE, CC, CXX, CMAKE (cmake binary), JLLAMA_DOWNLOAD=0 (forbid downloads).
set -euo pipefail

# ---- pinned inputs -------------------------------------------------------------------------
JLLAMA_VERSION=4.2.0
JLLAMA_COMMIT=330ccc1a6c20a8841857fba95fab4d74e3d24ab9
LLAMA_BUILD=b4916
LLAMA_COMMIT=c6af2161b200284d55633cf184a07406ca89908e
JSON_VERSION=3.11.3
JSON_COMMIT=9cca280a4d0ccf0c08f47a99aa71d1b0e52f8d03
# sha256 of the offline tarballs in shared/llama.cpp/src (repacked tags; llama.cpp without models/docs/media,
# json without tests/docs). GitHub's own archive tarballs are not byte-stable, so downloads are verified by
# git commit id instead.
declare -A TARBALL=( [jllama]="java-llama.cpp-${JLLAMA_VERSION}" [llama]="llama.cpp-${LLAMA_BUILD}" [json]="nlohmann-json-${JSON_VERSION}" )
declare -A SHA256=(
  [jllama]=b131ddf78e9e46e3f4ea2b2399aea6aad6dcb36ab77d65bd3baad0e28fde6a0c
  [llama]=23bc4c2036836fcef90c847843aaf21cfaf801249bea4200436b1a6cbd89c80c
  [json]=d7a3de2bbc6e2eacf437a97374d5f30b594176c770de56b3b3c1fe666370529f
)
declare -A REPO=( [jllama]=kherud/java-llama.cpp [llama]=ggml-org/llama.cpp [json]=nlohmann/json )
declare -A COMMIT=( [jllama]=$JLLAMA_COMMIT [llama]=$LLAMA_COMMIT [json]=$JSON_COMMIT )
# bump when the build recipe below changes (invalidates cached outputs)
RECIPE_VERSION=1

log() { printf '[build-native-jllama] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)

SRC="" OUT="" WORK="" JOBS="" KEEP_WORK=0 FORCE=0 SKIP_SHA=0 PRINT_OUT=0
EXTRA=()
while (($#)); do
  case "$1" in
    --src) SRC=${2:?--src needs a folder}; shift 2 ;;
    --src=*) SRC=${1#*=}; shift ;;
    --out) OUT=${2:?--out needs a folder}; shift 2 ;;
    --out=*) OUT=${1#*=}; shift ;;
    --work) WORK=${2:?--work needs a folder}; shift 2 ;;
    --work=*) WORK=${1#*=}; shift ;;
    --jobs|-j) JOBS=${2:?--jobs needs a number}; shift 2 ;;
    --jobs=*) JOBS=${1#*=}; shift ;;
    -j[0-9]*) JOBS=${1#-j}; shift ;;
    --keep-work) KEEP_WORK=1; shift ;;
    --force) FORCE=1; shift ;;
    --skip-sha256) SKIP_SHA=1; shift ;;
    --print-out) PRINT_OUT=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
    --) shift; EXTRA+=("$@"); break ;;
    -D*) EXTRA+=("$1"); shift ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
[[ -z $JOBS ]] && JOBS=$(nproc 2>/dev/null || echo 2)
[[ $JOBS =~ ^[0-9]+$ && $JOBS -ge 1 ]] || die "--jobs must be a positive integer"

[[ $(uname -s) == Linux ]] || die "only Linux is supported (the loader expects libjllama.so)"
ARCH=$(uname -m)
CMAKE=${CMAKE:-cmake}
command -v "$CMAKE" >/dev/null || die "cmake not found"
CXX=${CXX:-$(command -v c++ || command -v g++ || true)}; [[ -n $CXX ]] || die "no C++ compiler (c++/g++) found"
CC=${CC:-$(command -v cc || command -v gcc || true)};   [[ -n $CC ]] || die "no C compiler (cc/gcc) found"
export CC CXX
command -v sha256sum >/dev/null || die "sha256sum not found"

# ---- identify the CPU / toolchain ------------------------------------------------------------
CPU_MODEL=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
# SIMD-relevant flags only (stable across kernels/hypervisors, which add or hide unrelated flags)
CPU_FLAGS=$(awk -F': ' '/^(flags|Features)/{print $2; exit}' /proc/cpuinfo 2>/dev/null | tr ' ' '\n' |
  grep -E '^(sse|ssse3|pni|avx|fma|f16c|bmi|amx|sve|asimd|neon|dotprod|i8mm|fphp|asimdhp|bf16|vnni)' | sort -u | tr '\n' ' ' | sed 's/ $//' || true)
MARCH=$("$CC" -march=native -Q --help=target 2>/dev/null | awk '$1=="-march="{print $2; exit}' || true)
[[ -z $MARCH ]] && MARCH=$("$CC" -mcpu=native -Q --help=target 2>/dev/null | awk '$1=="-mcpu="{print $2; exit}' || true)
[[ -z $MARCH ]] && MARCH=unknown
NATIVE_ISA=$("$CC" -march=native -Q --help=target 2>/dev/null | awk '$2=="[enabled]"{print $1}' | tr '\n' ' ' || true)
COMPILER=$("$CXX" --version 2>/dev/null | head -1)
CMAKE_VERSION=$("$CMAKE" --version | head -1)

GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
CMAKE_ARGS=(
  -DCMAKE_BUILD_TYPE=Release
  -DOS_NAME=Linux "-DOS_ARCH=$ARCH"
  -DGGML_NATIVE=ON
  -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF
  -DGGML_CCACHE=OFF
  -DFETCHCONTENT_FULLY_DISCONNECTED=ON
)
CMAKE_ARGS+=("${EXTRA[@]}")
NATIVE=ON VARIANT=cpu
shopt -s nocasematch
for a in "${EXTRA[@]}"; do  # the last setting wins, as in cmake
  [[ $a =~ ^-DGGML_NATIVE(:BOOL)?=(.*)$ ]] && { [[ ${BASH_REMATCH[2]} =~ ^(ON|1|TRUE|YES|Y)$ ]] && NATIVE=ON || NATIVE=OFF; }
  [[ $a =~ ^-DGGML_CUDA(:BOOL)?=(ON|1|TRUE|YES|Y)$ ]] && VARIANT=cuda
  [[ $a =~ ^-DGGML_VULKAN(:BOOL)?=(ON|1|TRUE|YES|Y)$ ]] && VARIANT=vulkan
done
shopt -u nocasematch

KEY_INPUT="recipe=$RECIPE_VERSION jllama=$JLLAMA_COMMIT llama=$LLAMA_COMMIT json=$JSON_COMMIT arch=$ARCH"
KEY_INPUT+=" compiler=$COMPILER cmake=${CMAKE_ARGS[*]}"
[[ $NATIVE == ON ]] && KEY_INPUT+=" march=$MARCH isa=$NATIVE_ISA"
BUILD_KEY=$(printf '%s' "$KEY_INPUT" | sha256sum | cut -c1-12)
if [[ $NATIVE == ON ]]; then BUILD_ID="jllama-${JLLAMA_VERSION}-${LLAMA_BUILD}-${ARCH}-${MARCH}-${VARIANT}-${BUILD_KEY}"
else BUILD_ID="jllama-${JLLAMA_VERSION}-${LLAMA_BUILD}-${ARCH}-portable-${VARIANT}-${BUILD_KEY}"; fi

CACHE_ROOT=${EVALPIPE_CACHE:-$HOME/.cache/evalpipe}
[[ -z $OUT ]] && OUT="$CACHE_ROOT/native/$BUILD_ID"
OUT=$(realpath -m "$OUT")
[[ -z $WORK ]] && WORK="$OUT.work"
LIB_NAME=libjllama.so
INFO_NAME=build-info.properties

is_up_to_date() {
  [[ -f $OUT/$LIB_NAME && -f $OUT/$INFO_NAME ]] &&
  grep -qx "build.key=$BUILD_KEY" "$OUT/$INFO_NAME" &&
  [[ $(sha256sum "$OUT/$LIB_NAME" | cut -d' ' -f1) == $(sed -n 's/^lib.sha256=//p' "$OUT/$INFO_NAME") ]]
}
if [[ $PRINT_OUT == 1 ]]; then
  echo "$OUT"
  is_up_to_date && exit 0 || exit 3
fi

# ---- lock + up-to-date check -----------------------------------------------------------------
mkdir -p "$(dirname "$OUT")"
exec 9>"$OUT.lock"
if command -v flock >/dev/null; then
  flock -n 9 || { log "waiting for another build of $OUT ..."; flock 9; }
fi
if [[ $FORCE == 0 ]] && is_up_to_date; then
  log "up to date: $OUT/$LIB_NAME (build.key=$BUILD_KEY; --force to rebuild)"
  echo "$OUT"
  exit 0
fi

# ---- sources ---------------------------------------------------------------------------------
if [[ -z $SRC && -d $REPO_ROOT/../shared/llama.cpp/src ]]; then
  SRC=$(cd "$REPO_ROOT/../shared/llama.cpp/src" && pwd)
fi
if [[ -n $SRC ]]; then
  [[ -d $SRC ]] || die "--src $SRC is not a folder"
  SRC=$(cd "$SRC" && pwd)
fi

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
SRCDIR="$WORK/src"
mkdir -p "$SRCDIR"
SOURCE_KIND=""

fetch_by_commit() { # $1=key -> writes $WORK/dl/<tarball>.tar.gz
  local k=$1 repo=${REPO[$1]} commit=${COMMIT[$1]} name=${TARBALL[$1]} dl="$WORK/dl"
  [[ ${JLLAMA_DOWNLOAD:-1} == 0 ]] && die "no local $name and JLLAMA_DOWNLOAD=0"
  mkdir -p "$dl"
  [[ -s $dl/$name.tar.gz ]] && return 0
  if command -v git >/dev/null; then
    log "fetching $repo@$commit with git"
    rm -rf "$dl/$k.git"; git init -q --bare "$dl/$k.git"
    git -C "$dl/$k.git" fetch -q --depth 1 "https://github.com/$repo.git" "$commit" ||
      die "git fetch of $repo@$commit failed (no network? pass --src DIR with the tarballs)"
    [[ $(git -C "$dl/$k.git" rev-parse FETCH_HEAD) == "$commit" ]] || die "fetched commit mismatch for $repo"
    git -C "$dl/$k.git" archive --format=tar --prefix="$name/" "$commit" | gzip -n > "$dl/$name.tar.gz.tmp"
    rm -rf "$dl/$k.git"
  else
    command -v curl >/dev/null || die "neither git nor curl available to download $repo"
    log "downloading https://github.com/$repo/archive/$commit.tar.gz (no git: verified by sha256 only if pinned)"
    curl -fsSL --retry 3 -o "$dl/$k.raw.tar.gz" "https://github.com/$repo/archive/$commit.tar.gz" ||
      die "download of $repo@$commit failed (no network? pass --src DIR with the tarballs)"
    local want_var="JLLAMA_SHA256_${k^^}"
    if [[ -n ${!want_var-} ]]; then
      [[ $(sha256sum "$dl/$k.raw.tar.gz" | cut -d' ' -f1) == "${!want_var}" ]] || die "sha256 mismatch for $repo archive"
    else
      log "note: no sha256 pinned for GitHub's archive of $repo (set $want_var to enforce one): $(sha256sum "$dl/$k.raw.tar.gz" | cut -d' ' -f1)"
    fi
    # re-root the archive under the expected folder name
    local tmp="$dl/$k.unpack"; rm -rf "$tmp"; mkdir -p "$tmp"
    tar -xzf "$dl/$k.raw.tar.gz" -C "$tmp"
    mv "$tmp"/* "$tmp/$name"
    tar -czf "$dl/$name.tar.gz.tmp" -C "$tmp" "$name"
    rm -rf "$tmp" "$dl/$k.raw.tar.gz"
  fi
  mv "$dl/$name.tar.gz.tmp" "$dl/$name.tar.gz"
}

declare -A DIRS=() ORIGIN=()
for k in jllama llama json; do
  name=${TARBALL[$k]}
  if [[ -n $SRC && -f $SRC/$name.tar.gz ]]; then
    ORIGIN[$k]="$SRC/$name.tar.gz"
    got=$(sha256sum "${ORIGIN[$k]}" | cut -d' ' -f1)
    if [[ $got != "${SHA256[$k]}" ]]; then
      [[ $SKIP_SHA == 1 ]] || die "sha256 mismatch for ${ORIGIN[$k]}: got $got, want ${SHA256[$k]} (--skip-sha256 to accept)"
      log "warning: sha256 mismatch for ${ORIGIN[$k]} accepted (--skip-sha256)"
    fi
    SOURCE_KIND+="$k=local-tarball:sha256:$got "
  elif [[ -n $SRC && -d $SRC/$name ]]; then
    ORIGIN[$k]="$SRC/$name"
    SOURCE_KIND+="$k=local-folder:$SRC/$name "
  else
    [[ -n $SRC ]] && log "$name.tar.gz not in $SRC; downloading"
    fetch_by_commit "$k"
    ORIGIN[$k]="$WORK/dl/$name.tar.gz"
    SOURCE_KIND+="$k=github:${REPO[$k]}@${COMMIT[$k]} "
  fi
  DIRS[$k]="$SRCDIR/$name"
done
# Unpack fresh copies unless this work folder already holds exactly these sources for this build key
# (then the cmake build tree is reused, so a re-run after a failure is incremental).
STAMP=$(printf '%s %s' "$SOURCE_KIND" "$BUILD_KEY" | sha256sum | cut -c1-16)
if [[ $(cat "$SRCDIR/.stamp" 2>/dev/null || true) != "$STAMP" ]]; then
  rm -rf "${SRCDIR:?}" "$WORK/build"
  mkdir -p "$SRCDIR"
  for k in jllama llama json; do
    name=${TARBALL[$k]}
    if [[ -f ${ORIGIN[$k]} ]]; then
      mkdir -p "$SRCDIR/$name.tmp"
      tar -xzf "${ORIGIN[$k]}" -C "$SRCDIR/$name.tmp"
      top=$(find "$SRCDIR/$name.tmp" -mindepth 1 -maxdepth 1 -type d)
      [[ -n $top && $(printf '%s\n' "$top" | wc -l) == 1 ]] || die "unexpected layout in ${ORIGIN[$k]}"
      mv "$top" "$SRCDIR/$name"; rmdir "$SRCDIR/$name.tmp"
    else
      cp -a "${ORIGIN[$k]}" "$SRCDIR/$name"
    fi
  done
  # Tarballs carry no .git, so llama.cpp's build info would say build 0 / commit "unknown" (and if the
  # folder sat inside another git repo it would report THAT repo's commit). Pin it to the real values,
  # matching what the jar's bundled library reports (build 4916, commit c6af2161).
  cat >> "$SRCDIR/${TARBALL[llama]}/cmake/build-info.cmake" <<EOF

# added by build-native-jllama.sh: sources come from a tarball, not a git checkout
set(BUILD_NUMBER ${LLAMA_BUILD#b})
set(BUILD_COMMIT "${LLAMA_COMMIT:0:8}")
EOF
  echo "$STAMP" > "$SRCDIR/.stamp"
else
  log "reusing unpacked sources and build tree in $WORK"
fi
SOURCE_KIND=${SOURCE_KIND% }
JL=${DIRS[jllama]} LL=${DIRS[llama]} JS=${DIRS[json]}
[[ -f $JL/CMakeLists.txt && -f $JL/src/main/cpp/jllama.cpp ]] || die "$JL does not look like java-llama.cpp"
[[ -f $LL/ggml/CMakeLists.txt ]] || die "$LL does not look like llama.cpp"
[[ -f $JS/CMakeLists.txt && -d $JS/include/nlohmann ]] || die "$JS does not look like nlohmann/json"

export GIT_CEILING_DIRECTORIES="$SRCDIR"

BUILD="$WORK/build"
FULL_CMAKE=("$CMAKE" -S "$JL" -B "$BUILD" "${GEN[@]}"
  "-DFETCHCONTENT_SOURCE_DIR_LLAMA.CPP=$LL" "-DFETCHCONTENT_SOURCE_DIR_JSON=$JS"
  "-DCMAKE_C_FLAGS=-ffile-prefix-map=$SRCDIR/=" "-DCMAKE_CXX_FLAGS=-ffile-prefix-map=$SRCDIR/="
  "${CMAKE_ARGS[@]}")
log "build id: $BUILD_ID"
log "cpu: ${CPU_MODEL:-?}; gcc -march=native -> $MARCH"
log "configure: ${FULL_CMAKE[*]}"
t0=$(date +%s)
"${FULL_CMAKE[@]}" >&2
t1=$(date +%s)
log "build: $CMAKE --build $BUILD --config Release -j $JOBS --target jllama"
"$CMAKE" --build "$BUILD" --config Release -j "$JOBS" --target jllama >&2
t2=$(date +%s)
log "configure $((t1 - t0))s, compile $((t2 - t1))s"

BUILT=$(find "$JL/src/main/resources" "$JL/src/main/resources_linux_cuda" "$BUILD" -name "$LIB_NAME" -type f 2>/dev/null | head -1 || true)
[[ -n $BUILT ]] || die "build finished but $LIB_NAME was not found"
log "built $BUILT"

# ---- checks ----------------------------------------------------------------------------------
if command -v readelf >/dev/null; then
  if readelf -d "$BUILT" | grep -E 'NEEDED.*lib(llama|ggml)' >&2; then
    die "$LIB_NAME depends on shared libllama/libggml; the loader only loads libjllama.so (build static: drop -DBUILD_SHARED_LIBS=ON)"
  fi
fi
if command -v nm >/dev/null; then
  # (grep -c, not -q: -q would close the pipe early and pipefail would report nm's SIGPIPE)
  nm -D --defined-only "$BUILT" | grep -c 'Java_de_kherud_llama_LlamaModel_loadModel' >/dev/null || die "$LIB_NAME lacks the JNI entry points"
fi
SYSTEM_INFO=""
if command -v python3 >/dev/null; then
  # libjllama.so needs no libjvm at load time, so ctypes can ask ggml what it was compiled with
  SYSTEM_INFO=$(python3 - "$BUILT" <<'PY' 2>/dev/null || true
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
f = lib.llama_print_system_info
f.restype = ctypes.c_char_p
print(f().decode().strip())
PY
)
fi
[[ -n $SYSTEM_INFO ]] && log "system_info: $SYSTEM_INFO"

# ---- install (atomically replace OUT) --------------------------------------------------------
STAGE="$OUT.tmp.$$"
rm -rf "$STAGE"; mkdir -p "$STAGE"
cp "$BUILT" "$STAGE/$LIB_NAME"
LIB_SHA=$(sha256sum "$STAGE/$LIB_NAME" | cut -d' ' -f1)
prop() { # key value -> Java properties line (escape backslash, newline; values may contain = : |)
  local v=${2//\\/\\\\}; v=${v//$'\n'/\\n}; printf '%s=%s\n' "$1" "$v"
}
{
  echo "# written by build-native-jllama.sh; load with -Dde.kherud.llama.lib.path=<this folder>"
  prop build.id "$BUILD_ID"
  prop build.key "$BUILD_KEY"
  prop build.date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  prop build.host "$(uname -n)"
  prop build.seconds "$((t2 - t0))"
  prop lib.file "$LIB_NAME"
  prop lib.sha256 "$LIB_SHA"
  prop java-llama.cpp.version "$JLLAMA_VERSION"
  prop java-llama.cpp.commit "$JLLAMA_COMMIT"
  prop llama.cpp.build "$LLAMA_BUILD"
  prop llama.cpp.commit "$LLAMA_COMMIT"
  prop nlohmann-json.version "$JSON_VERSION"
  prop nlohmann-json.commit "$JSON_COMMIT"
  prop sources "$SOURCE_KIND"
  prop compiler "$COMPILER"
  prop cmake.version "$CMAKE_VERSION"
  prop cmake.flags "${CMAKE_ARGS[*]}"
  prop ggml.native "$NATIVE"
  prop variant "$VARIANT"
  prop os.arch "$ARCH"
  prop cpu.model "$CPU_MODEL"
  prop cpu.flags "$CPU_FLAGS"
  prop gcc.march.native "$MARCH"
  prop system_info "$SYSTEM_INFO"
} > "$STAGE/$INFO_NAME"
if [[ -d $OUT ]]; then rm -rf "$OUT.old.$$"; mv "$OUT" "$OUT.old.$$"; fi
mv "$STAGE" "$OUT"
rm -rf "$OUT.old.$$"
[[ $KEEP_WORK == 1 ]] || rm -rf "$WORK"
log "done in $((t2 - t0))s: $OUT/$LIB_NAME"
log "use: java -Dde.kherud.llama.lib.path=$OUT ..."
echo "$OUT"
