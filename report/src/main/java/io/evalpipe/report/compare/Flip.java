package io.evalpipe.report.compare;

/** A prompt present in both runs whose verdict changed between pass and not pass. */
public record Flip(String promptId, ReportFolder.Row baseline, ReportFolder.Row candidate) {}
