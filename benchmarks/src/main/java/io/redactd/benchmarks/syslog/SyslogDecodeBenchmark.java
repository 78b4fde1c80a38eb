package io.redactd.benchmarks.syslog;

import io.redactd.daemon.input.syslog.SyslogEvents;
import io.redactd.daemon.input.syslog.SyslogFrameDecoder;
import io.redactd.daemon.input.syslog.SyslogMessage;
import io.redactd.daemon.input.syslog.SyslogParser;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * CPU cost of the syslog input's own work per 64 KiB of octet-counted RFC 5424 (about 280 messages): framing,
 * parsing and building the events, without TLS or the network. MB/s = 0.0655 * ops/s.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar SyslogDecodeBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class SyslogDecodeBenchmark {
    private byte[] block;
    private SyslogParser parser;

    @Setup
    public void setUp() {
        block = SyslogLoadGenerator.block(new int[1]);
        parser = new SyslogParser(Clock.systemUTC());
    }

    @Benchmark
    public void decodeParseBuild(Blackhole sink) {
        SyslogFrameDecoder decoder = new SyslogFrameDecoder(64 * 1024);
        SyslogFrameDecoder.Listener listener = new SyslogFrameDecoder.Listener() {
            private long position;

            @Override
            public void frame(byte[] buffer, int offset, int length) {
                SyslogMessage m = parser.parse(buffer, offset, length);
                sink.consume(SyslogEvents.toEvent(m, 0L, "bench", "127.0.0.1", ++position));
            }

            @Override
            public void cutFrame(byte[] buffer, int offset, int length, byte[] after) {
                throw new IllegalStateException("cut frame"); // the corpus's counts are right
            }

            @Override
            public void malformed(SyslogFrameDecoder.Malformation kind, long streamOffset) {
                throw new IllegalStateException(kind.name());
            }
        };
        decoder.feed(block, 0, block.length, listener);
        decoder.settle(listener); // the last frame of a read is handed on at the end of the event-loop turn
    }
}
