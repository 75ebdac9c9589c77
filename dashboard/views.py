"""The reports' page: the form, then per chart a canvas and the table it draws; `?format=csv` downloads it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse

from dashboard import reports


def report_view(request, slug: str, *, site):
    report = reports.REPORTS.get(slug)
    if report is None:
        raise Http404("No such report.")
    if not request.user.has_perm(report.permission):
        raise PermissionDenied
    form = report.form_class.from_query(request.GET)
    table = report.build(form) if form.is_valid() else None
    if table is not None and request.GET.get("format") == "csv":
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        response = HttpResponse(table.csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slug}-{start}-{end}.csv"'
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    context = {
        **site.each_context(request),
        "title": report.title,
        "report": report,
        "reports": reports.reports_for(request.user),
        "form": form,
        "table": table,
        "charts": [
            {"id": f"chart-data-{n}", "config": config} for n, config in enumerate(table.charts if table else [])
        ],
        "rows_shown": reports.HTML_ROWS,
        "csv_query": query.urlencode(),
    }
    return TemplateResponse(request, "admin/dashboard/report.html", context, status=200 if form.is_valid() else 400)
