"""The rules of General Order 525.08 and the console's algorithms: pure Python, no Qt, no SQL."""
