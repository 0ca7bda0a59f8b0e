"""Words that make a brief harder to read, with plainer ones to use instead.

A small curated list, after the GOV.UK style guide's "words to avoid" and the Plain
English Campaign's A to Z: the jargon of funding and evaluation that people in small
charities and community groups tell us they stumble over. Keep entries lower case; a
phrase matches as whole words. Add to it when the learning partners report a new one.
"""

JARGON: dict[str, str] = {
    "actionable": "something you can act on",
    "best practice": "what works well",
    "beneficiaries": "the people you help",
    "capacity building": "training and support",
    "cohort": "group",
    "commence": "start",
    "deep dive": "detailed look",
    "deliverables": "what you will make or do",
    "disseminate": "share",
    "ecosystem": "the organisations involved",
    "empower": "help",
    "evidence base": "what we know",
    "facilitate": "help",
    "going forward": "from now on",
    "granular": "detailed",
    "holistic": "whole",
    "impactful": "effective",
    "in order to": "to",
    "incentivise": "encourage",
    "key learnings": "what we learned",
    "learnings": "lessons",
    "leverage": "use",
    "mainstream": "make usual",
    "methodology": "method",
    "operationalise": "put into practice",
    "optimise": "improve",
    "outcomes framework": "list of changes we hope to see",
    "paradigm": "way of thinking",
    "prior to": "before",
    "robust": "strong",
    "scalable": "able to grow",
    "stakeholders": "the people and organisations involved",
    "streamline": "simplify",
    "synergy": "working together",
    "theory of change": "how we think change happens",
    "touch base": "talk",
    "triangulate": "compare",
    "utilise": "use",
    "value add": "benefit",
    "with regard to": "about",
}

#: Acronyms so widely known that a brief need not spell them out.
WELL_KNOWN_ACRONYMS: frozenset[str] = frozenset(
    {"UK", "NHS", "GP", "GPS", "OK", "TV", "PDF", "BBC", "COVID", "AM", "PM", "ID", "IT"}
)
