"""The outside world: video capture, ALPR feeds, hot list files and the simulators."""
