"""Sentiment API: a product's sentiment summary and aspects (public), and scoring any text (staff)."""

from django.shortcuts import get_object_or_404
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from sentiment import api_docs, inference, selectors
from sentiment.serializers import ProductSentimentSerializer, ScoreRequestSerializer
from shop.models import Product


class ProductSentimentView(APIView):
    permission_classes = [permissions.AllowAny]

    @api_docs.product_sentiment_get
    def get(self, request, pk: int):
        product = get_object_or_404(Product.objects.filter(is_active=True), pk=pk)
        summary = selectors.product_sentiment_get(product=product) or selectors.product_sentiment_empty(product=product)
        return Response(ProductSentimentSerializer(summary).data)


class ScoreView(APIView):
    permission_classes = [permissions.IsAdminUser]

    @api_docs.score_post
    def post(self, request):
        serializer = ScoreRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(inference.text_score(text=serializer.validated_data["text"]))
