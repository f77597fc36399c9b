"""Find named people and organisations the actor list lacks, reading only the words after a trigger."""

from __future__ import annotations

import re

from streams.tagging.data import PatternWords, Trigger
from streams.tagging.given import GivenNameReader
from streams.tagging.organisations import (
    demonym_next,
    possessive_bodies,
    read_body,
    read_construct,
    read_org,
)
from streams.tagging.pattern_text import (
    ALI,
    ARTICLE,
    END,
    GLUED,
    KEY,
    NEXT_WORD,
    START,
    WINDOW,
    Found,
    Item,
    Word,
    capitalised,
    fold_words,
    glued_run,
    is_ali,
    is_arabic,
    key_before,
    keyed_words,
    nisba_name,
    slug,
    starts_with_article,
)
from streams.tagging.records import Actor

__all__ = ["Found", "PatternReader"]
from streams.text.matcher import phrase_key

# Words read after a trigger: qualifiers then a name after a title; a name and the word
# after it after a speech verb; an organisation's name (`organisations._MAX_ORG_WORDS`); a nisba after a
# state body.
_WORDS_READ = {"title": 10, "speech": 5, "org": 4, "body": 1}
# Words read first after a title: qualifiers and name nearly always fit; the rest only when
# the reading gets to the end of these (see `_MoreWords`).
_FIRST_READ = {"title": 4}
_MAX_QUALIFIERS = 5  # words between a title and the name (الفرنسي، للأمم المتحدة …)
_MAX_NAME_WORDS = 3  # not counting connectors (بن، عبد): longer runs mostly run on into the verb
_MIN_NAME_LETTERS = 2  # a lone و or ل (segmented clitics) ends a name
_IN = "في"
# The article is written with a bare alef (ال); أل، إل open names (ألفونسو، إلهام) that the
# matching key folds to ال.
_HAMZA_ALEFS = frozenset("أإآ")
_TEEN = "عشر"  # the second word of an ordinal from 11th to 19th (السادس عشر)
_ON_BEHALF = "باسم "  # "on behalf of", ending a spokesman's title
_LINEAGE = frozenset(("بن", "ابن", "بنت"))  # "son/daughter of": the name goes on
# A list after a name: a comma or not, then و (standing apart, as in segmented text, or
# attached: وعزت جدوع); the listed name must end at punctuation, the next و or the end.
_LIST_AND = re.compile(r"\s*[،,]?\s*و(?=\s*[^\W\d_])\s*")
_LIST_END = re.compile(r"\s*(?:$|[^\w\s]|و(?:\s|[^\W\d_]))")
_MAX_LISTED = 8
_MIN_LISTED_WORDS = 2  # a lone word after و is too often anything (X و هو، X و حضر)
# A word opening with ل and the article (للجزيرة، للعرقلة) is no part of a name; nor is
# one with ب and the article at the start of a name (بالجهود) — later in a name it may be
# one (… بالاك); كال and فال open names (كالمي، فالتر).
_PREPOSITIONARTICLE = "لل"
_BIARTICLE = "بال"
# The one word `_may_name` reads (compiled once: the call that fetches it costs as much).
_ONE_WORD = glued_run(1)
_NISBA_TITLE = Trigger("title")  # a nisba as a noun reads a name as a title does
_NON_SPACE = re.compile(r"\S+")
# Proclitics a word may carry in running text (وقال، لنظيره، للرئيس -> ال…).
_PROCLITIC_PREFIXES = ("وب", "ول", "فب", "فل", "وك", "و", "ف", "ب", "ل", "ك")


class _MoreWords(Exception):
    """A reading got to the end of the words read so far (see `PatternReader._person`)."""


