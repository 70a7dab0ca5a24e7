package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A command-line mistake: one line naming it, a line of suggestions if there are any, and where the usage is. picocli's
 * default prints the whole usage (over 100 lines for `run`), which scrolls the mistake itself off the screen.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    private static final int MAX_SUGGESTIONS = 3;
    /** Further than this many edits a name is not a typo of it. */
    private static final int MAX_TYPO_DISTANCE = 2;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        PrintWriter err = command.getErr();
        ParameterException reported = unknownCommandFirst(ex);
        err.println("evalctl: " + ControlChars.escape(message(reported)));
        List<String> suggestions = suggestions(reported);
        if (!suggestions.isEmpty()) {
            err.println("Did you mean: " + ControlChars.escape(String.join(" or ", suggestions)) + "?");
        }
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCode.USAGE;
    }

    /**
     * `evalctl rnu --prompts x` is a mistyped command, not an unknown option of evalctl: a first word
     * that names no command is what gets reported, before anything after it.
     */
    static ParameterException unknownCommandFirst(ParameterException ex) {
        CommandLine command = ex.getCommandLine();
        CommandLine.ParseResult parsed = command.getParseResult();
        if (parsed != null && !command.getSubcommands().isEmpty() && !parsed.unmatched().isEmpty()) {
            String first = parsed.unmatched().get(0);
            if (!new UnmatchedArgumentException(command, List.of(first)).isUnknownOption()) {
                return new UnmatchedArgumentException(command, List.of(first));
            }
        }
        return unknownOptionFirst(ex);
    }

    /** picocli says "Unmatched argument at index 0: 'rnu'" of a command that has subcommands: it is an unknown command. */
    private static String message(ParameterException ex) {
        if (ex instanceof UnmatchedArgumentException u && !u.isUnknownOption() && !u.getCommandLine().getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty()) {
            return "unknown command '" + u.getUnmatched().get(0) + "'";
        }
        return ex.getMessage();
    }

    /**
     * picocli checks required options before it complains about arguments it could not match, so `run --prompt x.jsonl`
     * would report the missing --prompts; the typo is the cause, so it is what gets named. Unmatched values (x.jsonl)
     * are left out: they are most likely the unknown option's.
     */
    static ParameterException unknownOptionFirst(ParameterException ex) {
        CommandLine command = ex.getCommandLine();
        CommandLine.ParseResult parsed = command.getParseResult();
        if (parsed == null) {
            return ex;
        }
        List<String> unknown = parsed.unmatched().stream()
                .filter(arg -> new UnmatchedArgumentException(command, List.of(arg)).isUnknownOption())
                .toList();
        return unknown.isEmpty() ? ex : new UnmatchedArgumentException(command, unknown);
    }

    /**
     * The known names nearest to what was typed (a swapped or missing letter), or else picocli's own: options sharing
     * the first two letters, subcommands sharing letter pairs. Nearest first, because picocli's pairs also offer
     * `approve` for `wroker`, and find nothing at all for `rn`.
     */
    static List<String> suggestions(ParameterException ex) {
        if (!(ex instanceof UnmatchedArgumentException unmatched) || unmatched.getUnmatched().isEmpty()) {
            return List.of();
        }
        CommandLine command = ex.getCommandLine();
        List<String> names = unmatched.isUnknownOption() ? optionNames(command) : subcommandNames(command);
        List<String> found = nearest(unmatched.getUnmatched().get(0), names);
        if (found.isEmpty()) {
            found = unmatched.getSuggestions();
        }
        return found.stream().limit(MAX_SUGGESTIONS).toList();
    }

    private static List<String> optionNames(CommandLine command) {
        return command.getCommandSpec().options().stream().filter(o -> !o.hidden()).flatMap(o -> Stream.of(o.names())).toList();
    }

    private static List<String> subcommandNames(CommandLine command) {
        return command.getSubcommands().entrySet().stream()
                .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden()).map(Map.Entry::getKey).toList();
    }

    /** The names fewest edits away, ignoring case; none when every name needs as many edits as the typed word has letters. */
    static List<String> nearest(String typed, List<String> names) {
        int letters = typed.replaceFirst("^-+", "").length();
        int best = Math.min(MAX_TYPO_DISTANCE, letters - 1);
        List<String> nearest = new ArrayList<>();
        for (String name : names) {
            int d = distance(typed.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
            if (d < best) {
                best = d;
                nearest.clear();
            }
            if (d == best) {
                nearest.add(name);
            }
        }
        return nearest;
    }

    /** Edits (insert, delete, replace, swap two neighbours) from a to b: a swap is one of the commonest typos. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
