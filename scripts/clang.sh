# Sourced by ./fleet and scripts/release.sh: finds the C compiler that NativeAOT links with. Debian and Ubuntu's versioned
# packages (clang-14, clang-19…) install only clang-NN, not clang, and ILCompiler looks for plain clang unless told otherwise.

# Prints the clang to pass as CppCompilerAndLinker: clang on the PATH, else the newest clang-NN on it; nothing when there is none.
fleet_clang() {
  if command -v clang >/dev/null 2>&1; then
    echo clang
    return
  fi
  local name best="" version=0
  while IFS= read -r name; do
    if [[ "$name" =~ ^clang-([0-9]+)$ ]] && (( BASH_REMATCH[1] > version )); then
      version="${BASH_REMATCH[1]}" best="$name"
    fi
  done < <(compgen -c clang-)
  [[ -z "$best" ]] || echo "$best"
}

# The dotnet publish properties that make ILCompiler use that clang: CppCompilerAndLinker, and llvm-objcopy-NN beside a
# clang-NN when no plain llvm-objcopy is installed (ILCompiler strips symbols with llvm-objcopy, else binutils' objcopy).
fleet_clang_properties() {
  local cc="$1"
  printf '%s\n' "-p:CppCompilerAndLinker=$cc"
  if [[ "$cc" == clang-* ]] && ! command -v llvm-objcopy >/dev/null 2>&1 && command -v "llvm-objcopy-${cc#clang-}" >/dev/null 2>&1; then
    printf '%s\n' "-p:ObjCopyName=llvm-objcopy-${cc#clang-}"
  fi
}
