"""Text clean-up before the classifier reads it: Penn Treebank tokenisation undone.

Research corpora (SST, the Penn Treebank, many review dumps) ship tokenised text: "does n't",
"moore 's", "-lrb- sic -rrb-", "`` quoted ''". The MiniLM encoder was pre-trained on running text, so
it reads "doesn't" and "(" as it learnt them, while "n't" and "-lrb-" become word pieces it never
saw together. Ordinary review text has none of these patterns and passes through unchanged.

Why not a library: NLTK's TreebankWordDetokenizer expects upper-case bracket tokens (-LRB-) and
would add NLTK as a dependency for eight substitutions; sacremoses does not join "n't".
"""

import re

_RULES = [
    (re.compile(r"-lrb-", re.IGNORECASE), "("),
    (re.compile(r"-rrb-", re.IGNORECASE), ")"),
    (re.compile(r"-lsb-", re.IGNORECASE), "["),
    (re.compile(r"-rsb-", re.IGNORECASE), "]"),
    (re.compile(r"``|''"), '"'),
    (re.compile(r"\\([/*])"), r"\1"),  # escaped slash and asterisk
    (re.compile(r"(\w) (n't)(?=\s|$)", re.IGNORECASE), r"\1\2"),  # "does n't" -> "doesn't", "ca n't" -> "can't"
    (re.compile(r"(\w) ('(?:s|re|ve|ll|d|m))(?=\s|$)", re.IGNORECASE), r"\1\2"),  # "moore 's" -> "moore's"
]


def treebank_untokenise(text: str) -> str:
    """`text` with Penn Treebank tokenisation undone (contractions joined, brackets and quotes restored)."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
