package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link SearchQuery} reads {@code q} and cuts snippets, without a store. */
class SearchQueryTest {

  static List<SearchQuery.Term> terms(String q) throws Exception {
    return SearchQuery.parse(q).terms();
  }

  static SearchQuery.Term word(String w, boolean prefix) {
    return new SearchQuery.Term(List.of(w), prefix);
  }

  @Test
  void wordsPhrasesAndPrefixesAreTheOnlySyntax() throws Exception {
    assertEquals(List.of(word("Émile", false), word("école", false)), terms("  Émile\técole "));
    assertEquals(List.of(new SearchQuery.Term(List.of("quick", "brown"), false), word("fox", false)),
      terms("\"quick brown\" fox"));
    assertEquals(List.of(new SearchQuery.Term(List.of("quick", "bro"), true)), terms("\"quick bro\"*"));
    assertEquals(List.of(word("caf", true)), terms("caf*"));
    assertEquals(List.of(word("caf", true)), terms("caf**"));
    // Punctuation separates words: a chunk of several words is their phrase; operators are words.
    assertEquals(List.of(new SearchQuery.Term(List.of("content", "x"), false)), terms("content:x"));
    assertEquals(List.of(new SearchQuery.Term(List.of("e", "mail"), false)), terms("e-mail"));
    assertEquals(List.of(new SearchQuery.Term(List.of("NEAR", "a"), false)), terms("NEAR(a"));
    assertEquals(List.of(word("a", false), word("OR", false), word("b", false)), terms("a OR b"));
    assertEquals(List.of(word("x", false)), terms("-x"));
    // An unbalanced quote runs to the end.
    assertEquals(List.of(word("a", false), new SearchQuery.Term(List.of("b", "c"), false)), terms("a \"b c"));
    assertEquals(List.of(word("x", false)), terms("😀x"));
  }

  @Test
  void nothingToSearchTooManyWordsAndOneLetterPrefixesAreRefused() {
    for (String q : List.of("", "*", "\"\"", "!?", "😀", "\u0301", "a*", "é*", "w ".repeat(SearchQuery.MAX_WORDS + 1))) {
      assertThrows(SearchQuery.Invalid.class, () -> SearchQuery.parse(q), q);
    }
  }

  @Test
  void foldingDropsAccentsAndCase() {
    assertEquals("emile", SearchQuery.fold("ÉMILE"));
    assertEquals("ecole", SearchQuery.fold("École"));
    assertEquals("fi", SearchQuery.fold("ﬁ"));
  }

  @Test
  void snippetsAreWindowsAroundTheFirstMatch() throws Exception {
    SearchQuery q = SearchQuery.parse("\"brown fox\"");
    assertEquals("the quick brown fox", q.snippet("the quick  brown\nfox"));
    String lead = "one two three four five six seven eight nine ten eleven twelve ";
    String content = lead + "brown fox " + "and then some more words ".repeat(20);
    String snippet = q.snippet(content);
    assertTrue(snippet.startsWith("…") && snippet.endsWith("…"), snippet);
    assertTrue(snippet.contains("brown fox"), snippet);
    assertTrue(snippet.length() <= SearchQuery.SNIPPET_LENGTH + 2, snippet);
    // Cut between words on both sides.
    assertTrue(content.contains(snippet.substring(1, snippet.length() - 1)), snippet);
    assertTrue(snippet.charAt(1) != ' ' && Character.isLetter(snippet.charAt(1)), snippet);
    // One enormous word is cut inside, never inside a surrogate pair.
    String bold = "x" + "\uD835\uDC00".repeat(200);
    String cut = SearchQuery.parse("nothing").snippet(bold);
    assertTrue(cut.endsWith("…") && cut.length() <= SearchQuery.SNIPPET_LENGTH + 1, cut);
    assertTrue(Character.isLowSurrogate(cut.charAt(cut.length() - 2)), cut);
    // No match found in Java: the start of the content.
    assertEquals("short text", SearchQuery.parse("else").snippet("short text"));
  }
}
