"""Import a hot list file; the previous list stays active when the file is refused, and a
file that drops more of the list than allowed needs the person's explicit confirmation."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.hotlist_import import ParsedHotList
from rtic_console.feeds.hotlist_files import FORMATS, parse_hotlist
from rtic_console.services import hotlists
from rtic_console.services.hotlists import ImportReport, ShrinkRefused
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.widgets import MessageLine, describe_error, keep_wrapped_text_whole

MAX_FILE_BYTES = 512 * 1024 * 1024
BAD_ROWS_SHOWN = 200
SPECIAL_NOTE = ("A list that is not a CA DOJ or NCIC extract becomes a special list (entries "
                "wait for a supervisor's approval, hits are informational only, I.1) unless "
                "every row has a case or XREF, a CLETS/NCIC counterpart and an expiry within "
                "24 hours (E.1, E.2).")


def read_and_parse(path: Path, fmt: str) -> tuple[ParsedHotList, str]:
    """Off the GUI thread: read the file, hash it, parse it."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"{path.name} is larger than 512 MiB; not a hot list file")
    data = path.read_bytes()
    return parse_hotlist(data, path.name, fmt), hashlib.sha256(data).hexdigest()


def _bad_rows(rows: list[tuple[int, str]]) -> list[str]:
    lines = [f"  line {n}: {why}" for n, why in rows[:BAD_ROWS_SHOWN]]
    if len(rows) > BAD_ROWS_SHOWN:
        lines.append(f"  … and {len(rows) - BAD_ROWS_SHOWN} more bad rows")
    return lines


def parsed_text(parsed: ParsedHotList) -> str:
    """What the file holds, shown before and whatever the import's answer."""
    return "\n".join([
        f"File: {parsed.format}, {len(parsed.entries)} entries, {parsed.record_count} records",
        f"Placeholders skipped: {parsed.placeholders_skipped}; duplicates merged: "
        f"{parsed.duplicates_merged}; bad rows: {len(parsed.bad_rows)}",
        *_bad_rows([(b.line_number, b.reason) for b in parsed.bad_rows])])


def report_text(report: ImportReport) -> str:
    lines = [f"Applied: list {report.list_name!r} ({report.file_format}): "
             f"{report.kind.title} list"
             + (", awaiting supervisor approval" if report.pending else ""),
             f"Entries from this file: {report.accepted}; in force: {report.in_force} "
             f"(before: {report.previous})"
             + ("; the shrink was confirmed" if report.shrink_confirmed else ""),
             f"Placeholders skipped: {report.placeholders_skipped}; duplicates merged: "
             f"{report.duplicates_merged}; bad rows: {len(report.bad_rows)}"]
    lines += [f"Special list: {r}" for r in report.special_reasons]
    lines += [f"Note: {w}" for w in report.warnings]
    return "\n".join(lines + _bad_rows(list(report.bad_rows)))


class ImportDialog(QDialog):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_wrapped_text_whole(self)
        self._session = session
        self._parsed: tuple[ParsedHotList, str] | None = None
        self.setWindowTitle("Import a hot list file")
        self.setMinimumSize(640, 420)
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        browse = QPushButton("Choose file…")
        browse.clicked.connect(self._on_browse_clicked)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.list_name = QLineEdit("CA DOJ SVS")
        self.list_name.setMaxLength(80)
        self.format = QComboBox()
        self.format.addItems(["auto", *FORMATS])
        form = QFormLayout()
        form.addRow("File", row)
        form.addRow("Replace list", self.list_name)
        form.addRow("Format", self.format)
        note = QLabel(SPECIAL_NOTE)
        note.setObjectName("footnote")
        note.setWordWrap(True)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.message = MessageLine()
        # Shown only after an import was refused for shrinking the list too far (E.2).
        self.confirm_shrink = QCheckBox()
        self.confirm_shrink.setObjectName("confirmShrink")
        self.confirm_shrink.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = buttons.addButton("Import",
                                               QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button.clicked.connect(self._on_import_clicked)
        buttons.rejected.connect(self.reject)
        self.path.textChanged.connect(self._on_choice_changed)
        self.list_name.textChanged.connect(self._on_choice_changed)
        self.format.currentIndexChanged.connect(self._on_choice_changed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.confirm_shrink)
        layout.addWidget(buttons)

    @Slot()
    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Hot list file", "",
                                              "Hot lists (*.tbl *.txt *.csv);;All files (*)")
        if path:
            self.path.setText(path)

    @Slot()
    def _on_choice_changed(self) -> None:
        """A confirmation covers the file and list it was given for, nothing else."""
        self._parsed = None
        self.confirm_shrink.setChecked(False)
        self.confirm_shrink.hide()

    @Slot()
    def _on_import_clicked(self) -> None:
        if not self.path.text():
            self.message.show_error("Choose a file first.")
            return
        self.import_button.setEnabled(False)
        self.message.clear_message()
        if self._parsed is not None:  # the same file again, now with the confirmation
            self._import(*self._parsed)
            return
        path, fmt = Path(self.path.text()), self.format.currentText()
        self.report.setPlainText(f"Reading {path.name}…")
        self._session.runner.background(lambda: read_and_parse(path, fmt), self._on_parsed,
                                        self._on_failed, owner=self)

    def _on_parsed(self, result: tuple[ParsedHotList, str]) -> None:
        self._parsed = result
        self._import(*result)

    def _import(self, parsed: ParsedHotList, sha256: str) -> None:
        self.report.setPlainText(parsed_text(parsed))
        self._session.perform(hotlists.import_list, self.list_name.text(),
                              Path(self.path.text()).name, sha256, parsed,
                              allow_shrink=self.confirm_shrink.isVisible()
                              and self.confirm_shrink.isChecked(),
                              owner=self, on_done=self._on_imported, on_error=self._on_failed)

    def _on_imported(self, report: ImportReport) -> None:
        self.import_button.setEnabled(True)
        self._on_choice_changed()
        self.report.setPlainText(report_text(report))
        if report.pending:
            self.message.show_ok(f"{report.accepted} entries imported into "
                                 f"{report.list_name!r} as a special list; they produce "
                                 "informational hits once a supervisor approves them.")
        else:
            self.message.show_ok(f"{report.accepted} entries now active in "
                                 f"{report.list_name!r}.")

    def _on_failed(self, error: BaseException) -> None:
        self.import_button.setEnabled(True)
        if self._parsed is None:
            self.report.clear()
        self.message.show_error(str(error) if isinstance(error, ValueError)
                                else describe_error(error))
        if not isinstance(error, ShrinkRefused):
            self._parsed = None  # read the file afresh next time
        else:
            self.confirm_shrink.setText(
                f"Replace the list anyway: I confirm it goes from {error.previous:,} to "
                f"{error.new:,} entries in force (audited with both counts).")
            self.confirm_shrink.setChecked(False)
            self.confirm_shrink.show()
