package io.switchboard.plugins.email;

import java.util.regex.Pattern;

/**
 * Splits a reply into what the sender wrote and the quoted history under it: from the first
 * attribution line ("On Tue, 3 Jun 2025 at 10:00, Ann &lt;ann@example.com&gt; wrote:", possibly
 * wrapped over two lines), Outlook's "-----Original Message-----" / "From: ... Sent: ..." block, or
 * the first line starting with "&gt;". When the message starts with a quote (inline replies), the
 * lines starting with "&gt;" are the quote and the rest is the reply.
 *
 * @param text what the sender wrote, stripped
 * @param quoted the quoted history, stripped; empty when there is none
 */
record QuotedReply(String text, String quoted) {

  private static final Pattern ATTRIBUTION = Pattern.compile("^\\s*On\\s.{1,300}\\swrote:\\s*$", Pattern.DOTALL);
  private static final Pattern OUTLOOK = Pattern.compile("^\\s*-{2,}\\s*Original Message\\s*-{2,}\\s*$",
      Pattern.CASE_INSENSITIVE);

  static QuotedReply split(String body) {
    String[] lines = body.replace("\r\n", "\n").split("\n", -1);
    int cut = -1;
    for (int i = 0; i < lines.length && cut < 0; i++) {
      String line = lines[i];
      if (line.stripLeading().startsWith(">") || OUTLOOK.matcher(line).matches() || ATTRIBUTION.matcher(line).matches()) {
        cut = i;
      } else if (i + 1 < lines.length && line.stripLeading().startsWith("On ")
          && ATTRIBUTION.matcher(line + " " + lines[i + 1]).matches()) {
        cut = i; // the attribution wrapped onto a second line
      }
    }
    if (cut < 0) {
      return new QuotedReply(body.strip(), "");
    }
    String before = join(lines, 0, cut).strip();
    if (!before.isEmpty()) {
      return new QuotedReply(before, join(lines, cut, lines.length).strip());
    }
    // Inline reply under a leading quote: the unquoted lines are the reply.
    StringBuilder text = new StringBuilder();
    StringBuilder quoted = new StringBuilder();
    for (String line : lines) {
      (line.stripLeading().startsWith(">") ? quoted : text).append(line).append('\n');
    }
    return new QuotedReply(text.toString().strip(), quoted.toString().strip());
  }

  private static String join(String[] lines, int from, int to) {
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, to));
  }
}
