"""What a reader wants, read from their own words: the intents of a reply, several when the
reader does several things (thanks + story, two questions, correction + thanks).

Two readers agree here: cue rules (high-precision French and English phrases: objections,
corrections, requests, ideas…) and, when the reply's embedding is at hand, a small linear
model over the bundled multilingual embeddings (`IntentModel`, weights shipped in the
package, trained by scripts/train_intents.py on labelled reader comments). `read_intents`
combines them; `inbox-agent eval intents` scores the result on a labelled set.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import NamedTuple

import numpy as np

from inbox_agent.text.language import detect_language

INTENTS = (
    "question", "thanks", "disagreement", "idea", "story", "correction", "testimonial",
    "request", "other",
)  # fmt: skip
INTENT_LABELS = {
    "question": "question", "thanks": "thanks", "disagreement": "disagreement",
    "idea": "idea or suggestion", "story": "personal story", "correction": "correction",
    "testimonial": "testimonial", "request": "interview, event or partnership request",
    "other": "other",
}  # fmt: skip
# Which intent leads the reply when several are present (the one the author must handle).
PRECEDENCE = ("correction", "request", "question", "disagreement", "idea", "story",
              "testimonial", "thanks", "other")
# A reply with only these intents may get a finished thank-you draft; any other needs the
# author's own words.
THANKS_ONLY = frozenset({"thanks", "testimonial"})
MODEL_FILE = "intent_model.json"


def _rx(*parts: str, first: str = "") -> re.Pattern[str]:
    """A pattern for lower-cased text: written in lower case, matched case-sensitively.

    `first` lists every character a match can start with (tests/unit/intake/test_intents.py
    checks it): the regex engine then skips other positions at once instead of trying each
    alternative there. Both make long alternations several times faster than IGNORECASE.
    """
    pattern = "|".join(parts)
    return re.compile(f"(?=[{first}])(?:{pattern})" if first else pattern, re.MULTILINE)


class _Signal(NamedTuple):
    """Evidence for one intent: `points` per match of `pattern`, at most `cap` in all.

    Every match contains one of the `anchors` (tests/unit/intake/test_intents.py checks it on
    generated matches), so a text holding none of them is skipped without running the pattern.
    """

    intent: str
    pattern: re.Pattern[str]
    points: int
    cap: int
    anchors: tuple[str, ...]


def _signal(intent: str, pattern: re.Pattern[str], points: int, cap: int, anchors: str) -> _Signal:
    return _Signal(intent, pattern, points, cap, tuple(anchors.split()))


# Cue rules: high-precision phrases, French and English. Ties go to the earlier intent.
_INTENT_SIGNALS: tuple[_Signal, ...] = (
    _signal("correction", _rx(
        r"(?:il\s+y\s+a|y\s+a|petite|l[ée]g[èe]re|quelques?)\s+(?:une\s+|des\s+|petite\s+)?erreurs?\b"
        r"|\berreurs?\s+dans\s+(?:le|la|les|ton|ta|tes|votre|vos|l['’]|ce|cet|cette)\b"
        r"|\bcoquille|\btypo\b|\bfaute\s+de\s+frappe|\bmistake\b|\berratum\b"
        r"|\binexact|\bincorrect|\bse\s+tromp|\bc['’]est\s+faux\b|broken\s+link|\bshould\s+read\b"
        r"|lien\s+(?:est\s+)?(?:cass[ée]|mort)|petite\s+correction|\bit['’]s\s+actually\b"
        r"|le\s+chiffre.{0,60}(?:faux|erron|inexact|pas\s+bon|date\s+de)"
        r"|\bet\s+non\s+(?:pas\s+)?(?:\d|l['’]|(?:de|des|du|le|la|les|un|une|en|à)\s)"
        r"|\blien\b[^.!?\n]{0,60}?\bne\s+(?:fonctionne|marche)\s+plus|\bdead\s+link"
        r"|\blinks?\b[^.!?\n]{0,60}?\b(?:is|are)\s+(?:dead|broken)|\b(?:is|are)\s+(?:now\s+)?(?:outdated|out\s+of"
        r"\s+date|deprecated)\b|\bn['’]est\s+plus\s+(?:[àa]\s+jour|valable|d['’]actualit[ée])",
        first="abcdefilmnpqstvy",
    ), 4, 8, "erreur coquille typo faute mistake erratum inexact incorrect tromp faux broken"
             " should lien chiffre correction actually non dead link outdated date deprecated"
             " plus"),
    _signal("request", _rx(
        r"\binterview|\bpodcast|\bwebinaire?|\bwebinar|\bconf[ée]rence|\btable\s+ronde"
        r"|\bpartenariat|\bpartnership|\bsponsor|\bspeak\s+at\b|\bkeynote|\bmasterclass"
        r"|\bprojection|\bscreening|\bvos\s+(?:conditions|tarifs|disponibilit[ée]s)"
        r"|\byour\s+(?:rates|fees|availability)|\bvous\s+inviter|\bt['’]inviter|\binvite\s+you"
        r"|\bintervenir\s+(?:lors|dans|chez|devant)|\bgive\s+a\s+talk"
        r"|\bje\s+me\s+permets\s+de\s+(?:le\s+|la\s+|les\s+|l['’])?(?:citer|reprendre|traduire"
        r"|republier|relayer|diffuser|partager)|\b(?:vous|te)\s+propos(?:e|ons)\s+(?:\w+\s+)?de\s+venir"
        r"|\b(?:can|may)\s+i\s+(?:translate|republish|repost|reuse|quote|share)"
        r"|\bwould\s+you\s+be\s+(?:willing|interested|available)"
        r"|\b(?:mettre|remettre)\s+(?:[àa]\s+disposition|en\s+ligne)\s+(?:le|la|les|ton|ta|tes|votre"
        r"|vos|un|une|des|ce|ces|l['’])|\b(?:partager|publier|envoyer|share|send|publish|post)\s+"
        r"(?:le|les|ton|ta|tes|votre|vos|the|your)\s+(?:code|script|sources?|fichiers?|files?|pdf"
        r"|slides|diapos|pr[ée]sentation|template|mod[èe]le)\b",
        first="bcegijkmprstvwy",
    ), 4, 8, "interview podcast webinai webinar rence ronde partenariat partnership sponsor"
             " speak keynote masterclass projection screening vos your inviter invite"
             " intervenir talk permets propos can may would mettre partager publier envoyer share"
             " send publish post"),
    _signal("disagreement", _rx(
        r"pas\s+(?:du\s+tout\s+|vraiment\s+)?d['’]\s*accord|\bd[ée]saccord\b|je\s+conteste"
        r"|pas\s+(?:du\s+tout\s+)?convaincue?|je\s+ne\s+partage\s+pas|i\s+(?:strongly\s+)?disagree"
        r"|don['’]?t\s+agree|not\s+convinced|beg\s+to\s+differ|you['’]re\s+wrong"
        r"|too\s+(?:soft|optimistic|naive|quick)|trop\s+(?:optimiste|naïf|naïve|rapide|gentil)"
        r"|facile\s+à\s+dire|\btu\s+te\s+trompes|\bvous\s+vous\s+trompez|je\s+nuancerais"
        r"|je\s+ne\s+(?:te|vous)\s+suis\s+(?:pas|plus)|\bmais\s+l[àa],|\bau\s+contraire\b"
        r"|i['’]m\s+not\s+sure\s+(?:i\s+)?agree|i\s+don['’]t\s+buy"
        r"|je\s+ne\s+suis\s+pas\s+(?:s[ûu]r|certaine?)\s+que|\bsauf\s+que\b|\babsurde"
        r"|n['’]a\s+rien\s+[àa]\s+voir|pas\s+si\s+simple|i['’]m\s+not\s+sure\s+that"
        r"|that['’]s\s+not\s+(?:true|right|the\s+case)|not\s+so\s+simple",
        first="abdfijmnpstvy",
    ), 4, 8, "accord contest convainc partage agree convinced differ wrong too trop facile"
             " tromp nuancer suis mais contraire buy sauf absurde rien simple sure not"),
    _signal("idea", _rx(
        r"tu\s+devrais|vous\s+devriez|\bsugg[èe]re\b|\bsugg[ée]rer\b|\bsuggest(?!ed)|\bsuggestion"
        r"|id[ée]e\s+(?:de\s+sujet|pour\s+un)|pourquoi\s+ne\s+pas|un\s+prochain\s+num[ée]ro"
        r"|(?:ce|ça|cela)\s+serait\s+(?:un\s+bon|bien|super|int[ée]ressant|g[ée]nial|cool)|idea\s+for"
        r"|it\s+would\s+be\s+(?:great|nice|awesome|cool|interesting|useful)\s+(?:if|to)\b"
        r"|\bpense[sz]?\s+[àa]\s+(?:ajouter|mettre|soumettre|publier|proposer|pr[ée]ciser)"
        r"|you\s+should\s+(?:write|cover|look)|how\s+about\s+(?:an?\s+)?issue"
        r"|je\s+(?:te|vous)\s+recommande\s+(?:le|la|les|l['’]|un|une|de)|il\s+existe\s+(?:aussi\s+)?"
        r"(?:un|une|des|l['’])|pour\s+ceux\s+qui|il\s+suffit\s+d|tu\s+peux\s+aussi"
        r"|vous\s+pouvez\s+aussi|you\s+can\s+also|there['’]s\s+also|there\s+is\s+also"
        r"|have\s+a\s+look\s+at|check\s+out\b|une\s+autre\s+solution|another\s+option"
        r"|j['’]aimerais\s+(?:bien\s+)?(?:lire|que\s+tu)|\btu\s+pourrais\s+(?:aussi\s+)?"
        r"(?:parler|[ée]crire|faire|ajouter|utiliser|essayer)|\bvous\s+pourriez\s+(?:aussi\s+)?"
        r"(?:parler|[ée]crire|faire|ajouter|utiliser|essayer)|you\s+could\s+(?:also\s+)?"
        r"(?:write|add|use|try)",
        first="achijpstuvyç",
    ), 3, 6, "devrais devriez sugg idée idee pourquoi prochain serait idea should about aimerais"
             " would pense"
             " pourrais pourriez could recommande existe ceux suffit aussi also look check"
             " autre another"),
    # More corrections: hedged or typographic ones, outdated facts, "X, not Y" with figures.
    _signal("correction", _rx(
        r"\bil\s+me\s+semble\s+que\s+c['’]est\s+(?:plut[ôo]t|en\s+fait"
        r"|l['’]inverse|le\s+contraire)|\b(?:tu\s+veux|vous\s+voulez|tu\s+voulais|vous\s+vouliez)\s+"
        r"(?:sans\s+doute\s+|plut[ôo]t\s+|probablement\s+)?dire\b|\bi\s+think\s+you\s+(?:mean|meant)\b"
        r"|\bdid\s+you\s+mean\b|\byou\s+probably\s+meant?\b|\bfautes?\s+d['’]orthographe"
        r"|\bs['’][ée]crit\s+(?:avec|sans)\b|\bmisspel|\bspelling\s+(?:mistake|error)|\bnitpick"
        r"|\bpinaill|\berrata\b|\bn['’]est\s+plus\s+(?:disponible|vrai|le\s+cas|maintenu|support[ée]"
        r"|accessible|en\s+ligne)|\bno\s+longer\s+(?:available|true|the\s+case|maintained|supported"
        r"|works?|exists?|valid|accurate|online)\b|\bpas\s+(?:de\s+)?\d[\d.,]*\s*%?\s*,?\s*mais\s+"
        r"(?:de\s+)?\d|[0-9][\d.,]*(?:\s*[a-z%]{1,4})?\s*,\s*(?:and\s+)?not\s+\d|\bmauvais\s+lien"
        r"|\bwrong\s+(?:link|url|date|year|name|figure|number|command|file|path)\b"
        r"|\blien\s+(?:est\s+)?(?:erron|bris[ée]|invalide)|\b(?:chiffre|date|ann[ée]e|formule|calcul"
        r"|commande|url|adresse)\s+(?:est\s+|me\s+semble\s+|semble\s+)?(?:erron[ée]e?|inexacte?|fausse?)\b"
        r"|\bil\s+manque\s+(?:un|une)\s+(?:mot|lettre|virgule|parenth[èe]se|guillemet|accent|espace"
        r"|ligne|[ée]tape|option|argument|param[èe]tre|point)\b|\bshould\s+be\s+[`'\"“‘«]"
        r"|\bne\s+manque-t-il\s+pas|\bne\s+faudrait-il\s+pas\s+plut[ôo]t|\bn['’]est-ce\s+pas\s+plut[ôo]t"
        r"|\bne\s+serait-ce\s+pas\s+plut[ôo]t|\bce\s+ne\s+serait\s+pas\s+plut[ôo]t"
        r"|\bshouldn['’]t\s+(?:it|this|that|the\s+\w+)\s+(?:be|read|say)\b",
        first="0123456789abcdefilmnpstuvwy",
    ), 4, 8, "semble dire mean meant orthographe crit misspel spelling"
             " nitpick pinaill errata plus longer mais not lien wrong erron fauss inexact"
             " manque-t-il faudrait-il est-ce serait-ce serait shouldn manque should"),
    # More objections: to the reasoning, the premises, the tone of the post.
    _signal("disagreement", _rx(
        r"\braisonnement\s+(?:est\s+|me\s+semble\s+|semble\s+)?(?:un\s+peu\s+|compl[èe]tement\s+"
        r"|tout\s+simplement\s+|totalement\s+)?(?:erron|biais|faux|bancal|simpliste|fallacieux)"
        r"|\b(?:ton|votre)\s+raisonnement\s+(?:pourrait|ne\s+tient|marche|fonctionne(?:rait)?)\b"
        r"|\bpostulat\s+(?:de\s+d[ée]part\s+)?(?:est\s+)?faux|\bpostulat\s+de\s+d[ée]part"
        r"|\bhypoth[èe]ses?\s+(?:de\s+d[ée]part\s+)?(?:sont\s+|est\s+)?fausses?"
        r"|\bnuance\s+[àa]\s+apporter|\bj['’]apporterais?\s+(?:une|quelques)\s+nuances?"
        r"|\bpetite\s+nuance|\bb[ée]mol\b|\b(?:vas|va|allez)\s+un\s+peu\s+vite|\bvite\s+en\s+besogne"
        r"|\bforc(?:es|ez|e)\s+(?:un\s+peu\s+|largement\s+|beaucoup\s+|trop\s+)?le\s+trait"
        r"|\bme\s+chiffonne|\bje\s+ne\s+vois\s+pas\s+en\s+quoi|\bne\s+tient\s+pas\s+(?:la\s+route|debout)"
        r"|\bpas\s+forc[ée]ment\s+(?:le\s+cas|vrai)|\b(?:c['’]est|est|reste)\s+(?:tr[èe]s\s+|assez\s+"
        r"|plut[ôo]t\s+)?discutable|\bcontrairement\s+[àa]\s+ce\s+que\s+(?:tu|vous)\b"
        r"|\bje\s+ne\s+(?:te\s+|vous\s+)?rejoins\s+pas|^faux\b|\bsimpliste|\bcaricatura"
        r"|\bi['’]d\s+argue|\bi\s+would\s+argue|\bdevil['’]s\s+advocate|\bon\s+the\s+contrary"
        r"|\bi['’]m\s+(?:a\s+bit\s+|rather\s+|very\s+)?(?:skeptical|sceptical)|\bnot\s+so\s+sure"
        r"|\bi\s+don['’]t\s+think\s+(?:that['’]s|this\s+is|it['’]s)\s+(?:true|right|fair|accurate"
        r"|correct)|\bwith\s+all\s+due\s+respect|\bi['’]d\s+push\s+back|\bcounter-?point"
        r"|\b(?:cependant|mais|par\s+contre|toutefois),?\s+n['’]oublie[zs]?\s+pas\s+que|\boverstat|\bmisleading|\bthe\s+problem\s+(?:as\s+i\s+see\s+it|with\s+(?:this|your|that)\s+"
        r"(?:approach|argument|reasoning|logic|method|claim))",
        first="abcdefhijmnoprstvw",
    ), 4, 8, "raisonnement postulat hypoth nuance mol vite besogne trait chiffonne quoi tient"
             " pas discutable contrairement rejoins faux simpliste caricatura argue advocate"
             " contrary skeptical sceptical sure think respect push counter overstat misleading"
             " oublie problem"),
    # More ideas: a complement, a recommendation, another way.
    _signal("idea", _rx(
        r"\bj['’]ajoute(?:rai|rais)?\s+(?:que|qu['’]|juste|aussi)|\bj['’]ajouterai(?:s)?\b"
        r"|\bje\s+(?:te|vous)\s+conseille\b|\bje\s+peux\s+(?:te|vous)\s+conseiller"
        r"|\bje\s+me\s+permets?\s+de\s+(?:te|vous)\s+(?:recommander|conseiller|sugg[ée]rer|signaler)"
        r"|\bon\s+peut\s+(?:aussi|[ée]galement)\s+(?:utiliser|faire|passer|installer|ajouter|mettre"
        r"|lancer|configurer|essayer|employer)|\bpour\s+en\s+savoir\s+(?:plus|davantage)"
        r"|\bvoir\s+aussi\b|\bsee\s+also\b|\bje\s+proposerais|\bne\s+serait-il\s+pas\s+(?:plus\s+)?"
        r"(?:int[ée]ressant|simple|mieux|judicieux|pr[ée]f[ée]rable)|\bou\s+sinon\b"
        r"|\byou\s+(?:might|may)\s+(?:want\s+to|also\s+want|like\s+to)|\bi['’]d\s+recommend|\bi\s+would\s+recommend"
        r"|\balternatively\b|\banother\s+(?:way|approach|alternative|solution)"
        r"|\ba\s+better\s+(?:way|option|solution|approach)|\bm[ée]riterai[st]?\s+d['’][êe]tre"
        r"|\bdeserves\s+to\s+be\b|\bpour\s+compl[ée]ter\s+(?:celui-ci|ce\s+billet|cet\s+article|ton|ta|votre"
        r"|le|la|l['’])",
        first="adijmnopsvy",
    ), 3, 6, "ajoute conseille conseiller recommander signaler peut savoir voir see proposerais"
             " serait sinon might may recommend alternatively another better permet sugg"
             " riterai deserves compl"),
    _signal("question", _rx(r"\w\W{0,3}\?"), 2, 6, "?"),
    _signal("question", _rx(  # a question or a call for help without a question mark
        r"merci\s+d['’]avance|thanks\s+in\s+advance|je\s+n['’]arrive\s+pas|j['’]ai\s+un\s+"
        r"(?:petit\s+|gros\s+)?(?:probl[èe]me|souci|soucis|bug)|je\s+voudrais\s+savoir"
        r"|j['’]aimerais\s+savoir|si\s+(?:tu\s+peux|vous\s+pouvez)\s+m['’]aider"
        r"|une\s+id[ée]e\s+(?:pour|de\s+ce\s+qui)|i\s+can['’]?not\b|i\s+can['’]t\b"
        r"|i\s+have\s+(?:a|an)\s+(?:problem|issue)|i\s+was\s+wondering|please\s+help"
        r"|any\s+(?:idea|ideas|advice|tips)\b|je\s+me\s+demand(?:e|ais)\s+(?:si|comment|pourquoi)"
        r"|\bi\s+wonder\b|\bi['’]m\s+wondering|\bi\s+would\s+(?:\w+\s+)?(?:much\s+)?appreciate"
        r"|\b(?:your|any)\s+(?:advice|help|thoughts|feedback|input|suggestions?)(?:\s+[\w']+){0,3}?"
        r"\s+(?:is|are|would\s+be)\s+(?:\w+\s+)?appreciated|\bi['’]m\s+(?:still\s+|a\s+bit\s+)?(?:confused|stuck)\b"
        r"|\bconfused?\s+(?:about|whats?|which|how)\b"
        r"|\bje\s+suis\s+(?:un\s+peu\s+)?(?:perdue?|bloqu[ée]e?)\b"
        r"|\b(?:it|this)\s+(?:doesn['’]?t|does\s+not)\s+work|\bpas\s+moyen\b",
        first="acdijmpstuy",
    ), 2, 4, "merci thanks arrive ai voudrais aimerais aider idée idee can have wondering help"
             " any demande wonder appreciat confuse stuck perdu bloqu work moyen"),
    _signal("question", _rx(  # more calls for help: still stuck, cannot get it to work
        r"\bwondering\s+(?:if|whether|how|why)\b|\bcan['’]?t\s+(?:seem\s+to\s+)?get\s+(?:\w+\s+){0,3}?"
        r"to\s+work\b|\bstill\s+(?:can['’]?t|cannot|doesn['’]t\s+work|does\s+not\s+work|not\s+working)"
        r"|\btoujours\s+pas\s+(?:r[ée]ussi|trouv[ée]|compris)|\bça\s+ne\s+(?:marche|fonctionne)\s+toujours\s+pas",
        first="cstwç",
    ), 2, 4, "wondering work still toujours"),
    _signal("story", _rx(
        r"ça\s+m['’]est\s+arriv|cela\s+m['’]est\s+arriv|quand\s+j['’][ée]tais|je\s+me\s+souviens"
        r"|i\s+remember|when\s+i\s+was|happened\s+to\s+me",
        first="chijqwç",
    ), 2, 4, "arriv quand souviens remember when happened"),
    _signal("story", _rx(
        r"\bchez\s+nous\b|\b(?:mon|ma|notre)\s+(?:entreprise|boîte|entrepôt|[ée]quipe|service)\b"
        r"|dans\s+(?:mon|ma|notre)\s+(?:boulot|travail)|il\s+y\s+a\s+(?:deux|trois|\d+)\s+ans"
        r"|j['’]ai\s+(?:v[ée]cu|fait|pass[ée]|travaill[ée]|quitt[ée]|demand[ée])"
        r"|l['’]an\s+dernier|\bon\s+a\s+(?:fait|test[ée]|essay[ée])|\blast\s+year\b"
        r"|\b(?:in|at)\s+my\s+(?:company|team|job|work|office)|\bmy\s+(?:team|company)\b"
        r"|\bwe\s+(?:tried|did|had)\b|ich\s+habe|\bmeine?\b|\bmi\s+(?:empresa|equipo)\b"
        r"|\bnous\s+avons\b",
        first="acdijlmnow",
    ), 1, 4, "chez entreprise boîte entrepôt quipe service boulot travail ans ai dernier on"
             " year my we habe mein mi avons"),
    _signal("testimonial", _rx(
        r"depuis\s+que\s+je\s+(?:te\s+|vous\s+)?lis|je\s+(?:te\s+|vous\s+)?lis\s+depuis"
        r"|gr[âa]ce\s+[àa]\s+(?:toi|vous|ta|votre|tes|vos|ton)\b|thanks\s+to\s+(?:you|your)\b"
        r"|(?:a|as|avez)\s+chang[ée]\s+(?:ma|mon|notre)\b|changed\s+(?:my|our|the\s+way)\b"
        r"|helped\s+(?:me|us)\b|m['’]a\s+(?:beaucoup\s+)?aid[ée]|je\s+recommande"
        r"|i\s+recommend\s+(?:you|your|it)|i(?:['’]ve|\s+have)\s+been\s+reading"
        r"|fid[èe]le\s+lect|loyal\s+reader|long-?time\s+reader|lectrice\s+depuis"
        r"|lecteur\s+depuis|saved\s+(?:me|my)\b|m['’]a\s+sauv[ée]",
        first="acdfghijlmst",
    ), 2, 4, "lis gr thanks chang changed helped aid recommande recommend reading fid loyal"
             " reader lectrice lecteur saved sauv"),
    # What the issue did for the reader: it works now, I learned, it saved me time.
    _signal("testimonial", _rx(
        r"\b(?:ça|ca|cela|tout)\s+(?:marche|fonctionne)\s+(?:nickel|niquel|impec|parfaitement"
        r"|tr[èe]s\s+bien|super\s+bien|[àa]\s+merveille|du\s+tonnerre|maintenant|enfin|au\s+poil)"
        r"|\b(?:ça|ca)\s+(?:marche|fonctionne)\s*!|\bj['’]ai\s+(?:enfin\s+|tout\s+|enfin\s+tout\s+)"
        r"(?:compris|pig[ée])|\bj['’]ai\s+(?:appris|d[ée]couvert)\s+(?:plein|beaucoup|pas\s+mal"
        r"|des\s+choses|quelque\s+chose|plusieurs)|\bbeaucoup\s+appris|\bappris\s+(?:plein|beaucoup)"
        r"|\bm['’](?:a|as|avez)\s+(?:[ée]t[ée]\s+)?(?:tr[èe]s\s+|bien\s+|super\s+|vraiment\s+|fort\s+)?"
        r"utile|\bm['’](?:as|avez|a)\s+(?:fait\s+)?gagner\b|\bm['’](?:as|avez|a)\s+(?:[ée]pargn|[ée]vit)"
        r"|\b(?:viens|venez)\s+de\s+me\s+sauver|\bsauv[ée]r?\s+(?:ma|la)\s+(?:soir[ée]e|journ[ée]e|vie)"
        r"|\br[ée]solu\s+mon\s+(?:probl[èe]me|pb|souci)|\btest[ée]\s+avec\s+succ[èe]s"
        r"|\bgr[âa]ce\s+[àa]\s+(?:cet|ce|cette|l['’])\s*(?:article|billet|tuto|tutoriel|astuce|post"
        r"|lettre|num[ée]ro|page)|\bm['’](?:a|as|avez)\s+(?:re)?donn[ée]\s+envie|\bm['’]a\s+(?:m[êe]me\s+)?motiv"
        r"|\b(?:it|this|that|everything)\s+works\s+(?:now|perfectly|great|like\s+a\s+charm|fine\s+now"
        r"|flawlessly)|\b(?:it|this|that)\s+worked\s+(?:perfectly|like\s+a\s+charm|flawlessly|great)"
        r"|\bworks\s+like\s+a\s+charm|\blearn(?:ed|t)\s+(?:a\s+lot|so\s+much|something|a\s+few|many"
        r"|plenty)|\bi\s+learned\b|\bhelped\s+(?:a\s+lot|enormously|immensely|tremendously)"
        r"|\b(?:solved|fixed)\s+my\s+(?:problem|issue)|\bmakes?\s+me\s+want\s+to|\binspired\s+me\b"
        r"|\bwith\s+your\s+help\b",
        first="abcefghijlmrstvwç",
    ), 2, 4, "marche fonctionne compris pig appris couvert utile gagner pargn vit sauver sauv"
             " solu succ gr envie motiv works worked learn helped solved fixed want inspired help"),
)  # fmt: skip
_QUESTION_START = _rx(
    r"^\s*(?:est-ce|pourquoi|comment|combien|quel(?:le)?s?\b|pourrais|pourriez|peux-tu"
    r"|pouvez-vous|sais-tu|savez-vous|est-il|y\s+a-t-il|existe-t-il|faut-il|peut-on|puis-je"
    r"|why|how|what|where|which|could\s+you|can\s+you|can\s+i|do\s+you|did\s+you|have\s+you"
    r"|is\s+there|are\s+there|would\s+you|is\s+it\s+possible|any\s+chance)\b"
)
_THANKS = _rx(  # thanks, and praise of the issue or of the author
    r"\bmerci\b|\bthanks?\b|\bthank\s+you\b|\bthanx\b|\bthx\b|\bbravo\b|\bgracias\b|\bdanke\b"
    r"|\bvielen\s+dank\b|\bdank\s+(?:je|u)\b|\bobrigad[oa]\b|\bdzi[ęe]kuj[ęe]\b"
    r"|\btack\s+(?:för|så)\b|\btusen\s+tack\b|\bспасибо\b|\bдякую\b"
    r"|\bgrazie\b|\bkudos\b|\bcheers\b|\bchapeau\b|\bf[ée]licitations\b|\bbien\s+jou[ée]"
    r"|\bg[ée]nial(?:e|es|s)?\b|\bexcellent(?:e|es|s)?\b|\bsuperbe?s?\b|\bformidable|\bmagnifique"
    r"|\bremarquable|\bpassionnant|\bimpressionnant|\bun\s+r[ée]gal\b|\bj['’]adore\b"
    r"|\bj['’]ai\s+ador[ée]|\bj['’]aime\s+beaucoup|\bcontinue[zr]?\s+(?:comme\s+[çc]a|ainsi)"
    r"|\bbonne\s+continuation|\b(?:beau|bon|joli)\s+(?:travail|boulot|billet|article)"
    r"|\b(?:bel|bon)\s+article|\bbelle\s+(?:analyse|initiative|r[ée]flexion|lettre)"
    r"|\b(?:super|tr[èe]s\s+bon(?:ne)?|excellente?)\s+(?:num[ée]ro|article|lettre|billet|tuto|tutoriel"
    r"|post|boulot|travail|astuce|newsletter|blog|site|initiative|analyse|explication|r[ée]sum[ée])"
    r"|\b(?:tr[èe]s|vraiment|super|fort|hyper)\s+(?:int[ée]ressante?|utile|instructif|instructive|clair"
    r"|claire|pratique|enrichissant)|\b(?:[ée]norme|parfait|top|nickel)\s*!"
    r"|\bgreat\s+(?:issue|post|read|piece|article|tutorial|tuto|job|work|write-?up|guide|review"
    r"|newsletter|stuff|tips?|theme|blog|site|info|explanation|content|video|series|resource)"
    r"|\b(?:nice|good|cool)\s+(?:issue|post|read|piece|article|tutorial|job|work|write-?up|guide"
    r"|review|newsletter|stuff|tips?|theme|blog|site|explanation|updates?)|\bnicely\s+done"
    r"|\bwell\s+(?:done|written|explained)|\bawesome\b|\bamazing\b|\bfantastic\b|\bwonderful\b"
    r"|\bsuperb\b|\bincredible\b|\bmarvell?ous\b|\bimpressive\b|\boutstanding\b|\bterrific\b"
    r"|\bbrilliant\b|\blove(?:d)?\s+(?:it|this|your|the)\b|\bi\s+love\b|\bgrateful\b"
    r"|\bthankful\b|\bappreciated?\s+(?:it|this|that|the|your|all)\b|\bmuch\s+appreciated"
    r"|\bkeep\s+(?:it\s+up|up\s+the|going|them\s+coming)|\blooking\s+forward\s+to"
    r"|\bcan['’]?t\s+wait\s+(?:for|to\s+read)|\byou\s+rock\b"
    r"|\b(?:very|so|really|super|extremely|incredibly)\s+(?:useful|helpful|informative|interesting"
    r"|clear|cool|inspiring|well\s+written)",
    first="abcdefghijklmnoprstuvwyéсд",
)
_SHORT_THANKS_WORDS = 40
# The cue phrases are French and English: in another language the rules see the thanks
# ("danke", "gracias" …) but not a question without "?", a correction or an objection after
# them, so a message there is about thanks only when it is as short as a thank-you.
CUE_LANGUAGES = frozenset(("fr", "en"))
_SHORT_THANKS_WORDS_ELSEWHERE = 8
_SHORT_TESTIMONIAL_WORDS = 80  # longer, a testimonial cue alone is no thank-you
_MAX_INTENT_CHARS = 5_000  # a reader's point is made in the first few paragraphs
_MIN_STORY_POINTS = 2






TAGGED = "chat model"  # a Reading's source when a chat model read the reply


@dataclass(frozen=True)
class Reading:
    """What a reply asks of the author: its intents (the leading one first)."""

    intents: tuple[str, ...]
    source: str = "rules"  # "rules", "rules+model" when the classifier took part, TAGGED when
    # a chat model tagged the reply

    @property
    def primary(self) -> str:
        return self.intents[0] if self.intents else "other"

    @property
    def thanks_only(self) -> bool:
        """Only thanks or praise: the one case a draft may be finished without the author."""
        return bool(self.intents) and set(self.intents) <= THANKS_ONLY


def cue_scores(text: str) -> dict[str, int]:
    """Points per intent from the cue rules (0 when no cue fired)."""
    return dict(zip(INTENTS, _cue_points(text[:_MAX_INTENT_CHARS]), strict=True))


@functools.lru_cache(maxsize=512)  # a reply is read again at each stage of its drafting
def _cue_points(text: str) -> tuple[int, ...]:
    text = text.strip().lower()
    scores = dict.fromkeys(INTENTS, 0)
    if not text:
        return tuple(scores.values())
    for signal in _INTENT_SIGNALS:
        if any(anchor in text for anchor in signal.anchors):
            found = len(signal.pattern.findall(text))
            scores[signal.intent] += min(found * signal.points, signal.cap)
    if not scores["question"] and _QUESTION_START.search(text):
        scores["question"] = 1
    if scores["story"] < _MIN_STORY_POINTS:
        scores["story"] = 0
    thanks = _THANKS.search(text)
    if thanks:  # 2: the message is about thanks (short, or thanks first); 1: thanks in passing
        words = len(text.split())
        if detect_language(text) in CUE_LANGUAGES | {""}:
            about_thanks = words <= _SHORT_THANKS_WORDS or thanks.start() < 80
        else:
            about_thanks = words <= _SHORT_THANKS_WORDS_ELSEWHERE
        scores["thanks"] = 2 if about_thanks else 1
    return tuple(scores[name] for name in INTENTS)


def rule_intents(text: str) -> tuple[str, ...]:
    """The intents the cue rules see, the leading one first ("other" when none)."""
    scores = cue_scores(text)
    found = [name for name in INTENTS if scores[name] > 0 and name != "thanks"]
    if not found:  # a long message that thanks in passing is not a thank-you
        return {2: ("thanks",), 1: ("other", "thanks")}.get(scores["thanks"], ("other",))
    best = max(found, key=lambda name: (scores[name], -_ORDER[name]))  # ties: signal order
    rest = [name for name in PRECEDENCE if name in found and name != best]
    intents = _lead((best, *rest, *(["thanks"] if scores["thanks"] else [])))
    if set(intents) <= THANKS_ONLY and _words(text) > _SHORT_TESTIMONIAL_WORDS:
        return ("other", *intents)  # "it works" in a long message: the reader says more
    return intents


def _words(text: str) -> int:
    return len(text[:_MAX_INTENT_CHARS].split())


def _lead(intents: Sequence[str]) -> tuple[str, ...]:
    """Intents without repeats, and never led by thanks or praise when the reply also does
    something the author must answer: the leading intent decides whether a draft is a
    finished thank-you."""
    intents = list(dict.fromkeys(intents))
    if len(intents) > 1 and "other" in intents:
        intents.remove("other")
    needing = [name for name in PRECEDENCE if name in intents and name not in THANKS_ONLY
               and name != "other"]
    if intents and intents[0] in THANKS_ONLY and needing:
        intents.remove(needing[0])
        intents.insert(0, needing[0])
    return tuple(intents)


_ORDER = {signal.intent: n for n, signal in reversed(list(enumerate(_INTENT_SIGNALS)))}
_ORDER |= {name: len(_ORDER) + n for n, name in enumerate(INTENTS) if name not in _ORDER}


def cue_features(text: str) -> np.ndarray:
    """The cue rules as model inputs: one value per intent, 1 when its cue fired."""
    scores = cue_scores(text)
    return np.array([float(scores[name] > 0) for name in INTENTS], dtype=np.float32)


_WORD = re.compile(r"\w+['’]?")  # an elided "j'", "t'" keeps its apostrophe
_FIRST_PERSON = frozenset(("je", "j'", "me", "m'", "moi", "mon", "ma", "mes", "i", "i'", "my",
                           "mine"))
_SECOND_PERSON = frozenset(("tu", "te", "t'", "toi", "ton", "ta", "tes", "vous", "votre", "vos",
                            "you", "you'", "your", "yours"))
_CODE = re.compile(r"`|^(?: {4}|\t)\S", re.MULTILINE)
_TO_SOMEONE = re.compile(r"\s*(?:@|\w[\w .-]{0,25}\s?:\s)")  # "@Paul", "Paul : …"
TEXT_FEATURES = 8


def text_features(text: str) -> np.ndarray:
    """The shape of the reader's words as model inputs: length, question and exclamation
    marks, a link, code, a name or @ opening the message, first- and second-person words."""
    text = text[:_MAX_INTENT_CHARS].lower()
    words = [word.replace("’", "'") for word in _WORD.findall(text)]
    count = max(len(words), 1)
    first = sum(word in _FIRST_PERSON for word in words) / count
    second = sum(word in _SECOND_PERSON for word in words) / count
    return np.array([
        min(np.log1p(len(words)) / 6, 1.2), min(text.count("?"), 3) / 3,
        float("http" in text or "www." in text), float(bool(_CODE.search(text))),
        float(bool(_TO_SOMEONE.match(text))), min(first * 10, 1.5), min(second * 10, 1.5),
        min(text.count("!"), 3) / 3,
    ], dtype=np.float32)  # fmt: skip


# What the author must answer in their own words: these lead over thanks when the model
# reads them too (its score at least the model's `lead_threshold`).
MUST_ANSWER = ("correction", "request", "question", "disagreement")


class IntentModel:
    """A linear scorer over the reply's embedding, the cue rules that fired and the shape of
    the text: one score per intent (is it present? ridge regression) and one for "needs an
    answer" (a probability when `answer_logistic`: logistic regression)."""

    def __init__(self, classes: Sequence[str], weights: np.ndarray, embedding: str, dims: int,
                 cue_scale: float, answer_threshold: float, text_scale: float | None = None,
                 lead_threshold: float = float("-inf"), answer_logistic: bool = False) -> None:
        self.classes = tuple(classes)
        self.weights = np.asarray(weights, dtype=np.float32)  # (inputs, classes + 1)
        self.embedding = embedding
        self.dims = dims  # the embedding's size
        self.cue_scale = cue_scale
        self.answer_threshold = answer_threshold
        self.text_scale = text_scale  # None: no text features among the inputs
        self.lead_threshold = lead_threshold
        self.answer_logistic = answer_logistic

    def inputs(self, vector: Sequence[float], text: str) -> np.ndarray:
        parts = [np.asarray(vector, dtype=np.float32), cue_features(text) * self.cue_scale]
        if self.text_scale is not None:
            parts.append(text_features(text) * self.text_scale)
        return np.concatenate([*parts, np.ones(1, dtype=np.float32)])

    def scores(self, vector: Sequence[float], text: str) -> tuple[dict[str, float], float]:
        """(score per intent, "needs an answer" score) of the reader's words `text`."""
        out = self.inputs(vector, text) @ self.weights
        answer = float(out[-1])
        if self.answer_logistic:
            answer = 1.0 / (1.0 + float(np.exp(-np.clip(answer, -30.0, 30.0))))
        return dict(zip(self.classes, out[:-1].tolist(), strict=True)), answer

    def to_json(self) -> dict:
        packed = base64.b64encode(self.weights.astype(np.float16).tobytes()).decode("ascii")
        data = {"classes": list(self.classes), "dims": self.dims,
                "inputs": int(self.weights.shape[0]), "weights_f16": packed,
                "embedding": self.embedding, "cue_scale": self.cue_scale,
                "answer_threshold": self.answer_threshold}
        if self.text_scale is not None:
            data["text_scale"] = self.text_scale
        if self.lead_threshold != float("-inf"):
            data["lead_threshold"] = self.lead_threshold
        if self.answer_logistic:
            data["answer_logistic"] = True
        return data

    @classmethod
    def from_json(cls, data: dict) -> IntentModel:
        raw = np.frombuffer(base64.b64decode(data["weights_f16"]), dtype=np.float16)
        weights = raw.astype(np.float32).reshape(data["inputs"], len(data["classes"]) + 1)
        return cls(data["classes"], weights, data["embedding"], data["dims"],
                   data["cue_scale"], data["answer_threshold"], data.get("text_scale"),
                   data.get("lead_threshold", float("-inf")),
                   bool(data.get("answer_logistic", False)))


