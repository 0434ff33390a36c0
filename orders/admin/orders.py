from decimal import Decimal, InvalidOperation

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline
from gatimitra.enums import OrderStatus
from orders.admin import actions as order_actions
from orders.admin.base import DetailInline, ReadOnlyInline
from orders.admin.parts import part_tables
from orders.models import (
    Order,
    OrderCharge,
    OrderFoodDetails,
    OrderItem,
    OrderItemAddon,
    OrderParcelDetails,
    OrderPayment,
    OrderQuote,
    OrderRefund,
    OrderRideDetails,
    OrderRiderAssignment,
    OrderStop,
    OrderTimeline,
)
from orders.models.assignments import ACTIVE_ASSIGNMENT_STATUSES


class OrderFoodDetailsInline(DetailInline):
    """The kitchen is the order's store (``OrderAdmin.save_formset``)."""

    model = OrderFoodDetails
    exclude = ("store",)


class OrderParcelDetailsInline(DetailInline):
    model = OrderParcelDetails


class OrderRideDetailsInline(DetailInline):
    model = OrderRideDetails


class OrderItemInline(GatimitraTabularInline):
    model = OrderItem
    fields = (
        "menu_item",
        "name",
        "variant_name",
        "food_type",
        "quantity",
        "unit_price",
        "packaging_charge",
    )


class OrderStopInline(GatimitraTabularInline):
    model = OrderStop
    fields = (
        "sequence",
        "stop_type",
        "store",
        "address",
        "address_line",
        "pin_code",
        "latitude",
        "longitude",
    )


class OrderChargeInline(GatimitraTabularInline):
    model = OrderCharge
    fields = ("charge_type", "direction", "amount", "payer", "beneficiary", "description")


class OrderPaymentInline(ReadOnlyInline):
    model = OrderPayment
    fields = ("method", "gateway", "amount", "status", "captured_at", "failure_reason")


class OrderRefundInline(ReadOnlyInline):
    model = OrderRefund
    fk_name = "order"
    fields = ("payment", "amount", "status", "destination", "reason_code", "processed_at")


