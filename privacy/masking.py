"""How masked personal data looks: enough to tell two customers apart, not enough to contact them."""

MASK = "•••"


def mask_email(value: str) -> str:
    """ "jane.doe@example.com" -> "j•••@e•••.com"."""
    if not value or "@" not in value:
        return mask_text(value)
    local, _, domain = value.partition("@")
    host, dot, tld = domain.rpartition(".")
    return f"{local[:1]}{MASK}@{(host or tld)[:1]}{MASK}{dot}{tld if host else ''}"


def mask_text(value) -> str:
    """Any other personal value: its first character only ("Jane Doe" -> "J•••")."""
    text = "" if value is None else str(value)
    return f"{text[:1]}{MASK}" if text else ""


def mask(value, *, field_name: str = "") -> str:
    return mask_email(value) if "email" in field_name else mask_text(value)
