"""The back office: Django admin for the catalog, reviews, price history and orders.

The admin classes stay thin: saves, deletes, bulk actions, image uploads and the CSV import call
shop.services and shop.csv_io (the same functions the commands use), which keep the derived fields
current (min_price, in_stock, search document, ratings, price history, the search vocabulary).
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Collate, Replace
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.errors import ApplicationError
from shop import services
from shop.csv_io import CATALOG_CSV_COLUMNS, MAX_CSV_BYTES, catalog_csv_export, catalog_csv_import
from shop.forms import (
    CatalogCsvImportAdminForm,
    ProductAttributeValueAdminForm,
    ProductCategoryChangeAdminForm,
    ProductImageAdminForm,
    VariantAdminForm,
)
from shop.models import (
    Attribute,
    Brand,
    Category,
    PriceChange,
    Product,
    ProductAttributeValue,
    ProductImage,
    Review,
    Variant,
    WishlistItem,
)

MAX_ERRORS_SHOWN = 500


def _money(amount) -> str:
    return "—" if amount is None else f"{settings.SHOP_CURRENCY_SYMBOL}{amount:,.2f}"


def _stock_state(quantity: int) -> str:
    if quantity <= 0:
        return "Out of stock"
    if quantity <= settings.SHOP_LOW_STOCK_THRESHOLD:
        return "Low stock"
    return "In stock"


class StockStateFilter(admin.SimpleListFilter):
    """In stock / low stock (at most SHOP_LOW_STOCK_THRESHOLD) / out of stock, on `stock_field`."""

    title = "stock"
    parameter_name = "stock"
    stock_field = "stock_quantity"

    def lookups(self, request, model_admin):
        return [
            ("in", "In stock"),
            ("low", f"Low stock (≤ {settings.SHOP_LOW_STOCK_THRESHOLD})"),
            ("out", "Out of stock"),
        ]

    def queryset(self, request, queryset):
        field, threshold = self.stock_field, settings.SHOP_LOW_STOCK_THRESHOLD
        conditions = {
            "in": Q(**{f"{field}__gt": threshold}),
            "low": Q(**{f"{field}__gt": 0, f"{field}__lte": threshold}),
            "out": Q(**{f"{field}__lte": 0}),
        }
        return queryset.filter(conditions[self.value()]) if self.value() in conditions else queryset


class ProductStockStateFilter(StockStateFilter):
    """Stock of a product: the total of its active variants (annotated by ProductAdmin)."""

    stock_field = "stock_total"


# --- Products ----------------------------------------------------------------------------------


class VariantInline(admin.TabularInline):
    model = Variant
    form = VariantAdminForm
    fields = [
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
    extra = 0


class ProductImageInline(admin.TabularInline):
    """New rows upload through services.product_image_add (validation, JPEG re-encoding, thumbnails)."""

    model = ProductImage
    form = ProductImageAdminForm
    fields = ["preview", "upload", "alt_text", "position"]
    readonly_fields = ["preview"]
    extra = 1

    @admin.display(description="Preview")
    def preview(self, image: ProductImage):
        if not image.thumbnail_small:
            return "—"
        return format_html('<img src="{}" alt="{}" width="80">', image.thumbnail_small.url, image.alt_text)


class ProductAttributeValueInline(admin.TabularInline):
    model = ProductAttributeValue
    form = ProductAttributeValueAdminForm
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    change_list_template = "admin/shop/product/change_list.html"
    list_display = ["thumbnail", "name", "brand", "category", "price", "stock", "is_active", "rating"]
    list_display_links = ["thumbnail", "name"]
    list_filter = ["category", "brand", ProductStockStateFilter, "is_active"]
    list_select_related = ["category", "brand"]
    search_fields = ["name", "slug", "brand__name", "variants__sku"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["min_price", "in_stock", "rating_avg", "rating_count", "popularity", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "brand", "description", "is_active", "is_featured"]}),
        ("Computed (refreshed on save)", {"fields": readonly_fields, "classes": ["collapse"]}),
    ]
    inlines = [VariantInline, ProductImageInline, ProductAttributeValueInline]
    actions = ["activate", "deactivate", "change_category", "export_csv"]

    def get_queryset(self, request):
        first_image = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "id")
        active_stock = (
            Variant.objects.filter(product=OuterRef("pk"), is_active=True)
            .order_by()
            .values("product")
            .annotate(total=Sum("stock_quantity"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                thumbnail_name=Subquery(first_image.values("thumbnail_small")[:1]),
                stock_total=Coalesce(Subquery(active_stock), 0),
            )
        )

    @admin.display(description="Image")
    def thumbnail(self, product: Product):
        if not getattr(product, "thumbnail_name", None):
            return "—"
        return format_html(
            '<img src="{}" alt="" width="48" height="48" style="object-fit:cover">',
            ProductImage.thumbnail_small.field.storage.url(product.thumbnail_name),
        )

    @admin.display(description="From", ordering="min_price")
    def price(self, product: Product) -> str:
        return _money(product.min_price)

    @admin.display(description="Stock", ordering="stock_total")
    def stock(self, product: Product):
        url = reverse("admin:shop_variant_changelist") + f"?product__id__exact={product.pk}"
        return format_html('<a href="{}">{} ({})</a>', url, _stock_state(product.stock_total), product.stock_total)

    @admin.display(description="Rating", ordering="rating_avg")
    def rating(self, product: Product) -> str:
        return f"{product.rating_avg} ({product.rating_count})" if product.rating_count else "—"

    def save_model(self, request, obj, form, change):
        services.product_save(product=obj, changed=form.changed_data)

    def save_formset(self, request, form, formset, change):
        if formset.model is ProductImage:
            self._save_images(formset)
        elif formset.model is Variant:
            old_prices = [
                (variant_form.instance, variant_form.initial["price"])
                for variant_form in formset.initial_forms
                if "price" in variant_form.changed_data and variant_form not in formset.deleted_forms
            ]
            super().save_formset(request, form, formset, change)
            services.variant_price_changes_record(changes=old_prices, reason="Edited in admin", changed_by=request.user)
        else:
            super().save_formset(request, form, formset, change)

    @staticmethod
    def _save_images(formset) -> None:
        formset.save(commit=False)
        for image in formset.deleted_objects:
            image.delete()
        for image, _ in formset.changed_objects:
            image.save()
        for image_form in formset.extra_forms:
            if image_form.has_changed() and image_form not in formset.deleted_forms:
                data = image_form.cleaned_data
                services.product_image_add(
                    product=formset.instance,
                    image_file=data["upload"],
                    alt_text=data["alt_text"],
                    position=data["position"] if "position" in image_form.changed_data else None,
                )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.product_denormalised_refresh(product_ids=[form.instance.pk])

    @admin.action(description="Activate selected products", permissions=["change"])
    def activate(self, request, queryset):
        changed = services.product_active_set(product_ids=queryset.values_list("pk", flat=True), is_active=True)
        self.message_user(request, f"Activated {changed} product(s).", messages.SUCCESS)

    @admin.action(description="Deactivate selected products", permissions=["change"])
    def deactivate(self, request, queryset):
        changed = services.product_active_set(product_ids=queryset.values_list("pk", flat=True), is_active=False)
        self.message_user(request, f"Deactivated {changed} product(s).", messages.SUCCESS)

    @admin.action(description="Move selected products to another category", permissions=["change"])
    def change_category(self, request, queryset):
        """First call shows a category picker; its submit ("apply") calls the action again."""
        form = ProductCategoryChangeAdminForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            category = form.cleaned_data["category"]
            changed = services.product_category_set(
                product_ids=queryset.values_list("pk", flat=True), category=category
            )
            self.message_user(request, f"Moved {changed} product(s) to {category.path}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Move products to another category",
            "opts": self.model._meta,
            "form": form,
            "products": queryset.select_related(None).only("pk", "name"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/shop/product/change_category.html", context)

    @admin.action(description="Export selected products as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="catalog.csv"'
        catalog_csv_export(out=response, product_ids=queryset.values_list("pk", flat=True))
        return response

    def get_urls(self):
        import_view = self.admin_site.admin_view(self.import_csv_view)
        return [path("import-csv/", import_view, name="shop_product_import_csv"), *super().get_urls()]

    def import_csv_view(self, request):
        """Upload a catalog CSV; shows every row error, or the summary (dry run) / redirects (import)."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        posted = request.method == "POST"
        form = CatalogCsvImportAdminForm(request.POST if posted else None, request.FILES if posted else None)
        summary, error, errors = None, None, []
        if posted and form.is_valid():
            try:
                summary = catalog_csv_import(file=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"])
            except ApplicationError as exc:
                error, errors = exc.message, exc.details.get("errors", [])
            else:
                if not summary.dry_run:
                    self.message_user(request, f"Catalog imported. {summary}", messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:shop_product_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import products from CSV",
            "opts": self.model._meta,
            "form": form,
            "summary": summary,
            "error": error,
            "errors": errors[:MAX_ERRORS_SHOWN],
            "errors_hidden": max(len(errors) - MAX_ERRORS_SHOWN, 0),
            "columns": CATALOG_CSV_COLUMNS,
            "max_megabytes": MAX_CSV_BYTES // (1024 * 1024),
        }
        return TemplateResponse(request, "admin/shop/product/import_csv.html", context)


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    """The stock list: SKUs sorted lowest stock first, stock editable in place."""

    form = VariantAdminForm
    list_display = ["sku", "product", "name", "stock_quantity", "stock_state", "price_display", "is_active"]
    list_editable = ["stock_quantity"]
    list_filter = [StockStateFilter, "is_active", "product__category"]
    list_select_related = ["product"]
    search_fields = ["sku", "product__name", "product__slug"]
    ordering = ["stock_quantity", "sku"]
    raw_id_fields = ["product"]

    @admin.display(description="State")
    def stock_state(self, variant: Variant) -> str:
        return _stock_state(variant.stock_quantity)

    @admin.display(description="Price", ordering="price")
    def price_display(self, variant: Variant) -> str:
        return _money(variant.price)

    def save_model(self, request, obj, form, change):
        services.variant_save(
            variant=obj,
            old_price=form.initial["price"] if change and "price" in form.changed_data else None,
            old_product_id=form.initial.get("product"),
            reason="Edited in admin",
            changed_by=request.user,
        )

    def delete_model(self, request, obj):
        services.variants_delete(variants=Variant.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.variants_delete(variants=queryset)


# --- Catalog structure -------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Categories in tree order (by materialised path), names indented by depth."""

    list_display = ["tree_name", "path", "product_count", "is_featured", "position"]
    list_editable = ["is_featured", "position"]
    search_fields = ["name", "path"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["parent", "name", "slug", "path", "description", "is_featured", "position"]
    readonly_fields = ["path"]
    # "/" sorts after "-" in most collations, which would put "home-garden" inside "home/…";
    # a space sorts before every slug character in the "C" collation, which keeps children under parents.
    ordering = [Collate(Replace("path", Value("/"), Value(" ")), "C")]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description="Name")
    def tree_name(self, category: Category) -> str:
        return "\u2003" * category.path.count("/") + category.name

    @admin.display(description="Products", ordering="product_total")
    def product_count(self, category: Category) -> int:
        return category.product_total

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """A category cannot move under itself or one of its descendants."""
        if db_field.name == "parent" and (object_id := request.resolver_match.kwargs.get("object_id")):
            current = Category.objects.filter(pk=object_id).first()
            if current is not None:
                kwargs["queryset"] = Category.objects.exclude(
                    Q(pk=current.pk) | Q(path__startswith=f"{current.path}/")
                ).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.category_save(category=obj, changed=form.changed_data)

    def delete_model(self, request, obj):
        services.catalogue_names_delete(rows=Category.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.catalogue_names_delete(rows=queryset)


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "product_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description="Products", ordering="product_total")
    def product_count(self, brand: Brand) -> int:
        return brand.product_total

    def save_model(self, request, obj, form, change):
        services.brand_save(brand=obj, changed=form.changed_data)

    def delete_model(self, request, obj):
        services.catalogue_names_delete(rows=Brand.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.catalogue_names_delete(rows=queryset)


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "value_type", "unit"]
    list_filter = ["value_type"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


# --- Reviews, price history, orders ------------------------------------------------------------


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Moderation: publishing or hiding goes through services.review_status_set (refreshes ratings)."""

    list_display = ["title", "product", "rating", "status", "author_name", "helpful_count", "created_at"]
    list_display += ["sentiment__label", "sentiment__confidence"]  # sentiment app (ReviewSentiment)
    list_filter = ["status", "rating", "sentiment__label"]
    list_select_related = ["product", "sentiment"]
    search_fields = ["title", "body", "author_name", "product__name"]
    raw_id_fields = ["product", "user"]
    # Votes are counted by services.review_vote_helpful; edits by authors stamp updated_at.
    readonly_fields = ["helpful_count", "updated_at"]
    date_hierarchy = "created_at"
    actions = ["publish", "hide"]

    @admin.action(description="Publish selected reviews", permissions=["change"])
    def publish(self, request, queryset):
        changed = services.review_status_set(
            review_ids=queryset.values_list("pk", flat=True), status=Review.Status.PUBLISHED
        )
        self.message_user(request, f"Published {changed} review(s).", messages.SUCCESS)

    @admin.action(description="Hide selected reviews", permissions=["change"])
    def hide(self, request, queryset):
        changed = services.review_status_set(
            review_ids=queryset.values_list("pk", flat=True), status=Review.Status.HIDDEN
        )
        self.message_user(request, f"Hid {changed} review(s).", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        services.review_save(review=obj, old_product_id=form.initial.get("product"))

    def delete_model(self, request, obj):
        services.reviews_delete(reviews=Review.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.reviews_delete(reviews=queryset)


@admin.register(WishlistItem)
class WishlistItemAdmin(admin.ModelAdmin):
    """Customers' wishlists, read-only: what shoppers save is theirs to change, staff only look."""

    list_display = ["product", "user", "was_in_stock", "created_at"]
    list_filter = ["was_in_stock"]
    list_select_related = ["product", "user"]
    search_fields = ["product__name", "user__username", "user__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PriceChange)
class PriceChangeAdmin(admin.ModelAdmin):
    """Price history is an audit trail: visible to staff, never edited by hand."""

    list_display = ["changed_at", "variant_sku", "product", "old_price", "new_price", "reason", "changed_by"]
    list_select_related = ["variant__product", "changed_by"]
    search_fields = ["variant__sku", "variant__product__name", "reason"]
    date_hierarchy = "changed_at"

    @admin.display(description="SKU", ordering="variant__sku")
    def variant_sku(self, change: PriceChange) -> str:
        return change.variant.sku

    @admin.display(description="Product")
    def product(self, change: PriceChange) -> str:
        return change.variant.product.name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
