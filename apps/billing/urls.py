from django.urls import path

from apps.billing import views

app_name = "billing"

# Park domain (/billing/): the park's billing.
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("settings/", views.settings_view, name="settings"),
    path("price-lists/", views.price_list_list_view, name="price_lists"),
    path("price-lists/new/", views.price_list_create_view, name="price_list_create"),
    path("price-lists/<int:pk>/", views.price_list_detail_view, name="price_list"),
    path("price-lists/<int:pk>/delete/", views.price_list_delete_view, name="price_list_delete"),
    path("plans/", views.plan_list_view, name="plans"),
    path("plans/<int:pk>/", views.plan_edit_view, name="plan"),
    path("plans/assign/", views.plan_assign_view, name="plan_assign"),
    path("runs/", views.run_list_view, name="runs"),
    path("runs/<int:pk>/", views.run_detail_view, name="run"),
    path("runs/issue/", views.issue_period_view, name="issue_period"),
    path("bills/", views.bill_list_view, name="bills"),
    path("bills/<int:pk>/", views.bill_detail_view, name="bill_detail"),
    path("bills/<int:pk>/regenerate/", views.bill_regenerate_view, name="bill_regenerate"),
    path("bills/<int:pk>/issue/", views.bill_issue_view, name="bill_issue"),
    path("bills/<int:pk>/credit/", views.bill_credit_view, name="bill_credit"),
    path("bills/<int:pk>/pdf/", views.bill_pdf_view, name="bill_pdf"),
    path("payments/", views.payment_list_view, name="payments"),
    path("receivables/", views.receivables_view, name="receivables"),
    path("invoices/", views.invoice_list_view, name="invoices"),
    path("invoices/<int:pk>/", views.invoice_detail_view, name="invoice"),
    path("invoices/<int:pk>/file/", views.invoice_file_view, name="invoice_file"),
    path("enterprises/", views.enterprise_list_view, name="enterprises"),
    path("enterprises/<int:pk>/", views.enterprise_view, name="enterprise"),
    path("charges/<int:pk>/delete/", views.manual_charge_delete_view, name="manual_charge_delete"),
]

# Enterprise domain (<code>.<park domain>/billing/): the enterprise's own billing.
enterprise_urlpatterns = [
    path("", views.enterprise_home_view, name="home"),
    path("bills/<int:pk>/", views.enterprise_bill_detail_view, name="bill_detail"),
    path("bills/<int:pk>/pdf/", views.enterprise_bill_pdf_view, name="bill_pdf"),
    path("invoices/new/", views.invoice_request_view, name="invoice_request"),
    path("invoices/<int:pk>/file/", views.enterprise_invoice_file_view, name="invoice_file"),
]
