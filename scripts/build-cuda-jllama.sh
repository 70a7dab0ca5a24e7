#!/usr/bin/env bash
# Builds libjllama.so with CUDA from java-llama.cpp v4.2.0 (llama.cpp b4916), the same sources as the
# de.kherud:llama 4.2.0 jar the worker uses. The stock jar's native library is CPU-only on Linux.
#
# Needs: git, cmake >= 3.14, a C++17 compiler, the CUDA toolkit (nvcc), JDK 17 and Maven, and network
# access to GitHub (java-llama.cpp fetches llama.cpp at configure time).
#
#   scripts/build-cuda-jllama.sh [OUT_DIR]        # default OUT_DIR: native/cuda
#   evalctl worker --device gpu --native-lib native/cuda ...
#
# CUDA_ARCHITECTURES picks the GPU generations to compile for (default: 80;86;89;90, i.e.
# A100, RTX 30xx, RTX 40xx/L4, H100/H200); fewer architectures build faster.
set -euo pipefail

out="$(realpath -m "${1:-native/cuda}")"
archs="${CUDA_ARCHITECTURES:-80;86;89;90}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

git clone --depth 1 --branch v4.2.0 https://github.com/kherud/java-llama.cpp "$work/java-llama.cpp"
cd "$work/java-llama.cpp"
# Generates the JNI headers the native build compiles against.
mvn -q -B compile
cmake -B build -DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="$archs" -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF
cmake --build build --config Release -j "$(nproc)"

mkdir -p "$out"
find . -name 'libjllama.so' -path '*Linux*' -exec cp {} "$out/" \;
find build -name 'libggml*.so' -exec cp {} "$out/" \; 2>/dev/null || true
find build -name 'libllama.so' -exec cp {} "$out/" \; 2>/dev/null || true
ls -l "$out"
echo "Load it with: java -Dde.kherud.llama.lib.path=$out -jar cli/target/evalctl.jar worker --device gpu ..."
