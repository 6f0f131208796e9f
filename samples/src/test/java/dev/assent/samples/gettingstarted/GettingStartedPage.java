package dev.assent.samples.gettingstarted;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What docs/getting-started.md tells a reader to create, run and expect, read the way the reader
 * reads it: a fenced block right after a line ending in a path in backticks and a colon ("create
 * `pom.xml`:") is that file; the first block after the last file is the command that runs the
 * project, and the block after the command is what it prints.
 */
record GettingStartedPage(Map<String, String> files, List<String> runCommand, List<String> expectedOutput) {
    private static final Pattern FILE_LABEL = Pattern.compile("`([\\w./-]+)`:\\s*$");

    static GettingStartedPage read(Path page) throws IOException {
        List<Block> blocks = blocks(Files.readAllLines(page));
        Map<String, String> files = new LinkedHashMap<>();
        int lastFile = -1;
        for (int i = 0; i < blocks.size(); i++) {
            Matcher label = FILE_LABEL.matcher(blocks.get(i).lineBefore());
            if (label.find()) {
                files.put(label.group(1), blocks.get(i).text());
                lastFile = i;
            }
        }
        if (files.isEmpty() || lastFile + 2 >= blocks.size()) {
            throw new IllegalStateException(page + " no longer reads as files, then the command that runs them, then"
                    + " its output; keep that order (a file's block follows a line ending in `path`:)");
        }
        List<String> command = List.of(blocks.get(lastFile + 1).text().strip().split("\\s+"));
        List<String> output = blocks.get(lastFile + 2).text().lines().toList();
        return new GettingStartedPage(files, command, output);
    }

    private static List<Block> blocks(List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        String lineBefore = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                StringBuilder text = new StringBuilder();
                for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                    text.append(lines.get(i)).append('\n');
                }
                blocks.add(new Block(lineBefore, text.toString()));
                lineBefore = "";
            } else if (!line.isBlank()) {
                lineBefore = line;
            }
        }
        return blocks;
    }

    private record Block(String lineBefore, String text) {}
}
