"""/api/me/ and /api/tokens/: the user themself. Any logged-in account may use them,
with a role or not (an account without a role sees that it has none)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from annotator.api.serializers import MeSerializer, NewTokenSerializer, TokenStatusSerializer
from annotator.selectors.progress import progress
from annotator.services.tokens import issue_token, revoke_token, token_status
from core.api import throttling
from core.api.filters import reject_unknown_params
from core.api.schema import errors
from core.auth.roles import EDITORS, REVIEWERS, has_role, is_editor


def roles_of(user: AbstractBaseUser) -> list[str]:
    """The user's roles as the API names them: reviewer, editor (teachers too), admin."""
    groups = set(user.groups.values_list("name", flat=True))
    roles = [
        name for group, name in ((REVIEWERS, "reviewer"), (EDITORS, "editor")) if group in groups
    ]
    return [*roles, "admin"] if user.is_superuser else roles


@extend_schema(
    operation_id="me_retrieve",
    summary="Who I am, my roles, and my progress per article",
    responses={200: MeSerializer, **errors()},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
@throttle_classes(throttling.DEFAULT)
def me(request: Request) -> Response:
    reject_unknown_params(request, ())
    user = request.user
    return Response(
        MeSerializer(
            {
                "id": user.pk,
                "username": user.get_username(),
                "roles": roles_of(user),
                "sees_all_tags": is_editor(user),
                "progress": progress(user) if has_role(user) else [],
            }
        ).data
    )


@extend_schema(
    methods=["GET"],
    operation_id="tokens_retrieve",
    summary="Whether I have an API token, when it was made and expires (never its key)",
    responses={200: TokenStatusSerializer, **errors()},
)
@extend_schema(
    methods=["POST"],
    operation_id="tokens_create",
    summary="Create my API token, replacing any old one; the key is shown this once",
    request=None,
    responses={201: NewTokenSerializer, **errors()},
)
@extend_schema(
    methods=["DELETE"],
    operation_id="tokens_destroy",
    summary="Revoke my API token (if I have one)",
    responses={204: None, **errors()},
)
@api_view(["GET", "POST", "DELETE"])
@permission_classes([IsAuthenticated])
@throttle_classes(throttling.WRITES)
def tokens(request: Request) -> Response:
    reject_unknown_params(request, ())
    if request.method == "POST":
        token = issue_token(user=request.user)
        return Response(
            NewTokenSerializer(
                {"key": token.key, "created": token.created, "expires": token.expires}
            ).data,
            status=status.HTTP_201_CREATED,
        )
    if request.method == "DELETE":
        revoke_token(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
    current = token_status(request.user)
    return Response(
        TokenStatusSerializer(
            {
                "exists": current is not None,
                "created": current.created if current else None,
                "expires": current.expires if current else None,
            }
        ).data
    )
