"""recommendations' answers to model signals (connected in RecommendationsConfig.ready)."""

from recommendations.services import publication_lists_delete


def publication_deleted(sender, *, instance, **kwargs) -> None:
    """A publication went with its deleted version (a database cascade Django runs in Python): its lists go too."""
    publication_lists_delete(version_id=instance.version_id)
