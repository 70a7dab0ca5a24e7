package io.evalpipe.contracts.assertions;

/**
 * An assertion that cannot be checked: an unknown operator, a malformed pointer or regex, a value
 * of the wrong type. The message is the reason alone; the reader that found it adds where.
 */
public class InvalidAssertionException extends Exception {
    public InvalidAssertionException(String reason) {
        super(reason);
    }
}
