"""The read-only public API: serializers, viewsets and the router mounted at /api/."""
