"""What the demo's customers write: feedback composed from topics, kinds of message and the
habits of people typing in a hurry, in English and French, so that no two inboxes read alike.

Each item is about one topic (the demo's themes: reporting, performance, integrations...),
chosen from the feature it concerns; it says one kind of thing (a bug, a request, a question,
praise...) in one of many ways, sometimes with a greeting, a bit of context, a sign-off, a
typo, an English word in a French message, or a second topic. Everything is drawn from the
random stream it is given, so the demo stays the same from one run to the next.
"""

import random
import re
from dataclasses import dataclass

# The demo's themes, and the topic each feature area is most often about.
AREA_TOPICS = {
    "Dashboards": "Reporting",
    "Reports & exports": "Reporting",
    "Data connectors": "Integrations",
    "Alerts": "Notifications",
    "Administration": "Permissions",
    "Technician app": "Mobile",
    "Scheduling & dispatch": "Performance",
    "Customer portal": "Notifications",
    "Inventory": "Integrations",
    "Work orders": "Onboarding",
    "Developer portal": "Onboarding",
    "Webhooks": "Integrations",
    "Billing & metering": "Billing",
    "Gateway": "Performance",
    "SDKs": "Integrations",
}


@dataclass(frozen=True)
class Topic:
    things: tuple[str, ...]  # what people call it
    problems: tuple[str, ...]  # what goes wrong, as a clause
    wishes: tuple[str, ...]  # what they want to do, after "to"
    asks: tuple[str, ...]  # a question, without its question mark


