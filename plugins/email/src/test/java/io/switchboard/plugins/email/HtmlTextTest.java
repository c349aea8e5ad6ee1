package io.switchboard.plugins.email;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTextTest {

  @Test
  void stripsTagsKeepsParagraphsAndDecodesEntities() {
    assertThat(HtmlText.toText("<!DOCTYPE html><!-- c --><script>x()</script><p>A&nbsp;&amp;&#x42;&#67;</p>\n\n<p>  two\n words </p>"))
        .isEqualTo("A &BC\n\ntwo words");
    assertThat(HtmlText.toText("line<br/>next<br><br>after")).isEqualTo("line\nnext\n\nafter");
    assertThat(HtmlText.toText("<pre>a\n  b</pre>")).isEqualTo("a\n  b");
    assertThat(HtmlText.toText("&unknown; &lt;b&gt;")).isEqualTo("&unknown; <b>");
    assertThat(HtmlText.toText("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>")).isEqualTo("a b\nc");
  }

  @Test
  void blockquotesBecomeQuotedLines() {
    assertThat(HtmlText.toText("Hi<blockquote>old<br>older<blockquote>oldest</blockquote></blockquote>"))
        .isEqualTo("Hi\n>\n> old\n> older\n> >\n> > oldest");
  }
}
