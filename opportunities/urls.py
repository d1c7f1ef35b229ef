from django.urls import path

from opportunities.views import deals, funnel, targets

urlpatterns = [
    path("", deals.opportunity_list, name="opportunity_list"),
    path("board/", deals.opportunity_board, name="opportunity_board"),
    path("funnel/", funnel.funnel_dashboard, name="funnel_dashboard"),
    path("new/", deals.opportunity_create, name="opportunity_create"),
    path("review/<str:username>/", funnel.business_review, name="business_review"),
    path("targets/", targets.target_list, name="target_list"),
    path("targets/new/", targets.target_create, name="target_create"),
    path("targets/<int:pk>/adjust/", targets.target_adjust, name="target_adjust"),
    path("targets/adjustments/<int:pk>/decide/", targets.target_decide, name="target_decide"),
    path("<int:pk>/", deals.opportunity_detail, name="opportunity_detail"),
    path("<int:pk>/edit/", deals.opportunity_edit, name="opportunity_edit"),
    path("<int:pk>/move/", deals.opportunity_move, name="opportunity_move"),
    path("<int:pk>/checklist/", deals.opportunity_checklist, name="opportunity_checklist"),
    path("<int:pk>/lose/", deals.opportunity_lose, name="opportunity_lose"),
    path("<int:pk>/reopen/", deals.opportunity_reopen, name="opportunity_reopen"),
    path("<int:pk>/contacts/", deals.deal_contact_add, name="deal_contact_add"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/remove/",
        deals.deal_contact_remove,
        name="deal_contact_remove",
    ),
]
