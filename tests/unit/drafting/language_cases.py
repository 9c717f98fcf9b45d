"""Demo-like replies in each draft language, one per intent, and the issues they get.

Each case is (first name, display name, the reader's own words); the register each one
shows is noted: a reader who gives no clue is answered with the polite form.
"""

from __future__ import annotations

from inbox_agent.models import Evidence

AI = Evidence(
    "42-ia",
    "L'Atelier du Futur #42 : IA au travail, par où commencer quand on n'y connaît rien ?",
    "https://atelier.example/p/ia-au-travail",
    42,
    "2026-06-22",
    0.7,
    ("Interdire ne sert à rien. Mieux vaut encadrer, et laisser les équipes tester.",),
    answered=True,
)
HYBRID = Evidence(
    "38-hybrid",
    "Special English edition: what three years of hybrid work data tell us",
    "https://atelier.example/p/hybrid",
    38,
    "2026-04-27",
    0.6,
    ('Each team writes a one-page "team agreement": which days it meets and how quickly\n'
     "people are expected to answer messages.",),
)
PILOT = Evidence(
    "41-semaine",
    "L'Atelier du Futur #41 : La semaine de quatre jours, un an après",
    "https://atelier.example/p/semaine-4-jours",
    41,
    "2026-06-08",
    0.5,
    ("Sur les 61 entreprises du pilote, 56 ont gardé la semaine de quatre jours après un an.",),
)
ISSUE_LANGUAGES = {"42-ia": "fr", "38-hybrid": "en", "41-semaine": "fr"}
EVIDENCE = {"question": (AI, HYBRID, PILOT), "idea": (PILOT, HYBRID), "disagreement": (AI, PILOT),
            "request": (HYBRID,), "thanks": (AI,), "correction": (AI, PILOT)}  # fmt: skip
INTENTS = ("question", "thanks", "disagreement", "idea", "correction", "request")

