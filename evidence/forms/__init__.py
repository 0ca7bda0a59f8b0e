"""The evidence pages' forms: ``items`` (evidence items: adding, changing, filtering,
importing), ``briefs`` (insight briefs, learning actions, comments, share links, and
checking the brief's words as they are typed) and ``library`` (the library's search).
They parse input; the services check and write."""

from evidence.forms.briefs import (
    BriefEditForm,
    BriefRequestForm,
    ChallengeForm,
    ChallengeFormSet,
    CommentForm,
    LearningActionEditForm,
    LearningActionForm,
    ShareLinkForm,
    challenge_formset_with_blanks,
    comment_form,
    comment_form_posted,
)
from evidence.forms.items import (
    NOT_FORM_FIELDS,
    EvidenceForm,
    FilterForm,
    ImportForm,
    KindForm,
    prompt_field_name,
)
from evidence.forms.library import LibraryFilterForm

__all__ = [
    "NOT_FORM_FIELDS",
    "BriefEditForm",
    "BriefRequestForm",
    "ChallengeForm",
    "ChallengeFormSet",
    "CommentForm",
    "EvidenceForm",
    "FilterForm",
    "ImportForm",
    "KindForm",
    "LearningActionEditForm",
    "LearningActionForm",
    "LibraryFilterForm",
    "ShareLinkForm",
    "challenge_formset_with_blanks",
    "comment_form",
    "comment_form_posted",
    "prompt_field_name",
]
