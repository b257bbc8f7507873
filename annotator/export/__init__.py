"""Corpus exports in the formats researchers use: JSON Lines (native), CSV, W3C Web
Annotation, brat standoff, Label Studio and doccano, each per reviewer or aggregated
(one label per claim by the consensus rule). See `streaming.export_stream`."""