EN = {
    "Reporting": Topic(
        (
            "the PDF export",
            "scheduled reports",
            "the CSV export",
            "the weekly report",
            "dashboard exports",
            "the report builder",
        ),
        (
            "the PDF comes out with the last column cut off",
            "the scheduled report arrived empty on Monday",
            "the CSV export uses the wrong date format",
            "totals in the export don't match the screen",
            "charts in the PDF are blurry",
            "the weekly report went out twice",
        ),
        (
            "send the weekly report to people outside the company",
            "export straight to Excel",
            "choose which columns go into the PDF",
            "schedule a report for the first Monday of the month",
            "add our logo to exported reports",
        ),
        (
            "can a report be sent to an address outside our domain",
            "is there a row limit on CSV exports",
            "how do I change the time a scheduled report goes out",
            "can I export a dashboard with its filters applied",
        ),
    ),
    "Performance": Topic(
        ("loading times", "the dashboard", "search", "the planning board", "the app"),
        (
            "pages take twenty seconds to load in the afternoon",
            "the dashboard times out when it has more than ten charts",
            "search spins for ages before showing anything",
            "the planning board freezes when we drag a job",
            "everything is sluggish since Tuesday",
        ),
        (
            "load the first results before the whole page is ready",
            "keep the last view cached so it opens instantly",
            "speed up search on large accounts",
        ),
        (
            "is there a known slowdown today",
            "why is the dashboard slower on Mondays",
            "does the number of widgets affect loading time",
        ),
    ),
    "Integrations": Topic(
        (
            "the Salesforce sync",
            "the Slack integration",
            "the Snowflake connector",
            "webhooks",
            "the Jira integration",
            "the API",
            "the ERP sync",
        ),
        (
            "the Salesforce sync stopped on Friday and nothing came through since",
            "Slack messages arrive without the link to the item",
            "webhooks fire twice for every event",
            "the Snowflake connector drops the last rows of big tables",
            "the ERP sync overwrites our part numbers",
            "the API returns a 500 on page two",
        ),
        (
            "push comments back to Jira",
            "sync custom fields from Salesforce",
            "connect to HubSpot as well",
            "filter which events a webhook sends",
            "post alerts to a Teams channel",
        ),
        (
            "does the Salesforce sync handle custom objects",
            "which Snowflake roles does the connector need",
            "is there a rate limit on the API",
            "can webhooks be signed",
        ),
    ),
    "Mobile": Topic(
        (
            "the mobile app",
            "the iPhone app",
            "the Android app",
            "the tablet version",
            "offline mode",
            "the technician app",
        ),
        (
            "the Android app crashes when I take a photo",
            "the iPhone app logs me out every morning",
            "offline changes are lost once the phone is back online",
            "the tablet layout cuts off the signature box",
            "the app drains the battery in two hours",
        ),
        (
            "work fully offline in basements with no signal",
            "scan barcodes with the camera",
            "use the app in landscape on tablets",
            "get a widget on the home screen",
        ),
        (
            "does the app work without a connection",
            "which Android versions are still supported",
            "can technicians use their own phones",
        ),
    ),
    "Permissions": Topic(
        (
            "permissions",
            "user roles",
            "single sign-on",
            "admin rights",
            "viewer access",
            "SCIM provisioning",
        ),
        (
            "viewers can still see the billing page",
            "SSO login loops back to the sign-in screen",
            "a deactivated user could still open shared dashboards",
            "new users get admin rights by default",
        ),
        (
            "give read-only access to a single project",
            "map roles from our Okta groups",
            "force two-factor for every admin",
            "limit what contractors can see",
        ),
        (
            "can a viewer export data",
            "how do I give someone access to one dashboard only",
            "is SAML available on our plan",
        ),
    ),
    "Billing": Topic(
        ("the invoice", "billing", "the pricing", "our plan", "usage charges"),
        (
            "we were charged twice this month",
            "the invoice shows last year's VAT rate",
            "usage charges don't match the meter in the app",
            "the invoice PDF has no PO number",
        ),
        (
            "pay by bank transfer",
            "add our VAT number to invoices",
            "get one invoice per department",
            "see usage charges before the invoice arrives",
        ),
        (
            "why did our invoice go up this month",
            "can we switch to yearly billing",
            "where do I download past invoices",
        ),
    ),
    "Onboarding": Topic(
        (
            "onboarding",
            "the setup wizard",
            "the getting-started guide",
            "the documentation",
            "the training videos",
            "inviting colleagues",
        ),
        (
            "the setup wizard asks for the same details twice",
            "the invitation e-mails never reached our team",
            "the getting-started guide links to pages that no longer exist",
        ),
        (
            "import our users from a spreadsheet",
            "skip the tour for experienced users",
            "have a sandbox to train new staff",
            "get the guides in French",
        ),
        (
            "how do I invite my whole team at once",
            "is there a training session for new admins",
            "where is the guide for the first setup",
        ),
    ),
    "Notifications": Topic(
        (
            "notifications",
            "e-mail alerts",
            "the daily digest",
            "SMS reminders",
            "push notifications",
            "the arrival texts",
        ),
        (
            "alerts arrive three hours late",
            "the daily digest is sent at 3 a.m.",
            "SMS reminders go to the wrong customer",
            "I get the same notification four times",
        ),
        (
            "mute notifications at weekends",
            "choose which alerts go by e-mail",
            "get one digest instead of twenty e-mails",
            "send arrival texts in the customer's language",
        ),
        (
            "can I turn off e-mails for one project",
            "why didn't I get an alert yesterday",
            "can customers reply to the arrival text",
        ),
    ),
}

