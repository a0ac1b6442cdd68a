"""GET /api/v1/ptw/health/ — filled in by the escalation engine (job run freshness)."""
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class HealthView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"detail": "not implemented yet"}, status=501)
