"""Data-quality library: Great Expectations suites as files, the raw-batch audit and the gate's monitor frames."""
