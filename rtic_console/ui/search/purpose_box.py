"""Purpose and case of a search (D.1), or the approved 'other use' request it runs under."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

from rtic_console.domain.search_rules import PURPOSE_TITLES, SearchKind, SearchPurpose
from rtic_console.services.search_requests import RequestView


def request_title(r: RequestView) -> str:
    until = f"{r.usable_until.astimezone():%m-%d %H:%M}" if r.usable_until else ""
    use = r.use_description if len(r.use_description) <= 40 else r.use_description[:39] + "…"
    return f"#{r.id} · case {r.case_number} · until {until} · {use}"


class PurposeBox(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Purpose (D.1)", parent)
        self.purpose = QComboBox()
        self.purpose.addItem("Choose the purpose…", None)
        for purpose, title in PURPOSE_TITLES.items():
            self.purpose.addItem(title, purpose.value)
        self.case = QLineEdit()
        self.case.setObjectName("caseEdit")
        self.case.setMaxLength(40)
        self.case.setPlaceholderText("case number, e.g. 26-011842")
        self.request = QComboBox()
        self.request.setObjectName("requestBox")
        # Long uses must not widen the criteria column; the full text is in the tooltip.
        self.request.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.request.setMinimumContentsLength(20)
        self.request_label = QLabel("Request")
        self.no_request = QLabel("You have no approved request. Ask for one under "
                                 "Other-use requests; a sergeant or ALPR administrator "
                                 "reviews it.")
        self.no_request.setObjectName("footnote")
        self.no_request.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Purpose", self.purpose)
        form.addRow(self.request_label, self.request)
        form.addRow(self.no_request)
        form.addRow("Case no.", self.case)
        self.purpose.currentIndexChanged.connect(self._on_purpose_changed)
        self.request.currentIndexChanged.connect(self._on_request_changed)
        self._on_purpose_changed()

    def other_use(self) -> bool:
        return self.purpose.currentData() == SearchPurpose.OTHER_USE.value

    def set_requests(self, requests: Sequence[RequestView]) -> None:
        """The person's own approved, unexpired requests; the chosen one stays chosen."""
        chosen = self.request_id()
        self.request.blockSignals(True)
        self.request.clear()
        for r in requests:
            if r.usable:
                self.request.addItem(request_title(r), r)
                self.request.setItemData(self.request.count() - 1, r.use_description,
                                         Qt.ItemDataRole.ToolTipRole)
        self.request.blockSignals(False)
        index = next((i for i in range(self.request.count())
                      if self.request.itemData(i).id == chosen), 0)
        self.request.setCurrentIndex(index if self.request.count() else -1)
        self._on_purpose_changed()

    def request_id(self) -> int | None:
        r = self.request.currentData() if self.other_use() else None
        return r.id if isinstance(r, RequestView) else None

    def suggest_for(self, kind: SearchKind) -> None:
        """A canvass is the crime-scene canvass purpose unless an other use is chosen."""
        if kind is SearchKind.CANVASS and not self.other_use():
            self.purpose.setCurrentIndex(self.purpose.findData(
                SearchPurpose.CRIME_SCENE_CANVASS.value))

    def values(self) -> tuple[str | None, str, int | None]:
        return self.purpose.currentData(), self.case.text(), self.request_id()

    @Slot()
    def _on_purpose_changed(self) -> None:
        other = self.other_use()
        has = self.request.count() > 0
        self.request_label.setVisible(other)
        self.request.setVisible(other and has)
        self.no_request.setVisible(other and not has)
        self.case.setReadOnly(other)
        if other:
            self._on_request_changed()

    @Slot()
    def _on_request_changed(self) -> None:
        r = self.request.currentData()
        if self.other_use():
            self.case.setText(r.case_number if isinstance(r, RequestView) else "")
