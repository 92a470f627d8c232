"""Printed reports, drawn with Qt's PDF writer from what the services gather."""
