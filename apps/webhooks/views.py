"""Webhook pages, the same on both domains: the park's administrators manage the park's
subscriptions (park-wide events) on the park domain, an enterprise's administrators its own on
its domain. Another subscriber's subscription or delivery is a 404. Views call services and
selectors only."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.tenants.selectors import current_enterprise
from apps.webhooks import forms, selectors, services
from apps.webhooks.permissions import owner_for


def subscriber(view):
    """The subscriber this user manages on this domain, else 403 (anonymous: the login page)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        owner = owner_for(request.user, current_enterprise())
        if owner is None:
            raise PermissionDenied
        return view(request, owner, *args, **kwargs)

    return wrapped


def _subscription(owner, pk):
    subscription = selectors.subscription_get(owner=owner, pk=pk)
    if subscription is None:
        raise Http404
    return subscription


@subscriber
def subscription_list_view(request, owner):
    form = forms.SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.subscription_create(owner=owner, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("已订阅，签名密钥见订阅详情"))
            return redirect("webhooks:subscription", pk=subscription.pk)
    park_domain = current_enterprise() is None
    context = {
        "subscriptions": selectors.subscription_list(owner=owner),
        "form": form,
        "settings_form": forms.SettingsForm(
            initial={"allow_internal_targets": selectors.webhook_settings_get().allow_internal_targets}
        )
        if park_domain
        else None,
        "park_domain": park_domain,
    }
    return render(request, "webhooks/subscription_list.html", context)


@require_POST
@subscriber
def settings_view(request, owner):
    if not owner.is_park_operator:
        raise Http404
    form = forms.SettingsForm(request.POST)
    if form.is_valid():
        services.webhook_settings_update(actor=request.user, **form.cleaned_data)
        messages.success(request, _("事件订阅设置已保存"))
    return redirect("webhooks:subscriptions")


@subscriber
def subscription_view(request, owner, pk):
    subscription = _subscription(owner, pk)
    initial = {"url": subscription.url, "description": subscription.description, "kinds": subscription.kinds}
    form = forms.SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(subscription=subscription, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("订阅已保存"))
            return redirect("webhooks:subscription", pk=subscription.pk)
    page = Paginator(selectors.delivery_list(owner=owner, subscription=subscription), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "webhooks/subscription_detail.html",
        {"subscription": subscription, "form": form, "page": page},
    )


@require_POST
@subscriber
def subscription_action_view(request, owner, pk, action):
    subscription = _subscription(owner, pk)
    if action == "resume":
        services.subscription_resume(subscription=subscription, actor=request.user)
        messages.success(request, _("已恢复投递"))
    elif action == "rotate":
        services.subscription_rotate_secret(subscription=subscription, actor=request.user)
        messages.success(request, _("已更换签名密钥，请同步更新接收方"))
    elif action in ("enable", "disable"):
        services.subscription_update(
            subscription=subscription, actor=request.user, is_active=action == "enable"
        )
        messages.success(
            request, _("订阅已启用") if action == "enable" else _("订阅已停用，停用期间的事件不会投递")
        )
    elif action == "delete":
        services.subscription_delete(subscription=subscription, actor=request.user)
        messages.success(request, _("订阅已删除"))
        return redirect("webhooks:subscriptions")
    else:
        raise Http404
    return redirect("webhooks:subscription", pk=subscription.pk)


@subscriber
def delivery_view(request, owner, pk):
    delivery = selectors.delivery_get(owner=owner, pk=pk)
    if delivery is None:
        raise Http404
    if request.method == "POST":
        services.delivery_redeliver(delivery=delivery, actor=request.user)
        messages.success(request, _("已重新排队投递（投递 ID 不变）"))
        return redirect("webhooks:delivery", pk=delivery.pk)
    return render(request, "webhooks/delivery_detail.html", {"delivery": delivery})