CASES: dict[tuple[str, str], tuple[str, str, str]] = {
    # Spanish
    ("es", "question"): ("Lucía", "Lucía Fernández",  # tú
        "Hola Camille:\n\nTe leo desde Valencia con el traductor. En mi empresa, una cooperativa"
        " agrícola de 120 socios, queremos empezar a usar la IA pero nadie sabe por dónde"
        " empezar. ¿Tienes algún ejemplo de cooperativas que ya la utilicen?\n\n¡Gracias por tu"
        " trabajo!\n\nUn saludo,"),
    ("es", "thanks"): ("Lucía", "Lucía Fernández",  # no clue: usted
        "¡Gracias, Camille! Me ha encantado este número."),
    ("es", "disagreement"): ("Javier", "Javier Ruiz",  # usted
        "Buenos días:\n\nNo estoy de acuerdo con usted sobre la semana de cuatro días. En mi"
        " empresa la probamos durante seis meses y el equipo acabó más cansado que antes.\n\n"
        "Saludos cordiales,"),
    ("es", "idea"): ("Marta", "Marta Gil",  # tú
        "Hola Camille:\n\n¿Y si dedicaras un número a las cooperativas que trabajan cuatro días?"
        " Creo que te daría mucho juego.\n\nUn abrazo,"),
    ("es", "correction"): ("Elena", "Elena Soto",  # usted
        "Estimada Camille:\n\nCreo que hay un error en su último número: el piloto británico"
        " tenía 61 empresas, no 66.\n\nAtentamente,"),
    ("es", "request"): ("Pablo", "Pablo Martín",  # usted
        "Buenos días, Camille:\n\nSoy periodista en Radio Valencia y nos gustaría invitarle a"
        " nuestro programa sobre el futuro del trabajo. ¿Estaría usted disponible el mes que"
        " viene?\n\nUn cordial saludo,"),
    # German
    ("de", "question"): ("Katrin", "Katrin Vogel",  # Sie
        "Hallo Frau Durand,\n\nvielen Dank für Ihren Artikel über KI im Büro. Haben Sie Beispiele"
        " von mittelständischen Unternehmen, die damit angefangen haben?\n\nMit freundlichen"
        " Grüßen"),
    ("de", "thanks"): ("Katrin", "Katrin Vogel",  # du
        "Danke, Camille! Dein Text hat mich sehr berührt."),
    ("de", "disagreement"): ("Jonas", "Jonas Becker",  # du
        "Hallo Camille,\n\nda muss ich dir widersprechen: Bei uns hat die Viertagewoche die"
        " Meetings nicht reduziert, sondern nur verdichtet.\n\nLG"),
    ("de", "idea"): ("Miriam", "Miriam Schulz",  # Sie
        "Guten Tag,\n\nwäre es nicht spannend, einmal über Genossenschaften in Deutschland zu"
        " schreiben? Ich könnte Ihnen ein paar Kontakte vermitteln.\n\nViele Grüße"),
    ("de", "correction"): ("Lukas", "Lukas Weber",  # no clue: Sie
        "Hallo,\n\nkleiner Fehler im letzten Newsletter: Die Studie ist von 2023, nicht von"
        " 2022.\n\nGruß"),
    ("de", "request"): ("Anna", "Anna Hoffmann",  # Sie
        "Sehr geehrte Frau Durand,\n\nich organisiere im Herbst eine Konferenz zur Zukunft der"
        " Arbeit in Köln und würde Sie gern als Rednerin einladen. Hätten Sie Interesse?\n\n"
        "Mit freundlichen Grüßen"),
    # Italian
    ("it", "question"): ("Giulia", "Giulia Rossi",  # tu
        "Ciao Camille,\n\nti leggo da Milano. Nella mia azienda vogliamo provare la settimana"
        " corta: hai dati sulle piccole imprese italiane?\n\nGrazie!"),
    ("it", "thanks"): ("Giulia", "Giulia Rossi",  # Lei
        "Gentile Camille,\n\nla ringrazio per questo numero, davvero prezioso.\n\nCordiali saluti"),
    ("it", "disagreement"): ("Marco", "Marco Bianchi",  # tu
        "Ciao Camille,\n\nnon sono d'accordo con te sull'intelligenza artificiale: secondo me"
        " nelle piccole aziende crea più problemi di quanti ne risolva.\n\nUn abbraccio"),
    ("it", "idea"): ("Paola", "Paola Greco",  # Lei
        "Buongiorno,\n\nLe propongo un tema per un prossimo numero: il lavoro da remoto nei"
        " piccoli comuni italiani, dove molti giovani stanno tornando.\n\nCordiali saluti"),
    ("it", "correction"): ("Luca", "Luca Conti",  # tu
        "Ciao Camille,\n\npiccolo errore nel tuo ultimo numero: il link al documentario non"
        " funziona."),
    ("it", "request"): ("Chiara", "Chiara Ferri",  # Lei
        "Gentile Camille,\n\nsono una ricercatrice dell'Università di Bologna e vorrei"
        " intervistarLa per uno studio sul lavoro ibrido. Sarebbe disponibile a fine mese?\n\n"
        "Distinti saluti"),
    # Portuguese
    ("pt", "question"): ("Ana", "Ana Lima",  # tu
        "Olá Camille,\n\nleio-te desde Lisboa. Na minha empresa queremos experimentar a semana"
        " de quatro dias. Tens dados sobre pequenas empresas portuguesas?\n\nUm abraço,"),
    ("pt", "thanks"): ("Ana", "Ana Lima", "Obrigada, Camille! Adorei esta edição."),
    ("pt", "disagreement"): ("Rafael", "Rafael Souza",  # você
        "Oi Camille,\n\nnão concordo com você sobre o trabalho híbrido: aqui na nossa equipe em"
        " São Paulo, ele só aumentou o número de reuniões.\n\nAbraços,"),
    ("pt", "idea"): ("Inês", "Inês Costa",  # tu
        "Olá Camille,\n\ne se escrevesses uma edição sobre os nómadas digitais em Lisboa? Acho"
        " que tens muito a dizer sobre isso.\n\nBeijinhos"),
    ("pt", "correction"): ("Beatriz", "Beatriz Alves",  # você
        "Prezada Camille,\n\nacho que há um erro na última edição: o estudo citado é de 2023, e"
        " não de 2022.\n\nAtenciosamente,"),
    ("pt", "request"): ("João", "João Pereira",  # você
        "Olá Camille,\n\nsou jornalista na Antena 1 e gostaria de convidar você para uma"
        " entrevista sobre o futuro do trabalho. Teria disponibilidade na próxima semana?\n\n"
        "Cumprimentos,"),
    # Dutch
    ("nl", "question"): ("Sanne", "Sanne de Vries",  # je
        "Hoi Camille,\n\nleuk stuk over AI op de werkvloer! Heb je ook voorbeelden van kleine"
        " bedrijven die ermee begonnen zijn?\n\nGroetjes,"),
    ("nl", "thanks"): ("Sanne", "Sanne de Vries", "Bedankt, Camille! Mooie editie."),  # no clue: u
    ("nl", "disagreement"): ("Pieter", "Pieter Jansen",  # u
        "Geachte mevrouw Durand,\n\nik ben het niet met u eens over de vierdaagse werkweek: in"
        " onze zorginstelling is dat gewoon niet haalbaar.\n\nMet vriendelijke groet,"),
    ("nl", "idea"): ("Fleur", "Fleur Bakker",  # je
        "Hoi Camille,\n\nmisschien een idee voor een volgende editie: de coöperaties in"
        " Rotterdam die met een vierdaagse week werken. Jij kent die wereld goed!\n\nGroetjes"),
    ("nl", "correction"): ("Daan", "Daan Visser",  # u
        "Beste Camille,\n\nIn uw laatste nieuwsbrief staat een kleine fout: de link naar de"
        " documentaire werkt niet.\n\nMet vriendelijke groet,"),
    ("nl", "request"): ("Eva", "Eva Smit",  # je
        "Hoi Camille,\n\nik organiseer in oktober een meetup over de toekomst van werk in"
        " Utrecht. Zou je willen komen spreken?\n\nGroetjes,"),
    # the request opening, new in French and English too
    ("fr", "request"): ("Claire", "Claire Vasseur",  # vous
        "Bonjour Camille,\n\nJe suis journaliste à France Inter et j'aimerais vous inviter dans"
        " notre émission sur le travail de demain. Seriez-vous disponible en septembre ?\n\n"
        "Bien cordialement,"),
    ("en", "request"): ("Ben", "Ben Adeyemi",
        "Hi Camille,\n\nI run a podcast about the future of work and would love to have you on"
        " the show next month. Would you be up for it?\n\nBest,"),
}  # fmt: skip
