"""Kinds and categories of ALPR readers and PSCN cameras (F.1)."""

from __future__ import annotations

from enum import StrEnum


class DeviceKind(StrEnum):
    ALPR_FIXED = "alpr_fixed"
    ALPR_MOBILE = "alpr_mobile"
    CAMERA = "camera"


class DeviceCategory(StrEnum):
    AGENCY = "agency"
    CITY = "city"
    CITY_TRAFFIC = "city_traffic"
    PRIVATE_DONOR = "private_donor"


CATEGORY_TITLES: dict[DeviceCategory, str] = {
    DeviceCategory.AGENCY: "Agency",
    DeviceCategory.CITY: "City",
    DeviceCategory.CITY_TRAFFIC: "City traffic",
    DeviceCategory.PRIVATE_DONOR: "Private donor",
}

KIND_TITLES: dict[DeviceKind, str] = {
    DeviceKind.ALPR_FIXED: "Fixed ALPR reader",
    DeviceKind.ALPR_MOBILE: "Mobile ALPR reader",
    DeviceKind.CAMERA: "PSCN camera",
}
