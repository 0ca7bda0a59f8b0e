"""``{% term "slug" %}words{% endterm %}``: the words as a link to their glossary entry.

Every page links a term the same way (``learnhub.glossary`` holds the entries). The slug
may be a variable or a filter expression (``{% term partnership.learning_mode %}``,
``{% term "consent-"|add:purpose %}``): a value's underscores read as hyphens, so a
choice's value names its entry. A literal slug with no entry fails when the template is
loaded; a variable one with no entry shows the words unlinked (logged), so a link never
points at nothing and a page never fails over one.
"""

import logging

from django import template
from django.template.base import FilterExpression, Parser, Token
from django.template.context import Context
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from learnhub.glossary import BY_SLUG

logger = logging.getLogger(__name__)
register = template.Library()


def glossary_slug(value: object) -> str:
    """The glossary entry ``value`` names (a slug, or a choice's value); ValueError if none."""
    slug = str(value).strip().replace("_", "-")
    if slug not in BY_SLUG:
        raise ValueError(f"No glossary entry {slug!r} (learnhub.glossary).")
    return slug


class TermNode(template.Node):
    def __init__(self, slug: FilterExpression, nodelist: template.NodeList) -> None:
        self.slug = slug
        self.nodelist = nodelist

    def render(self, context: Context) -> SafeString:
        words = self.nodelist.render(context)
        try:
            slug = glossary_slug(self.slug.resolve(context))
        except ValueError:
            # A value with no entry (a choice added later) shows its words unlinked: a
            # page never fails over a glossary link. tests/infra/test_glossary.py checks
            # every choice the pages link has its entry.
            logger.warning("No glossary entry for %r", self.slug.resolve(context))
            return format_html("{}", words)
        return format_html('<a href="{}#{}">{}</a>', reverse("site-glossary"), slug, words)


@register.tag
def term(parser: Parser, token: Token) -> TermNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError('Write {% term "slug" %}words{% endterm %}.')
    expression = parser.compile_filter(bits[1])
    if expression.is_var is False and not expression.filters:
        try:
            glossary_slug(expression.var)
        except ValueError as error:
            raise template.TemplateSyntaxError(str(error)) from error
    nodelist = parser.parse(("endterm",))
    parser.delete_first_token()
    return TermNode(expression, nodelist)
