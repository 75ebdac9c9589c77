"""`{% personal "fragment.html" name=value %}`: a personal part of a page (core.page_cache).

On a page served by `page_cache_serve` it leaves a hole in the shared HTML, filled for each visitor
with the fragment rendered in their own context plus the arguments; elsewhere it includes the
fragment like `{% include "fragment.html" with name=value %}`. The arguments are cached with the
shared page, so they must be the same for everyone (a product slug or a review id, never a user's
data).
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context, template_name: str, **arguments) -> SafeString:
    holes = getattr(context.get("request"), "page_holes", None)
    if holes is not None:
        return mark_safe(holes.punch(template_name, arguments))  # our own marker
    with context.push(arguments):
        return context.template.engine.get_template(template_name).render(context)
