package io.redactd.detectors;

/**
 * Which multi-pattern engine to run. AUTO picks the portable engine, measured faster than Hyperscan on the built-in
 * catalog (benchmarks/RESULTS.md); HYPERSCAN forces the native engine (x86-64 Linux only).
 */
public enum EngineChoice { AUTO, HYPERSCAN, PORTABLE }
