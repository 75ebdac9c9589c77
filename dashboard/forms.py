"""The reports' forms: a date range (both ends inclusive), plus what a report needs besides."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone

from core.errors import NotFoundError
from orders.selectors import SALES_DIMENSIONS
from shop import selectors as shop_selectors

MAX_DAYS = 366
DEFAULT_DAYS = 30


class DateInput(forms.DateInput):
    input_type = "date"


class DateRangeForm(forms.Form):
    start = forms.DateField(widget=DateInput, help_text="First day, included.")
    end = forms.DateField(widget=DateInput, help_text="Last day, included.")

    @classmethod
    def from_query(cls, query) -> "DateRangeForm":
        """Bound to the query string, the last DEFAULT_DAYS days (to today) filling what it leaves out."""
        today = timezone.localdate()
        defaults = {"start": (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat(), "end": today.isoformat()}
        return cls({**defaults, **{key: value for key, value in query.items() if value != ""}})

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end date is before the start date.")
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error(
                    "end", f"A report covers at most {MAX_DAYS} days; choose a later start or an earlier end."
                )
            elif start > timezone.localdate():
                self.add_error("start", "The start date is in the future: there is nothing to report yet.")
        return data

    @property
    def window(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: from the start day's local midnight to the midnight after the end day."""
        return _midnight(self.cleaned_data["start"]), _midnight(self.cleaned_data["end"] + timedelta(days=1))


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class SalesForm(DateRangeForm):
    by = forms.ChoiceField(choices=[(name, name.capitalize()) for name in SALES_DIMENSIONS], initial="day")

    @classmethod
    def from_query(cls, query) -> "SalesForm":
        form = super().from_query(query)
        form.data.setdefault("by", "day")
        return form


class SentimentForm(DateRangeForm):
    product = forms.CharField(
        required=False, max_length=220, help_text="A product's slug (as in its address); empty: the whole store."
    )

    def clean_product(self):
        slug = self.cleaned_data["product"].strip()
        if not slug:
            return None
        try:
            return shop_selectors.product_get(slug=slug)
        except NotFoundError:
            raise forms.ValidationError(f"No active product has the slug “{slug}”.") from None
