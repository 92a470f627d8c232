"""The roster tab (ALPR administrators): a sortable, filterable table and its actions."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.roles import ROLE_TITLES, Role
from rtic_console.services import divisions, duties, roster
from rtic_console.services.duties import GrantView
from rtic_console.services.roster import PersonView
from rtic_console.store.change_bus import Change
from rtic_console.ui.admin.person_dialog import PasswordResetDialog, PersonDialog
from rtic_console.ui.admin.roster_model import SORT_ROLE, GrantsTableModel, RosterTableModel
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.live_rows import LiveRows
from rtic_console.ui.table_model import configure_table, select_where, selected_row
from rtic_console.ui.widgets import MessageLine, describe_error


class RosterFilterProxy(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self.show_inactive = True
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.setSortRole(SORT_ROLE)

    def filterAcceptsRow(self, row: int, parent) -> bool:  # type: ignore[no-untyped-def]
        model = self.sourceModel()
        assert isinstance(model, RosterTableModel)
        if not self.show_inactive and not model.row_at(row).active:
            return False
        return super().filterAcceptsRow(row, parent)


class RosterWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.model = RosterTableModel()
        self.proxy = RosterFilterProxy()
        self.proxy.setSourceModel(self.model)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by badge, name, role, division or status")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.inactive_box = QCheckBox("Show inactive")
        self.inactive_box.setChecked(True)
        self.inactive_box.toggled.connect(self._on_inactive_toggled)

        self.table = QTableView()
        self.table.setObjectName("rosterTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        configure_table(self.table)
        self.table.doubleClicked.connect(self._on_edit_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selected)

        self.add_button = QPushButton("Add person…")
        self.edit_button = QPushButton("Edit…")
        self.deactivate_button = QPushButton("Deactivate")
        self.reset_button = QPushButton("Reset password…")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.deactivate_button.clicked.connect(self._on_deactivate_clicked)
        self.reset_button.clicked.connect(self._on_reset_clicked)
        self.message = MessageLine()

        self.grants_model = GrantsTableModel()
        self.grants_table = QTableView()
        self.grants_table.setObjectName("grantsTable")
        self.grants_table.setModel(self.grants_model)
        configure_table(self.grants_table)
        self.grants_table.setMaximumHeight(150)
        self.grants_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.confirm_button = QPushButton("Confirm role")
        self.confirm_button.setToolTip(
            "Put a pending grant of an approving role in effect. A second ALPR administrator "
            "or a division commander confirms it, never the person who granted it.")
        self.confirm_button.clicked.connect(self._on_confirm_clicked)
        grants_box = QGroupBox("Roles of the selected person: who granted and who confirmed "
                               "each (separation of duties)")
        grants_layout = QVBoxLayout(grants_box)
        grants_layout.addWidget(self.grants_table)
        grants_bar = QHBoxLayout()
        grants_bar.addStretch(1)
        grants_bar.addWidget(self.confirm_button)
        grants_layout.addLayout(grants_bar)

        self.division_box = QComboBox()
        self.division_box.setEditable(True)
        self.division_box.setObjectName("divisionBox")
        self.division_box.setToolTip("The division, as people name it on the roster")
        self.commander_box = QComboBox()
        self.commander_box.setObjectName("commanderBox")
        self.commander_button = QPushButton("Set commander")
        self.commander_button.setToolTip(
            "Out-of-compliance searches found by a quarterly inspection are referred to the "
            "searcher's division commander (GO 525.08 D.2.b(2)(a)).")
        self.commander_button.clicked.connect(self._on_commander_clicked)
        commanders_box = QGroupBox("Division commanders: who receives an inspection's "
                                   "referrals")
        commanders_layout = QHBoxLayout(commanders_box)
        commanders_layout.addWidget(self.division_box, 1)
        commanders_layout.addWidget(self.commander_box, 1)
        commanders_layout.addWidget(self.commander_button)

        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.inactive_box)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.deactivate_button, self.reset_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(grants_box)
        layout.addWidget(commanders_box)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.live = LiveRows(session, self.model, kinds=(Change.ROSTER,),
                             list_rows=roster.list_people, rows_by_id=roster.people_by_id,
                             view=self.table, parent=self)
        self.live.failed.connect(lambda e: self.message.show_error(describe_error(e)))
        self.live.selected_changed.connect(lambda _key, _person: self._update_buttons())
        self.live.applied.connect(lambda _applied: self._fill_commander_choices(self.model.rows))
        self._update_buttons()
        self.refresh()

    def refresh(self) -> None:
        self.live.reload()

    def _fill_commander_choices(self, people: list[PersonView]) -> None:
        typed = self.division_box.currentText()
        chosen = self.commander_box.currentData()
        self.division_box.clear()
        self.division_box.addItems(sorted({p.division for p in people if p.division},
                                          key=str.casefold))
        self.division_box.setCurrentText(typed)
        self.commander_box.clear()
        self.commander_box.addItem("No commander", None)
        for p in people:
            if p.active and Role.DIVISION_COMMANDER in p.roles:
                self.commander_box.addItem(f"{p.badge} {p.name}", p.badge)
        self.commander_box.setCurrentIndex(max(0, self.commander_box.findData(chosen)))

    @Slot()
    def _on_table_selected(self) -> None:
        """The selected person's division, ready to have its commander set."""
        person = self.selected()
        if person is not None and person.division:
            self.division_box.setCurrentText(person.division)
            badge = person.division_commander.split(" ", 1)[0] or None
            self.commander_box.setCurrentIndex(max(0, self.commander_box.findData(badge)))

    @Slot()
    def _on_commander_clicked(self) -> None:
        division = self.division_box.currentText()
        self._session.perform(
            divisions.set_commander, division, self.commander_box.currentData(), owner=self,
            on_done=lambda v: self.message.show_ok(
                f"{v.name}: {('commander ' + v.commander) if v.commander_badge else 'no commander'}"
                f" ({v.members} active people)."),
            on_error=lambda e: self.message.show_error(describe_error(e)))

    def select_badge(self, badge: str) -> None:
        select_where(self.table, self.proxy, self.model, lambda r: r.badge == badge)

    def selected(self) -> PersonView | None:
        return selected_row(self.table, self.proxy, self.model)

    @Slot(bool)
    def _on_inactive_toggled(self, checked: bool) -> None:
        self.proxy.show_inactive = checked
        self.proxy.invalidate()

    def selected_grant(self) -> GrantView | None:
        rows = self.grants_table.selectionModel().selectedRows()
        return self.grants_model.row_at(rows[0].row()) if rows else None

    @Slot()
    def _update_buttons(self) -> None:
        person = self.selected()
        grants = person.grants if person else ()
        if tuple(self.grants_model.rows) != grants:
            chosen = self.selected_grant()
            self.grants_model.set_rows(grants)
            for row, grant in enumerate(grants):
                if chosen and (grant.badge, grant.role) == (chosen.badge, chosen.role):
                    self.grants_table.selectRow(row)
        grant = self.selected_grant()
        self.confirm_button.setEnabled(grant is not None and grant.pending)
        self.edit_button.setEnabled(person is not None)
        self.reset_button.setEnabled(person is not None)
        self.deactivate_button.setEnabled(person is not None and person.active)

    @Slot()
    def _on_add_clicked(self) -> None:
        PersonDialog(self._session, None, self).exec()

    @Slot()
    def _on_edit_clicked(self) -> None:
        person = self.selected()
        if person:
            PersonDialog(self._session, person, self).exec()

    @Slot()
    def _on_reset_clicked(self) -> None:
        person = self.selected()
        if person:
            PasswordResetDialog(self._session, person, self).exec()

    @Slot()
    def _on_deactivate_clicked(self) -> None:
        person = self.selected()
        if person is None:
            return
        answer = QMessageBox.question(
            self, "Deactivate",
            f"Deactivate {person.badge} {person.name}? They will no longer be able to sign in "
            "or act, even in a session already open.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._session.perform(
            roster.deactivate_person, person.badge,
            owner=self, on_done=lambda v: self.message.show_ok(f"Deactivated {v.badge} {v.name}."),
            on_error=lambda e: self.message.show_error(describe_error(e)))

    @Slot()
    def _on_confirm_clicked(self) -> None:
        grant = self.selected_grant()
        if grant is None or not grant.pending:
            return
        self._session.perform(
            duties.confirm_role, grant.badge, grant.role.value, owner=self,
            on_done=lambda g: self.message.show_ok(
                f"{ROLE_TITLES[g.role]} confirmed for {g.badge} {g.name}: in effect now."),
            on_error=lambda e: self.message.show_error(describe_error(e)))
