"""The author's language, spoken by the review page and the command line alike: the gettext
catalogs of `locale/` and the dates and numbers of the author's locale (language.py), the
words for what the state database keeps as codes (words.py), and what the other stages
write in English, said in that language where it is shown (notes.py)."""