FR = {
    "Reporting": Topic(
        (
            "l'export PDF",
            "les rapports planifiés",
            "l'export CSV",
            "le rapport hebdo",
            "les exports de tableaux de bord",
        ),
        (
            "le PDF sort avec la dernière colonne coupée",
            "le rapport planifié est arrivé vide lundi",
            "l'export CSV a un mauvais format de date",
            "les totaux de l'export ne correspondent pas à l'écran",
        ),
        (
            "envoyer le rapport hebdo à des personnes extérieures",
            "exporter directement vers Excel",
            "choisir les colonnes du PDF",
            "ajouter notre logo aux rapports exportés",
        ),
        (
            "peut-on envoyer un rapport à une adresse externe",
            "y a-t-il une limite de lignes à l'export CSV",
            "comment changer l'heure d'envoi d'un rapport planifié",
        ),
    ),
    "Performance": Topic(
        ("les temps de chargement", "le tableau de bord", "la recherche", "le planning"),
        (
            "les pages mettent vingt secondes à charger l'après-midi",
            "le tableau de bord expire au-delà de dix graphiques",
            "la recherche tourne longtemps avant d'afficher quoi que ce soit",
            "le planning se fige quand on déplace une intervention",
        ),
        (
            "afficher les premiers résultats avant la fin du chargement",
            "garder la dernière vue en cache",
            "accélérer la recherche sur les gros comptes",
        ),
        (
            "y a-t-il un ralentissement connu aujourd'hui",
            "pourquoi le tableau de bord est-il plus lent le lundi",
        ),
    ),
    "Integrations": Topic(
        (
            "la synchro Salesforce",
            "l'intégration Slack",
            "le connecteur Snowflake",
            "les webhooks",
            "l'API",
            "la synchro avec l'ERP",
        ),
        (
            "la synchro Salesforce s'est arrêtée vendredi",
            "les webhooks partent en double",
            "le connecteur Snowflake perd les dernières lignes des grosses tables",
            "la synchro ERP écrase nos références de pièces",
            "l'API renvoie une erreur 500 en page deux",
        ),
        (
            "renvoyer les commentaires vers Jira",
            "synchroniser les champs personnalisés de Salesforce",
            "se connecter aussi à HubSpot",
            "publier les alertes dans un canal Teams",
        ),
        (
            "la synchro Salesforce gère-t-elle les objets personnalisés",
            "y a-t-il une limite d'appels sur l'API",
            "peut-on signer les webhooks",
        ),
    ),
    "Mobile": Topic(
        (
            "l'appli mobile",
            "l'appli iPhone",
            "l'appli Android",
            "la version tablette",
            "le mode hors ligne",
        ),
        (
            "l'appli Android plante quand je prends une photo",
            "l'appli iPhone me déconnecte tous les matins",
            "les modifs hors ligne sont perdues au retour du réseau",
            "la version tablette coupe le cadre de signature",
        ),
        (
            "travailler entièrement hors ligne dans les sous-sols",
            "scanner les codes-barres",
            "utiliser l'appli en paysage sur tablette",
        ),
        ("l'appli fonctionne-t-elle sans connexion", "quelles versions d'Android sont supportées"),
    ),
    "Permissions": Topic(
        ("les droits d'accès", "les rôles", "le SSO", "les droits admin", "l'accès lecteur"),
        (
            "les lecteurs voient encore la page de facturation",
            "la connexion SSO renvoie en boucle vers l'écran de connexion",
            "les nouveaux comptes ont les droits admin par défaut",
        ),
        (
            "donner un accès en lecture seule à un seul projet",
            "reprendre les rôles de nos groupes Okta",
            "imposer la double authentification aux admins",
        ),
        (
            "un lecteur peut-il exporter des données",
            "comment donner accès à un seul tableau de bord",
        ),
    ),
    "Billing": Topic(
        ("la facture", "la facturation", "les tarifs", "notre abonnement"),
        (
            "on a été prélevés deux fois ce mois-ci",
            "la facture affiche l'ancien taux de TVA",
            "la consommation facturée ne correspond pas au compteur",
        ),
        (
            "payer par virement",
            "ajouter notre numéro de TVA sur les factures",
            "avoir une facture par service",
        ),
        (
            "pourquoi notre facture a-t-elle augmenté",
            "peut-on passer en facturation annuelle",
            "où télécharger les anciennes factures",
        ),
    ),
    "Onboarding": Topic(
        (
            "la prise en main",
            "l'assistant de configuration",
            "le guide de démarrage",
            "la documentation",
            "les invitations",
        ),
        (
            "l'assistant de configuration demande deux fois les mêmes infos",
            "les invitations ne sont jamais arrivées chez nos collègues",
            "le guide de démarrage renvoie vers des pages supprimées",
        ),
        (
            "importer nos utilisateurs depuis un tableur",
            "passer la visite guidée",
            "avoir un bac à sable pour former les nouveaux",
        ),
        (
            "comment inviter toute l'équipe d'un coup",
            "y a-t-il une formation pour les nouveaux admins",
        ),
    ),
    "Notifications": Topic(
        ("les notifications", "les alertes e-mail", "le résumé quotidien", "les rappels SMS"),
        (
            "les alertes arrivent avec trois heures de retard",
            "le résumé quotidien part à 3 h du matin",
            "les rappels SMS partent au mauvais client",
            "je reçois quatre fois la même notification",
        ),
        (
            "couper les notifications le week-end",
            "choisir les alertes envoyées par e-mail",
            "recevoir un seul résumé au lieu de vingt e-mails",
        ),
        (
            "peut-on couper les e-mails pour un seul projet",
            "pourquoi n'ai-je pas reçu d'alerte hier",
        ),
    ),
}

