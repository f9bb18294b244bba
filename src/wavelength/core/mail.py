"""E-mail copies of notifications, in the recipient's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from .models import Notification


def send_notification_email(notification: Notification) -> None:
    user = notification.recipient
    link = f"{settings.SITE_URL.rstrip('/')}{notification.url}" if notification.url else ""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        body = render_to_string(
            "core/notification_email.txt",
            {"notification": notification, "link": link, "site": settings.SITE_URL},
        )
    send_mail(
        subject=notification.title,
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
