package io.redactd.outputs.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One request and its whole answer, bounded by a deadline. The client's idle timeout alone does not bound an exchange:
 * a server that sends the headers and part of the body and then stalls kept an output waiting forever (bb7 D6). Here a
 * timer covers connecting, sending and reading the body to its end; when it fires the request is reset, which closes
 * the connection, so the stalled socket is not reused.
 */
public final class HttpExchange {
    /** A complete answer: status and the whole body. */
    public record Reply(int status, byte[] body) {
    }

    private HttpExchange() {
    }

    public static Future<Reply> send(Vertx vertx, HttpClientAgent client, RequestOptions options, Buffer body,
                                     long deadlineMs) {
        Promise<Reply> promise = Promise.promise();
        AtomicReference<HttpClientRequest> request = new AtomicReference<>();
        long timer = vertx.setTimer(deadlineMs, t -> {
            if (promise.tryFail(new ExchangeException("no complete answer within " + deadlineMs + " ms"))) {
                HttpClientRequest sent = request.get();
                if (sent != null) {
                    sent.reset();
                }
            }
        });
        client.request(options)
                .compose(r -> {
                    request.set(r);
                    if (promise.future().isComplete()) {
                        r.reset(); // the deadline passed while connecting: do not send a request already given up
                        return Future.failedFuture(new ExchangeException("abandoned after the deadline"));
                    }
                    return r.send(body);
                })
                .compose(response -> response.body().map(b -> new Reply(response.statusCode(), b.getBytes())))
                .onComplete(result -> {
                    vertx.cancelTimer(timer);
                    if (result.succeeded()) {
                        promise.tryComplete(result.result());
                    } else {
                        promise.tryFail(result.cause());
                    }
                });
        return promise.future();
    }
}
