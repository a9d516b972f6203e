from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def set_list(request):
    return HttpResponse("")


@login_required
def set_detail(request, pk):
    return HttpResponse("")


@login_required
def assessment_detail(request, pk):
    return HttpResponse("")
