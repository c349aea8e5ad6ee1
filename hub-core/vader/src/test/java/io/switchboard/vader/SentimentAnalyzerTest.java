package io.switchboard.vader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.switchboard.vader.SentimentAnalyzer.Sentiment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SentimentAnalyzerTest {

  private static final SentimentAnalyzer VADER = SentimentAnalyzer.load();

  private static double compound(String text) {
    return VADER.analyze(text).compound();
  }

  /**
   * The examples of the vaderSentiment README ("Output for the above example code"), with the
   * scores it publishes: compound to four decimals, pos/neu/neg to three.
   */
  static Stream<Arguments> readmeExamples() {
    return Stream.of(
        Arguments.of("VADER is smart, handsome, and funny.", 0.8316, 0.746, 0.254, 0.0),
        Arguments.of("VADER is smart, handsome, and funny!", 0.8439, 0.752, 0.248, 0.0),
        Arguments.of("VADER is very smart, handsome, and funny.", 0.8545, 0.701, 0.299, 0.0),
        Arguments.of("VADER is VERY SMART, handsome, and FUNNY.", 0.9227, 0.754, 0.246, 0.0),
        Arguments.of("VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342, 0.767, 0.233, 0.0),
        Arguments.of(
            "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", 0.9469, 0.706, 0.294, 0.0),
        Arguments.of("VADER is not smart, handsome, nor funny.", -0.7424, 0.0, 0.354, 0.646),
        Arguments.of("The book was good.", 0.4404, 0.492, 0.508, 0.0),
        Arguments.of("The book was only kind of good.", 0.3832, 0.303, 0.697, 0.0),
        Arguments.of(
            "The plot was good, but the characters are uncompelling and the dialog is not great.",
            -0.7042,
            0.094,
            0.579,
            0.327),
        Arguments.of("Today SUX!", -0.5461, 0.0, 0.221, 0.779),
        Arguments.of("Today only kinda sux! But I'll get by, lol", 0.5249, 0.317, 0.556, 0.127),
        Arguments.of("Make sure you :) or :D today!", 0.8633, 0.706, 0.294, 0.0),
        Arguments.of("Not bad at all", 0.431, 0.487, 0.513, 0.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("readmeExamples")
  void reproducesTheReadmeScores(
      String text, double compound, double positive, double neutral, double negative) {
    Sentiment s = VADER.analyze(text);

    assertThat(s.compound()).isCloseTo(compound, within(1e-4));
    assertThat(s.positive()).isCloseTo(positive, within(1e-3));
    assertThat(s.neutral()).isCloseTo(neutral, within(1e-3));
    assertThat(s.negative()).isCloseTo(negative, within(1e-3));
  }

  @Test
  void readmeExamplesWhosePublishedProportionsPredateTheCurrentLexicon() {
    // The README publishes 0.431 / pos 0.363 / neu 0.637, computed by an older release; the
    // compound still matches, the proportions are those vaderSentiment 3.3.x gives today.
    Sentiment atLeast = VADER.analyze("At least it isn't a horrible book.");
    assertThat(atLeast.compound()).isCloseTo(0.431, within(1e-4));
    assertThat(atLeast.positive()).isEqualTo(0.322);
    assertThat(atLeast.neutral()).isEqualTo(0.678);

    // The README's 0.7003 (pos 0.279) for its emoji example predates the lexicon entries
    // "heart" (3.2) and "hearts" (3.3): without them this port, like the reference, gives 0.7003.
    // With the 3.3.x lexicon the reference scores the README's own sentence 0.875.
    Sentiment emoji = VADER.analyze("Catch utf-8 emoji such as such as 💘 and 💋 and 😁");
    assertThat(emoji.compound()).isCloseTo(0.875, within(1e-4));
    assertThat(emoji.positive()).isEqualTo(0.385);
    assertThat(emoji.neutral()).isEqualTo(0.615);
    assertThat(emoji.negative()).isEqualTo(0.0);
  }

  @Nested
  class Negation {

    @Test
    void notFlipsPositiveToNegative() {
      Sentiment good = VADER.analyze("The service is good");
      Sentiment notGood = VADER.analyze("The service is not good");

      assertThat(good.label()).isEqualTo("positive");
      assertThat(notGood.compound()).isCloseTo(-0.3412, within(1e-4));
      assertThat(notGood.label()).isEqualTo("negative");
    }

    @Test
    void notBadIsMildlyPositive() {
      Sentiment notBad = VADER.analyze("not bad");

      assertThat(compound("bad")).isCloseTo(-0.5423, within(1e-4));
      assertThat(notBad.compound()).isCloseTo(0.431, within(1e-4));
      assertThat(notBad.label()).isEqualTo("positive");
    }

    @Test
    void contractionsAndNoNegate() {
      assertThat(compound("It's not great")).isNegative();
      assertThat(compound("I did not like it at all")).isNegative();
      assertThat(compound("no good")).isCloseTo(-0.3412, within(1e-4));
    }

    @Test
    void neverSoAndNeverThisIntensifyInsteadOfNegating() {
      assertThat(compound("It was never this good")).isGreaterThan(compound("It was good"));
    }

    @Test
    void withoutNegatesButWithoutDoubtDoesNot() {
      assertThat(compound("without the best")).isNegative();
      assertThat(compound("without doubt the best")).isCloseTo(0.7438, within(1e-4));
    }

    @Test
    void leastNegatesButAtLeastDoesNot() {
      assertThat(compound("the least good")).isCloseTo(-0.3412, within(1e-4));
      assertThat(compound("at least good")).isEqualTo(compound("good"));
    }
  }

  @Nested
  class DegreeModifiers {

    @Test
    void boostersIncreaseMagnitude() {
      double good = compound("The book was good");

      assertThat(compound("The book was very good")).isGreaterThan(good);
      assertThat(compound("extremely good")).isGreaterThan(compound("good"));
      assertThat(compound("really bad")).isLessThan(compound("bad"));
    }

    @Test
    void dampenersDecreaseMagnitude() {
      double good = compound("The book was good");

      assertThat(compound("The book was slightly good")).isLessThan(good).isPositive();
      assertThat(compound("The book was barely good")).isLessThan(good).isPositive();
      assertThat(compound("The book was kind of good")).isCloseTo(0.3832, within(1e-4));
      assertThat(compound("The book was sort of good")).isCloseTo(0.3832, within(1e-4));
    }

    @Test
    void allCapsEmphasisesWhenTheTextMixesCase() {
      assertThat(compound("The book is GOOD")).isGreaterThan(compound("The book is good"));
      assertThat(compound("The book was VERY good")).isGreaterThan(compound("The book was very good"));
      // all words in capitals: nothing stands out, so no emphasis
      assertThat(compound("THE BOOK IS GOOD")).isEqualTo(compound("The book is good"));
    }
  }

  @Nested
  class Contrast {

    @Test
    void butShiftsWeightToTheSecondClause() {
      Sentiment but = VADER.analyze("The food was great but the service was terrible");
      Sentiment and = VADER.analyze("The food was great and the service was terrible");

      assertThat(and.compound()).isCloseTo(0.25, within(1e-4));
      assertThat(but.compound()).isCloseTo(-0.3818, within(1e-4));
      assertThat(but.label()).isEqualTo("negative");
    }
  }

  @Nested
  class Punctuation {

    @Test
    void exclamationMarksAmplifyUpToFour() {
      assertThat(compound("good!")).isGreaterThan(compound("good"));
      assertThat(compound("good!!!")).isGreaterThan(compound("good!"));
      assertThat(compound("good!!!!!!")).isEqualTo(compound("good!!!!"));
      assertThat(compound("bad!!")).isLessThan(compound("bad"));
    }

    @Test
    void questionMarksAmplifyFromTwo() {
      assertThat(compound("good?")).isEqualTo(compound("good"));
      assertThat(compound("good??")).isGreaterThan(compound("good"));
    }
  }

  @Nested
  class EmojiAndEmoticons {

    @Test
    void emojiAreScoredThroughTheirDescriptions() {
      // "beaming face with smiling eyes", "disappointed face", "smiling face with heart-eyes"
      assertThat(VADER.analyze("😁").label()).isEqualTo("positive");
      assertThat(VADER.analyze("😞").label()).isEqualTo("negative");
      assertThat(compound("I love it 😍")).isGreaterThan(compound("I love it"));
    }

    @Test
    void emojiGluedToAWordAreSeparated() {
      assertThat(VADER.analyze("great😀")).isEqualTo(VADER.analyze("great 😀"));
    }

    @Test
    void emojiSequencesDoNotBreakScoring() {
      Sentiment s = VADER.analyze("thanks 👍🏽 👨‍👩‍👧 🏴󠁧󠁢󠁥󠁮󠁧󠁿 #️⃣");

      assertThat(s.label()).isEqualTo("positive");
      assertThat(s.positive() + s.neutral() + s.negative()).isCloseTo(1.0, within(2e-3));
    }

    @Test
    void emoticonsAreLexiconEntries() {
      assertThat(compound(":)")).isCloseTo(0.4588, within(1e-4));
      assertThat(compound(":(")).isCloseTo(-0.4404, within(1e-4));
    }
  }

  @Nested
  class EdgeCases {

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "   \t\n ", "\u00a0"})
    void emptyOrBlankTextIsNeutralZero(String text) {
      assertThat(VADER.analyze(text)).isEqualTo(new Sentiment(0.0, 0.0, 0.0, 0.0, "neutral"));
      assertThat(VADER.analyze(text)).isEqualTo(Sentiment.NONE);
    }

    @Test
    void textWithoutSentimentIsEntirelyNeutral() {
      assertThat(VADER.analyze("The book is on the table"))
          .isEqualTo(new Sentiment(0.0, 0.0, 1.0, 0.0, "neutral"));
    }

    @Test
    void compoundStaysWithinBounds() {
      Sentiment s =
          VADER.analyze("I LOVE IT!!!! SO GOOD GREAT AWESOME WONDERFUL BEST LOVE LOVE LOVE");

      assertThat(s.compound()).isCloseTo(0.9911, within(1e-4)).isLessThanOrEqualTo(1.0);
      assertThat(compound("hate hate hate HATE awful terrible worst!!!!"))
          .isGreaterThanOrEqualTo(-1.0)
          .isLessThan(-0.9);
    }
  }

  @Test
  void labelThresholdsAreInclusiveAtFivePercent() {
    assertThat(SentimentAnalyzer.label(0.05)).isEqualTo("positive");
    assertThat(SentimentAnalyzer.label(0.0499)).isEqualTo("neutral");
    assertThat(SentimentAnalyzer.label(0.0)).isEqualTo("neutral");
    assertThat(SentimentAnalyzer.label(-0.0499)).isEqualTo("neutral");
    assertThat(SentimentAnalyzer.label(-0.05)).isEqualTo("negative");
    assertThat(VADER.analyze("good").label()).isEqualTo("positive");
    assertThat(VADER.analyze("bad").label()).isEqualTo("negative");
  }

  @Test
  void roundsLikePython() {
    // half-even on the exact binary value: 0.00005 is slightly above a tie, 0.5 is a real tie
    assertThat(SentimentAnalyzer.round(0.00005, 4)).isEqualTo(0.0001);
    assertThat(SentimentAnalyzer.round(0.5, 0)).isEqualTo(0.0);
    assertThat(SentimentAnalyzer.round(1.5, 0)).isEqualTo(2.0);
    assertThat(SentimentAnalyzer.round(2.675, 2)).isEqualTo(2.67);
    assertThat(SentimentAnalyzer.round(0.12345, 4)).isEqualTo(0.1235);
    assertThat(SentimentAnalyzer.round(-0.8315999999, 4)).isEqualTo(-0.8316);
  }

  @Test
  void loadsTheWholeBundledLexicons() {
    // 7,520 lines, 7,506 distinct entries (duplicates such as "lol": the last one wins)
    assertThat(VADER.lexiconSize()).isEqualTo(7506);
    // 3,570 entries of which 1,212 are a single code point, the only ones the rules can match
    assertThat(VADER.emojiCount()).isEqualTo(1212);
  }

  @Test
  void loadReturnsOneSharedInstance() {
    assertThat(SentimentAnalyzer.load()).isSameAs(VADER);
  }

  @Test
  void missingLexiconFailsNamingTheResource() {
    assertThatThrownBy(
            () ->
                SentimentAnalyzer.fromResources(
                    "no_such_lexicon.txt", SentimentAnalyzer.EMOJI_RESOURCE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("io/switchboard/vader/no_such_lexicon.txt");
    assertThatThrownBy(
            () ->
                SentimentAnalyzer.fromResources(
                    SentimentAnalyzer.LEXICON_RESOURCE, "no_such_emoji.txt"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("io/switchboard/vader/no_such_emoji.txt");
  }

  @Test
  void isSafeToShareAcrossThreads() throws Exception {
    List<String> texts = new ArrayList<>();
    readmeExamples().forEach(a -> texts.add((String) a.get()[0]));
    texts.add("The food was great but the service was terrible 😞");
    List<Sentiment> expected = texts.stream().map(VADER::analyze).toList();

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 200; round++) {
                    for (int k = 0; k < texts.size(); k++) {
                      if (!VADER.analyze(texts.get(k)).equals(expected.get(k))) {
                        return false;
                      }
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