# (type, sentiment, frames): {thing}, {problem}, {wish}, {ask}; {Thing} is capitalised.
FRAMES = {
    "en": [
        (
            "bug",
            "negative",
            (
                "{Thing} is broken: {problem}.",
                "Since the last update {problem}.",
                "Bug report: {problem}. Tried twice, same result.",
                "{problem}. Can someone look into it? It's blocking the team.",
                "Not sure what changed but {problem}.",
                "{Thing} doesn't work anymore, {problem}.",
                "{problem} again!!",
                "Great, {problem}. Again. Lovely start to the week.",
            ),
        ),
        (
            "bug",
            "neutral",
            (
                "Small thing with {thing}: {problem}.",
                "FYI {problem}, screenshot attached.",
            ),
        ),
        (
            "feature_request",
            "neutral",
            (
                "Could you let us {wish}?",
                "It would be great to be able to {wish}.",
                "We'd need a way to {wish}, our managers ask for it every week.",
                "Feature idea: {wish}.",
                "Any chance we could {wish} one day?",
                "Please add an option to {wish}.",
                "Would love to {wish}.",
            ),
        ),
        (
            "feature_request",
            "positive",
            (
                "Really like {thing}. Next step would be to {wish}!",
                "{Thing} is great, we'd love to {wish} too.",
            ),
        ),
        (
            "feature_request",
            "negative",
            ("No way to {wish} yet, so it's all manual for us.",),
        ),
        (
            "improvement",
            "neutral",
            (
                "{Thing} works, but it could be simpler to {wish}.",
                "Suggestion for {thing}: make it easier to {wish}.",
                "{Thing} is fine, though it takes too many clicks to {wish}.",
            ),
        ),
        ("improvement", "negative", ("{Thing} is clunky. It should be much easier to {wish}.",)),
        (
            "question",
            "neutral",
            (
                "Quick question: {ask}?",
                "{Ask}? Couldn't find it in the docs.",
                "{Ask}? A prospect asked during the demo.",
                "{ask}??",
                "{Ask}? Thanks in advance.",
            ),
        ),
        (
            "praise",
            "positive",
            (
                "Really happy with {thing}, it saves us hours every week.",
                "Love {thing}! Great work.",
                "{Thing} is excellent since the update, thanks team.",
                "Just wanted to say {thing} is a joy to use.",
                "{thing} = best part of the product.",
                "Not bad at all, {thing} actually does what we needed.",
            ),
        ),
        (
            "complaint",
            "negative",
            (
                "Honestly disappointed with {thing}. {Problem}, and nobody answered our ticket.",
                "We pay a lot and {thing} still lets us down.",
                "Not acceptable: {problem}, for the third time this quarter.",
                "Thanks for nothing, {problem} and support closed the ticket.",
                "We were promised better {thing} months ago. Still waiting.",
            ),
        ),
    ],
    "fr": [
        (
            "bug",
            "negative",
            (
                "{Thing} ne marche plus : {problem}.",
                "Depuis la dernière mise à jour, {problem}.",
                "Bug : {problem}. Essayé deux fois, même résultat.",
                "{Problem}. Quelqu'un peut regarder ? Ça bloque l'équipe.",
                "Je ne sais pas ce qui a changé mais {problem}.",
                "{Problem}, encore !",
                "Génial, {problem}. Encore une fois.",
            ),
        ),
        ("bug", "neutral", ("Petit souci avec {thing} : {problem}.",)),
        (
            "feature_request",
            "neutral",
            (
                "Pourriez-vous nous permettre de {wish} ?",
                "Ce serait bien de pouvoir {wish}.",
                "Il nous faudrait un moyen de {wish}, nos responsables le demandent sans cesse.",
                "Idée : {wish}.",
                "Merci d'ajouter une option pour {wish}.",
                "J'aimerais pouvoir {wish}.",
            ),
        ),
        (
            "feature_request",
            "positive",
            ("On aime beaucoup {thing}, on aimerait aussi {wish} !",),
        ),
        (
            "improvement",
            "neutral",
            (
                "{Thing} fonctionne, mais ce serait plus simple de pouvoir {wish}.",
                "Suggestion sur {thing} : rendre plus facile de {wish}.",
            ),
        ),
        (
            "improvement",
            "negative",
            ("{Thing}, c'est trop compliqué : il faudrait pouvoir {wish}.",),
        ),
        (
            "question",
            "neutral",
            (
                "Petite question : {ask} ?",
                "{Ask} ? Je n'ai rien trouvé dans la doc.",
                "{Ask} ? Un prospect l'a demandé pendant la démo.",
            ),
        ),
        (
            "praise",
            "positive",
            (
                "Très contents de {thing}, on gagne des heures chaque semaine.",
                "Bravo pour {thing}, c'est top !",
                "{Thing} est vraiment réussi, merci à l'équipe.",
                "Pas mal du tout, {thing} fait exactement ce qu'il nous fallait.",
            ),
        ),
        (
            "complaint",
            "negative",
            (
                "Franchement déçus par {thing}. {Problem}, et personne ne répond au ticket.",
                "On paie cher et {thing} nous lâche encore.",
                "Inacceptable : {problem}, pour la troisième fois ce trimestre.",
                "On nous avait promis mieux pour {thing}. Toujours rien.",
            ),
        ),
    ],
}

