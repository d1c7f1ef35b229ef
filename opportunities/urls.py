from django.urls import path

from opportunities import views

urlpatterns = [
    path("", views.opportunity_list, name="opportunity_list"),
    path("board/", views.opportunity_board, name="opportunity_board"),
    path("funnel/", views.funnel_dashboard, name="funnel_dashboard"),
    path("new/", views.opportunity_create, name="opportunity_create"),
    path("review/<str:username>/", views.business_review, name="business_review"),
    path("targets/", views.target_list, name="target_list"),
    path("targets/new/", views.target_create, name="target_create"),
    path("targets/<int:pk>/adjust/", views.target_adjust, name="target_adjust"),
    path("targets/adjustments/<int:pk>/decide/", views.target_decide, name="target_decide"),
    path("<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("<int:pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("<int:pk>/move/", views.opportunity_move, name="opportunity_move"),
    path("<int:pk>/checklist/", views.opportunity_checklist, name="opportunity_checklist"),
    path("<int:pk>/lose/", views.opportunity_lose, name="opportunity_lose"),
    path("<int:pk>/reopen/", views.opportunity_reopen, name="opportunity_reopen"),
    path("<int:pk>/contacts/", views.deal_contact_add, name="deal_contact_add"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/remove/",
        views.deal_contact_remove,
        name="deal_contact_remove",
    ),
]
