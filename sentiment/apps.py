from django.apps import AppConfig


class SentimentConfig(AppConfig):
    name = "sentiment"
    verbose_name = "Review sentiment"

    def ready(self) -> None:
        from core.warmup import warm_up_step_register
        from ml.kinds import register
        from sentiment import receivers
        from sentiment.kinds import SentimentKind
        from sentiment.ml.aspects import lexicon_load
        from sentiment.selectors import product_page_sentiment
        from shop import extensions
        from shop.signals import review_written

        register(SentimentKind())
        warm_up_step_register("aspect lexicon", lexicon_load)
        review_written.connect(receivers.review_score_after_commit, dispatch_uid="sentiment.review_written")
        extensions.product_page_section_register(product_page_sentiment)
        extensions.review_field_register("sentiment", receivers.review_sentiment_field)
