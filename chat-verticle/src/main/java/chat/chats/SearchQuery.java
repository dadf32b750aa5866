package chat.chats;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a search's {@code q} asks for, read without any query syntax of a store: bare words,
 * {@code "quoted phrases"} and {@code prefix*}, every one of which must match. A word is a run of
 * letters and digits (Unicode categories L, N, M and private use); everything else separates words,
 * so {@code e-mail} or {@code content:x} is a phrase of two words and operators such as
 * {@code AND}, {@code NEAR(} or {@code -} are plain text. The stores build their match expression
 * from {@link #terms()} alone, as quoted tokens, and fold case and accents themselves the way they
 * index ({@link ChatSql#searchParams}).
 *
 * <p>Also the snippet of a found message ({@link #snippet}): a plain-text window of the content
 * around the first match, found with the same word rule and a Java folding of case and accents.
 */
final class SearchQuery {

  /** The longest {@code q}, in code points. */
  static final int MAX_LENGTH = 256;
  /** At most this many words in a query (phrases counted by their words). */
  static final int MAX_WORDS = 32;
  /** The shortest prefix before {@code *}: a single letter would match most of the corpus. */
  static final int MIN_PREFIX = 2;
  /** The longest snippet, in characters, the ellipses excluded. */
  static final int SNIPPET_LENGTH = 160;
  /** How much of the content before the first match a snippet keeps, at most. */
  static final int SNIPPET_LEAD = 50;
  static final String ELLIPSIS = "…";

  /** One thing that must match: its words in order (one word, or a phrase), the last one a prefix when {@code prefix}. */
  record Term(List<String> words, boolean prefix) {

    /** The words as the store receives them: separated by single spaces, as typed (not folded). */
    String text() {
      return String.join(" ", words);
    }
  }

  /** Why a {@code q} cannot be searched: the text for {@code fields.q}. */
  static final class Invalid extends Exception {
    Invalid(String problem) {
      super(problem, null, false, false);
    }
  }

  private final List<Term> terms;
  /** The terms' words folded like {@link #fold}, for the snippet. */
  private final List<List<String>> folded;

  private SearchQuery(List<Term> terms) {
    this.terms = List.copyOf(terms);
    List<List<String>> f = new ArrayList<>();
    for (Term term : terms) {
      f.add(term.words().stream().map(SearchQuery::fold).toList());
    }
    this.folded = f;
  }

  List<Term> terms() {
    return terms;
  }

  /**
   * Reads {@code q}: outside quotes, white space separates terms and a trailing {@code *} makes a
   * term a prefix; {@code "..."} is one phrase (an unbalanced quote runs to the end), a {@code *}
   * right after its closing quote makes its last word a prefix.
   *
   * @throws Invalid when nothing searchable is left, when there are too many words, or when a prefix is too short
   */
  static SearchQuery parse(String q) throws Invalid {
    List<Term> terms = new ArrayList<>();
    StringBuilder chunk = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < q.length(); ) {
      int cp = q.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '"') {
        if (quoted) {
          boolean prefix = i < q.length() && q.charAt(i) == '*';
          if (prefix) {
            i++;
          }
          add(terms, chunk, prefix);
        } else {
          flushBare(terms, chunk);
        }
        quoted = !quoted;
      } else if (!quoted && (Character.isWhitespace(cp) || Character.isSpaceChar(cp))) {
        flushBare(terms, chunk);
      } else {
        chunk.appendCodePoint(cp);
      }
    }
    if (quoted) {
      add(terms, chunk, false);
    } else {
      flushBare(terms, chunk);
    }
    if (terms.isEmpty()) {
      throw new Invalid("must contain a word to search for (letters or digits)");
    }
    int words = terms.stream().mapToInt(t -> t.words().size()).sum();
    if (words > MAX_WORDS) {
      throw new Invalid("must contain at most " + MAX_WORDS + " words");
    }
    for (Term term : terms) {
      String last = term.words().get(term.words().size() - 1);
      if (term.prefix() && fold(last).codePointCount(0, fold(last).length()) < MIN_PREFIX) {
        throw new Invalid("a prefix needs at least " + MIN_PREFIX + " letters or digits before *");
      }
    }
    return new SearchQuery(terms);
  }

  /** A bare chunk: a trailing {@code *} (after at least one word) makes it a prefix. */
  private static void flushBare(List<Term> terms, StringBuilder chunk) {
    int end = chunk.length();
    while (end > 0 && chunk.charAt(end - 1) == '*') {
      end--;
    }
    boolean prefix = end < chunk.length();
    chunk.setLength(end);
    add(terms, chunk, prefix);
  }

  private static void add(List<Term> terms, StringBuilder chunk, boolean prefix) {
    List<String> words = new ArrayList<>();
    for (Word w : words(chunk)) {
      words.add(chunk.substring(w.start(), w.end()));
    }
    chunk.setLength(0);
    if (!words.isEmpty()) {
      terms.add(new Term(words, prefix));
    }
  }

  // ---- words -----------------------------------------------------------------------------

  /** A word of a text: {@code text[start, end)}. */
  record Word(int start, int end) {
  }

  /** The words of the text: runs of word characters holding at least one that is not a mark. */
  static List<Word> words(CharSequence text) {
    List<Word> words = new ArrayList<>();
    int start = -1;
    boolean base = false;
    for (int i = 0; i < text.length(); ) {
      int cp = Character.codePointAt(text, i);
      if (isWordChar(cp)) {
        if (start < 0) {
          start = i;
          base = false;
        }
        base |= !isMark(cp);
      } else if (start >= 0) {
        if (base) {
          words.add(new Word(start, i));
        }
        start = -1;
      }
      i += Character.charCount(cp);
    }
    if (start >= 0 && base) {
      words.add(new Word(start, text.length()));
    }
    return words;
  }

  static boolean isWordChar(int cp) {
    switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
        Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER,
        Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.PRIVATE_USE,
        Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK:
        return true;
      default:
        return false;
    }
  }

  private static boolean isMark(int cp) {
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
      || type == Character.ENCLOSING_MARK;
  }

  /** A word without its accents (compatibility decomposition, marks dropped), in lower case. */
  static String fold(String word) {
    String decomposed = Normalizer.normalize(word, Normalizer.Form.NFKD);
    StringBuilder out = new StringBuilder(decomposed.length());
    decomposed.codePoints().filter(cp -> !isMark(cp)).forEach(out::appendCodePoint);
    return out.toString().toLowerCase(Locale.ROOT);
  }

  // ---- snippet ---------------------------------------------------------------------------

  /**
   * A plain-text window of {@code content} around its first match: at most
   * {@value #SNIPPET_LENGTH} characters starting up to {@value #SNIPPET_LEAD} before the match,
   * cut between words, white space runs as single spaces, {@value #ELLIPSIS} where text was cut.
   * When no match is found in Java (the store's folding can differ in rare cases), the start of
   * the content.
   */
  String snippet(String content) {
    List<Word> words = words(content);
    List<String> foldedWords = words.stream().map(w -> fold(content.substring(w.start(), w.end()))).toList();
    int hit = firstMatch(foldedWords);
    int from = 0;
    if (hit > 0 && words.get(hit).start() > SNIPPET_LEAD) {
      int earliest = words.get(hit).start() - SNIPPET_LEAD;
      int first = hit;
      while (first > 0 && words.get(first - 1).start() >= earliest) {
        first--;
      }
      from = words.get(first).start();
    }
    int to = content.length();
    if (to - from > SNIPPET_LENGTH) {
      int limit = from + SNIPPET_LENGTH;
      to = from;
      for (Word w : words) {
        if (w.start() >= from && w.end() <= limit) {
          to = w.end();
        }
      }
      if (to == from) {
        // One word longer than the window: cut inside it, never between a surrogate pair.
        to = Character.isLowSurrogate(content.charAt(limit)) ? limit - 1 : limit;
      }
    }
    String window = content.substring(from, to).replaceAll("(?U)\\s+", " ").strip();
    return (from > 0 ? ELLIPSIS : "") + window + (to < content.length() ? ELLIPSIS : "");
  }

  /** The index of the first word where a term matches, -1 when none does. */
  private int firstMatch(List<String> words) {
    for (int i = 0; i < words.size(); i++) {
      for (int t = 0; t < terms.size(); t++) {
        if (matchesAt(words, i, folded.get(t), terms.get(t).prefix())) {
          return i;
        }
      }
    }
    return -1;
  }

  private static boolean matchesAt(List<String> words, int at, List<String> term, boolean prefix) {
    if (at + term.size() > words.size()) {
      return false;
    }
    for (int k = 0; k < term.size(); k++) {
      String word = words.get(at + k);
      boolean last = k == term.size() - 1;
      if (!(last && prefix ? word.startsWith(term.get(k)) : word.equals(term.get(k)))) {
        return false;
      }
    }
    return true;
  }
}
