from django.urls import path

from customers import followup_views

urlpatterns = [
    path("due/", followup_views.followup_due, name="followup_due"),
    path("compliance/", followup_views.followup_compliance, name="followup_compliance"),
    path("<int:pk>/done/", followup_views.followup_done, name="followup_done"),
]
