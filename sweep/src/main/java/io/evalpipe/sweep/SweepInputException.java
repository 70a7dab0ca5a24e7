package io.evalpipe.sweep;

/**
 * A {@code --vary} that cannot be swept, said in one line that names what is wrong, before anything
 * starts. The sweep's own: the command line turns it into exit 2 (CommandErrors).
 */
public class SweepInputException extends RuntimeException {
    public SweepInputException(String message) {
        super(message);
    }
}