class OrderRiderAssignmentInline(ReadOnlyInline):
    """Each rider links to the rider's page in the riders admin."""

    model = OrderRiderAssignment
    fields = (
        "rider",
        "vehicle",
        "status",
        "batch_ref",
        "assigned_at",
        "accepted_at",
        "picked_up_at",
        "dropped_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("rider", "vehicle")


class OrderTimelineInline(ReadOnlyInline):
    model = OrderTimeline
    fields = ("created_at", "event", "from_status", "status", "actor_type", "actor_user", "note")
    ordering = ("id",)


def admin_link(obj, label=None):
    """A link to ``obj``'s change page in its own domain's admin."""
    if obj is None:
        return "-"
    opts = obj._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return str(obj)
    return format_html('<a href="{}">{}</a>', url, label or obj)


@admin.register(Order)
class OrderAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    """An order with everything that hangs off it, and links to its
    customer, store and rider in their own domains.

    The money columns are read-only: they are recomputed from the charges
    after the inlines are saved, and the database checks them at commit.
    The status is never typed in: it changes through the domain's actions
    (cancel, refund, reassign: ``orders/admin/actions.py``), buttons on the
    page and actions on the list. A settled order (delivered, completed,
    cancelled, returned) is shown read-only.

    An order in flight keeps editable only what staff may still correct by
    hand (``EDITABLE_IN_FLIGHT``); what hangs off it is history, shown as
    compact read-only tables (``orders/admin/parts.py``), not inline forms.
    The add page keeps the inline forms, so an order can be entered whole."""

    city_scope_field = "city"

    list_display = (
        "order_number",
        "service_type",
        "status",
        "customer",
        "merchant_store",
        "city",
        "zone",
        "payment_method",
        "total",
        "placed_at",
    )
    list_filter = ("service_type", "status", "payment_method", "channel")
    search_fields = ("=order_number", "=id")
    ordering = ("-id",)
    autocomplete_fields = (
        "city",
        "zone",
        "customer",
        "merchant_store",
        "drop_address",
        "business_profile",
    )
    readonly_fields = (
        "subtotal",
        "fees",
        "tax",
        "discount",
        "total",
        "customer_page",
        "store_page",
        "rider_page",
    )
    fieldsets = (
        (None, {"fields": ("order_number", "service_type", "status", "channel")}),
        (
            "Customer and store",
            {"fields": ("customer", "merchant_store", "drop_address", "business_profile")},
        ),
        ("In their domains", {"fields": ("customer_page", "store_page", "rider_page")}),
        ("Where", {"fields": ("city", "zone", "distance_m")}),
        ("When", {"fields": ("placed_at", "scheduled_for", "promised_by", "completed_at")}),
        ("Cancellation", {"fields": ("cancelled_at",)}),
        ("Bill", {"fields": ("payment_method", "subtotal", "fees", "tax", "discount", "total")}),
        ("Notes", {"fields": ("customer_note",)}),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )
    actions = ["cancel_selected"]
    inlines = [
        OrderFoodDetailsInline,
        OrderParcelDetailsInline,
        OrderRideDetailsInline,
        OrderItemInline,
        OrderStopInline,
        OrderChargeInline,
        OrderPaymentInline,
        OrderRefundInline,
        OrderRiderAssignmentInline,
        OrderTimelineInline,
    ]

    #: What staff may still correct on an order in flight: the store (the
    #: kitchen follows it), the zone, the business profile billed, when it is
    #: due and the customer's note. The rest is fixed when the order is placed
    #: (number, service, channel, customer, city, drop address, payment
    #: method, distance: the stops and the bill were made from them), moved
    #: only by the domain's flows (the status and its times) or computed (the
    #: bill, from the charges).
    EDITABLE_IN_FLIGHT = (
        "merchant_store",
        "zone",
        "business_profile",
        "scheduled_for",
        "promised_by",
        "customer_note",
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk is not None:
            readonly += [
                name
                for name in flatten_fieldsets(self.fieldsets)
                if name not in self.EDITABLE_IN_FLIGHT and name not in readonly
            ]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_terminal:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_terminal:
            return False
        return super().has_delete_permission(request, obj)

    def may_act_on(self, request, obj):
        """Whether the user may take the order's actions: change permission
        on orders in the order's city, whatever its status."""
        return super().has_change_permission(request) and self._in_scope(request, obj, "change")

    # The domain's actions --------------------------------------------------

    ORDER_ACTIONS = {
        "cancel": "Cancel the order",
        "refund": "Refund",
        "reassign": "Reassign the rider",
    }

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/<str:action>/act/",
                self.admin_site.admin_view(self.order_action_view),
                name=f"{opts.app_label}_{opts.model_name}_act",
            ),
            *super().get_urls(),
        ]

    def available_actions(self, request, order):
        if not self.may_act_on(request, order):
            return []
        found = []
        if order_actions.can_cancel(order):
            found.append("cancel")
        if order.status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED):
            found.append("refund")
        if order_actions.can_reassign(order):
            found.append("reassign")
        return found

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        buttons = []
        if order is not None:
            buttons = [
                {
                    "title": self.ORDER_ACTIONS[action],
                    "url": reverse("admin:orders_order_act", args=[order.pk, action]),
                }
                for action in self.available_actions(request, order)
            ]
        extra_context = {
            **(extra_context or {}),
            "order_actions": buttons,
            "order_parts": part_tables(request, self.admin_site, order) if order else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def order_action_view(self, request, object_id, action):
        """A confirmation page for one action (reason, and the amount of a
        refund); on POST, the action through ``orders/admin/actions.py``."""
        order = get_object_or_404(self.get_queryset(request), pk=object_id)
        if action not in self.ORDER_ACTIONS:
            raise PermissionDenied
        if action not in self.available_actions(request, order):
            raise PermissionDenied
        change_url = reverse("admin:orders_order_change", args=[order.pk])
        error = None
        if request.method == "POST":
            reason = request.POST.get("reason", "").strip()
            try:
                if not reason:
                    raise order_actions.ActionRefused("Say why (the reason is recorded).")
                if action == "cancel":
                    order_actions.cancel_order(order, user=request.user, reason=reason)
                elif action == "refund":
                    order_actions.refund_order(
                        order, user=request.user, amount=_amount(request), reason=reason
                    )
                else:
                    order_actions.reassign_order(order, user=request.user, reason=reason)
            except order_actions.ActionRefused as refused:
                error = str(refused)
            else:
                self.message_user(
                    request, f"{self.ORDER_ACTIONS[action]}: done for {order.order_number}."
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{self.ORDER_ACTIONS[action]}: {order.order_number}",
            "opts": self.model._meta,
            "original": order,
            "action": action,
            "error": error,
            "change_url": change_url,
            "asks_amount": action == "refund",
        }
        return TemplateResponse(request, "admin/orders/order/action.html", context)

    @admin.action(description="Cancel the selected orders", permissions=["change"])
    def cancel_selected(self, request, queryset):
        done, refused = 0, []
        for order in queryset:
            if not self.may_act_on(request, order):
                refused.append(order.order_number)
                continue
            try:
                order_actions.cancel_order(order, user=request.user, reason="bulk cancel")
                done += 1
            except order_actions.ActionRefused:
                refused.append(order.order_number)
        if done:
            self.message_user(request, f"Cancelled {done} order(s).")
        if refused:
            self.message_user(
                request,
                f"Not cancelled (settled or outside your cities): {', '.join(refused)}",
                messages.WARNING,
            )

    def get_inline_instances(self, request, obj=None):
        if obj is not None:
            return []  # its parts are history: read-only tables (``change_view``)
        return super().get_inline_instances(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is OrderFoodDetails:
            for detail in formset.save(commit=False):
                detail.store_id = form.instance.merchant_store_id
                detail.save()
            formset.save_m2m()
            return
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        order = form.instance
        # The kitchen follows a changed store (the composite FK checks at commit).
        OrderFoodDetails.objects.filter(order=order).exclude(
            store_id=order.merchant_store_id
        ).update(store_id=order.merchant_store_id)
        order.apply_charge_totals()

    @admin.display(description="customer")
    def customer_page(self, obj):
        return admin_link(obj.customer if obj and obj.customer_id else None)

    @admin.display(description="store")
    def store_page(self, obj):
        return admin_link(obj.merchant_store if obj and obj.merchant_store_id else None)

    @admin.display(description="rider")
    def rider_page(self, obj):
        """The rider holding the order, else the last one who accepted it."""
        if obj is None or obj.pk is None:
            return "-"
        assignments = obj.rider_assignments.select_related("rider").order_by("-id")
        assignment = (
            assignments.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES).first()
            or assignments.filter(accepted_at__isnull=False).first()
        )
        return admin_link(assignment.rider if assignment else None)


def _amount(request):
    try:
        amount = Decimal(request.POST.get("amount", ""))
    except InvalidOperation:
        raise order_actions.ActionRefused("The amount is a number of rupees.") from None
    if amount <= 0:
        raise order_actions.ActionRefused("The amount is more than zero.")
    return amount


@admin.register(OrderFoodDetails)
class OrderFoodDetailsAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = ("order", "store", "prep_status", "kot_number", "prep_eta_minutes", "ready_at")
    ordering = ("-order",)
    autocomplete_fields = ("store",)


@admin.register(OrderParcelDetails)
class OrderParcelDetailsAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = ("order", "package_type", "weight_g", "declared_value", "is_rto")
    ordering = ("-order",)
    autocomplete_fields = ("receiver_contact",)


@admin.register(OrderRideDetails)
class OrderRideDetailsAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = (
        "order",
        "vehicle_type",
        "quoted_distance_m",
        "actual_distance_m",
        "surge_multiplier",
    )
    ordering = ("-order",)


class OrderItemAddonInline(GatimitraTabularInline):
    model = OrderItemAddon
    fields = ("addon", "name", "group_name", "quantity", "unit_price")


@admin.register(OrderItem)
class OrderItemAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = ("id", "order", "name", "food_type", "quantity", "unit_price")
    ordering = ("-id",)
    autocomplete_fields = ("menu_item",)
    inlines = [OrderItemAddonInline]


@admin.register(OrderItemAddon)
class OrderItemAddonAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order_item__order__city"

    list_display = ("id", "order_item", "name", "quantity", "unit_price")
    ordering = ("-id",)


@admin.register(OrderStop)
class OrderStopAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = (
        "id",
        "order",
        "sequence",
        "stop_type",
        "pin_code",
        "arrived_at",
        "completed_at",
    )
    ordering = ("-id",)
    autocomplete_fields = ("address", "store")


@admin.register(OrderTimeline)
class OrderTimelineAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = ("id", "order", "event", "from_status", "status", "actor_type", "created_at")
    ordering = ("-id",)


@admin.register(OrderQuote)
class OrderQuoteAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "zone__city"

    list_display = (
        "id",
        "service_type",
        "vehicle_type",
        "zone",
        "estimated_total",
        "expires_at",
        "order",
    )
    ordering = ("-id",)
    autocomplete_fields = ("customer",)