@functools.lru_cache(maxsize=1)
def shipped_model() -> IntentModel | None:
    """The model shipped in the package, or None when it is absent."""
    try:
        text = resources.files("inbox_agent.intake.data").joinpath(MODEL_FILE).read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return None
    return IntentModel.from_json(json.loads(text))


def read_intents(text: str, vector: Sequence[float] | None = None,
                 model: IntentModel | None = None) -> Reading:
    """The reply's intents from the cue rules, led by `model`'s best-scored intent over
    `vector` when given; the other intents the rules saw follow (see `combine`)."""
    rules = rule_intents(text)
    if vector is None or model is None or len(vector) != model.dims:
        return Reading(rules)  # no model, or a vector of another embedding
    scores, answer = model.scores(vector, text)
    return Reading(combine(rules, scores, answer, model.answer_threshold,
                           model.lead_threshold), "rules+model")


def combine(rules: Sequence[str], scores: dict[str, float], answer: float,
            answer_threshold: float, lead_threshold: float) -> tuple[str, ...]:
    """The intents of a reply from the rules' intents and the model's scores.

    The model's best-scored intent leads and the rules' intents follow. A finished
    thank-you needs both readers to agree: the model never leads with thanks or praise when
    the rules saw neither that nor anything else, and a thank-you the model scores as
    needing an answer (over `answer_threshold`) gets its next intent first. Thanks the
    model reads may lead a reply that also does something else, except that what the author
    must answer (a correction, a request, a question, an objection the rules saw) leads when
    the model scores it at least `lead_threshold` too."""
    order = sorted(scores, key=lambda name: -scores[name])
    besides = {name for name in rules if name != "other"} - THANKS_ONLY
    if rules[0] not in THANKS_ONLY and not besides:  # no thank-you the rules did not see
        order = [name for name in order if name not in THANKS_ONLY]
    lead = order[0]
    if lead in THANKS_ONLY:
        owed = [name for name in MUST_ANSWER
                if name in rules and scores.get(name, 0.0) >= lead_threshold]
        if owed:
            lead = max(owed, key=lambda name: scores.get(name, 0.0))
    intents = list(dict.fromkeys([lead, *rules]))
    if len(intents) > 1 and "other" in intents and (besides or rules[0] in THANKS_ONLY):
        intents.remove("other")  # else "other" says that neither reader read a thank-you
    if set(intents) <= THANKS_ONLY and answer > answer_threshold:
        intents.insert(0, next(n for n in order if n not in THANKS_ONLY and n != "other"))
    return tuple(intents)


def detect_intent(text: str) -> str:
    """The leading intent of `text` by the cue rules."""
    return rule_intents(text)[0]
