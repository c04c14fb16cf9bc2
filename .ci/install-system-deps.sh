#!/usr/bin/env bash
# Debian packages the letters tests and the notice benchmark use at test time, beyond scripts/system-deps.sh.
#   fonts-noto-cjk: the fallback font for rare hanzi outside the bundled subset (tests/letters/test_fonts.py and
#   test_batches.py exercise the fallback when it is installed) and the full font of the benchmark's baseline.
# The product itself needs none of them: letters are set in the bundled static/fonts subset.
set -euo pipefail
missing=()
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Please install these system packages: ${missing[*]}" >&2
  exit 1
fi
