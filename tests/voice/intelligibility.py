#!/usr/bin/env python3
"""Intelligibility of the lobby voice, measured by an independent speech recognizer (issue 18).

`hall-display say` renders random calls (any letter, 001-999, windows 1-30) with the neural voice
and with espeak-ng; Whisper base (faster-whisper, the weights installed by
`scripts/voice-setup.sh --test`) transcribes them in Chinese; a call counts when the
transcription gives back the exact number and window, compared after mapping Traditional to
Simplified characters, every way of writing digits to one form (零一二, ０１２, 012) and
dropping separators inside the number (A-012, A 0,1,2). Prints both scores and whether the
issue's bar (--goal, 19 of 20) is met; fails when the neural voice scores under --min or when it
was not the neural voice that spoke. scripts/test.sh runs one fixed draw (seed 7, not the draw
the readings were tuned on) with --min 10: a floor against regressions while the bar is missed
(the voice scores 12 on that draw; espeak-ng 0).

    /var/lib/hall-voice/venv/bin/python tests/voice/intelligibility.py --bin target/debug/hall-display
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import opencc
from faster_whisper import WhisperModel

CC = opencc.OpenCC("t2s")
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(s: str) -> str:
    """零一二 → 012 (digit by digit); 十二 → 12, 二十 → 20, 一百零五 → 105 (cardinals)."""
    if "十" not in s and "百" not in s:
        return "".join(str(CN_DIGITS[c]) for c in s)
    total, cur = 0, 0
    for c in s:
        if c in CN_DIGITS:
            cur = CN_DIGITS[c]
        elif c == "十":
            total, cur = total + (cur or 1) * 10, 0
        elif c == "百":
            total, cur = total + cur * 100, 0
    return str(total + cur)


def normalize(text: str) -> str:
    text = CC.convert(text)
    text = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)  # full width
    text = re.sub("[零〇一幺二两三四五六七八九十百]+", lambda m: chinese_number(m.group()), text)
    # A-0-1-2, A 012, A0,1,2: one number (separators after a letter or digit, before a digit).
    text = re.sub(r"(?<=[0-9A-Za-z])[\s,，.。、·-]+(?=[0-9])", "", text)
    return text.upper()


def understood(transcript: str, number: str, window: int) -> bool:
    """The first letter+digits is the number, the next number is the window."""
    t = normalize(transcript)
    m = re.search(r"([A-Z])\s*[-.,，、]?\s*(\d+)", t)
    if not m or m.group(1) + m.group(2) != number:
        return False
    w = re.search(r"\d+", t[m.end():])
    return bool(w) and int(w.group()) == window


def calls(n: int, seed: int) -> list[tuple[str, int]]:
    r = random.Random(seed)
    return [(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + f"{r.randint(1, 999):03d}", r.randint(1, 30)) for _ in range(n)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, help="the hall-display binary")
    ap.add_argument("--calls", type=int, default=20)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("VOICE_TEST_SEED", random.randrange(10**6))))
    ap.add_argument("--min", type=int, default=19, help="calls the neural voice must get through")
    ap.add_argument("--goal", type=int, default=19, help="the issue's bar, printed as met or missed")
    ap.add_argument("--voice-name", help="the neural voice (default: the display's)")
    ap.add_argument("--voices", default="neural,espeak", help="which voices to measure")
    ap.add_argument("--whisper", default=os.environ.get("HALL_VOICE_DIR", "/var/lib/hall-voice") + "/whisper-base")
    args = ap.parse_args()
    model = WhisperModel(args.whisper, device="cpu", compute_type="int8", cpu_threads=1)
    todo = calls(args.calls, args.seed)
    print(f"== {len(todo)} random calls (seed {args.seed}), Whisper base, language zh")
    scores = {}
    with tempfile.TemporaryDirectory() as tmp:
        for voice in args.voices.split(","):
            ok, synth = 0, 0.0
            for number, window in todo:
                wav = Path(tmp) / f"{voice}-{number}-{window}.wav"
                t0 = time.monotonic()
                cmd = [args.bin, "say", number, str(window), "--out", str(wav), "--repeat", "1", "--voice", voice]
                if args.voice_name:
                    cmd += ["--voice-name", args.voice_name]
                res = subprocess.run(cmd, capture_output=True, text=True)
                synth += time.monotonic() - t0
                if res.returncode != 0:
                    print(res.stderr, file=sys.stderr)
                    return 1
                if voice == "neural" and "neural voice unavailable" in res.stderr:
                    print(f"the neural voice did not speak:\n{res.stderr}", file=sys.stderr)
                    return 1
                segments, _ = model.transcribe(str(wav), language="zh", beam_size=5)
                text = "".join(s.text for s in segments)
                good = understood(text, number, window)
                ok += good
                print(f"  {voice:6s} {number} {window:2d}  {'ok ' if good else 'BAD'}  {text}", flush=True)
            scores[voice] = ok
            print(f"== {voice}: {ok}/{len(todo)} understood ({synth / len(todo):.1f} s per `say`)", flush=True)
    print("== intelligibility: " + ", ".join(f"{v} {n}/{len(todo)}" for v, n in scores.items())
          + f" (needed for neural: {args.min})")
    if "neural" in scores:
        met = "met" if scores["neural"] >= args.goal else "MISSED (issue 18 stays open)"
        print(f"== goal: neural {scores['neural']}/{len(todo)}, goal {args.goal}/20: {met}")
    return 0 if scores.get("neural", args.min) >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
