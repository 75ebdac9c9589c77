"""Forms of the shop app.

Back-office (admin) forms are named `...AdminForm`; they only parse input, the writes go through
shop.services and shop.csv_io.
"""

from django import forms
from django.core.exceptions import ValidationError

from shop.models import Attribute, Category, ProductAttributeValue, ProductImage, Variant
from shop.services import product_image_validate


class VariantAdminForm(forms.ModelForm):
    """A variant in the admin, with the same price rule as the CSV import."""

    class Meta:
        model = Variant
        fields = [
            "product",
            "sku",
            "name",
            "option_values",
            "price",
            "compare_at_price",
            "cost",
            "stock_quantity",
            "is_active",
            "position",
        ]

    def clean(self):
        cleaned = super().clean()
        price, compare_at = cleaned.get("price"), cleaned.get("compare_at_price")
        if price is not None and compare_at is not None and compare_at <= price:
            self.add_error("compare_at_price", "Must be greater than the price (it is the crossed-out “was” price).")
        return cleaned


class ProductImageAdminForm(forms.ModelForm):
    """A product image row: new rows take an upload that product_image_add stores with thumbnails."""

    upload = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
        help_text="JPEG, PNG, GIF or WebP, at most 8 MB.",
    )

    class Meta:
        model = ProductImage
        fields = ["upload", "alt_text", "position"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload and self.instance.pk:
            raise ValidationError("To replace an image, delete this one and add a new row.")
        if upload:
            try:
                product_image_validate(image_file=upload)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return upload

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and self.has_changed() and not cleaned.get("upload") and "upload" not in self.errors:
            self.add_error("upload", "Choose an image file to upload.")
        return cleaned


class ProductAttributeValueAdminForm(forms.ModelForm):
    """An attribute value: exactly the value column that matches the attribute's type is kept."""

    class Meta:
        model = ProductAttributeValue
        fields = ["attribute", "value_text", "value_number", "value_boolean"]

    def clean(self):
        cleaned = super().clean()
        attribute = cleaned.get("attribute")
        if attribute is None:
            return cleaned
        column = {
            Attribute.ValueType.NUMBER: "value_number",
            Attribute.ValueType.BOOLEAN: "value_boolean",
        }.get(attribute.value_type, "value_text")
        if cleaned.get(column) in (None, "") and column not in self.errors:
            self.add_error(column, f"“{attribute.name}” needs a value here.")
        for name, empty in (("value_text", ""), ("value_number", None), ("value_boolean", None)):
            if name != column:
                cleaned[name] = empty
        return cleaned


class _CategoryPathChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.path


class ProductCategoryChangeAdminForm(forms.Form):
    """The intermediate page of the "change category" bulk action; categories listed by path."""

    category = _CategoryPathChoiceField(queryset=Category.objects.order_by("path"))


class CatalogCsvImportAdminForm(forms.Form):
    """Upload of a catalog CSV file (see shop.csv_io for the columns)."""

    file = forms.FileField(label="CSV file", widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))
    dry_run = forms.BooleanField(
        required=False, label="Dry run", help_text="Check the file and show what would change, without saving."
    )