class PatternReader:
    """Applies the patterns of patterns.yaml around trigger matches."""

    def __init__(
        self, words: PatternWords, adjectives: dict[str, str], weak_given: frozenset[str] = frozenset()
    ) -> None:
        self._w = words
        self._adjectives = adjectives  # ISO2 -> English adjective ("Israeli") or name
        # The word lists with their proclitic forms (وقال، لنظيره، للرئيس), so that checking
        # a word is one set lookup.
        self._skip = _with_proclitics(words.skip)
        # Speech verbs end a name as function words do (أحمد عبد الرحمن نفى أن): a verb that
        # introduces a speaker is never a word of the speaker's name.
        speech_verbs = frozenset(phrase_key(p) for p, t in words.triggers if t.role == "speech")
        self._not_names = _with_proclitics(words.not_names | speech_verbs)
        self._titles = _with_proclitics(words.titles)
        self._speech_ends = _with_proclitics(words.speech_ends)
        # Titles that are also common nouns (وزير، ممثل), as written in patterns.yaml: they
        # need a construct after them (see `_construct`).
        self._nouns = frozenset(
            phrase
            for phrase, t in words.triggers
            if t.role == "title" and phrase_key(phrase) in words.not_names
        )
        # The ال-words that open a body's or an organisation's name (الجيش، الحكومة، المجلس):
        # after و they start another body, not the rest of one (see `read_org`).
        # (with the not_names: الذي، التي after و start a clause)
        self._bodies = self._not_names | frozenset(
            first
            for phrase, t in words.triggers
            if t.role in ("org", "body") and starts_with_article(first := phrase_key(phrase).split(" ")[0])
        )
        # English state bodies by phrase (army, foreign ministry) -> label, and the words
        # after which a possessive's body word reads no body (army chief; military government).
        self._bodies_en = dict(words.bodies_en)
        self._possessive_stops = frozenset(
            phrase_key(p)
            for p, t in words.triggers
            if t.role == "title" and not is_arabic(p[:1]) and " " not in p
        ) | frozenset(w for phrase, _ in words.bodies_en for w in phrase.split(" "))
        # (English ones after the name: King Hussein Bridge, Sheikh Zayed Grand Mosque)
        self._facilities_en = frozenset(w for w in words.facilities if not is_arabic(w[:1]))
        self._after_names = words.after_names
        # Qualifier words skipped before a name (skip words or titles), as one set.
        self._qualifiers = self._skip | self._titles
        self._connectors = words.connectors
        self._common = words.common
        self._given = GivenNameReader(
            words.connectors,
            self._not_names | self._speech_ends | self._titles,
            words.common,
            self._speech_ends,
            self._not_names,
            self._facilities_en,
            weak_given,
        )
        # Words that never stand for a person alone (see repeats.name_keys).
        self.name_stop = words.connectors | words.not_names

    @staticmethod
    def _words(item: Item, pos: int, limit: int) -> list[Word]:
        """Up to `limit` words after `pos`, stopping after the first that follows punctuation.

        One anchored match reads the run of words joined by whitespace only (the usual case,
        and all a name can be); one search then adds the word after punctuation, if any. A
        word's key is a slice of the text's key where `Item.shift` allows (nearly always),
        else the word is folded on its own (see `fold_words`).
        """
        text = item.text
        stop = pos + WINDOW
        out: list[Word] = []
        run = glued_run(limit).match(text, pos, stop)
        end = pos
        if run is not None:
            end = run.end()
            shift = 0 if item.plain else item.shift(pos, end)
            # `regs`: every group's span in one call; an unmatched group's is (-1, -1).
            if shift is not None:
                out = keyed_words(item.folded, run.regs, shift)
            else:
                spans = [span for span in run.regs[1:] if span[0] >= 0]
                keys = fold_words(text, spans, pos)
                out = [(s, e, key, True) for (s, e), key in zip(spans, keys, strict=True)]
            if len(out) >= limit:
                return out
        after = NEXT_WORD.search(text, end, stop)
        if after is not None:
            start, after_end = after.span()
            if text[end:start].strip():
                # After punctuation (nearly always): no reading looks at its key, only at
                # its being there and not glued, so it is not keyed.
                out.append((start, after_end, "", False))
                return out
            shift = item.shift(start, after_end)
            if shift is not None:
                key = item.folded[start - shift : after_end - shift]
            else:
                key = fold_words(text, [(start, after_end)], pos)[0]
            out.append((start, after_end, key, True))
        return out

    def read(self, item: Item, start: int, end: int, trigger: Trigger) -> Found | None:
        """What the trigger at [start, end) of `item.text` introduces, if anything."""
        role = trigger.role
        if role == "given":
            return self._given.read(item, start, end)
        if role == "speech" and not self._may_name(item, end):
            return None
        if role == "title" and _listed_person_next(item, end):
            return None  # (what `_person` would find after reading every word up to it)
        if role == "body" and trigger.construct:
            found = read_construct(item, start, end, trigger, self._adjectives)
            if found is not None and key_before(item.text, start) in self._titles:
                return None  # a title's complement: وزير خارجية قطر is the minister
            return found
        if role == "body" and not demonym_next(item, end):
            return self._ministry(item, start)
        limit = _WORDS_READ[role]
        first_read = _FIRST_READ.get(role, limit)
        words = self._words(item, end, first_read)
        if not words or not words[0][GLUED]:
            return None
        if role == "title" or role == "speech":
            speech = role == "speech"
            partial = first_read < limit and len(words) >= first_read
            construct = not speech and item.text[start:end] in self._nouns and self._construct(item, words)
            if construct is None:
                return None
            try:
                found = self._person(item, words, speech=speech, partial=partial)
            except _MoreWords:
                found = self._person(item, self._words(item, end, limit), speech=speech)
            if construct and found is not None and len(item.text[found.start : found.end].split()) < 2:
                return None
            # (a و within the next three characters first: one C-level scan rules most out)
            if (
                found is not None
                and "و" in item.text[found.end : found.end + 3]
                and _LIST_AND.match(item.text, found.end)
            ):
                return found._replace(more=self._listed(item, found.end, found.actor.country))
            return found
        if role == "body":
            # (a demonym further on is another name's: وزارة الدفاع والجيش الإسرائيلي)
            return read_body(item, start, words, trigger, self._adjectives) or self._ministry(item, start)
        return read_org(item, start, end, words, trigger, self._not_names, self._bodies)

    @property
    def after_names(self) -> frozenset[str]:
        """Keys of the English facility words that make a listed person's name a facility's
        (Tower, Airport: patterns.yaml facilities after_names)."""
        return self._after_names

    def after_nisba(self, item: Item, start: int, end: int, country: str | None) -> Found | None:
        """A person of `country` named right after its nisba standing as a noun at [start, end)
        (تأهل السويسري روجيه فيدرر، هدف للصربي بوسكو يانكوفيتش، الروسية سفتلانا كوزنتسوفا),
        read as after a title, if the word after it may start a name: most nisbas are
        adjectives, before a verb, a preposition or an ال-word. An ال-word ends the name, in
        it only if a family nisba: after a nisba it is far more often a participle (روجيه
        فيدرر المصنف أول) or a noun than a family name."""
        if not self._may_name(item, end):
            return None
        found = self.read(item, start, end, _NISBA_TITLE)
        if found is None:
            return None
        text = item.text
        spans = [(m.start(), m.end()) for m in _NON_SPACE.finditer(text, found.start, found.end)]
        keys = [phrase_key(text[a:b]) for a, b in spans]
        # An ال-word ends the name, in it only if a family nisba (… المالكي; not the
        # participle in روجيه فيدرر المصنف، the noun in مارادونا الكرة).
        cut = next((i for i, key in enumerate(keys) if i and starts_with_article(key)), len(keys))
        if cut < len(keys):
            cut += nisba_name(keys[cut])
        elif cut > 2 and not self._ends_after(text, spans[-1][1]):
            cut = 2  # a third word must end the name (اندري اغاسي تشبث ه: a verb)
        keys = keys[:cut]
        if len(keys) < 2 or keys[0].startswith("و") or any(k[:1].isdigit() for k in keys):
            return None  # one word there is as often a verb (الكيني كومان): a name of two or more
        last = spans[cut - 1][1]
        surface = text[found.start : last]
        return Found(found.start, last, Actor(slug(surface), surface, "person", country), found.more)

    def _ends_after(self, text: str, pos: int) -> bool:
        """True if a name may end at `pos`: punctuation or the end next, or a word of و, a
        function word or a word that follows names (إن، الذي، رئيس)."""
        run = _ONE_WORD.match(text, pos, pos + WINDOW)
        if run is None:
            return True
        key = phrase_key(run.group(1))
        return key.startswith("و") or key in self._speech_ends or key in self._not_names

    def possessive_bodies(self, text: str, countries: list[tuple[int, str]]) -> list[Found]:
        """English state bodies after a country's possessive (Sudan's army): see
        `organisations.possessive_bodies`; `countries` are (end, ISO2) of country mentions."""
        return possessive_bodies(text, countries, self._bodies_en, self._possessive_stops, self._adjectives)

    def _ministry(self, item: Item, start: int) -> Found | None:
        """A ministry named without its country's demonym right after its body's name: read
        from وزارة as an organisation head reads (وزارة الخارجية والمغتربين السورية; عن طريق
        وزارة الخارجية, as وزارة الصحة is read: NewsFANE labels these Government)."""
        text = item.text
        if text[start : start + 1] != _MINISTRY[0]:
            return None  # (most body words: الجيش، الحكومة; one comparison before the key)
        head = text.find(" ", start)
        if head < 0 or phrase_key(text[start:head]) != _MINISTRY:
            return None
        words = self._words(item, head, _WORDS_READ["org"])
        return read_org(item, start, head, words, _MINISTRY_HEAD, self._not_names, self._bodies)

    def _construct(self, item: Item, words: list[Word]) -> bool | None:
        """True if the title is also a common noun (one of not_names: وزير، ممثل): then it must
        head a construct (وزير الدفاع، ممثل الأمم المتحدة) and the name after it have two
        words or more; None if no construct follows (وزير سابق، ممثل بارع)."""
        w_start, w_end, key, _ = words[0]
        if starts_with_article(key) or key.startswith("لل") or item.known.at(w_start, w_end):
            return True
        return None

    def _may_name(self, item: Item, pos: int) -> bool:
        """False if the word right after a speech verb ending at `pos` cannot start a name.

        Most speech verbs introduce no name (قال الرئيس، قال إن، قال مصدر): one word settles
        them before `_person` reads five. Each test is one `_person` applies to a first word,
        that ends its reading with no name: a function or everyday word, a noun with the
        article, a preposition with it (للصحفيين), a name the gazetteer knows.
        """
        text = item.text
        run = _ONE_WORD.match(text, pos, pos + WINDOW)  # what _words(item, pos, 1) reads
        if run is None:
            return False  # no word right after the verb, only after punctuation
        start, end = run.span(1)
        shift = 0 if item.plain else item.shift(pos, end)
        if shift is not None:
            key = item.folded[start - shift : end - shift]
        else:
            key = fold_words(text, [(start, end)], pos)[0]
        if len(key) < _MIN_NAME_LETTERS:
            return False
        if key in self._connectors:
            return True
        # (the word lists first: most speech verbs are followed by one, إن، في …)
        if key in self._not_names or key in self._common:
            return False
        if is_arabic(text[start]):
            if starts_with_article(key) and not nisba_name(key):
                return False
            if key.startswith(_PREPOSITIONARTICLE) or key.startswith(_BIARTICLE):
                return False
        return item.known.at(start, end) is None

    def _name_word_next(self, item: Item, words: list[Word], i: int) -> bool:
        """True if words[i] may be a word of a name: glued, no function or everyday word, no
        ال-word or known mention."""
        if i >= len(words) or not words[i][GLUED]:
            return False
        key = words[i][KEY]
        return (
            len(key) >= _MIN_NAME_LETTERS
            and not key[0].isdigit()
            and key not in self._not_names
            and key not in self._common
            and key not in self._speech_ends
            and not starts_with_article(key)
            and item.known.at(words[i][START], words[i][END]) is None
        )

    def _person(
        self,
        item: Item,
        words: list[Word],
        *,
        speech: bool = False,
        partial: bool = False,
    ) -> Found | None:
        """A name after a title (with qualifiers between) or right after a speech verb.

        After a speech verb (قال، أضاف) no qualifier may intervene, and the name must be
        followed by punctuation, the end, or a word of `speech_ends` (إن، رئيس …), which
        keeps "قال مسؤول كبير" and the like out. `partial`: more words may follow `words`;
        raises `_MoreWords` if the reading gets to their end (the caller reads them all).
        """
        text = item.text
        at = item.known.at
        connectors = self._connectors
        not_names = self._not_names
        common = self._common
        english = not is_arabic(text[words[0][START]])
        country: str | None = None
        i = 0
        count = len(words)
        # Qualifiers: a nisba or named body (الفرنسي، للأمم المتحدة، خارجية قطر) or a skip word.
        if not speech:
            qualifiers = self._qualifiers
            while i < count and i < _MAX_QUALIFIERS and words[i][GLUED]:
                w_start, w_end, key, _ = words[i]
                hit = at(w_start, w_end)
                definite = not english and (starts_with_article(key) or key.startswith("لل"))
                definite = definite and text[w_start] not in _HAMZA_ALEFS  # ألفونسو: no article
                if definite and i + 1 < count and words[i + 1][KEY] in _LINEAGE:
                    break  # a name with the article: الوليد بن طلال، الحسن بن علي
                # A listed body is a qualifier where a body is named: after باسم or a skip
                # word (المتحدث باسم حركة فتح، رئيس حزب الليكود), or with ل "of" (لحزب الله).
                if hit is not None and (
                    hit[2] != "actor"
                    or definite
                    or (words[i - 1][KEY] in self._skip if i else text.endswith(_ON_BEHALF, 0, w_start))
                    or (hit[0] > w_start and key[0] == "ل")
                ):
                    country = hit[3] or country
                    i += 1
                    while i < count and words[i][START] < hit[1]:
                        i += 1  # the body's other words (the Wagner Group, حركة فتح)
                elif key in qualifiers or (definite and key not in not_names):
                    i += 1
                elif key == _IN and i + 1 < count and words[i + 1][GLUED] and at(*words[i + 1][:2]):
                    i += 2  # a body the person belongs to: القيادي في حماس …
                else:
                    break
        name: list[Word] = []
        core = 0
        while i < count:
            word = words[i]
            key = word[KEY]
            connector = key in connectors
            after_connector = bool(name) and name[-1][KEY] in connectors
            if core >= _MAX_NAME_WORDS and not (after_connector or connector):
                break  # a chain of بن/آل goes on (راشد بن محمد بن راشد آل مكتوم)
            if not word[GLUED] or len(key) < _MIN_NAME_LETTERS:
                break
            # علي as written (with ي) is the name inside a name, and at its start if a name
            # word follows (الرئيس الصومالي علي محمد جيدي; not "على" "on": الحث على …)
            ali = (
                key == ALI and is_ali(text, word) and (bool(name) or self._name_word_next(item, words, i + 1))
            )
            if not connector and key in not_names and not ali:
                break
            if name and not english and key.startswith("و") and not connector:
                break  # the next name or clause (X وبشار الأسد), checked before known names
            if (
                name
                and key in self._speech_ends
                and not ali
                # (فان is فإن "for indeed" after a name, and the Dutch van before a name
                # word: رود فان نيستلروي)
                and not (connector and self._name_word_next(item, words, i + 1))
            ):
                break  # what follows a name (إن، لصحيفة، رئيس …) is never part of it
            hit = at(word[START], word[END])
            if hit is not None:
                if hit[2] == "actor":
                    return None  # a listed actor: the gazetteer has it already
                break
            if key in common and not connector:
                break  # an everyday word (سائق، حديث): the sentence goes on
            if english:
                if not (connector or capitalised(text, word)):
                    break
                if key in self._facilities_en:
                    return None  # King Hussein Bridge, Queen Alia Airport: a facility's name
            elif speech and not name and nisba_name(key) and key not in self._titles:
                name.append(word)  # a family name alone: وقال المالكي إن
                i += 1
                break
            elif (
                starts_with_article(key)
                and text[word[START]] not in _HAMZA_ALEFS
                and not connector
                and not after_connector
            ):
                lineage = i + 1 < count and words[i + 1][KEY] in _LINEAGE
                if not name and lineage and key not in self._titles:
                    name.append(word)  # الوليد بن طلال
                    core += 1
                    i += 1
                    continue
                if name and key not in self._speech_ends and key not in self._titles:
                    name.append(word)  # a surname with the article ends the name (بشار الأسد)
                    if i + 1 < count and words[i + 1][KEY] == _TEEN and words[i + 1][GLUED]:
                        name.append(words[i + 1])  # a regnal number: بنديكت السادس عشر
                        break
                    if lineage:
                        core += 1
                        i += 1
                        continue  # unless a lineage follows (زين العابدين بن علي)
                # (but a title after a name is an apposition: نبيل فرحات المدير …). `i` stays
                # at the surname, so after a speech verb "X الY" is never a name: far more
                # often a noun phrase (قال جيش الاحتلال، رفض توجيه الاتهام) than a speaker.
                break
            elif key.startswith(_PREPOSITIONARTICLE) or (
                key.startswith(_BIARTICLE) and (not name or key[len(_BIARTICLE) :] in common)
            ):
                # a preposition with the article (للجزيرة، بالجهود) is no part of a name; later
                # in a name بال opens one (… بالاك) unless an everyday word follows it (بالمرتبة)
                break
            name.append(word)
            core += not connector
            i += 1
        if partial and i >= count:
            raise _MoreWords
        while name and name[-1][KEY] in connectors:
            name.pop()
        if not name:
            return None
        if speech:
            after = words[i] if i < count else None
            if after is not None and after[GLUED] and after[KEY] not in self._speech_ends:
                return None
            # A name with the article only as a family name alone, with something after it
            # (وقال المالكي إن is a name; وقال العسكري. is "the soldier said").
            head = name[0][KEY]
            family = len(name) == 1 and nisba_name(head) and after is not None
            if starts_with_article(head) and not family:
                return None
        elif len(name) == 1 and not english:
            # One word after a title is as often a verb or a noun (الملك يعلم، الحارس ركنية)
            # as a name (الرئيس مبارك): it must end as a speaker's name does, or before و.
            after = words[i] if i < count else None
            if after is not None and after[GLUED]:
                key = after[KEY]
                if key not in self._speech_ends and not key.startswith("و"):
                    return None
        first, last = name[0][START], name[-1][END]
        surface = text[first:last]
        ident = slug(surface)
        if not ident:
            return None
        return Found(first, last, Actor(ident, surface, "person", country))

    def _listed(self, item: Item, pos: int, country: str | None) -> tuple[Found, ...]:
        """The people listed after a name ending at `pos`: "X و Y، و Z" (news lists players,
        ministers, cast). Each must be a name of two to four words that is neither a known
        name nor an ال-word, and must end at punctuation, the end or the next و: "X و
        وزير الخارجية" or "X و حضر" are no list. Arabic only (English lists put titles in)."""
        text = item.text
        if not is_arabic(text[pos - 1]):
            return ()
        out: list[Found] = []
        while len(out) < _MAX_LISTED and (conj := _LIST_AND.match(text, pos)) is not None:
            words = self._words(item, conj.end(), _MAX_NAME_WORDS + 2)
            name: list[Word] = []
            for word in words:
                key = word[KEY]
                if not word[GLUED] or len(key) < _MIN_NAME_LETTERS or key.startswith("و"):
                    break
                if key in self._not_names or key in self._titles or item.known.at(word[START], word[END]):
                    return tuple(out)  # (a title opens a reading of its own: و إخراج X)
                if starts_with_article(key) and not (name and name[-1][KEY] in self._connectors):
                    if not name or not nisba_name(key):
                        return tuple(out)  # an ال-word: a noun, or a title (و الرئيس Y)
                    name.append(word)  # a family name ends the name (محسن الشرقاوي)
                    break
                name.append(word)
            while name and name[-1][KEY] in self._connectors:
                name.pop()
            core = sum(w[KEY] not in self._connectors for w in name)
            if core < _MIN_LISTED_WORDS or core > _MAX_NAME_WORDS + 1:
                return tuple(out)
            first, last = name[0][START], name[-1][END]
            if not _LIST_END.match(text, last):
                return tuple(out)  # the run goes on into a verb or a noun: no name
            surface = text[first:last]
            out.append(Found(first, last, Actor(slug(surface), surface, "person", country)))
            pos = last
        return tuple(out)


