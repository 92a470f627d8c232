"""The PSCN video wall: tiles, layouts, the camera list, and the large view."""
