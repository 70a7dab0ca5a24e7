package io.evalpipe.scheduler;

/**
 * A suite file, cron expression or approval that cannot be used, said in one line that names what is
 * wrong. The scheduler's own: the command line turns it into exit 2 (CommandErrors).
 */
public class ScheduleInputException extends RuntimeException {
    public ScheduleInputException(String message) {
        super(message);
    }

    public ScheduleInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
