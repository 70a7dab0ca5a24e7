package io.evalpipe.contracts;

import java.util.regex.Pattern;

/**
 * Run ids and prompt ids become file and folder names in reports, so they are restricted to a
 * character set that cannot climb out of the reports folder or surprise a shell.
 */
public final class Ids {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private Ids() {}

    public static boolean isSafe(String id) {
        return id != null && SAFE.matcher(id).matches() && !id.equals(".") && !id.equals("..");
    }

    /** @throws IllegalArgumentException naming what is wrong, for ids that arrive from outside */
    public static String requireSafe(String id, String what) {
        if (!isSafe(id)) {
            throw new IllegalArgumentException(what + " '" + id + "' must be 1-128 characters of [A-Za-z0-9._-]");
        }
        return id;
    }
}
