"""Display labels for the volunteer codes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CATEGORY_LABELS = {
    "civil_affairs": _l("Civil affairs"),
    "disability": _l("Disabled persons' federation"),
    "stability": _l("Public order and stability"),
    "rural_insurance": _l("Rural cooperative medical insurance"),
    "medical_aid": _l("Medical aid"),
    "family_planning": _l("Family planning"),
    "land": _l("Land management"),
    "labour": _l("Labour and social security"),
    "land_resources": _l("Land resources"),
    "business": _l("Industry and commerce"),
    "tax": _l("Taxation"),
    "public_welfare": _l("Public welfare"),
    "consumer": _l("Consumer rights"),
    "party_building": _l("Party building and mass organisations"),
    "policy_advice": _l("Policy advice"),
    "technical_support": _l("Technical support"),
    "sales_help": _l("Help with sales"),
    "information": _l("Information"),
}
LEVEL_LABELS = {
    "village": _l("Village service room"),
    "township": _l("Township service station"),
    "district": _l("District service centre"),
}
HANDLING_LABELS = {
    "direct": _l("Direct agency (simple items)"),
    "promised": _l("Promised agency (general items)"),
    "joint": _l("Joint agency (special items)"),
}
WEEKDAY_LABELS = {
    "mon": _l("Mon"), "tue": _l("Tue"), "wed": _l("Wed"), "thu": _l("Thu"), "fri": _l("Fri"),
    "sat": _l("Sat"), "sun": _l("Sun"),
}  # fmt: skip
SKILL_LEVELS = {1: _l("basic"), 2: _l("skilled"), 3: _l("expert")}


def reason_text(code: str, args: tuple) -> str:
    """A matcher reason in words the secretary can read."""
    texts = {
        "skills": lambda a: _l("covers %(n)d of %(m)d skills", n=a[0], m=a[1]),
        "willing": lambda a: _l("willing to take this category"),
        "not_willing": lambda a: _l("has not offered this category"),
        "available": lambda a: _l("available on %(d)s", d=WEEKDAY_LABELS.get(a[0], a[0])),
        "unavailable": lambda a: _l("not available on %(d)s", d=WEEKDAY_LABELS.get(a[0], a[0])),
        "load": lambda a: _l("%(n)d open cases of %(m)d", n=a[0], m=a[1]),
        "satisfaction": lambda a: _l("%(p)d%% satisfied", p=a[0]),
        "same_point": lambda a: _l("same village"),
        "same_area": lambda a: _l("same township"),
        "no_skills_needed": lambda a: _l("no special skill needed"),
        "no_rating": lambda a: _l("no rating yet"),
    }
    fn = texts.get(code)
    return str(fn(args)) if fn else code
