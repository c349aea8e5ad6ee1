package io.switchboard.plugins.ailocal;

import io.switchboard.api.PluginContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Files a step's configuration names: relative paths resolve against the plugin setting
 * {@value #CONFIG_DIR_SETTING} (the hub sets it to its config directory), else the working directory.
 */
final class ConfigFiles {

  /** Plugin setting: the directory relative paths in step configurations resolve against. */
  static final String CONFIG_DIR_SETTING = "config-dir";

  private ConfigFiles() {}

  /** The directory relative paths resolve against. */
  static Path base(PluginContext context) {
    String dir = context.configuration().get(CONFIG_DIR_SETTING);
    return dir == null || dir.isBlank() ? Path.of("").toAbsolutePath() : Path.of(dir).toAbsolutePath();
  }

  /** What a message about a missing relative file adds. */
  static String relativeHint() {
    return " (relative paths resolve against the plugin setting " + CONFIG_DIR_SETTING + ", else the working directory)";
  }

  /**
   * The regular file a path names (no glob).
   *
   * @throws IllegalArgumentException naming {@code field} when there is no such file
   */
  static Path file(PluginContext context, String path, String field) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException(field + ": must not be blank");
    }
    try {
      Path p = Path.of(path);
      Path file = p.isAbsolute() ? p : base(context).resolve(p);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(field + ": no such file: " + file + (p.isAbsolute() ? "" : relativeHint()));
      }
      return file;
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(field + ": not a path: " + path, e);
    }
  }

  /**
   * The regular files a path or glob names ({@code kb/demo/*.md}, {@code kb/**}), sorted; the glob
   * syntax is {@link java.nio.file.FileSystem#getPathMatcher}'s, matched against the path relative
   * to the base directory.
   *
   * @throws IllegalArgumentException naming {@code field} when nothing matches
   */
  static List<Path> glob(PluginContext context, String pattern, String field) {
    if (pattern == null || pattern.isBlank()) {
      throw new IllegalArgumentException(field + ": must not be blank");
    }
    String p = pattern.strip().replace('\\', '/');
    try {
      boolean absolute = Path.of(p).isAbsolute();
      Path base = absolute ? Path.of(p).getRoot() : base(context);
      String relative = absolute ? base.relativize(Path.of(p)).toString().replace('\\', '/') : p;
      String[] parts = relative.split("/");
      int literal = 0;
      while (literal < parts.length && !hasGlob(parts[literal])) {
        literal++;
      }
      if (literal == parts.length) {
        return List.of(file(context, pattern.strip(), field));
      }
      Path start = base.resolve(String.join("/", java.util.Arrays.copyOfRange(parts, 0, literal)));
      int depth = relative.contains("**") ? Integer.MAX_VALUE : parts.length - literal;
      PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + relative);
      List<Path> out = new ArrayList<>();
      if (Files.isDirectory(start)) {
        try (Stream<Path> walk = Files.walk(start, depth)) {
          walk.filter(Files::isRegularFile)
              .filter(f -> matcher.matches(Path.of(base.relativize(f).toString().replace('\\', '/'))))
              .sorted()
              .forEach(out::add);
        }
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException(field + ": no file matches " + base.resolve(relative)
            + (absolute ? "" : relativeHint()));
      }
      return out;
    } catch (InvalidPathException | java.util.regex.PatternSyntaxException e) {
      throw new IllegalArgumentException(field + ": not a path or glob: " + pattern, e);
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException(field + ": cannot list " + pattern + ": " + e.getMessage(), e);
    }
  }

  private static boolean hasGlob(String part) {
    return part.indexOf('*') >= 0 || part.indexOf('?') >= 0 || part.indexOf('[') >= 0 || part.indexOf('{') >= 0;
  }
}
