package io.redactd.detectors;

/** Which multi-pattern engine to run. AUTO picks Hyperscan where its native library loads, else the portable engine. */
public enum EngineChoice { AUTO, HYPERSCAN, PORTABLE }
