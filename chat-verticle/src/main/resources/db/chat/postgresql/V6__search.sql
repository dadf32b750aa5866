-- Full-text search of messages (contract v2 "Search"); the SQLite twin is db/chat/sqlite/V6.
-- Every message carries its own search vector, a column PostgreSQL computes from the content in
-- the statement that writes it (the group commit's INSERT, an edit, a delete's emptying), so the
-- index is always in step with the rows, in the same transaction. Words are runs of letters and
-- digits, folded for case and accents: search_fold() below is the one definition, used for the
-- messages and for the words of a query (search_query()).

-- unaccent is a trusted extension (PostgreSQL 13+): the database's owner may create it. Created
-- in this schema unless the database has it already (then wherever it is).
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA chat;

DO $migration$
DECLARE
  ext_schema text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                      WHERE e.extname = 'unaccent');
  -- Case folding by ICU when the server has it: lower() under the database's collation folds ASCII
  -- only in a "C" database (the test servers are initdb --no-locale).
  fold_collation text := CASE WHEN EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu')
                              THEN ' COLLATE "und-x-icu"' ELSE '' END;
BEGIN
  -- The text as the index sees it: accents removed (unaccent's rules: é -> e, æ -> ae, ß -> ss),
  -- lower case, and every character that is not a letter or digit turned into a space: ASCII
  -- punctuation and symbols, Latin-1's, general punctuation (and zero-width and bidirectional
  -- marks), currency, arrows, mathematical and technical symbols, box drawing, dingbats, CJK and
  -- fullwidth punctuation, variation selectors and emoji. The remaining runs are the words (so
  -- PostgreSQL's parser never sees an e-mail address, a URL or a file path as one token, as
  -- SQLite's unicode61 tokenizer does not). Code point ranges: independent of the locale.
  EXECUTE format($f$
    CREATE FUNCTION search_fold(t text) RETURNS text
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $body$ SELECT regexp_replace(lower(%1$I.unaccent(%2$L::regdictionary, t)%3$s),
        '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\xa9\xab-\xb1\xb4\xb6-\xb8\xbb\xbf\xd7\xf7\u2000-\u206f\u20a0-\u20cf\u2190-\u245f\u2500-\u2bff\u3000-\u3004\u3008-\u3020\ufe00-\ufe0f\ufe30-\ufe4f\ufeff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\U0001f000-\U0001faff\U000e0000-\U000e007f]+',
        ' ', 'g') $body$
  $f$, ext_schema, ext_schema || '.unaccent', fold_collation);
END
$migration$;

-- The query of a search: phrases[i] (one word or several) must all match, each as a phrase of its
-- folded words in order; prefix[i] makes its last word a prefix. Built from the words as tsquery
-- lexemes, never parsed as tsquery syntax; NULL (matches nothing) when no word is left.
CREATE FUNCTION search_query(phrases text[], prefix boolean[]) RETURNS tsquery
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $f$
DECLARE
  result tsquery;
  words text[];
  phrase text;
BEGIN
  FOR i IN 1 .. coalesce(array_length(phrases, 1), 0) LOOP
    words := array_remove(regexp_split_to_array(btrim(search_fold(coalesce(phrases[i], ''))), ' +'), '');
    IF coalesce(array_length(words, 1), 0) = 0 THEN
      CONTINUE;
    END IF;
    SELECT string_agg('''' || replace(replace(w, '\', '\\'), '''', '''''') || ''''
                      || CASE WHEN k = array_length(words, 1) AND coalesce(prefix[i], false) THEN ':*' ELSE '' END,
                      ' <-> ' ORDER BY k)
      INTO phrase FROM unnest(words) WITH ORDINALITY AS u(w, k);
    result := CASE WHEN result IS NULL THEN phrase::tsquery ELSE result && phrase::tsquery END;
  END LOOP;
  RETURN result;
END
$f$;

-- Computed in the same statement as the content it indexes; a deleted message (content emptied)
-- has an empty vector.
ALTER TABLE messages ADD COLUMN search tsvector
  GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_fold(content))) STORED;

CREATE INDEX messages_search ON messages USING gin (search);
