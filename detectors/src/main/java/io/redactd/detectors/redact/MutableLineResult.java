package io.redactd.detectors.redact;

import io.redactd.detectors.Finding;
import io.redactd.detectors.LineResult;

import java.util.Arrays;

/** The one {@link LineResult} a redactor owns and refills for every line. */
final class MutableLineResult implements LineResult {
    private static final byte[] NOTHING = new byte[0];

    private boolean clean;
    private boolean dropped;
    private byte[] output;
    private int outputOffset;
    private int outputLength;
    private Finding[] findings = new Finding[8];
    private int findingCount;

    void setClean(byte[] input, int off, int len) {
        clean = true;
        dropped = false;
        output = input;
        outputOffset = off;
        outputLength = len;
        findingCount = 0;
    }

    void startFindings() {
        findingCount = 0;
    }

    void addFinding(Finding f) {
        if (findingCount == findings.length) {
            findings = Arrays.copyOf(findings, findingCount * 2);
        }
        findings[findingCount++] = f;
    }

    void setRedacted(byte[] out, int len, boolean drop) {
        clean = false;
        dropped = drop;
        output = drop ? NOTHING : out;
        outputOffset = 0;
        outputLength = drop ? 0 : len;
    }

    @Override
    public boolean clean() {
        return clean;
    }

    @Override
    public boolean dropped() {
        return dropped;
    }

    @Override
    public byte[] output() {
        return output;
    }

    @Override
    public int outputOffset() {
        return outputOffset;
    }

    @Override
    public int outputLength() {
        return outputLength;
    }

    @Override
    public int findingCount() {
        return findingCount;
    }

    @Override
    public Finding finding(int i) {
        if (i < 0 || i >= findingCount) {
            throw new IndexOutOfBoundsException("finding " + i + " of " + findingCount);
        }
        return findings[i];
    }
}
