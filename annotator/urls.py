"""The annotator's pages: the article list, the workspace, accounts, import and export."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from annotator import views
from annotator.views import account, imports, passwords
from annotator.views import export as export_views
from core.auth.forms import LoginForm

urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("articles/<int:pk>/outlets/", views.article_outlets, name="article-outlets"),
    path(
        "articles/<int:pk>/create-origin/",
        views.article_create_origin,
        name="article-create-origin",
    ),
    path("guidelines/", views.guidelines, name="guidelines"),
    path("sentences/<int:pk>/", views.sentence_detail, name="sentence-detail"),
    path("sentences/<int:pk>/tag/", views.sentence_tag, name="sentence-tag"),
    path("sentences/<int:pk>/undo/", views.sentence_undo, name="sentence-undo"),
    path("sentences/<int:pk>/section/", views.sentence_section, name="sentence-section"),
    path("tags/<int:pk>/delete/", views.tag_delete, name="tag-delete"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Passwords: Django's own views (annotator/views/passwords.py), under Django's names.
    path("accounts/password/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/reset/",
        passwords.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        passwords.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/", account.account, name="account"),
    path("export/", export_views.export_page, name="export"),
    path("import/", imports.import_page, name="import"),
    path("import/<uuid:job_id>/", imports.import_job, name="import-job"),
]
