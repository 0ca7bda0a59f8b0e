"""Words the scale data set is written in: places, organisations, people, and the kinds of
things charities, funders and learning partners record. Plain lists, so the text of every
item is made from the seed alone and text search and theme finding have real words to
work on."""

# fmt: off
PLACES = (
    "Ashford", "Barnfield", "Brookside", "Castleton", "Claymoor", "Dunmore", "Eastbridge",
    "Fairholme", "Glenwood", "Greyfriars", "Hartley", "Highgate", "Kingsmead", "Larkhill",
    "Meadowbank", "Millbrook", "Northfield", "Oakdene", "Parkside", "Queensway", "Redcliffe",
    "Riverside", "Rosehill", "Seabrook", "Southmoor", "Stonebridge", "Thornbury", "Upton",
    "Westbury", "Whitecross", "Willowdale", "Yarrow",
)

FUNDER_NOUNS = ("Community Foundation", "Trust", "Fund", "Charitable Trust", "Foundation")
LEARNING_PARTNER_NOUNS = (
    "Learning Co-operative", "Evaluation Collective", "Research Partnership", "Insight Studio",
    "Learning Lab",
)
GRANTEE_NOUNS = (
    "Food Bank", "Young Carers", "Youth Club", "Advice Centre", "Tenants Association",
    "Men's Shed", "Community Kitchen", "Family Hub", "Recovery Café", "Digital Skills Hub",
    "Refugee Welcome", "Befriending Service",
)

FIRST_NAMES = (
    "Aisha", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hamza", "Isla", "Jack", "Kiran",
    "Lena", "Mo", "Nadia", "Owen", "Priya", "Rory", "Sara", "Tariq", "Uma", "Vik", "Wendy",
    "Yusuf", "Zoe",
)
LAST_NAMES = (
    "Adams", "Begum", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal",
    "Jones", "Khan", "Lewis", "Mensah", "Nowak", "Okafor", "Patel", "Quinn", "Roberts",
    "Shah", "Taylor", "Usman", "Walsh", "Young",
)

#: Per topic: the service, the people it is for, a good outcome, a barrier, an action.
TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "food": {
        "things": ("food parcels", "the community pantry", "shared meals", "cooking sessions"),
        "people": ("families", "parents", "older neighbours", "single people"),
        "outcomes": ("fewer skipped meals", "more fresh food at home", "new friendships"),
        "barriers": ("bus fares", "opening hours", "feeling ashamed to ask"),
        "actions": ("opened on Saturdays", "added a delivery round", "ran a recipe swap"),
    },
    "housing": {
        "things": ("tenancy advice", "the repairs clinic", "housing drop-ins", "debt support"),
        "people": ("tenants", "young people leaving care", "families in temporary housing"),
        "outcomes": ("fewer evictions", "repairs done sooner", "rent arrears cleared"),
        "barriers": ("long waiting lists", "letters that are hard to read", "landlord delays"),
        "actions": ("held evening clinics", "wrote plain letters", "visited people at home"),
    },
    "youth": {
        "things": ("the youth club", "mentoring", "summer activities", "the music project"),
        "people": ("young people", "teenagers", "young carers", "school leavers"),
        "outcomes": ("more confidence", "better school attendance", "new skills"),
        "barriers": ("exam pressure", "transport after dark", "caring at home"),
        "actions": ("let them bring a friend", "moved sessions later", "asked them to lead"),
    },
    "wellbeing": {
        "things": ("peer support groups", "walk and talk", "the recovery café", "counselling"),
        "people": ("people living alone", "new mothers", "men over fifty", "carers"),
        "outcomes": ("less loneliness", "better sleep", "people asking for help earlier"),
        "barriers": ("stigma", "waiting times", "not knowing where to start"),
        "actions": ("trained peer volunteers", "added a phone line", "met in a café"),
    },
    "work": {
        "things": ("job clubs", "digital skills classes", "CV workshops", "work placements"),
        "people": ("job seekers", "older workers", "refugees", "parents returning to work"),
        "outcomes": ("interviews secured", "people in work", "more confidence online"),
        "barriers": ("childcare", "no laptop at home", "recognition of qualifications"),
        "actions": ("lent laptops", "added a creche", "partnered with employers"),
    },
    "volunteering": {
        "things": ("the volunteer scheme", "befriending visits", "community gardening"),
        "people": ("volunteers", "retired people", "students", "local businesses"),
        "outcomes": ("volunteers staying longer", "more visits made", "a stronger network"),
        "barriers": ("slow checks", "burnout", "too little training"),
        "actions": ("shortened the induction", "started buddy shifts", "thanked people publicly"),
    },
}

MEASURES: dict[str, tuple[tuple[str, str, int], ...]] = {
    "food": (("Families supported", "families", 120), ("Meals served", "meals", 900)),
    "housing": (("Evictions prevented", "households", 25), ("Repairs completed", "repairs", 60)),
    "youth": (("Young people attending", "people", 80), ("Sessions run", "sessions", 40)),
    "wellbeing": (("People feeling less lonely", "%", 45), ("Group sessions", "sessions", 50)),
    "work": (("People into work", "people", 30), ("Course completions", "people", 70)),
    "volunteering": (("Volunteer hours", "hours", 600), ("Active volunteers", "people", 55)),
}

SPEAKERS = ("a parent", "a volunteer", "a young person", "a tenant", "a carer", "a member of staff")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
# fmt: on
