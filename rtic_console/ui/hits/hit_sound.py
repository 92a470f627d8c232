"""The new-hit tone: on where the workstation's settings turn it on, off for a person who
silenced it for themselves; silent, never failing, where there is no audio device."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QSettings, QUrl
from PySide6.QtWidgets import QCheckBox

from rtic_console.paths import RESOURCES_DIR

logger = logging.getLogger(__name__)

TONE = RESOURCES_DIR / "sounds" / "new-hit.wav"


def _person_key(badge: str) -> str:
    return f"people/{badge}/hit_sound_silenced"


class HitSound(QObject):
    """`enabled` is the workstation's `hit_sound` setting; `silenced` is this person's own
    choice, kept in the workstation's per-user settings under their badge."""

    def __init__(self, enabled: bool, badge: str, settings: QSettings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self._badge = badge
        self._settings = settings
        self._effect: object | None = None
        self.played = 0  # tones asked for, for the tests (the device may not exist)

    @property
    def silenced(self) -> bool:
        return self._settings.value(_person_key(self._badge), False, type=bool)

    def set_silenced(self, silenced: bool) -> None:
        self._settings.setValue(_person_key(self._badge), silenced)
        self._settings.sync()

    @property
    def audible(self) -> bool:
        return self.enabled and not self.silenced

    def play(self) -> None:
        if not self.audible:
            return
        self.played += 1
        effect = self._sound_effect()
        if effect is not None:
            effect.play()  # type: ignore[attr-defined]

    def _sound_effect(self) -> object | None:
        """Made on first use: QtMultimedia may be missing, or find no audio device; either
        way the console carries on without the tone."""
        if self._effect is None:
            try:
                from PySide6.QtMultimedia import QSoundEffect
            except ImportError:
                logger.warning("no QtMultimedia: the new-hit tone is off")
                self.enabled = False
                return None
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(TONE)))
            effect.setVolume(0.8)
            self._effect = effect
        return self._effect


def sound_toggle(sound: HitSound) -> QCheckBox:
    """The person's own switch for the tone; shown only where the workstation has one."""
    box = QCheckBox("Tone for new hits")
    box.setObjectName("hitSoundToggle")
    box.setToolTip("Your own choice on this workstation; the tone itself is turned on in the "
                   "workstation's settings (hit_sound).")
    box.setChecked(not sound.silenced)
    box.toggled.connect(lambda on: sound.set_silenced(not on))
    box.setVisible(sound.enabled)
    return box
