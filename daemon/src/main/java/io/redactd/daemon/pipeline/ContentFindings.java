package io.redactd.daemon.pipeline;

import io.redactd.detectors.Finding;
import io.redactd.detectors.LineResult;

import java.util.ArrayList;
import java.util.List;

/**
 * An event's message result with the findings of its {@link ContentValue} fields added: one view for the event's
 * {@code redactd.findings}, its drop action and its leak alert. The output is the message's; the field findings'
 * offsets are within their field values.
 */
final class ContentFindings implements LineResult {
    private final List<Finding> fields = new ArrayList<>(4);
    private boolean fieldsDropped;
    private LineResult message;

    void add(ContentValue.Redaction r) {
        fields.addAll(r.findings());
        fieldsDropped |= r.dropped();
    }

    /** This view over {@code message} (valid as long as {@code message} is). */
    LineResult with(LineResult message) {
        this.message = message;
        return this;
    }

    @Override
    public boolean clean() {
        return message.clean();
    }

    @Override
    public boolean dropped() {
        return fieldsDropped || message.dropped();
    }

    @Override
    public byte[] output() {
        return message.output();
    }

    @Override
    public int outputOffset() {
        return message.outputOffset();
    }

    @Override
    public int outputLength() {
        return message.outputLength();
    }

    @Override
    public int findingCount() {
        return message.findingCount() + fields.size();
    }

    @Override
    public Finding finding(int i) {
        int m = message.findingCount();
        return i < m ? message.finding(i) : fields.get(i - m);
    }
}