def _listed_person_next(item: Item, end: int) -> bool:
    """True if a listed person follows the title ending at `end`, right after it or after a
    demonym (الرئيس الروسي فلاديمير بوتين, President Donald Trump): the gazetteer has the
    name, so the reading would end there with none. A name with the article is left to the
    reading, which may take it as a qualifier (a listed body: رئيس الحزب …)."""
    text = item.text
    hit = item.known.next_to(text, end)
    if hit is not None and hit[2] == "demonym":
        hit = item.known.next_to(text, hit[1])
    if hit is None or hit[2] != "actor":
        return False
    return not text.startswith(ARTICLE, hit[0]) and item.known.person_at(hit[0])


def _with_proclitics(words: frozenset[str]) -> frozenset[str]:
    """`words` plus their forms with Arabic proclitics (قال -> وقال، الرئيس -> للرئيس)."""
    out = set(words)
    for word in words:
        if not is_arabic(word[:1]):
            continue
        out.update(prefix + word for prefix in _PROCLITIC_PREFIXES)
        if starts_with_article(word):
            out.update(c + "ل" + word[1:] for c in ("", "و", "ف"))  # ل + الرئيس = للرئيس
    return frozenset(out)


_MINISTRY = "وزاره"  # the key of وزارة: a state body named as a ministry
_MINISTRY_HEAD = Trigger("org", "government")
