"""Import a state/NCIC hot list file; the previous list stays active when the file is refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.hotlist_import import ParsedHotList
from rtic_console.feeds.hotlist_files import FORMATS, parse_hotlist
from rtic_console.services import hotlists
from rtic_console.services.hotlists import ImportReport
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.widgets import MessageLine, describe_error

MAX_FILE_BYTES = 512 * 1024 * 1024


def read_and_parse(path: Path, fmt: str) -> tuple[ParsedHotList, str]:
    """Off the GUI thread: read the file, hash it, parse it."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"{path.name} is larger than 512 MiB; not a hot list file")
    data = path.read_bytes()
    return parse_hotlist(data, path.name, fmt), hashlib.sha256(data).hexdigest()


def report_text(report: ImportReport) -> str:
    lines = [f"{'Applied' if report.applied else 'REFUSED'}: list {report.list_name!r} "
             f"({report.file_format})",
             f"Entries now active from this file: {report.accepted}",
             f"Placeholders skipped: {report.placeholders_skipped}; duplicates merged: "
             f"{report.duplicates_merged}; bad rows: {len(report.bad_rows)}"]
    lines += [f"Refused because {r}" for r in report.reasons]
    lines += [f"Note: {w}" for w in report.warnings]
    lines += [f"  line {n}: {why}" for n, why in report.bad_rows[:200]]
    if len(report.bad_rows) > 200:
        lines.append(f"  … and {len(report.bad_rows) - 200} more bad rows")
    return "\n".join(lines)


class ImportDialog(QDialog):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
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
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.message = MessageLine()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = buttons.addButton("Import",
                                               QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button.clicked.connect(self._on_import_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    @Slot()
    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Hot list file", "",
                                              "Hot lists (*.tbl *.txt *.csv);;All files (*)")
        if path:
            self.path.setText(path)

    @Slot()
    def _on_import_clicked(self) -> None:
        if not self.path.text():
            self.message.show_error("Choose a file first.")
            return
        path, fmt = Path(self.path.text()), self.format.currentText()
        self.import_button.setEnabled(False)
        self.message.clear_message()
        self.report.setPlainText(f"Reading {path.name}…")
        self._session.runner.background(lambda: read_and_parse(path, fmt), self._on_parsed,
                                        self._on_failed, owner=self)

    def _on_parsed(self, result: tuple[ParsedHotList, str]) -> None:
        parsed, sha256 = result
        path = Path(self.path.text())
        self._session.perform(hotlists.import_list, self.list_name.text(), path.name, sha256,
                              parsed, owner=self, on_done=self._on_imported,
                              on_error=self._on_failed)

    def _on_imported(self, report: ImportReport) -> None:
        self.import_button.setEnabled(True)
        self.report.setPlainText(report_text(report))
        if report.applied:
            self.message.show_ok(f"{report.accepted} entries now active in "
                                 f"{report.list_name!r}.")
        else:
            self.message.show_error("The file was refused; the previous list stays active.")

    def _on_failed(self, error: BaseException) -> None:
        self.import_button.setEnabled(True)
        self.report.clear()
        self.message.show_error(str(error) if isinstance(error, ValueError)
                                else describe_error(error))
