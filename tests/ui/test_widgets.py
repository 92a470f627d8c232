"""Shared widgets: text that readers and feeds supply is shown as it came, never formatted."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.search_rules import SearchRuleError, purpose_of
from rtic_console.services.context import Refused
from rtic_console.ui.detail_pane import DetailPane
from rtic_console.ui.hits.hit_detail_panel import HitDetailPanel
from rtic_console.ui.map.detection_panel import DetectionPanel
from rtic_console.ui.widgets import MessageLine, describe_error, plain_label, value_label


def test_detail_values_are_plain_text(qtbot) -> None:
    label = value_label()
    qtbot.addWidget(label)
    label.setText("<b>red</b> <img src='file:///etc/passwd'>")
    assert label.textFormat() is Qt.TextFormat.PlainText
    assert label.text().startswith("<b>red</b>")


def test_messages_and_named_labels_show_markup_as_typed(qtbot) -> None:
    """A layout saved as "Night <b>shift</b>" was announced with "shift" in bold: the
    message line and the labels that quote names, reasons and device answers are plain,
    so the tags take their room as characters."""
    message, label = MessageLine(), plain_label()
    rich = QLabel("<b>shift</b>")
    for widget in (message, label, rich):
        qtbot.addWidget(widget)
    message.show_ok("<b>shift</b>")
    label.setText("<b>shift</b>")
    for shown in (message, label):
        assert shown.textFormat() is Qt.TextFormat.PlainText
        assert shown.sizeHint().width() > rich.sizeHint().width()


def test_hit_and_read_panels_show_reader_text_plainly(qtbot) -> None:
    for panel in (HitDetailPanel(), DetectionPanel()):
        qtbot.addWidget(panel)
        assert panel.fields["vehicle"].textFormat() is Qt.TextFormat.PlainText


def test_a_message_keeps_its_room_says_it_in_sentence_case_and_a_success_goes(qtbot) -> None:
    form = QWidget()
    qtbot.addWidget(form)
    field, message, button = QLineEdit(), MessageLine(), QPushButton("Save")
    layout = QVBoxLayout(form)
    for widget in (field, message, button):
        layout.addWidget(widget)
    message.clear_on_edit(form)
    form.show()
    qtbot.waitExposed(form)
    where = button.pos()
    message.show_error("badge number: 3 to 10 letters or digits")
    QApplication.processEvents()
    assert message.text().startswith("Badge number") and button.pos() == where
    qtbot.keyClicks(field, "5")
    assert not message.isVisible(), "editing the field clears the message about it"
    message._linger.setInterval(50)
    message.show_ok("saved")
    assert message.isVisible() and button.pos() == where
    qtbot.waitUntil(lambda: not message.isVisible(), timeout=2000)


def test_a_message_below_the_fold_scrolls_itself_into_view(qtbot) -> None:
    """A trial clicked a button on a page scrolled up and saw nothing: the refusal was set on
    a line below the fold. Every scroll area around the line (a work area's page, and a
    scrolling pane inside it) brings it into view."""
    page = QScrollArea()
    qtbot.addWidget(page)
    page.setWidgetResizable(True)
    body = QWidget()
    column = QVBoxLayout(body)
    inner = QScrollArea()  # a scrolling pane on the page, its own message at its foot
    inner.setWidgetResizable(True)
    inner.setFixedHeight(150)
    pane = QWidget()
    pane_column = QVBoxLayout(pane)
    tall_field = QWidget()
    tall_field.setFixedHeight(600)
    pane_message = MessageLine()
    pane_column.addWidget(tall_field)
    pane_column.addWidget(pane_message)
    inner.setWidget(pane)
    tall = QWidget()
    tall.setFixedHeight(900)
    message, button = MessageLine(), QPushButton("Save")
    for widget in (inner, tall, button, message):
        column.addWidget(widget)
    page.setWidget(body)
    page.resize(400, 250)
    page.show()
    qtbot.waitExposed(page)

    def in_view(line: MessageLine, area: QScrollArea) -> bool:
        top_left = line.mapTo(area.viewport(), line.rect().topLeft())
        shown = area.viewport().rect()
        return shown.contains(top_left) and shown.contains(
            top_left + line.rect().bottomRight())

    assert not in_view(message, page)
    message.show_error("badge number: 3 to 10 letters or digits")
    assert in_view(message, page)
    page.verticalScrollBar().setValue(page.verticalScrollBar().maximum())
    assert not in_view(pane_message, inner)
    pane_message.show_ok("saved")
    assert in_view(pane_message, inner) and in_view(pane_message, page)


def test_a_message_on_a_page_not_shown_scrolls_nothing(qtbot) -> None:
    """A live update's message on a hidden tab must not move the page being read."""
    page = QScrollArea()
    qtbot.addWidget(page)
    page.setWidgetResizable(True)
    body = QWidget()
    column = QVBoxLayout(body)
    tall, hidden = QWidget(), QWidget()
    tall.setFixedHeight(900)
    message = MessageLine()
    QVBoxLayout(hidden).addWidget(message)
    column.addWidget(tall)
    column.addWidget(hidden)
    page.setWidget(body)
    page.resize(400, 250)
    page.show()
    qtbot.waitExposed(page)
    hidden.hide()
    message.show_error("the live list could not be refreshed")
    assert page.verticalScrollBar().value() == 0


def test_an_error_names_no_internal_code(qtbot) -> None:
    line = MessageLine()
    qtbot.addWidget(line)
    line.show_error(describe_error(Refused("a search states one approved purpose")))
    assert line.text() == "A search states one approved purpose"
    with pytest.raises(SearchRuleError) as refused:
        purpose_of("")
    assert "Stolen vehicle or plate" in str(refused.value)
    assert "stolen_vehicle_or_plate" not in str(refused.value)


def test_the_detail_pane_escapes_and_wraps(qtbot) -> None:
    pane = DetailPane("Select one.")
    qtbot.addWidget(pane)
    pane.show_pairs("Event #1", [("Reason", "<b>x</b>"), ("Hash", "f" * 64)])
    assert "<b>x</b>" in pane.toPlainText() and pane.values()["Hash"] == "f" * 64
    pane.show_pairs("", [])
    assert pane.toPlainText().strip() == "Select one."