# The few words people send from a phone.
SHORT = {
    "en": (
        ("bug", "negative", "{thing} broken again"),
        ("bug", "negative", "{Thing} not working"),
        ("praise", "positive", "love {thing}"),
        ("praise", "positive", "{Thing} is great 👍"),
        ("feature_request", "neutral", "+1 for {thing}"),
        ("question", "neutral", "{thing} on the roadmap?"),
        ("improvement", "neutral", "{Thing} could be faster"),
        ("complaint", "negative", "{Thing}: still nothing. sigh"),
    ),
    "fr": (
        ("bug", "negative", "{thing} en panne, encore"),
        ("praise", "positive", "j'adore {thing}"),
        ("feature_request", "neutral", "+1 pour {thing}"),
        ("question", "neutral", "{thing} prévu ?"),
        ("improvement", "neutral", "{Thing} pourrait être plus rapide"),
        ("complaint", "negative", "toujours rien pour {thing}, bof"),
    ),
}
OPENERS = {
    "en": ("", "", "", "Hi team, ", "Hello, ", "Hey! ", "Morning, "),
    "fr": ("", "", "", "Bonjour, ", "Salut, ", "Bonjour à tous, "),
}
CONTEXT = {
    "en": (
        "We're a team of 40 in three offices. ",
        "Our dispatchers rely on it daily. ",
        "We renewed last month. ",
        "This came up in our weekly ops review. ",
    ),
    "fr": (
        "Nous sommes 40 sur trois sites. ",
        "Nos planificateurs l'utilisent tous les jours. ",
        "On vient de renouveler. ",
        "C'est ressorti en réunion d'équipe. ",
    ),
}
CLOSERS = {
    "en": ("", "", "", " Thanks!", " Cheers.", " Regards, the ops team", " thx"),
    "fr": ("", "", "", " Merci !", " Cordialement.", " Merci d'avance", " bonne journée"),
}
# English words French customers use as they are.
FRANGLAIS = (
    ("le tableau de bord", "le dashboard"),
    ("l'export", "l'export (le download)"),
    ("les notifications", "les notifs"),
    ("la synchro", "la sync"),
)
WEIGHTS = {
    "bug": 5,
    "feature_request": 6,
    "improvement": 3,
    "question": 3,
    "praise": 2,
    "complaint": 2,
}


