#!/usr/bin/env python3
"""Writes display/src/voice/phonemes.tsv: the neural voice's phonemes for every word an
announcement may use. Run once when the vocabulary changes; the table is committed as data.

    python3 -m venv /tmp/ph && /tmp/ph/bin/pip install misaki==0.9.4 --no-deps pypinyin ordered-set
    /tmp/ph/bin/python scripts/voice-phonemes.py

Chinese words: misaki's pinyin → IPA (misaki.transcription, the same conversion Kokoro v1.0 was
trained with, "legacy" zh G2P: tones as arrows → ↗ ↓ ↘), from the pinyin written below (not
guessed by a dictionary, so 号 is hao4 and 一 is yi1 in every context; no tone sandhi).

Letters: Kokoro's own front end drops them. Chinese halls say the English letter names; the
table has the English (misaki en-US) letter names, with the stressed vowel made long and a
starting p t k aspirated. Each
letter is said set apart (the Rust side adds a short pause before it and a stop after it).
Which reading to use was measured: 20 random calls synthesised and transcribed by Whisper base
(tests/voice/intelligibility.py); see docs/voice.md for the table of what was tried.
"""
import re
import sys
from pathlib import Path

from misaki.transcription import pinyin_to_ipa

WORDS = {
    "请": "qing3", "号": "hao4", "到": "dao4", "窗口": "chuang1 kou3", "办理": "ban4 li3",
    "前往": "qian2 wang3", "柜台": "gui4 tai2", "呼叫": "hu1 jiao4", "顾客": "gu4 ke4", "的": "de5",
    "再次": "zai4 ci4", "请到": "qing3 dao4", "办事": "ban4 shi4", "排队": "pai2 dui4",
    "零": "ling2", "一": "yi1", "二": "er4", "三": "san1", "四": "si4", "五": "wu3",
    "六": "liu4", "七": "qi1", "八": "ba1", "九": "jiu3", "十": "shi2", "百": "bai3",
}

# English letter names as misaki (en-US) writes them; A I O are its diphthong symbols (eɪ aɪ oʊ).
LETTERS = {
    "A": "ˈA", "B": "bˈi", "C": "sˈi", "D": "dˈi", "E": "ˈi", "F": "ˈɛf", "G": "ʤˈi", "H": "ˈAʧ",
    "I": "ˈI", "J": "ʤˈA", "K": "kˈA", "L": "ˈɛl", "M": "ˈɛm", "N": "ˈɛn", "O": "ˈO", "P": "pˈi",
    "Q": "kjˈu", "R": "ˈɑɹ", "S": "ˈɛs", "T": "tˈi", "U": "jˈu", "V": "vˈi", "W": "dˈʌbᵊlju",
    "X": "ˈɛks", "Y": "wˈI", "Z": "zˈi",
}
# Letter readings chosen by measurement where the plain name was misheard (see docs/voice.md):
# Z as "zed" (zee was heard as C or 智 in 5 of 6 calls, zed was right in 5 of 6); C with a
# short vowel (long: 攜 in 3 of 3 calls, short: C in 3 of 3); R with a trilled r (ɹ: 二 in 3 of
# 3, r: R in 2 of 3).
OVERRIDES: dict[str, str] = {"Z": "zˈɛd", "C": "sˈi", "R": "ˈɑːr"}


def retone(p: str) -> str:
    """misaki's ZHG2P.retone: Chao tone letters to Kokoro's arrows."""
    p = p.replace("˧˩˧", "↓").replace("˧˥", "↗").replace("˥˩", "↘").replace("˥", "→")
    p = p.replace(chr(635) + chr(809), "ɨ").replace(chr(633) + chr(809), "ɨ")
    return p.replace(chr(815), "")


def word(pinyin: str) -> str:
    return "".join("".join(retone(x) for x in pinyin_to_ipa(s)[0]) for s in pinyin.split())


def long_vowel(p: str) -> str:
    return re.sub(r"([AIOaeiuɑɛ])", r"\1ː", p, count=1)


def aspirated(p: str) -> str:
    """English p t k at the start are aspirated; without ʰ Kokoro says Mandarin's unaspirated
    b d g, and T was heard as 第/地 (0 of 3 calls; with ʰ 3 of 3), P as B (with ʰ 3 of 3)."""
    return re.sub(r"^([ptk])", r"\1ʰ", p)


def main() -> None:
    out = Path(__file__).resolve().parent.parent / "display/src/voice/phonemes.tsv"
    lines = [
        "# word<TAB>phonemes for Kokoro v1.0 (misaki symbols). Made by scripts/voice-phonemes.py:",
        "# do not edit by hand.",
    ]
    lines += [f"{w}\t{word(p)}" for w, p in WORDS.items()]
    lines += [f"{l}\t{OVERRIDES.get(l, aspirated(long_vowel(p)))}" for l, p in LETTERS.items()]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{out}: {len(lines) - 2} words", file=sys.stderr)


if __name__ == "__main__":
    main()
