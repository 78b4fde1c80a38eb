package io.redactd.daemon.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why a file could not be read, in words ({@code is a directory}, {@code permission denied}) rather than an exception's
 * class name. Never the exception's message as such: for the NIO exceptions that is the path, which the caller prints
 * once already; the reason is the operating system's (errno) text.
 */
final class IoReason {
    private IoReason() {
    }

    static String of(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemLoopException) {
            return "symbolic link loop";
        }
        String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (reason == null || reason.isBlank()) {
            return e.getClass().getSimpleName();
        }
        // "Is a directory" -> "is a directory", to read as the rest of the sentence.
        return Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
    }
}