@dataclass(frozen=True)
class Written:
    type: str
    sentiment: str
    language: str
    topic: str
    text: str


def topic_of(area: str, rng: random.Random) -> str:
    """Mostly the area's topic; now and then another one (people stray)."""
    if area in AREA_TOPICS and rng.random() < 0.85:
        return AREA_TOPICS[area]
    return rng.choice(sorted(EN))


def write_feedback(rng: random.Random, *, title: str, area: str, french: bool) -> Written:
    """One customer's message about the feature ``title`` (of ``area``)."""
    language = "fr" if french else "en"
    topic = topic_of(area, rng)
    if rng.random() < 0.12:
        kind, sentiment, frame = rng.choice(SHORT[language])
        thing = title.lower()
        return Written(kind, sentiment, language, topic, frame.format(thing=thing, Thing=title))
    bank = (FR if french else EN)[topic]
    kinds = [k for k in WEIGHTS for _ in range(WEIGHTS[k])]
    kind = rng.choice(kinds)
    sentiment, frames = rng.choice([(s, f) for k, s, f in FRAMES[language] if k == kind])
    thing = title.lower() if rng.random() < 0.7 else rng.choice(bank.things)
    slots = {
        "thing": thing,
        "problem": rng.choice(bank.problems),
        "wish": rng.choice(bank.wishes),
        "ask": rng.choice(bank.asks),
    }
    slots.update({k.capitalize(): _capital(v) for k, v in list(slots.items())})
    text = rng.choice(frames).format(**slots)
    if french:
        text = _ELISION.sub(r"\1'", text)  # "de avoir" is "d'avoir"
    if title.lower() not in text and rng.random() < 0.8:
        text = f"{title}: {text}" if not french else f"{title} : {text}"  # like a subject line
    text = _dress(rng, text, language)
    return Written(kind, sentiment, language, topic, text)


def _dress(rng: random.Random, text: str, language: str) -> str:
    """Greetings, context, sign-offs and the slips of quick typing."""
    roll = rng.random()
    if roll < 0.3:
        text = rng.choice(CONTEXT[language]) + text
    opener = rng.choice(OPENERS[language])
    if opener.endswith(", ") and text[1:2].islower():  # "Hi team, since…", not "fYI"
        text = text[:1].lower() + text[1:]
    text = opener + text + rng.choice(CLOSERS[language])
    if language == "fr" and rng.random() < 0.25:
        for proper, borrowed in FRANGLAIS:
            text = text.replace(proper, borrowed)
    if rng.random() < 0.12:
        text = text.lower()
    if rng.random() < 0.15:
        text = _typo(rng, text)
    return text.strip()


def _typo(rng: random.Random, text: str) -> str:
    """Swap two neighbouring letters of one longer word."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


_ELISION = re.compile(r"\b([dDlL]|[qQ]u)e (?=[aeiouéèêàAEIOUÉ])")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
