"""The flows: how tickets, calls, surveys and reviews unfold.

Each flow draws from its own random stream and pushes its records into the sinks. The output is byte-identical for
the same arguments, and every published demo KPI depends on it, only as long as the draws of a stream and the pushes
into a sink keep their order: moving code between flows must not reorder either.
"""
