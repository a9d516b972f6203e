from django.urls import path

from reform import views

app_name = "reform"

urlpatterns = [
    path("", views.set_list, name="list"),
    path("<int:pk>/", views.set_detail, name="set"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
]
