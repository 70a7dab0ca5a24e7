package io.evalpipe.contracts;

/** A message on the wire that cannot be decoded into the record it should be. */
public class MessageFormatException extends RuntimeException {
    public MessageFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    public MessageFormatException(String message) {
        super(message);
    }
}
