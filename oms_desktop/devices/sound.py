"""Good and bad scan sounds. The WAVs ship in oms_desktop/resources/sounds (package data,
copied from the repository's resources/sounds); QtMultimedia is imported only when a sound
is first played. Where there is no audio device the bad sound falls back to the system beep
and the good one stays silent; OMS_DISABLE_SOUND=1 silences both (tests)."""

from __future__ import annotations

import math
import os
import struct
import wave
from pathlib import Path

PACKAGE_SOUNDS = Path(__file__).resolve().parent.parent / "resources" / "sounds"
REPO_SOUNDS = Path(__file__).resolve().parents[2] / "resources" / "sounds"
RATE = 22_050


def sound_path(name: str) -> Path | None:
    for folder in (PACKAGE_SOUNDS, REPO_SOUNDS):
        path = folder / f"{name}.wav"
        if path.exists():
            return path
    return None


def tone(freqs: list[tuple[float, float]], volume: float = 0.5) -> bytes:
    """16-bit mono PCM: (frequency Hz, seconds) segments, 0 Hz = silence, with 5 ms fades."""
    frames = bytearray()
    fade = int(RATE * 0.005)
    for freq, seconds in freqs:
        count = int(RATE * seconds)
        for i in range(count):
            ramp = min(1.0, i / fade, (count - i) / fade)
            value = math.sin(2 * math.pi * freq * i / RATE) if freq else 0.0
            frames += struct.pack("<h", int(32767 * volume * ramp * value))
    return bytes(frames)


SOUNDS = {
    "good": [(1318.5, 0.09)],
    "bad": [(196.0, 0.18), (0, 0.06), (196.0, 0.18), (0, 0.06), (196.0, 0.3)],
}


def write_sounds(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, segments in SOUNDS.items():
        path = folder / f"{name}.wav"
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(tone(segments))
        written.append(path)
    return written


class Sounds:
    """play("good") / play("bad"); never raises."""

    def __init__(self):
        self.enabled = os.environ.get("OMS_DISABLE_SOUND") != "1"
        self._effects: dict | None = None
        self.played: list[str] = []  # what was asked for, newest last (tests read it)

    def _load(self) -> dict:
        effects = {}
        try:
            from PySide6.QtCore import QUrl
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError:
            return effects
        for name in SOUNDS:
            path = sound_path(name)
            if path is not None:
                effect = QSoundEffect()
                effect.setSource(QUrl.fromLocalFile(str(path)))
                effects[name] = effect
        return effects

    def play(self, name: str) -> None:
        self.played.append(name)
        if not self.enabled:
            return
        if self._effects is None:
            self._effects = self._load()
        effect = self._effects.get(name)
        if effect is not None and effect.status() != effect.Status.Error:
            effect.play()
        elif name == "bad":
            from PySide6.QtWidgets import QApplication

            QApplication.beep()


if __name__ == "__main__":
    for folder in (REPO_SOUNDS, PACKAGE_SOUNDS):
        print(*write_sounds(folder), sep="\n")
