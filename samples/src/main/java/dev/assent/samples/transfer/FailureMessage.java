package dev.assent.samples.transfer;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The one sentence a failed run prints instead of a stack trace. Assent and its adapters already
 * word their failures as one sentence (what is wrong, what to do), often wrapped by a library that
 * adds nothing but its class name; the JDK's file-system exceptions carry only a path and an
 * operating-system reason, and are worded here.
 */
final class FailureMessage {
    private FailureMessage() {}

    /** The most meaningful message in {@code failure}'s cause chain, as one line. */
    static String of(Throwable failure) {
        return oneLine(sentence(failure));
    }

    private static String sentence(Throwable failure) {
        Throwable cause = failure.getCause();
        if (failure instanceof FileSystemException fileSystem) {
            return fileSystem(fileSystem);
        }
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return cause != null ? sentence(cause) : unworded(failure);
        }
        if (cause == null) {
            return message;
        }
        String wrapped = cause.toString();
        if (message.equals(wrapped)) {
            return sentence(cause); // new SomeException(cause): nothing said beyond the cause
        }
        if (message.endsWith(wrapped)) {
            // "what failed: " + cause, which would print the cause's class name
            return message.substring(0, message.length() - wrapped.length()) + sentence(cause);
        }
        FileSystemException fileSystemCause = fileSystemCause(cause);
        if (fileSystemCause != null) {
            String detail = fileSystem(fileSystemCause);
            return message.contains(detail) ? message : message + " (" + detail + ")";
        }
        return message;
    }

    private static FileSystemException fileSystemCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FileSystemException fileSystem) {
                return fileSystem;
            }
        }
        return null;
    }

    private static String fileSystem(FileSystemException failure) {
        String file = failure.getFile();
        if (failure instanceof AccessDeniedException) {
            return "permission denied on " + file;
        }
        if (failure instanceof NoSuchFileException) {
            return file + " does not exist";
        }
        if (failure instanceof NotDirectoryException) {
            return file + " is not a directory";
        }
        if (failure instanceof FileAlreadyExistsException) {
            return file + " already exists";
        }
        String reason = failure.getReason();
        return file + (reason == null ? ": " + failure.getClass().getSimpleName() : ": " + reason);
    }

    /** No message anywhere: the class name is then all there is to go on. */
    private static String unworded(Throwable failure) {
        return failure.getClass().getName() + " (run with --verbose for the stack trace)";
    }

    private static String oneLine(String sentence) {
        return sentence.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
