"""Routes of the staff ML API, mounted at /api/v1/ml/ (namespace `ml-api`)."""

from rest_framework.routers import DefaultRouter

from ml import api

app_name = "ml-api"

router = DefaultRouter()
router.register("runs", api.TrainingRunViewSet, basename="run")
router.register("versions", api.ModelVersionViewSet, basename="version")
router.register("models", api.RegisteredModelViewSet, basename="model")

urlpatterns = router.urls
