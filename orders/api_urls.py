"""Routes of the orders API, mounted at /api/v1/: own orders under orders/, staff under staff/orders/."""

from rest_framework.routers import SimpleRouter

from orders import api

router = SimpleRouter()
router.register("orders", api.OrderViewSet, basename="order")
router.register("staff/orders", api.StaffOrderViewSet, basename="staff-order")

urlpatterns = router.urls
