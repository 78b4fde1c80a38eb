package io.redactd.daemon.input.http;

/**
 * A request that cannot be accepted, with the HTTP status, a stable error name and a message that names the problem
 * by position (line, event number, byte offset), never by content.
 *
 * <p>On the HEC event endpoint a rejection that names its event ({@link #invalidEventNumber()}) may come after valid
 * events: Splunk indexes the events before the first invalid one, and senders (redactd's own {@code splunk_hec}
 * output among them) count those events as delivered. So they are handed on and acknowledged like a 200 before the
 * rejection is answered ({@link RequestEvents.Parsed#refusedAfter()}). A rejection without a number refuses the
 * request as a whole: nothing of it is handed on.
 *
 * @param hecCode the Splunk HEC code for the same problem, used on the HEC endpoints
 */
public final class RequestRejected extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final int hecCode;
    private final Integer invalidEventNumber;

    public RequestRejected(int status, String error, int hecCode, String message, Integer invalidEventNumber) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.hecCode = hecCode;
        this.invalidEventNumber = invalidEventNumber;
    }

    public RequestRejected(int status, String error, int hecCode, String message) {
        this(status, error, hecCode, message, null);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public int hecCode() {
        return hecCode;
    }

    /** 1-based number of the event at fault, or null when the request as a whole is refused. */
    public Integer invalidEventNumber() {
        return invalidEventNumber;
    }
}
